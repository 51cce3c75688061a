package workflow

import (
	"context"
	"time"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// The storage the workflow needs, one narrow interface per use, so that a
// rule's code and its tests name only what it reads and writes. The store
// package implements them all; Store gathers them for the Service.

// Catalog reads periods, units and criteria sets.
type Catalog interface {
	Periods(ctx context.Context) ([]domain.Period, error)
	Period(ctx context.Context, code string) (domain.Period, error)
	Unit(ctx context.Context, code string) (domain.Unit, error)
	Units(ctx context.Context, group string) ([]domain.Unit, error)
	Framework(ctx context.Context, period, group string) (*scoring.Framework, error)
	FrameworkGroups(ctx context.Context, period string) ([]string, error)
}

// Calendar moves periods between phases and keeps their deadlines.
type Calendar interface {
	SetPhase(ctx context.Context, code string, phase domain.Phase) error
	// Reopen opens a correction of a published period's latest
	// publication.
	Reopen(ctx context.Context, c domain.Correction) (domain.Correction, error)
	Corrections(ctx context.Context, period string) ([]domain.Correction, error)
	Deadlines(ctx context.Context, period string) (map[domain.Phase]time.Time, error)
	// SetDeadline sets (or with a zero time removes) a phase's deadline.
	SetDeadline(ctx context.Context, period string, phase domain.Phase, at time.Time) error
}

// ScoreStore keeps recorded points and their change log.
type ScoreStore interface {
	// ScoreRecords returns every value of a unit in a period ("" unit: all units).
	ScoreRecords(ctx context.Context, period, unit string) ([]ScoreRecord, error)
	// SaveScore writes one value and appends the change log in one
	// transaction, checking ScoreWrite.Expect; it returns the new version.
	SaveScore(ctx context.Context, w ScoreWrite) (int64, error)
	Changes(ctx context.Context, period, unit string) ([]domain.Change, error)
}

// InputStore keeps measured inputs and their change log.
type InputStore interface {
	// InputRecords returns a unit's inputs with versions and authors.
	InputRecords(ctx context.Context, period, unit string) ([]InputRecord, error)
	// SaveInput writes one input and appends its change log in one
	// transaction, checking InputWrite.Expect; it returns the new version.
	SaveInput(ctx context.Context, w InputWrite) (int64, error)
	InputChanges(ctx context.Context, period, unit string) ([]domain.InputChange, error)
	// UnitSurveyRatios returns a unit's satisfaction ratios by measure.
	UnitSurveyRatios(ctx context.Context, period, unit string) (map[string]scoring.Decimal, error)
}

// FormStore saves a whole form in one transaction: every score, input and
// evidence row, or none (a *FormError names each stale value).
type FormStore interface {
	SaveForm(ctx context.Context, w FormWrite) (FormSaved, error)
}

// SubmissionStore keeps units' self-assessment submissions.
type SubmissionStore interface {
	// Submission returns a unit's submission; a unit that never submitted
	// has Status Draft.
	Submission(ctx context.Context, period, unit string) (Submission, error)
	Submissions(ctx context.Context, period string) ([]Submission, error)
	SaveSubmission(ctx context.Context, s Submission) error
}

// AssignmentStore keeps appraisers' assignments.
type AssignmentStore interface {
	Assignments(ctx context.Context, period string) ([]Assignment, error)
	// SetAssignments replaces an appraiser's assignments in a period.
	SetAssignments(ctx context.Context, period string, userID int64, as []Assignment) error
}

// EvidenceStore keeps the records of evidence documents.
type EvidenceStore interface {
	AddEvidence(ctx context.Context, e Evidence) (Evidence, error)
	// Evidence lists a unit's evidence in a period ("" unit: all units).
	Evidence(ctx context.Context, period, unit string) ([]Evidence, error)
	EvidenceByID(ctx context.Context, id int64) (Evidence, error)
}

// PublicationStore keeps publications and their signed decisions.
type PublicationStore interface {
	// PublicationHeads lists a period's publications without their data.
	PublicationHeads(ctx context.Context, period string) ([]domain.Publication, error)
	// Publish stores a publication and moves the period to the published
	// phase in one transaction, refusing it when the data changed since
	// they were frozen (Publication.Stamp).
	Publish(ctx context.Context, p domain.Publication) error
	AddDecision(ctx context.Context, period string, number int, d domain.DecisionDocument) (domain.DecisionDocument, error)
}

// ReminderStore keeps the secretariat's reminders.
type ReminderStore interface {
	// AddReminders stores reminders all or nothing.
	AddReminders(ctx context.Context, rs []Reminder) ([]Reminder, error)
	// Reminders lists a unit's reminders ("" unit: all units), newest
	// first, at most limit (0: all).
	Reminders(ctx context.Context, period, unit string, limit int) ([]Reminder, error)
	ReminderCounts(ctx context.Context, period string) (map[string]int, error)
}

// Store is everything the Service reads and writes.
type Store interface {
	Catalog
	Calendar
	ScoreStore
	InputStore
	FormStore
	SubmissionStore
	AssignmentStore
	EvidenceStore
	PublicationStore
	ReminderStore
}

// Results is what the workflow needs of the results service
// (*results.Service implements it): freezing a period's data and computing
// the result to publish, and the comments recorded with a period's points
// as every reader sees them (a published period's frozen with it).
type Results interface {
	Freeze(ctx context.Context, period string) (domain.Publication, error)
	Comments(ctx context.Context, period string) (map[string]map[string]map[scoring.Stage]string, error)
}

// Samples tells which units of a period's surveys are below their target
// sample (*surveys.Service implements it).
type Samples interface {
	Shortfalls(ctx context.Context, period string) ([]domain.SampleShortfall, error)
}
