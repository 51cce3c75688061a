package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/parindex/parindex/domain"
)

// Publications returns a period's publications with their data, ordered by
// number.
func (s *Store) Publications(ctx context.Context, period string) ([]domain.Publication, error) {
	var rows []publicationRow
	if err := s.db.WithContext(ctx).Where("period_code = ?", period).Find(&rows).Error; err != nil {
		return nil, wrap("list the publications of period "+period, err)
	}
	return s.withDecisions(ctx, period, rows)
}

// Publication returns one publication of a period with its data, or an
// error of kind domain.ErrNotFound.
func (s *Store) Publication(ctx context.Context, period string, number int) (domain.Publication, error) {
	var row publicationRow
	err := s.db.WithContext(ctx).Where("period_code = ? AND number = ?", period, number).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.Publication{}, domain.Errorf(domain.ErrNotFound, "pub.not_found", "period %s has no publication number %d", period, number)
	}
	if err != nil {
		return domain.Publication{}, wrap(fmt.Sprintf("get publication %d of period %s", number, period), err)
	}
	pubs, err := s.withDecisions(ctx, period, []publicationRow{row})
	if err != nil {
		return domain.Publication{}, err
	}
	return pubs[0], nil
}

// PublicationHeads lists a period's publications, oldest first, without
// their snapshot, document and readiness report: what pages showing the
// decision, and the check for a newer publication, need on every request.
func (s *Store) PublicationHeads(ctx context.Context, period string) ([]domain.Publication, error) {
	var rows []publicationRow
	err := s.db.WithContext(ctx).Select("period_code", "number", "decision_no", "decision_date", "approved_by", "published_at",
		"reason", "override_reason").
		Where("period_code = ?", period).Find(&rows).Error
	if err != nil {
		return nil, wrap("list the publications of period "+period, err)
	}
	return s.withDecisions(ctx, period, rows)
}

// withDecisions converts a period's publication rows, ordered by number,
// each with the latest signed decision attached to it.
func (s *Store) withDecisions(ctx context.Context, period string, rows []publicationRow) ([]domain.Publication, error) {
	slices.SortFunc(rows, func(a, b publicationRow) int { return cmp.Compare(a.Number, b.Number) })
	pubs := make([]domain.Publication, len(rows))
	for i, r := range rows {
		pubs[i] = r.publication()
	}
	if len(rows) == 0 {
		return pubs, nil
	}
	var docs []decisionRow
	if err := s.db.WithContext(ctx).Where("period_code = ?", period).Order("id").Find(&docs).Error; err != nil {
		return nil, wrap("list the signed decisions of period "+period, err)
	}
	for _, d := range docs {
		for i := range pubs {
			if pubs[i].Number == d.Publication {
				pubs[i].Decision = d.document() // the latest wins
			}
		}
	}
	return pubs, nil
}

// Publish stores a publication of a period and moves the period to the
// published phase, in one transaction; a correction open on the period
// closes with it. The publication's number is the period's next one (1
// for the first), whatever p.Number says; its publication time is the
// store's clock when zero. When p.Stamp is set, the period's data must
// still be those it was frozen from (PeriodStamp), else the publication is
// refused as a conflict: an edit slipped in while it was being made. A
// publication can never be changed or removed afterwards: the database
// refuses it. An unknown period is an error of kind domain.ErrNotFound;
// which phase it may be published from is the workflow's business.
func (s *Store) Publish(ctx context.Context, p domain.Publication) error {
	switch {
	case p.DecisionNo == "":
		return domain.Invalidf("the publication's decision number is empty")
	case p.DecisionDate.IsZero():
		return domain.Invalidf("the publication's decision date is empty")
	}
	now := s.now()
	row := publicationRow{PeriodCode: p.Period, DecisionNo: p.DecisionNo, DecisionDate: dateOf(p.DecisionDate),
		ApprovedBy: p.ApprovedBy, PublishedAt: utc(p.PublishedAt), Snapshot: p.Snapshot, Document: p.Document,
		Reason: p.Reason, OverrideReason: p.Override, Readiness: p.Readiness}
	if row.PublishedAt.IsZero() {
		row.PublishedAt = now
	}
	// The columns are NOT NULL; a nil slice would be stored as NULL.
	for _, b := range []*[]byte{&row.Snapshot, &row.Document, &row.Readiness} {
		if *b == nil {
			*b = []byte{}
		}
	}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		// Locking the period makes two publications of it take turns, so
		// that they do not pick the same number, and waits for the writes
		// under way (openPeriods holds the period FOR SHARE). NO KEY
		// UPDATE leaves inserts that only reference the period free.
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
		if p.Stamp != "" {
			stamp, err := periodStamp(tx, p.Period)
			if err != nil {
				return err
			}
			if stamp != p.Stamp {
				return domain.Errorf(domain.ErrConflict, "pub.data_changed",
					"the data of period %s changed while it was being published; nothing was published: look at the result again and publish", p.Period)
			}
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

// Reopen opens a correction of a published period, naming its latest
// publication: the period can be changed again until the committee's next
// publication. A period that is not published, or already reopened, is a
// conflict; an unknown one is not found. Who may reopen is the workflow's
// business.
func (s *Store) Reopen(ctx context.Context, c domain.Correction) (domain.Correction, error) {
	if c.Reason == "" {
		return c, domain.Invalidf("the reason of the correction is empty")
	}
	row := correctionRow{PeriodCode: c.Period, Reason: c.Reason, OpenedBy: c.OpenedBy, OpenedAt: utc(c.OpenedAt)}
	if row.OpenedAt.IsZero() {
		row.OpenedAt = s.now()
	}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var period periodRow
		err := tx.Clauses(clause.Locking{Strength: "NO KEY UPDATE"}).Where("code = ?", c.Period).Take(&period).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return domain.NotFoundf("period %s not found", c.Period)
		}
		if err != nil {
			return err
		}
		latest, err := latestPublication(tx, c.Period)
		if err != nil {
			return err
		}
		if period.Phase != string(domain.PhasePublished) || latest == nil {
			return domain.Errorf(domain.ErrConflict, "pub.reopen_unpublished", "period %s is not published: only a published period is reopened for a correction", c.Period)
		}
		row.Publication = latest.Number
		if err := tx.Create(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return domain.Errorf(domain.ErrConflict, "pub.already_reopened", "period %s is already reopened for a correction of publication %d", c.Period, latest.Number)
			}
			return err
		}
		return nil
	})
	if err != nil {
		return c, wrap("reopen period "+c.Period, err)
	}
	return row.correction(), nil
}

