package store

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// The row structs mirror the tables the migrations create, column for
// column; gorm only maps them, it never creates or alters a table. Decimals
// are shopspring decimals: TEXT in SQLite, NUMERIC in PostgreSQL, both
// exact.

type groupRow struct {
	ID   int64
	Code string
	Name string
}

func (groupRow) TableName() string { return "unit_groups" }

type unitRow struct {
	ID         int64
	Code       string
	Name       string
	GroupCode  string
	ParentCode *string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (unitRow) TableName() string { return "units" }

func (r unitRow) domain() domain.Unit {
	u := domain.Unit{Code: r.Code, Name: r.Name, Group: r.GroupCode}
	if r.ParentCode != nil {
		u.Parent = *r.ParentCode
	}
	return u
}

type periodRow struct {
	ID        int64
	Code      string
	Name      string
	Phase     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (periodRow) TableName() string { return "periods" }

func (r periodRow) domain() domain.Period {
	return domain.Period{Code: r.Code, Name: r.Name, Phase: domain.Phase(r.Phase)}
}

type frameworkRow struct {
	ID            int64
	PeriodCode    string
	GroupCode     string
	Name          string
	NotApplicable string
	Source        []byte
	Version       int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (frameworkRow) TableName() string { return "frameworks" }

type frameworkItemRow struct {
	ID          int64
	FrameworkID int64
	Code        string
	ParentCode  *string
	Position    int
	Depth       int
	Name        string
	Method      string
	Max         decimal.Decimal
	Metric      string
}

func (frameworkItemRow) TableName() string { return "framework_items" }

type scoreRow struct {
	ID         int64
	PeriodCode string
	UnitCode   string
	ItemCode   string
	Stage      string
	Points     decimal.NullDecimal
	NA         bool `gorm:"column:na"`
	Comment    string
	Author     string
	UpdatedAt  time.Time
	// Version counts the writes of the value: 1 when first recorded.
	Version int64
}

func (scoreRow) TableName() string { return "scores" }

func (r scoreRow) value() scoring.Value {
	return scoring.Value{Points: pointsOf(r.Points, r.NA), NA: r.NA}
}

func (r scoreRow) domain() domain.Score {
	return domain.Score{Period: r.PeriodCode, Unit: r.UnitCode, Item: r.ItemCode,
		Stage: scoring.Stage(r.Stage), Value: r.value(), Comment: r.Comment}
}

type inputRow struct {
	ID         int64
	PeriodCode string
	UnitCode   string
	Name       string
	Value      decimal.Decimal
	Author     string
	UpdatedAt  time.Time
	// Version counts the writes of the value: 1 when first recorded.
	Version int64
}

func (inputRow) TableName() string { return "inputs" }

// inputChangeRow is an entry of the inputs' change log.
type inputChangeRow struct {
	ID         int64
	PeriodCode string
	UnitCode   string
	Name       string
	HadOld     bool
	OldValue   decimal.NullDecimal
	NewValue   decimal.Decimal
	Reason     string
	Author     string
	Source     string
	At         time.Time
}

func (inputChangeRow) TableName() string { return "input_changes" }

func (r inputChangeRow) domain() domain.InputChange {
	c := domain.InputChange{ID: r.ID, Period: r.PeriodCode, Unit: r.UnitCode, Name: r.Name, New: r.NewValue,
		Reason: r.Reason, Author: r.Author, Source: r.Source, At: r.At.UTC()}
	if r.HadOld {
		old := r.OldValue.Decimal
		c.Old = &old
	}
	return c
}

type changeRow struct {
	ID         int64
	PeriodCode string
	UnitCode   string
	ItemCode   string
	Stage      string
	HadOld     bool
	OldPoints  decimal.NullDecimal
	OldNA      bool `gorm:"column:old_na"`
	NewPoints  decimal.NullDecimal
	NewNA      bool `gorm:"column:new_na"`
	Reason     string
	Author     string
	Source     string
	At         time.Time
}

func (changeRow) TableName() string { return "score_changes" }

func (r changeRow) domain() domain.Change {
	c := domain.Change{ID: r.ID, Period: r.PeriodCode, Unit: r.UnitCode, Item: r.ItemCode,
		Stage: scoring.Stage(r.Stage), Reason: r.Reason, Author: r.Author, Source: r.Source, At: r.At.UTC()}
	if r.HadOld {
		c.Old = &scoring.Value{Points: pointsOf(r.OldPoints, r.OldNA), NA: r.OldNA}
	}
	if r.NewPoints.Valid || r.NewNA {
		c.New = &scoring.Value{Points: pointsOf(r.NewPoints, r.NewNA), NA: r.NewNA}
	}
	return c
}

// pointsOf is the points of a stored value; zero for a not-applicable one.
func pointsOf(p decimal.NullDecimal, na bool) decimal.Decimal {
	if na || !p.Valid {
		return decimal.Zero
	}
	return p.Decimal
}

// nullPoints is the points column of a value: NULL when not applicable.
func nullPoints(v scoring.Value) decimal.NullDecimal {
	if v.NA {
		return decimal.NullDecimal{}
	}
	return decimal.NullDecimal{Decimal: v.Points, Valid: true}
}
