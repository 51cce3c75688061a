package store

import (
	"time"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/workflow"
)

// The row structs of accounts and of the assessment workflow (migration
// 3), in the manner of rows.go: column for column, mapped only.

type userRow struct {
	ID                 int64
	Username           string
	Name               string
	Role               string
	UnitCode           *string
	PasswordHash       string
	Disabled           bool
	CreatedAt          time.Time
	PasswordChangedAt  time.Time
	MustChangePassword bool
}

func (userRow) TableName() string { return "users" }

func (r userRow) user() auth.User {
	u := auth.User{ID: r.ID, Username: r.Username, Name: r.Name, Role: auth.Role(r.Role), PasswordHash: r.PasswordHash,
		Disabled: r.Disabled, CreatedAt: r.CreatedAt.UTC(), PasswordChangedAt: r.PasswordChangedAt.UTC(),
		MustChangePassword: r.MustChangePassword}
	if r.UnitCode != nil {
		u.Unit = *r.UnitCode
	}
	return u
}

type sessionRow struct {
	TokenHash string `gorm:"primaryKey"`
	UserID    int64
	CSRF      string `gorm:"column:csrf"`
	CreatedAt time.Time
	ExpiresAt time.Time
	LastSeen  time.Time
	IP        string `gorm:"column:ip"`
}

func (sessionRow) TableName() string { return "sessions" }

func (r sessionRow) session() auth.Session {
	return auth.Session{TokenHash: r.TokenHash, UserID: r.UserID, CSRF: r.CSRF, CreatedAt: r.CreatedAt.UTC(),
		ExpiresAt: r.ExpiresAt.UTC(), LastSeen: r.LastSeen.UTC(), IP: r.IP}
}

type deadlineRow struct {
	PeriodCode string `gorm:"primaryKey"`
	Phase      string `gorm:"primaryKey"`
	DueAt      time.Time
}

func (deadlineRow) TableName() string { return "period_deadlines" }

type submissionRow struct {
	PeriodCode  string `gorm:"primaryKey"`
	UnitCode    string `gorm:"primaryKey"`
	Status      string
	SubmittedAt *time.Time
	SubmittedBy string
	Count       int
}

func (submissionRow) TableName() string { return "submissions" }

func (r submissionRow) submission() workflow.Submission {
	s := workflow.Submission{Period: r.PeriodCode, Unit: r.UnitCode, Status: workflow.SubmissionStatus(r.Status),
		SubmittedBy: r.SubmittedBy, Count: r.Count}
	if r.SubmittedAt != nil {
		s.SubmittedAt = r.SubmittedAt.UTC()
	}
	return s
}

type assignmentRow struct {
	ID         int64
	UserID     int64
	PeriodCode string
	UnitCode   *string // NULL: every unit
	Field      string  // empty: every field
}

func (assignmentRow) TableName() string { return "assignments" }

func (r assignmentRow) assignment() workflow.Assignment {
	a := workflow.Assignment{UserID: r.UserID, Period: r.PeriodCode, Field: r.Field}
	if r.UnitCode != nil {
		a.Unit = *r.UnitCode
	}
	return a
}

type evidenceRow struct {
	ID          int64
	PeriodCode  string
	UnitCode    string
	ItemCode    string
	Stage       string
	FileName    string
	ContentType string
	Size        int64
	SHA256      string `gorm:"column:sha256"`
	UploadedBy  string
	UploadedAt  time.Time
}

func (evidenceRow) TableName() string { return "evidence" }

func (r evidenceRow) evidence() workflow.Evidence {
	return workflow.Evidence{ID: r.ID, Period: r.PeriodCode, Unit: r.UnitCode, Item: r.ItemCode,
		Stage: scoring.Stage(r.Stage), FileName: r.FileName, ContentType: r.ContentType, Size: r.Size,
		SHA256: r.SHA256, UploadedBy: r.UploadedBy, UploadedAt: r.UploadedAt.UTC()}
}

type publicationRow struct {
	PeriodCode     string `gorm:"primaryKey"`
	Number         int    `gorm:"primaryKey"`
	DecisionNo     string
	DecisionDate   time.Time // a date: midnight UTC
	ApprovedBy     string
	PublishedAt    time.Time
	Snapshot       []byte
	Document       []byte
	Reason         string
	OverrideReason string
	Readiness      []byte
}

func (publicationRow) TableName() string { return "publications" }

func (r publicationRow) publication() domain.Publication {
	return domain.Publication{Period: r.PeriodCode, Number: r.Number, DecisionNo: r.DecisionNo,
		DecisionDate: dateOf(r.DecisionDate), ApprovedBy: r.ApprovedBy, PublishedAt: r.PublishedAt.UTC(),
		Reason: r.Reason, Override: r.OverrideReason, Readiness: r.Readiness,
		Snapshot: r.Snapshot, Document: r.Document}
}

// correctionRow is a published period reopened to correct the publication
// it names (migration 7).
type correctionRow struct {
	PeriodCode  string `gorm:"primaryKey"`
	Publication int    `gorm:"primaryKey"`
	Reason      string
	OpenedBy    string
	OpenedAt    time.Time
}

func (correctionRow) TableName() string { return "corrections" }

func (r correctionRow) correction() domain.Correction {
	return domain.Correction{Period: r.PeriodCode, Publication: r.Publication, Reason: r.Reason, OpenedBy: r.OpenedBy,
		OpenedAt: r.OpenedAt.UTC()}
}

// decisionRow is a signed decision attached to a publication (migration 7).
type decisionRow struct {
	ID          int64
	PeriodCode  string
	Publication int
	FileName    string
	Size        int64
	SHA256      string `gorm:"column:sha256"`
	UploadedBy  string
	UploadedAt  time.Time
}

func (decisionRow) TableName() string { return "publication_decisions" }

func (r decisionRow) document() *domain.DecisionDocument {
	return &domain.DecisionDocument{FileName: r.FileName, Size: r.Size, SHA256: r.SHA256, UploadedBy: r.UploadedBy,
		UploadedAt: r.UploadedAt.UTC()}
}

type reminderRow struct {
	ID         int64
	PeriodCode string
	UnitCode   string
	Message    string
	Author     string
	At         time.Time
}

func (reminderRow) TableName() string { return "reminders" }

func (r reminderRow) reminder() workflow.Reminder {
	return workflow.Reminder{ID: r.ID, Period: r.PeriodCode, Unit: r.UnitCode, Message: r.Message,
		Author: r.Author, At: r.At.UTC()}
}

// dateOf is the calendar date of t (in t's own location) as midnight UTC,
// the form a DATE column holds.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// utc is a caller's time as the store keeps it: UTC, to the microsecond
// both databases hold. The zero time stays zero.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Microsecond)
}

// optional is nil for "", else a pointer to s: the value of a nullable
// foreign key.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
