package store

import "gorm.io/gorm"

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
