package domain

import (
	"fmt"
	"strings"
	"time"

	"github.com/parindex/parindex/scoring"
)

// LineageRecord is a stored lineage link with who last changed it and
// when.
type LineageRecord struct {
	scoring.Link
	Author    string
	UpdatedAt time.Time
}

// LineageChange is one entry of the append-only log of changes to the
// lineage.
type LineageChange struct {
	Key                  scoring.LinkKey
	Action               string           // add, update or delete
	OldWeight, NewWeight *scoring.Decimal // nil: equal weights (or none, for a deletion)
	Author, Source       string
	At                   time.Time
}

// LineageError lists what is wrong with a change to the lineage: each
// problem with the link it is about. A problem's Link is the index of the
// link in the change, or −1 for a stored link the change would break. It
// is of kind ErrInvalid.
type LineageError struct {
	Problems []scoring.LinkProblem
	Links    []scoring.LinkKey // the link of each problem
}

func (e *LineageError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = fmt.Sprintf("%s: %s: %s", e.Links[i], p.Field, p.Msg)
	}
	return strings.Join(lines, "\n")
}

// Unwrap makes the error of kind ErrInvalid.
func (e *LineageError) Unwrap() error { return ErrInvalid }

// Add appends a problem about a link.
func (e *LineageError) Add(p scoring.LinkProblem, link scoring.LinkKey) {
	e.Problems = append(e.Problems, p)
	e.Links = append(e.Links, link)
}
