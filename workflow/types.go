// Package workflow runs a period's assessment: who may see and change what
// in which phase, self-assessment with evidence, appraisal rounds,
// explanations, submissions and deadlines, reminders, readiness, and the
// publication of a frozen result and its corrections. It is pure: storage
// comes through the narrow interfaces it declares (store.go) and the Files
// interface.
package workflow

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// ScoreRecord is a stored value with its version and last author.
type ScoreRecord struct {
	domain.Score
	Version   int64
	Author    string
	UpdatedAt time.Time
}

// ScoreWrite is one value to save. When Expect is not nil, the stored
// version must equal it (0: no value stored yet), else the write fails with
// an error of kind domain.ErrConflict and nothing changes.
type ScoreWrite struct {
	domain.Score
	Expect *int64
	Author string
	Source string
}

// InputRecord is a stored measured input with its version and last author.
type InputRecord struct {
	domain.Input
	Version   int64
	Author    string
	UpdatedAt time.Time
}

// InputWrite is one measured input to save, with the reason logged for the
// change. When Expect is not nil, the stored version must equal it (0: no
// value stored yet), else the write fails with an error of kind
// domain.ErrConflict and nothing changes.
type InputWrite struct {
	domain.Input
	Expect *int64
	Reason string
	Author string
	Source string
}

// SubmissionStatus is where a unit's self-assessment stands.
type SubmissionStatus string

const (
	Draft     SubmissionStatus = "draft"
	Submitted SubmissionStatus = "submitted"
)

// Submission is a unit's self-assessment submission in a period.
type Submission struct {
	Period      string
	Unit        string
	Status      SubmissionStatus
	SubmittedAt time.Time // zero when never submitted
	SubmittedBy string
	// Count is how many times the unit has submitted (withdrawals reopen).
	Count int
}

// Assignment narrows what an appraiser appraises in a period: a unit, a
// field (a top-level item code), or a field of a unit. An appraiser with no
// assignment in a period appraises every unit.
type Assignment struct {
	UserID int64
	Period string
	Unit   string // "" for every unit
	Field  string // "" for every field
}

// Evidence is a stored evidence document of a leaf.
type Evidence struct {
	ID          int64
	Period      string
	Unit        string
	Item        string
	Stage       scoring.Stage // self or explanation
	FileName    string
	ContentType string
	Size        int64
	SHA256      string
	UploadedBy  string
	UploadedAt  time.Time
}

// Reminder is a message from the secretariat to a unit, shown in the app.
type Reminder struct {
	ID      int64
	Period  string
	Unit    string
	Message string
	Author  string
	At      time.Time
}

// FormWrite is a form's changes to one unit — leaves' points, measured
// inputs and evidence documents (already stored by their SHA-256) — to be
// saved in one transaction, or not at all.
type FormWrite struct {
	Period, Unit string
	Scores       []ScoreWrite
	Inputs       []InputWrite
	Evidence     []Evidence
}

// FormSaved is what a form wrote: the new version of each score and input,
// in the order of the FormWrite, and the evidence with their IDs.
type FormSaved struct {
	Scores   []int64
	Inputs   []int64
	Evidence []Evidence
}

// FormProblem is one field of a form that cannot be saved: a leaf (Item),
// a measured input (Input) or a document (Item and File).
type FormProblem struct {
	Item, Input, File string
	Err               error
}

// FormError lists every problem of a form; nothing of the form was saved.
// errors.Is sees the kind of each problem (domain.ErrInvalid,
// ErrConflict…).
type FormError struct {
	Problems []FormProblem
}

func (e *FormError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		what := "item " + p.Item
		switch {
		case p.Input != "":
			what = "input " + p.Input
		case p.File != "":
			what = fmt.Sprintf("file %q of item %s", p.File, p.Item)
		}
		msgs[i] = what + ": " + p.Err.Error()
	}
	return fmt.Sprintf("%d problems, nothing was saved: %s", len(e.Problems), strings.Join(msgs, "; "))
}

// Unwrap returns each problem's error.
func (e *FormError) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p.Err
	}
	return out
}

// Files stores evidence documents by their SHA-256, outside the database.
type Files interface {
	// Put stores the content under its hex SHA-256 (a no-op when present).
	Put(ctx context.Context, sha256 string, content io.Reader) error
	Open(ctx context.Context, sha256 string) (io.ReadCloser, error)
}
