// Package domain holds the plain types and errors every part of parindex
// shares: periods and their phases, unit groups, units, recorded points and
// inputs, and the error kinds the web layer turns into HTTP statuses. It has
// no behaviour beyond checking its own values.
package domain

import (
	"errors"
	"fmt"
	"time"

	"github.com/parindex/parindex/domain/problem"
	"github.com/parindex/parindex/scoring"
)

// Phase is where an assessment period stands in its yearly workflow.
type Phase string

// The phases of contract.md, in order.
const (
	PhaseDraft          Phase = "draft"
	PhaseSelfAssessment Phase = "self_assessment"
	PhaseAppraisal      Phase = "appraisal"
	PhaseExplanation    Phase = "explanation"
	PhaseFinalAppraisal Phase = "final_appraisal"
	PhasePublished      Phase = "published"
	// PhaseCorrection is a published period reopened by the secretariat to
	// correct it: its latest publication stays in force (the public keeps
	// seeing it) until the committee publishes the next one.
	PhaseCorrection Phase = "correction"
)

// Phases lists every phase in workflow order.
var Phases = []Phase{PhaseDraft, PhaseSelfAssessment, PhaseAppraisal, PhaseExplanation, PhaseFinalAppraisal, PhasePublished, PhaseCorrection}

// ParsePhase checks a phase name.
func ParsePhase(s string) (Phase, error) {
	for _, p := range Phases {
		if string(p) == s {
			return p, nil
		}
	}
	return "", Invalidf("phase %q must be one of draft, self_assessment, appraisal, explanation, final_appraisal, published, correction", s)
}

// Period is an assessment period, usually a year ("2025").
type Period struct {
	Code  string
	Name  string
	Phase Phase
}

// Published reports whether the period has a publication in force: it is
// published, or reopened for a correction (when the public still sees its
// latest publication).
func (p Period) Published() bool {
	return p.Phase == PhasePublished || p.Phase == PhaseCorrection
}

// Group is a unit group (e.g. SO: departments; XA: communes and wards).
type Group struct {
	Code string
	Name string
}

// Unit is an assessed unit: a department or a commune People's Committee.
type Unit struct {
	Code   string
	Name   string
	Group  string
	Parent string // code of the parent unit, empty if none
}

// Score is one value recorded for a leaf of a unit at a stage.
type Score struct {
	Period  string
	Unit    string
	Item    string
	Stage   scoring.Stage
	Value   scoring.Value
	Comment string
}

// Input is one measured input of a unit in a period.
type Input struct {
	Period string
	Unit   string
	Name   string
	Value  scoring.Decimal
}

// Change is one entry of the append-only log of changes to points.
type Change struct {
	ID     int64
	Period string
	Unit   string
	Item   string
	Stage  scoring.Stage
	Old    *scoring.Value // nil when there was no value before
	New    *scoring.Value // nil when the value was removed
	Reason string
	Author string
	Source string // "import", "web", ...
	At     time.Time
}

// InputChange is one entry of the append-only log of changes to measured
// inputs.
type InputChange struct {
	ID     int64
	Period string
	Unit   string
	Name   string
	Old    *scoring.Decimal // nil when there was no value before
	New    scoring.Decimal
	Reason string
	Author string
	Source string // "import", "web", ...
	At     time.Time
}

// Error kinds. Wrap them (fmt.Errorf("...: %w", domain.ErrNotFound)) so the
// web layer can map them to statuses with errors.Is.
var (
	ErrNotFound  = errors.New("not found")
	ErrConflict  = errors.New("conflict")
	ErrForbidden = errors.New("forbidden")
	// ErrInvalid is input that cannot be accepted; every ProblemList is
	// of this kind.
	ErrInvalid = problem.ErrInvalid
	// ErrTooLarge and ErrUnsupported are for uploads: a file over the size
	// limit, or of a type that is not allowed.
	ErrTooLarge    = errors.New("too large")
	ErrUnsupported = errors.New("unsupported type")
	// ErrUnavailable is a failure of the database's connection, not of the
	// request: the web answers 503 (try again), never a bare 500.
	ErrUnavailable = errors.New("database unavailable")
	// ErrBadRequest is a request that is malformed rather than wrong: text
	// that is not UTF-8, a body that is not the JSON asked for (400).
	ErrBadRequest = errors.New("bad request")
)

// Problem is one thing wrong in what a user gave (a file, a workbook, a
// form), with its place; ProblemList is every problem of one input, the
// error every import and check returns. They live in package problem so
// that the scoring engine, below domain, returns the same type.
type (
	Problem     = problem.Problem
	ProblemList = problem.List
)

// kindError is an error of one kind whose text is the message alone, so that
// it can be shown to the user as it is. A key, when set, names the same
// message in the web's catalogues, to be filled with args.
type kindError struct {
	kind error
	msg  string
	key  string
	args []any
	// keyOnly: the message is only in the catalogues (Keyed); msg is for
	// logs.
	keyOnly bool
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

// Message returns the error's catalogue key ("" when it has none) and the
// arguments of its message.
func (e *kindError) Message() (key string, args []any) { return e.key, e.args }

// KeyOnly reports whether the message exists only in the catalogues
// (Keyed), so that even the API must say it from there.
func (e *kindError) KeyOnly() bool { return e.keyOnly }

// Errorf returns an error of a kind (ErrInvalid, ErrConflict…) whose text is
// format filled with args, in English for logs and the API, and which names
// the same message by key, so that a page says it in the reader's
// language: the catalogue's text takes the same arguments in the same
// order.
func Errorf(kind error, key, format string, args ...any) error {
	return &kindError{kind: kind, msg: fmt.Sprintf(format, args...), key: key, args: args}
}

// Keyed returns an error of a kind whose message exists only in the web's
// catalogues, by key, filled with args (a message of the web itself, with
// no English text of its own): pages and the API say it in the reader's
// language; its Error text, for logs, is the key and the arguments.
func Keyed(kind error, key string, args ...any) error {
	msg := key
	if len(args) > 0 {
		msg = fmt.Sprintf("%s %v", key, args)
	}
	return &kindError{kind: kind, msg: msg, key: key, args: args, keyOnly: true}
}

// Invalidf returns an error of kind ErrInvalid whose text is the message.
func Invalidf(format string, args ...any) error {
	return &kindError{kind: ErrInvalid, msg: fmt.Sprintf(format, args...)}
}

// NotFoundf returns an error of kind ErrNotFound whose text is the message.
func NotFoundf(format string, args ...any) error {
	return &kindError{kind: ErrNotFound, msg: fmt.Sprintf(format, args...)}
}

// Forbiddenf returns an error of kind ErrForbidden whose text is the message.
func Forbiddenf(format string, args ...any) error {
	return &kindError{kind: ErrForbidden, msg: fmt.Sprintf(format, args...)}
}

// TooLargef returns an error of kind ErrTooLarge whose text is the message.
func TooLargef(format string, args ...any) error {
	return &kindError{kind: ErrTooLarge, msg: fmt.Sprintf(format, args...)}
}

// Unsupportedf returns an error of kind ErrUnsupported whose text is the message.
func Unsupportedf(format string, args ...any) error {
	return &kindError{kind: ErrUnsupported, msg: fmt.Sprintf(format, args...)}
}

// Conflictf returns an error of kind ErrConflict whose text is the message.
func Conflictf(format string, args ...any) error {
	return &kindError{kind: ErrConflict, msg: fmt.Sprintf(format, args...)}
}
