package store

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/workflow"
)

// Publications returns a period's publications, ordered by number.
func (s *Store) Publications(ctx context.Context, period string) ([]workflow.Publication, error) {
	var rows []publicationRow
	if err := s.db.WithContext(ctx).Where("period_code = ?", period).Find(&rows).Error; err != nil {
		return nil, wrap("list the publications of period "+period, err)
	}
	slices.SortFunc(rows, func(a, b publicationRow) int { return cmp.Compare(a.Number, b.Number) })
	pubs := make([]workflow.Publication, len(rows))
	for i, r := range rows {
		pubs[i] = r.publication()
	}
	return pubs, nil
}

// PublicationHeads lists a period's publications, oldest first, without
// their snapshot and document: what pages showing the decision, and the
// check for a newer publication, need on every request.
func (s *Store) PublicationHeads(ctx context.Context, period string) ([]workflow.Publication, error) {
	var rows []publicationRow
	err := s.db.WithContext(ctx).Select("period_code", "number", "decision_no", "decision_date", "approved_by", "published_at").
		Where("period_code = ?", period).Find(&rows).Error
	if err != nil {
		return nil, wrap("list the publications of period "+period, err)
	}
	slices.SortFunc(rows, func(a, b publicationRow) int { return cmp.Compare(a.Number, b.Number) })
	pubs := make([]workflow.Publication, len(rows))
	for i, r := range rows {
		pubs[i] = r.publication()
	}
	return pubs, nil
}

// Publish stores a publication of a period and moves the period to the
// published phase, in one transaction. The publication's number is the
// period's next one (1 for the first), whatever p.Number says; its
// publication time is the store's clock when zero. A publication can never
// be changed or removed afterwards: the database refuses it. An unknown
// period is an error of kind domain.ErrNotFound; which phase it may be
// published from is the workflow's business.
func (s *Store) Publish(ctx context.Context, p workflow.Publication) error {
	switch {
	case p.DecisionNo == "":
		return domain.Invalidf("the publication's decision number is empty")
	case p.DecisionDate.IsZero():
		return domain.Invalidf("the publication's decision date is empty")
	}
	now := s.now()
	row := publicationRow{PeriodCode: p.Period, DecisionNo: p.DecisionNo, DecisionDate: dateOf(p.DecisionDate),
		ApprovedBy: p.ApprovedBy, PublishedAt: utc(p.PublishedAt), Snapshot: p.Snapshot, Document: p.Document}
	if row.PublishedAt.IsZero() {
		row.PublishedAt = now
	}
	// The columns are NOT NULL; a nil slice would be stored as NULL.
	if row.Snapshot == nil {
		row.Snapshot = []byte{}
	}
	if row.Document == nil {
		row.Document = []byte{}
	}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		// Locking the period makes two publications of it take turns, so
		// that they do not pick the same number. NO KEY UPDATE leaves
		// inserts that only reference the period (points, evidence) free.
		// SQLite ignores the clause: its write transactions run one at a
		// time.
		var period periodRow
		err := tx.Clauses(clause.Locking{Strength: "NO KEY UPDATE"}).Select("id").Where("code = ?", p.Period).Take(&period).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return domain.NotFoundf("period %s not found", p.Period)
		}
		if err != nil {
			return err
		}
		var last int
		if err := tx.Model(&publicationRow{}).Where("period_code = ?", p.Period).
			Select("COALESCE(MAX(number), 0)").Scan(&last).Error; err != nil {
			return err
		}
		row.Number = last + 1
		if err := tx.Create(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return domain.Conflictf("period %s was published by someone else at the same time; reload and try again", p.Period)
			}
			return err
		}
		return tx.Model(&periodRow{}).Where("id = ?", period.ID).
			Updates(map[string]any{"phase": string(domain.PhasePublished), "updated_at": now}).Error
	})
	return wrap("publish period "+p.Period, err)
}
