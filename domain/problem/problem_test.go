package problem_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/parindex/parindex/domain/problem"
)

// A problem says where it is, then what is wrong, whatever kind of input
// it came from; a list is an error of kind ErrInvalid that caps its
// message.
func TestProblemPlaces(t *testing.T) {
	cases := []struct {
		p    problem.Problem
		want string
	}{
		{problem.Problem{File: "units.csv", Line: 3, Column: "code", Msg: "is empty"}, "units.csv:3: code: is empty"},
		{problem.Problem{File: "a.xlsx", Sheet: "Tài khoản", Row: 10, Column: "C (role)", Msg: "bad"}, `a.xlsx: sheet "Tài khoản", row 10, column C (role): bad`},
		{problem.Problem{Line: 12, Item: "item 1.2", Msg: "max"}, "line 12: item 1.2: max"},
		{problem.Problem{File: "x.json", Item: "record 7", Msg: "negative"}, "x.json: record 7: negative"},
		{problem.Problem{Msg: "no file"}, "no file"},
	}
	for _, c := range cases {
		if got := c.p.String(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.p, got, c.want)
		}
	}
	l := &problem.List{}
	if l.Err() != nil {
		t.Error("an empty list is an error")
	}
	for i := 0; i < problem.MaxReported+5; i++ {
		l.Add(problem.Problem{File: "f.csv", Line: i + 2}, "bad %d", i)
	}
	err := l.Err()
	if !errors.Is(err, problem.ErrInvalid) {
		t.Errorf("a list is not ErrInvalid: %v", err)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != problem.MaxReported+1 || lines[len(lines)-1] != "f.csv: … and 5 more problems" {
		t.Errorf("the message has %d lines, the last %q", len(lines), lines[len(lines)-1])
	}
}
