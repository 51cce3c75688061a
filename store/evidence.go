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
	if err := checkEvidence(e); err != nil {
		return workflow.Evidence{}, err
	}
	row := evidenceRowOf(e)
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

// checkEvidence refuses an evidence record the table would refuse, saying
// why.
func checkEvidence(e workflow.Evidence) error {
	switch {
	case e.Stage != scoring.StageSelf && e.Stage != scoring.StageExplanation:
		return domain.Invalidf("evidence stage %q must be self or explanation", e.Stage)
	case e.Item == "":
		return domain.Invalidf("the evidence's item is empty")
	case !isSHA256(e.SHA256):
		return domain.Invalidf("the evidence's SHA-256 %q is not 64 lowercase hex digits", e.SHA256)
	case e.Size < 0:
		return domain.Invalidf("the evidence's size %d is negative", e.Size)
	}
	return nil
}

func evidenceRowOf(e workflow.Evidence) evidenceRow {
	return evidenceRow{PeriodCode: e.Period, UnitCode: e.Unit, ItemCode: e.Item, Stage: string(e.Stage),
		FileName: e.FileName, ContentType: e.ContentType, Size: e.Size, SHA256: e.SHA256,
		UploadedBy: e.UploadedBy, UploadedAt: utc(e.UploadedAt)}
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

// AddReminders records reminders in one transaction, all or nothing, and
// returns them with their IDs and times (the store's clock when zero). The
// period and every unit must exist: an unknown one is an error of kind
// domain.ErrNotFound naming it, and nothing is stored. Callers bound and
// de-duplicate the list (the workflow does).
func (s *Store) AddReminders(ctx context.Context, rs []workflow.Reminder) ([]workflow.Reminder, error) {
	if len(rs) == 0 {
		return nil, nil
	}
	rows := make([]reminderRow, len(rs))
	periods := map[string]bool{}
	var units []string
	seen := map[string]bool{}
	now := s.now()
	for i, r := range rs {
		if r.Message == "" {
			return nil, domain.Invalidf("the reminder's message is empty")
		}
		rows[i] = reminderRow{PeriodCode: r.Period, UnitCode: r.Unit, Message: r.Message, Author: r.Author, At: utc(r.At)}
		if rows[i].At.IsZero() {
			rows[i].At = now
		}
		periods[r.Period] = true
		if !seen[r.Unit] {
			seen[r.Unit] = true
			units = append(units, r.Unit)
		}
	}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		for p := range periods {
			if err := checkPeriod(tx, p); err != nil {
				return err
			}
		}
		if err := checkUnits(tx, units); err != nil {
			return domain.NotFoundf("%s", err.Error())
		}
		return tx.CreateInBatches(rows, s.batch).Error
	})
	if err != nil {
		return nil, wrap("add reminders", err)
	}
	out := make([]workflow.Reminder, len(rows))
	for i, r := range rows {
		out[i] = r.reminder()
	}
	return out, nil
}

// Reminders returns the reminders to a unit in a period, newest first, at
// most limit of them (0: all). An empty unit means every unit.
func (s *Store) Reminders(ctx context.Context, period, unit string, limit int) ([]workflow.Reminder, error) {
	q := s.db.WithContext(ctx).Where("period_code = ?", period)
	if unit != "" {
		q = q.Where("unit_code = ?", unit)
	}
	if limit > 0 {
		q = q.Limit(limit)
	}
	var rows []reminderRow
	if err := q.Order("at DESC, id DESC").Find(&rows).Error; err != nil {
		return nil, wrap(fmt.Sprintf("list reminders of %s in %s", unit, period), err)
	}
	reminders := make([]workflow.Reminder, len(rows))
	for i, r := range rows {
		reminders[i] = r.reminder()
	}
	return reminders, nil
}

// ReminderCounts counts the reminders of a period per unit.
func (s *Store) ReminderCounts(ctx context.Context, period string) (map[string]int, error) {
	var rows []struct {
		UnitCode string
		N        int
	}
	err := s.db.WithContext(ctx).Model(&reminderRow{}).Select("unit_code, COUNT(*) AS n").
		Where("period_code = ?", period).Group("unit_code").Scan(&rows).Error
	if err != nil {
		return nil, wrap("count reminders of "+period, err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.UnitCode] = r.N
	}
	return out, nil
}
