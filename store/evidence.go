package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/workflow"
)

// AddEvidence records an evidence document (stored by Files under its
// SHA-256) and returns it with its ID and upload time (the store's clock
// when zero). The period and the unit must exist.
func (s *Store) AddEvidence(ctx context.Context, e workflow.Evidence) (workflow.Evidence, error) {
	switch {
	case e.Stage != scoring.StageSelf && e.Stage != scoring.StageExplanation:
		return workflow.Evidence{}, domain.Invalidf("evidence stage %q must be self or explanation", e.Stage)
	case e.Item == "":
		return workflow.Evidence{}, domain.Invalidf("the evidence's item is empty")
	case !isSHA256(e.SHA256):
		return workflow.Evidence{}, domain.Invalidf("the evidence's SHA-256 %q is not 64 lowercase hex digits", e.SHA256)
	case e.Size < 0:
		return workflow.Evidence{}, domain.Invalidf("the evidence's size %d is negative", e.Size)
	}
	row := evidenceRow{PeriodCode: e.Period, UnitCode: e.Unit, ItemCode: e.Item, Stage: string(e.Stage),
		FileName: e.FileName, ContentType: e.ContentType, Size: e.Size, SHA256: e.SHA256,
		UploadedBy: e.UploadedBy, UploadedAt: utc(e.UploadedAt)}
	if row.UploadedAt.IsZero() {
		row.UploadedAt = s.now()
	}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		if err := checkPeriodUnit(tx, e.Period, e.Unit); err != nil {
			return err
		}
		return tx.Create(&row).Error
	})
	if err != nil {
		return workflow.Evidence{}, wrap(fmt.Sprintf("add evidence to item %s of %s in %s", e.Item, e.Unit, e.Period), err)
	}
	return row.evidence(), nil
}

// Evidence returns a unit's evidence in a period, ordered by ID (the order
// of upload). An empty unit means every unit.
func (s *Store) Evidence(ctx context.Context, period, unit string) ([]workflow.Evidence, error) {
	q := s.db.WithContext(ctx).Where("period_code = ?", period)
	if unit != "" {
		q = q.Where("unit_code = ?", unit)
	}
	var rows []evidenceRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, wrap(fmt.Sprintf("list evidence of %s in %s", unit, period), err)
	}
	slices.SortFunc(rows, func(a, b evidenceRow) int { return cmp.Compare(a.ID, b.ID) })
	evidence := make([]workflow.Evidence, len(rows))
	for i, r := range rows {
		evidence[i] = r.evidence()
	}
	return evidence, nil
}

// EvidenceByID returns one evidence document's record, or an error of kind
// domain.ErrNotFound.
func (s *Store) EvidenceByID(ctx context.Context, id int64) (workflow.Evidence, error) {
	var row evidenceRow
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return workflow.Evidence{}, domain.NotFoundf("evidence %d not found", id)
	}
	if err != nil {
		return workflow.Evidence{}, wrap(fmt.Sprintf("get evidence %d", id), err)
	}
	return row.evidence(), nil
}

// AddReminder records a reminder to a unit and returns it with its ID and
// time (the store's clock when zero). The period and the unit must exist.
func (s *Store) AddReminder(ctx context.Context, r workflow.Reminder) (workflow.Reminder, error) {
	if r.Message == "" {
		return workflow.Reminder{}, domain.Invalidf("the reminder's message is empty")
	}
	row := reminderRow{PeriodCode: r.Period, UnitCode: r.Unit, Message: r.Message, Author: r.Author, At: utc(r.At)}
	if row.At.IsZero() {
		row.At = s.now()
	}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		if err := checkPeriodUnit(tx, r.Period, r.Unit); err != nil {
			return err
		}
		return tx.Create(&row).Error
	})
	if err != nil {
		return workflow.Reminder{}, wrap(fmt.Sprintf("add a reminder to %s in %s", r.Unit, r.Period), err)
	}
	return row.reminder(), nil
}

// Reminders returns the reminders to a unit in a period, newest first. An
// empty unit means every unit.
func (s *Store) Reminders(ctx context.Context, period, unit string) ([]workflow.Reminder, error) {
	q := s.db.WithContext(ctx).Where("period_code = ?", period)
	if unit != "" {
		q = q.Where("unit_code = ?", unit)
	}
	var rows []reminderRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, wrap(fmt.Sprintf("list reminders of %s in %s", unit, period), err)
	}
	slices.SortFunc(rows, func(a, b reminderRow) int {
		return cmp.Or(b.At.Compare(a.At), cmp.Compare(b.ID, a.ID))
	})
	reminders := make([]workflow.Reminder, len(rows))
	for i, r := range rows {
		reminders[i] = r.reminder()
	}
	return reminders, nil
}
