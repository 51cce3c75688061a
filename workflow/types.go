// Package workflow runs a period's assessment: who may see and change what
// in which phase, self-assessment with evidence, appraisal rounds,
// explanations, submissions and deadlines, reminders, and the publication
// of a frozen result. It is pure: storage comes through the Store and Files
// interfaces it declares.
package workflow

import (
	"context"
	"io"
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

// Publication is a period's published result: the steering committee's
// decision and the frozen data the result was computed from.
type Publication struct {
	Period       string
	Number       int // 1 for the first publication of the period
	DecisionNo   string
	DecisionDate time.Time
	ApprovedBy   string
	PublishedAt  time.Time
	// Snapshot is the frozen data (see Snapshot); Document is the results
	// document as published (JSON of results.Document).
	Snapshot []byte
	Document []byte
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

// Store is what the workflow needs from storage.
type Store interface {
	Period(ctx context.Context, code string) (domain.Period, error)
	SetPhase(ctx context.Context, code string, phase domain.Phase) error
	Unit(ctx context.Context, code string) (domain.Unit, error)
	Units(ctx context.Context, group string) ([]domain.Unit, error)
	Framework(ctx context.Context, period, group string) (*scoring.Framework, error)
	FrameworkGroups(ctx context.Context, period string) ([]string, error)
	FrameworkPeriods(ctx context.Context, group string) ([]string, error)
	// FrameworkSource returns the criteria set's file as imported.
	FrameworkSource(ctx context.Context, period, group string) ([]byte, error)
	UnitData(ctx context.Context, period, group string) ([]scoring.UnitData, error)
	// UnitSurveyRatios returns a unit's satisfaction ratios by measure, as
	// UnitData gives them.
	UnitSurveyRatios(ctx context.Context, period, unit string) (map[string]scoring.Decimal, error)

	// ScoreRecords returns every value of a unit in a period ("" unit: all units).
	ScoreRecords(ctx context.Context, period, unit string) ([]ScoreRecord, error)
	// SaveScore writes one value and appends the change log in one
	// transaction, checking ScoreWrite.Expect; it returns the new version.
	SaveScore(ctx context.Context, w ScoreWrite) (int64, error)
	Inputs(ctx context.Context, period, unit string) ([]domain.Input, error)
	Changes(ctx context.Context, period, unit string) ([]domain.Change, error)
	// InputRecords is Inputs with versions and authors.
	InputRecords(ctx context.Context, period, unit string) ([]InputRecord, error)
	// SaveInput writes one input and appends its change log in one
	// transaction, checking InputWrite.Expect; it returns the new version.
	SaveInput(ctx context.Context, w InputWrite) (int64, error)
	InputChanges(ctx context.Context, period, unit string) ([]domain.InputChange, error)

	Deadlines(ctx context.Context, period string) (map[domain.Phase]time.Time, error)
	// SetDeadline sets (or with a zero time removes) a phase's deadline.
	SetDeadline(ctx context.Context, period string, phase domain.Phase, at time.Time) error

	// Submission returns a unit's submission; a unit that never submitted
	// has Status Draft.
	Submission(ctx context.Context, period, unit string) (Submission, error)
	Submissions(ctx context.Context, period string) ([]Submission, error)
	SaveSubmission(ctx context.Context, s Submission) error

	Assignments(ctx context.Context, period string) ([]Assignment, error)
	// SetAssignments replaces an appraiser's assignments in a period.
	SetAssignments(ctx context.Context, period string, userID int64, as []Assignment) error

	AddEvidence(ctx context.Context, e Evidence) (Evidence, error)
	// Evidence lists a unit's evidence in a period ("" unit: all units).
	Evidence(ctx context.Context, period, unit string) ([]Evidence, error)
	EvidenceByID(ctx context.Context, id int64) (Evidence, error)

	Publications(ctx context.Context, period string) ([]Publication, error)
	// PublicationHeads is Publications without the snapshots and documents.
	PublicationHeads(ctx context.Context, period string) ([]Publication, error)
	// Publish stores a publication and moves the period to the published
	// phase in one transaction.
	Publish(ctx context.Context, p Publication) error

	AddReminder(ctx context.Context, r Reminder) (Reminder, error)
	Reminders(ctx context.Context, period, unit string) ([]Reminder, error)
}

// Files stores evidence documents by their SHA-256, outside the database.
type Files interface {
	// Put stores the content under its hex SHA-256 (a no-op when present).
	Put(ctx context.Context, sha256 string, content io.Reader) error
	Open(ctx context.Context, sha256 string) (io.ReadCloser, error)
}
