// Package csvout is the one CSV writer of parindex: every CSV the system
// writes (open data, the audit log, results, survey results, exports) goes
// through it, so that contract.md's rule holds everywhere. A text cell that
// begins with =, +, -, @, a tab or a carriage return is written with a
// leading apostrophe, so that a spreadsheet never runs it as a formula (a
// comment "=HYPERLINK(…)" or a decision number "@SUM(…)" stays text);
// numeric columns are written as numbers, unescaped, so "-1.50" stays a
// number a spreadsheet can add.
//
// Downloads meant for spreadsheets start with a UTF-8 byte-order mark:
// without it Excel on Windows reads the file in the system's code page and
// garbles the diacritics. Files for machines (the command line, bom=0)
// have none.
package csvout

import (
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
)

// BOM is the UTF-8 byte-order mark.
const BOM = "\ufeff"

// Cell is one value of a row: text, or a number.
type Cell struct {
	Value string
	// Number marks a numeric cell, written as it is. A value that is not a
	// number after all is written as text, escaped: the mark never lets a
	// formula through.
	Number bool
}

// Text is a text cell.
func Text(s string) Cell { return Cell{Value: s} }

// Number is a numeric cell holding a formatted number ("-1.50", "12"), or
// "" for an empty cell.
func Number(s string) Cell { return Cell{Value: s, Number: true} }

// Texts turns strings into text cells.
func Texts(ss ...string) []Cell {
	out := make([]Cell, len(ss))
	for i, s := range ss {
		out[i] = Text(s)
	}
	return out
}

// Options say how a file is written.
type Options struct {
	// BOM starts the file with a UTF-8 byte-order mark (spreadsheets).
	BOM bool
}

// Writer writes CSV rows with the escaping rule. Errors are kept: once a
// write fails the rest are skipped, and Flush reports the first error.
type Writer struct {
	w       io.Writer
	cw      *csv.Writer
	opt     Options
	started bool
	err     error
	rec     []string
}

// NewWriter returns a writer to w.
func NewWriter(w io.Writer, opt Options) *Writer {
	return &Writer{w: w, cw: csv.NewWriter(w), opt: opt}
}

// number is what a numeric cell may hold: an optional sign, digits with an
// optional fraction, an optional exponent.
var number = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// Escape applies the rule to one text value: a leading apostrophe when it
// begins with a character a spreadsheet would take as the start of a
// formula.
func Escape(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// value is a cell as written.
func value(c Cell) string {
	if c.Number && (c.Value == "" || number.MatchString(c.Value)) {
		return c.Value
	}
	return Escape(c.Value)
}

// Header writes a row of column names (text).
func (w *Writer) Header(names ...string) error { return w.Write(Texts(names...)) }

// Write writes one row.
func (w *Writer) Write(cells []Cell) error {
	if w.err != nil {
		return w.err
	}
	if !w.started {
		w.started = true
		if w.opt.BOM {
			if _, err := io.WriteString(w.w, BOM); err != nil {
				w.err = fmt.Errorf("csv: %w", err)
				return w.err
			}
		}
	}
	w.rec = w.rec[:0]
	for _, c := range cells {
		w.rec = append(w.rec, value(c))
	}
	if err := w.cw.Write(w.rec); err != nil {
		w.err = fmt.Errorf("csv: %w", err)
	}
	return w.err
}

// Flush writes what is buffered and returns the first error of any write.
func (w *Writer) Flush() error {
	if w.err == nil && !w.started && w.opt.BOM {
		// An empty file still opens as UTF-8.
		w.started = true
		if _, err := io.WriteString(w.w, BOM); err != nil {
			w.err = fmt.Errorf("csv: %w", err)
		}
	}
	w.cw.Flush()
	if w.err == nil {
		if err := w.cw.Error(); err != nil {
			w.err = fmt.Errorf("csv: %w", err)
		}
	}
	return w.err
}
