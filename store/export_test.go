package store

import (
	"context"

	"gorm.io/gorm"
)

// Gorm exposes the database to the tests, for raw SQL.
func (s *Store) Gorm() *gorm.DB { return s.db }

// The row structs, for the tests that read every table back.
type (
	GroupRow         = groupRow
	UnitRow          = unitRow
	PeriodRow        = periodRow
	FrameworkRow     = frameworkRow
	FrameworkItemRow = frameworkItemRow
	ScoreRow         = scoreRow
	InputRow         = inputRow
	ChangeRow        = changeRow
	InputChangeRow   = inputChangeRow
	UserRow          = userRow
	SessionRow       = sessionRow
	DeadlineRow      = deadlineRow
	SubmissionRow    = submissionRow
	AssignmentRow    = assignmentRow
	EvidenceRow      = evidenceRow
	PublicationRow   = publicationRow
	ReminderRow      = reminderRow
	CorrectionRow    = correctionRow
	DecisionRow      = decisionRow
)

// The survey writer's statements (surveys_batch.go, surveys_unless.go).
const (
	PgPriorsSQL             = pgPriorsSQL
	PgInsertUnlessPriorsSQL = pgInsertUnlessPriorsSQL
	StoredKeysWhere         = storedKeysWhere
)

// UnitDataSQL reads a group's packed points (queries/unit_data.sql).
var UnitDataSQL = unitDataSQL

// Planned runs tx's statements planned for their values (planned.go).
func (s *Store) Planned(tx *gorm.DB) *gorm.DB { return s.planned(tx) }

// WriterPlans counts the plans PostgreSQL made for the survey writer's
// INSERT on the writer's connection: cached for any values, made for each
// batch's.
func (s *Store) WriterPlans(ctx context.Context) (generic, custom int64, err error) {
	err = s.writer.QueryRowContext(ctx, `SELECT coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0)
FROM pg_prepared_statements WHERE statement = $1`, pgInsertUnlessPriorsSQL).Scan(&generic, &custom)
	return generic, custom, err
}
