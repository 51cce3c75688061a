// Package problem is the one list of problems every check of user input
// returns — a data file, a criteria set, a workbook, the national portal's
// answers, a form: each problem says where it is (file, line or sheet, row
// and column, item) and what is wrong, and a list with any problem means
// nothing was saved.
//
// It sits below every other package, scoring included (which package
// domain itself builds on), so that one type serves them all; domain
// re-exports it as domain.Problem and domain.ProblemList.
package problem

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is the kind of every List: input that cannot be accepted as
// it is. domain.ErrInvalid is this same value.
var ErrInvalid = errors.New("invalid")

// Problem is one thing wrong in what a user gave.
type Problem struct {
	// File names the file, when the input came in one.
	File string
	// Line is the line of a text file (CSV, YAML), 0 when the problem is
	// not on one line.
	Line int
	// Sheet, Row and Column place a problem in a workbook: the worksheet,
	// the row (1 is the first) and the column (its letter). Column alone
	// names a CSV column or a form field.
	Sheet  string
	Row    int
	Column string
	// Item is what the problem is about, when that is not a place in the
	// file, named with its kind as a reader would say it: "item 1.2" of a
	// criteria set, "question Q1", "record 7".
	Item string
	// Msg says what is wrong.
	Msg string
}

// String writes the problem on one line, its place first:
// `units.csv:3: code: is empty`, `accounts.xlsx: sheet "Tài khoản", row 4,
// column C: …`, `line 12: item 1.2: …`.
func (p Problem) String() string {
	var b strings.Builder
	switch {
	case p.File != "" && p.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", p.File, p.Line)
	case p.File != "":
		b.WriteString(p.File + ": ")
	case p.Line > 0:
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	var place []string
	if p.Sheet != "" {
		place = append(place, fmt.Sprintf("sheet %q", p.Sheet))
	}
	if p.Row > 0 {
		place = append(place, fmt.Sprintf("row %d", p.Row))
	}
	if p.Column != "" && (p.Sheet != "" || p.Row > 0) {
		place = append(place, "column "+p.Column)
	}
	if len(place) > 0 {
		b.WriteString(strings.Join(place, ", ") + ": ")
	} else if p.Column != "" {
		b.WriteString(p.Column + ": ")
	}
	if p.Item != "" {
		b.WriteString(p.Item + ": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// MaxReported caps how many problems a List's message lists; the rest are
// counted.
const MaxReported = 100

// List is every problem found in one input; nothing of it was saved. It is
// an error of kind ErrInvalid.
type List struct {
	Problems []Problem
}

// Error lists the problems one a line, at most MaxReported of them.
func (l *List) Error() string {
	lines := make([]string, 0, min(len(l.Problems), MaxReported+1))
	for i, p := range l.Problems {
		if i == MaxReported {
			more := fmt.Sprintf("… and %d more problems", len(l.Problems)-MaxReported)
			if p.File != "" {
				more = p.File + ": " + more
			}
			lines = append(lines, more)
			break
		}
		lines = append(lines, p.String())
	}
	return strings.Join(lines, "\n")
}

// Unwrap gives the list's kind, ErrInvalid.
func (l *List) Unwrap() error { return ErrInvalid }

// Add appends a problem whose message is format filled with args.
func (l *List) Add(p Problem, format string, args ...any) {
	p.Msg = fmt.Sprintf(format, args...)
	l.Problems = append(l.Problems, p)
}

// Err returns the list as an error, or nil when it holds no problem.
func (l *List) Err() error {
	if l == nil || len(l.Problems) == 0 {
		return nil
	}
	return l
}

// Lines returns every problem's String, for printing one a line.
func (l *List) Lines() []string {
	out := make([]string, len(l.Problems))
	for i, p := range l.Problems {
		out[i] = p.String()
	}
	return out
}
