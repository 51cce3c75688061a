package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/workflow"
)

// Deadlines returns the deadlines of a period's phases; phases without one
// are absent.
func (s *Store) Deadlines(ctx context.Context, period string) (map[domain.Phase]time.Time, error) {
	var rows []deadlineRow
	if err := s.db.WithContext(ctx).Where("period_code = ?", period).Find(&rows).Error; err != nil {
		return nil, wrap("list the deadlines of period "+period, err)
	}
	deadlines := make(map[domain.Phase]time.Time, len(rows))
	for _, r := range rows {
		deadlines[domain.Phase(r.Phase)] = r.DueAt.UTC()
	}
	return deadlines, nil
}

// SetDeadline sets the deadline of a period's phase, or removes it when at
// is the zero time. An unknown period is an error of kind
// domain.ErrNotFound.
func (s *Store) SetDeadline(ctx context.Context, period string, phase domain.Phase, at time.Time) error {
	if _, err := domain.ParsePhase(string(phase)); err != nil {
		return err
	}
	what := fmt.Sprintf("set the %s deadline of period %s", phase, period)
	db := s.db.WithContext(ctx)
	if at.IsZero() {
		err := db.Where("period_code = ? AND phase = ?", period, string(phase)).Delete(&deadlineRow{}).Error
		return wrap(what, err)
	}
	err := db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "period_code"}, {Name: "phase"}},
		DoUpdates: clause.AssignmentColumns([]string{"due_at"}),
	}).Create(&deadlineRow{PeriodCode: period, Phase: string(phase), DueAt: utc(at)}).Error
	if errors.Is(err, gorm.ErrForeignKeyViolated) { // the period, the only reference
		return domain.NotFoundf("period %s not found", period)
	}
	return wrap(what, err)
}

// Submission returns a unit's self-assessment submission in a period; a
// unit that never submitted gets one in status draft, never submitted.
func (s *Store) Submission(ctx context.Context, period, unit string) (workflow.Submission, error) {
	var row submissionRow
	err := s.db.WithContext(ctx).Where("period_code = ? AND unit_code = ?", period, unit).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return workflow.Submission{Period: period, Unit: unit, Status: workflow.Draft}, nil
	}
	if err != nil {
		return workflow.Submission{}, wrap(fmt.Sprintf("get the submission of %s in %s", unit, period), err)
	}
	return row.submission(), nil
}

// Submissions returns the submissions stored for a period, ordered by unit;
// a unit with none stored is absent.
func (s *Store) Submissions(ctx context.Context, period string) ([]workflow.Submission, error) {
	var rows []submissionRow
	if err := s.db.WithContext(ctx).Where("period_code = ?", period).Find(&rows).Error; err != nil {
		return nil, wrap("list the submissions of period "+period, err)
	}
	slices.SortFunc(rows, func(a, b submissionRow) int { return cmp.Compare(a.UnitCode, b.UnitCode) })
	subs := make([]workflow.Submission, len(rows))
	for i, r := range rows {
		subs[i] = r.submission()
	}
	return subs, nil
}

// SaveSubmission stores a unit's submission, replacing the one stored. The
// period and the unit must exist (an error of kind domain.ErrNotFound
// otherwise).
func (s *Store) SaveSubmission(ctx context.Context, sub workflow.Submission) error {
	if sub.Status != workflow.Draft && sub.Status != workflow.Submitted {
		return domain.Invalidf("submission status %q must be draft or submitted", sub.Status)
	}
	if sub.Count < 0 {
		return domain.Invalidf("the submission count %d is negative", sub.Count)
	}
	row := submissionRow{PeriodCode: sub.Period, UnitCode: sub.Unit, Status: string(sub.Status),
		SubmittedBy: sub.SubmittedBy, Count: sub.Count}
	if !sub.SubmittedAt.IsZero() {
		at := utc(sub.SubmittedAt)
		row.SubmittedAt = &at
	}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		if err := checkPeriodUnit(tx, sub.Period, sub.Unit); err != nil {
			return err
		}
		return tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "period_code"}, {Name: "unit_code"}},
			DoUpdates: clause.AssignmentColumns([]string{"status", "submitted_at", "submitted_by", "count"}),
		}).Create(&row).Error
	})
	return wrap(fmt.Sprintf("save the submission of %s in %s", sub.Unit, sub.Period), err)
}

// checkPeriodUnit returns an error of kind domain.ErrNotFound when the
// period or the unit does not exist. The foreign keys would refuse them
// too, but without saying which.
func checkPeriodUnit(tx *gorm.DB, period, unit string) error {
	if err := checkPeriod(tx, period); err != nil {
		return err
	}
	var n int64
	if err := tx.Model(&unitRow{}).Where("code = ?", unit).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return domain.NotFoundf("unit %s not found", unit)
	}
	return nil
}

// checkPeriod returns an error of kind domain.ErrNotFound when the period
// does not exist.
func checkPeriod(tx *gorm.DB, period string) error {
	var n int64
	if err := tx.Model(&periodRow{}).Where("code = ?", period).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return domain.NotFoundf("period %s not found", period)
	}
	return nil
}
