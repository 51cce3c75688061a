package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/workflow"
)

// FrameworkSource returns the file a criteria set was imported from, or an
// error of kind domain.ErrNotFound.
func (s *Store) FrameworkSource(ctx context.Context, period, group string) ([]byte, error) {
	var row frameworkRow
	err := s.db.WithContext(ctx).Select("source").Where("period_code = ? AND group_code = ?", period, group).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, domain.NotFoundf("criteria set %s %s not found", period, group)
	}
	if err != nil {
		return nil, wrap(fmt.Sprintf("get the source of criteria set %s %s", period, group), err)
	}
	return row.Source, nil
}

// ScoreRecords returns the values recorded for a unit in a period with
// their versions and last authors, in the order of Scores. An empty unit
// means every unit.
func (s *Store) ScoreRecords(ctx context.Context, period, unit string) ([]workflow.ScoreRecord, error) {
	rows, err := s.scoreRows(ctx, period, unit)
	if err != nil {
		return nil, err
	}
	records := make([]workflow.ScoreRecord, len(rows))
	for i, r := range rows {
		records[i] = workflow.ScoreRecord{Score: r.domain(), Version: r.Version, Author: r.Author, UpdatedAt: r.UpdatedAt.UTC()}
	}
	return records, nil
}

// SaveScore records one value in one transaction, by the rules of
// RecordScores (a change of value is logged, a change of comment alone is
// not, an unchanged value writes nothing), and returns the value's version
// afterwards. When w.Expect is not nil the stored version must equal it (0:
// nothing stored yet); otherwise SaveScore returns an error of kind
// domain.ErrConflict naming who changed the value last, and writes nothing.
func (s *Store) SaveScore(ctx context.Context, w workflow.ScoreWrite) (version int64, err error) {
	if err := checkScores([]domain.Score{w.Score}); err != nil {
		return 0, err
	}
	k := scoreKey{w.Period, w.Unit, w.Item, string(w.Stage)}
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		if err := checkUnits(tx, []string{w.Unit}); err != nil {
			return err
		}
		if err := s.openPeriods(tx, []string{w.Period}); err != nil {
			return err
		}
		if err := s.lockUnits(tx, []string{w.Period}, []string{w.Unit}); err != nil {
			return err
		}
		current := map[scoreKey]*scoreRow{}
		var old scoreRow
		// The advisory lock already keeps writers of the unit apart; the row
		// lock also holds off any writer that does not take it. SQLite
		// ignores the clause: its write transactions run one at a time.
		err := tx.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).
			Where("period_code = ? AND unit_code = ? AND item_code = ? AND stage = ?", k.period, k.unit, k.item, k.stage).
			Take(&old).Error
		switch {
		case err == nil:
			current[k] = &old
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return err
		}
		if err := expectVersion(w, current[k]); err != nil {
			return err
		}
		if _, err := s.writeScores(tx, current, []domain.Score{w.Score}, w.Author, w.Source); err != nil {
			return err
		}
		version = current[k].Version
		return nil
	})
	if err != nil {
		return 0, wrap(fmt.Sprintf("save points of item %s of unit %s in %s", w.Item, w.Unit, w.Period), err)
	}
	return version, nil
}

// expectVersion checks a write's expected version against the stored value
// (nil when there is none).
func expectVersion(w workflow.ScoreWrite, stored *scoreRow) error {
	switch {
	case w.Expect == nil:
		return nil
	case stored == nil && *w.Expect == 0:
		return nil
	case stored == nil:
		return domain.Conflictf("item %s of unit %s has no stored value, not version %d; reload and try again",
			w.Item, w.Unit, *w.Expect)
	case stored.Version != *w.Expect:
		return domain.Conflictf("item %s of unit %s was changed by %s at %s (version %d); reload and try again",
			w.Item, w.Unit, stored.Author, stored.UpdatedAt.UTC().Format(time.DateTime+" UTC"), stored.Version)
	}
	return nil
}
