package store

import (
	"time"

	"github.com/shopspring/decimal"
)

// Row structs of the survey tables (migration 00004).

type surveyInstrumentRow struct {
	ID         int64
	PeriodCode string
	Code       string
	Name       string
	Source     []byte
	Version    int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (surveyInstrumentRow) TableName() string { return "survey_instruments" }

type surveyCampaignRow struct {
	ID           int64
	Code         string
	Name         string
	PeriodCode   string
	InstrumentID int64
	State        string
	Formula      string
	Margin       decimal.Decimal
	RequireCode  bool
	Salt         string
	OpeningHours string
	Revision     int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (surveyCampaignRow) TableName() string { return "survey_campaigns" }

type surveyCampaignUnitRow struct {
	CampaignID   int64  `gorm:"primaryKey;autoIncrement:false"`
	UnitCode     string `gorm:"primaryKey"`
	Transactions int64
}

func (surveyCampaignUnitRow) TableName() string { return "survey_campaign_units" }

type surveyResponseRow struct {
	ID          int64
	CampaignID  int64
	UnitCode    string
	Channel     string
	Answers     string
	Texts       string
	ClientHash  string
	DurationMS  *int64 `gorm:"column:duration_ms"`
	Status      string
	Flags       string
	Author      string
	SubmittedAt time.Time
	// SubmissionKey, AnsweredAt and InterviewerID are of migration 00010.
	SubmissionKey *string
	AnsweredAt    *time.Time
	InterviewerID *int64
}

func (surveyResponseRow) TableName() string { return "survey_responses" }

type surveyCodeRow struct {
	ID         int64
	CampaignID int64
	UnitCode   string
	Kind       string
	CodeHash   string
	CreatedAt  time.Time
	UsedAt     *time.Time
	ResponseID *int64
}

func (surveyCodeRow) TableName() string { return "survey_codes" }

type surveyReviewRow struct {
	ID         int64
	ResponseID int64
	OldStatus  string
	NewStatus  string
	Reason     string
	Author     string
	At         time.Time
}

func (surveyReviewRow) TableName() string { return "survey_reviews" }

// Row structs of migration 00010.

type surveyInterviewerRow struct {
	ID         int64
	CampaignID int64
	Name       string
	Phone      string
	TokenHash  string
	CreatedBy  string
	CreatedAt  time.Time
	RevokedAt  *time.Time
}

func (surveyInterviewerRow) TableName() string { return "survey_interviewers" }

type surveyInterviewerUnitRow struct {
	InterviewerID int64  `gorm:"primaryKey;autoIncrement:false"`
	UnitCode      string `gorm:"primaryKey"`
	Quota         int
}

func (surveyInterviewerUnitRow) TableName() string { return "survey_interviewer_units" }

type surveyRefusalRow struct {
	CampaignID    int64  `gorm:"primaryKey;autoIncrement:false"`
	SubmissionKey string `gorm:"primaryKey"`
	Reason        string
	Detail        string
	At            time.Time
}

func (surveyRefusalRow) TableName() string { return "survey_refusals" }