// Corrections lists a period's corrections, oldest first.
func (s *Store) Corrections(ctx context.Context, period string) ([]domain.Correction, error) {
	var rows []correctionRow
	if err := s.db.WithContext(ctx).Where("period_code = ?", period).Order("publication").Find(&rows).Error; err != nil {
		return nil, wrap("list the corrections of period "+period, err)
	}
	out := make([]domain.Correction, len(rows))
	for i, r := range rows {
		out[i] = r.correction()
	}
	return out, nil
}

// AddDecision attaches a signed decision (a document already stored by
// its SHA-256) to a publication; the latest attached is the one shown. An
// unknown publication is not found.
func (s *Store) AddDecision(ctx context.Context, period string, number int, d domain.DecisionDocument) (domain.DecisionDocument, error) {
	row := decisionRow{PeriodCode: period, Publication: number, FileName: d.FileName, Size: d.Size, SHA256: d.SHA256,
		UploadedBy: d.UploadedBy, UploadedAt: utc(d.UploadedAt)}
	if row.UploadedAt.IsZero() {
		row.UploadedAt = s.now()
	}
	err := s.db.WithContext(ctx).Create(&row).Error
	if errors.Is(err, gorm.ErrForeignKeyViolated) {
		return d, domain.Errorf(domain.ErrNotFound, "pub.not_found", "period %s has no publication number %d", period, number)
	}
	if err != nil {
		return d, wrap(fmt.Sprintf("attach the decision of publication %d of period %s", number, period), err)
	}
	return *row.document(), nil
}

// latestPublication returns a period's latest publication (without its
// data), or nil.
func latestPublication(tx *gorm.DB, period string) (*publicationRow, error) {
	var rows []publicationRow
	err := tx.Select("period_code", "number", "decision_no", "decision_date").Where("period_code = ?", period).
		Order("number DESC").Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return &rows[0], nil
}

// openPeriods creates the periods that do not exist yet (phase draft) and
// refuses to change a published period that is not reopened for a
// correction, with an error naming its publication. Every write of the
// data results are computed from (points, inputs, criteria sets, survey
// imports), by the web or an import, calls it first in its transaction:
// the one place a published result is kept frozen. On PostgreSQL the
// periods stay locked FOR SHARE until the write commits, so that a
// publication waits for the writes under way and a write begun after it
// sees it.
func (s *Store) openPeriods(tx *gorm.DB, codes []string) error {
	if err := s.ensurePeriods(tx, codes); err != nil {
		return err
	}
	q := tx.Model(&periodRow{}).Select("code", "phase").Where("code IN ?", codes)
	if s.dialect == DialectPostgres {
		q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthShare})
	}
	var rows []periodRow
	if err := q.Order("code").Find(&rows).Error; err != nil {
		return err
	}
	for _, p := range rows {
		if p.Phase != string(domain.PhasePublished) {
			continue
		}
		latest, err := latestPublication(tx, p.Code)
		if err != nil {
			return err
		}
		if latest == nil {
			continue // published by hand, without a decision: nothing is frozen
		}
		var open int64
		if err := tx.Model(&correctionRow{}).Where("period_code = ? AND publication = ?", p.Code, latest.Number).
			Count(&open).Error; err != nil {
			return err
		}
		if open == 0 {
			return domain.Errorf(domain.ErrConflict, "pub.frozen",
				"period %s is published (publication %d, decision %s of %s): its data can no longer change; the secretariat reopens it for a correction first",
				p.Code, latest.Number, latest.DecisionNo, latest.DecisionDate.Format("02/01/2006"))
		}
	}
	return nil
}
