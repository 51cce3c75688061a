package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// scoreKey identifies one recorded value.
type scoreKey struct{ period, unit, item, stage string }

func (r scoreRow) key() scoreKey { return scoreKey{r.PeriodCode, r.UnitCode, r.ItemCode, r.Stage} }

// sameValue reports whether two values are equal: both not applicable, or
// both points of equal value (1.50 equals 1.5).
func sameValue(a, b scoring.Value) bool {
	return a.NA == b.NA && (a.NA || a.Points.Equal(b.Points))
}

// RecordScores records points for leaves in one transaction: one value per
// period, unit, item and stage, the last row winning when the batch repeats
// one. Every row whose value is new or differs from the stored one appends
// an entry to the change log (the row's comment as the reason, author,
// source such as "import" or "web"); a row that only changes the comment
// updates it (and the author) without a log entry, and a row equal to what
// is stored writes nothing. Every value written gets its version increased
// (1 for a new one), so that a web edit made before an import is detected
// as stale. Missing periods are created (phase draft); units must exist.
// It returns how many values changed. On any problem nothing is written.
//
// The store does not check points against the criteria set; callers do
// (scoring.Framework.CheckPoints).
func (s *Store) RecordScores(ctx context.Context, rows []domain.Score, author, source string) (changed int, err error) {
	if err := checkScores(rows); err != nil {
		return 0, err
	}
	if len(rows) == 0 {
		return 0, nil
	}
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		periods, units := distinct(rows, func(r domain.Score) (string, string) { return r.Period, r.Unit })
		if err := checkUnits(tx, units); err != nil {
			return err
		}
		if err := s.openPeriods(tx, periods); err != nil {
			return err
		}
		if err := s.lockUnits(tx, periods, units); err != nil {
			return err
		}
		current, err := storedScores(tx, periods, units)
		if err != nil {
			return err
		}
		changed, err = s.writeScores(tx, current, rows, author, source)
		return err
	})
	if err != nil {
		return 0, wrap("record points", err)
	}
	return changed, nil
}

// checkScores returns an error of kind domain.ErrInvalid naming every row
// without a period, unit or item, or with an unknown stage.
func checkScores(rows []domain.Score) error {
	var problems []string
	for i, r := range rows {
		where := fmt.Sprintf("row %d (unit %s, item %s)", i+1, r.Unit, r.Item)
		switch {
		case r.Period == "":
			problems = append(problems, where+": the period is empty")
		case r.Unit == "":
			problems = append(problems, where+": the unit is empty")
		case r.Item == "":
			problems = append(problems, where+": the item is empty")
		}
		if _, err := scoring.ParseStage(string(r.Stage)); err != nil {
			problems = append(problems, where+": "+err.Error())
		}
	}
	if len(problems) > 0 {
		return domain.Invalidf("%s", strings.Join(problems, "\n"))
	}
	return nil
}

// writeScores writes checked rows over current, the stored values of their
// units (read in tx, under lockUnits), as RecordScores describes; current
// ends up holding the values as written. It returns how many values
// changed.
func (s *Store) writeScores(tx *gorm.DB, current map[scoreKey]*scoreRow, rows []domain.Score, author, source string) (int, error) {
	now := s.now()
	var (
		changes []changeRow
		write   = map[scoreKey]*scoreRow{}
		order   []scoreKey
	)
	for _, r := range rows {
		v := r.Value
		if v.NA {
			v.Points = scoring.NewInt(0)
		}
		next := &scoreRow{PeriodCode: r.Period, UnitCode: r.Unit, ItemCode: r.Item, Stage: string(r.Stage),
			Points: nullPoints(v), NA: v.NA, Comment: r.Comment, Author: author, UpdatedAt: now, Version: 1}
		k := next.key()
		old, had := current[k]
		valueChanged := !had || !sameValue(old.value(), v)
		if !valueChanged && old.Comment == r.Comment {
			continue
		}
		if had {
			next.Version = old.Version + 1
		}
		if valueChanged {
			c := changeRow{PeriodCode: r.Period, UnitCode: r.Unit, ItemCode: r.Item, Stage: string(r.Stage),
				HadOld: had, NewPoints: next.Points, NewNA: next.NA, Reason: r.Comment, Author: author,
				Source: source, At: now}
			if had {
				c.OldPoints, c.OldNA = old.Points, old.NA
			}
			changes = append(changes, c)
		}
		current[k] = next
		if write[k] == nil {
			order = append(order, k)
		}
		write[k] = next
	}
	// One row per key: PostgreSQL refuses an upsert that touches a row twice.
	upsert := make([]*scoreRow, len(order))
	for i, k := range order {
		upsert[i] = write[k]
	}
	if len(upsert) > 0 {
		err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "period_code"}, {Name: "unit_code"}, {Name: "item_code"}, {Name: "stage"}},
			DoUpdates: clause.AssignmentColumns([]string{"points", "na", "comment", "author", "updated_at", "version"}),
		}).CreateInBatches(upsert, s.batch).Error
		if err != nil {
			return 0, err
		}
	}
	if len(changes) > 0 {
		if err := tx.CreateInBatches(changes, s.batch).Error; err != nil {
			return 0, err
		}
	}
	return len(changes), nil
}

// lockUnits makes concurrent RecordScores and SaveScore calls on the same
// units wait for each other, so that each reads the values the other wrote
// and logs the right old value (and version). SQLite needs nothing: its
// write transactions already run one at a time (_txlock=immediate). On
// PostgreSQL it takes a transaction advisory lock per period and unit, in
// sorted order so that two batches cannot deadlock; row locks would not
// cover values not stored yet.
func (s *Store) lockUnits(tx *gorm.DB, periods, units []string) error {
	if s.dialect != DialectPostgres {
		return nil
	}
	keys := make([]string, 0, len(periods)*len(units))
	for _, p := range periods {
		for _, u := range units {
			keys = append(keys, "parindex.scores\x1f"+p+"\x1f"+u)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := tx.Exec("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", k).Error; err != nil {
			return err
		}
	}
	return nil
}

// distinct returns the distinct periods and units of a batch, in order of
// first appearance.
func distinct[T any](rows []T, key func(T) (period, unit string)) (periods, units []string) {
	seenP, seenU := map[string]bool{}, map[string]bool{}
	for _, r := range rows {
		p, u := key(r)
		if !seenP[p] {
			seenP[p] = true
			periods = append(periods, p)
		}
		if !seenU[u] {
			seenU[u] = true
			units = append(units, u)
		}
	}
	return periods, units
}

// checkUnits returns an error of kind domain.ErrInvalid naming every unit
// that does not exist. The foreign keys would refuse them too, but without
// saying which.
func checkUnits(tx *gorm.DB, codes []string) error {
	found := map[string]bool{}
	err := inBatches(len(codes), inListSize, func(lo, hi int) error {
		var have []string
		if err := tx.Model(&unitRow{}).Where("code IN ?", codes[lo:hi]).Pluck("code", &have).Error; err != nil {
			return err
		}
		for _, c := range have {
			found[c] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	var problems []string
	for _, c := range codes {
		if !found[c] {
			problems = append(problems, fmt.Sprintf("unit %s not found", c))
		}
	}
	if len(problems) > 0 {
		return domain.Invalidf("%s", strings.Join(problems, "\n"))
	}
	return nil
}

// storedScores loads the stored values of the units in the periods.
func storedScores(tx *gorm.DB, periods, units []string) (map[scoreKey]*scoreRow, error) {
	return storedRows(tx, periods, units, scoreRow.key)
}

// storedRows loads the rows (of a table with period and unit codes) of the
// units in the periods, by key.
func storedRows[R any, K comparable](tx *gorm.DB, periods, units []string, key func(R) K) (map[K]*R, error) {
	current := map[K]*R{}
	for _, p := range periods {
		err := inBatches(len(units), inListSize, func(lo, hi int) error {
			var have []R
			err := tx.Where("period_code = ? AND unit_code IN ?", p, units[lo:hi]).Find(&have).Error
			for i := range have {
				current[key(have[i])] = &have[i]
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return current, nil
}

// stageOrder is a stage's place in the workflow, for sorting.
func stageOrder(st string) int { return slices.Index(scoring.Stages, scoring.Stage(st)) }

// Scores returns the values recorded for a unit in a period, ordered by
// item then stage (in workflow order). An empty unit means every unit
// (ordered by unit first).
func (s *Store) Scores(ctx context.Context, period, unit string) ([]domain.Score, error) {
	rows, err := s.scoreRows(ctx, period, unit)
	if err != nil {
		return nil, err
	}
	scores := make([]domain.Score, len(rows))
	for i, r := range rows {
		scores[i] = r.domain()
	}
	return scores, nil
}

// scoreRows loads the values of Scores, in its order.
func (s *Store) scoreRows(ctx context.Context, period, unit string) ([]scoreRow, error) {
	q := s.db.WithContext(ctx).Where("period_code = ?", period)
	if unit != "" {
		q = q.Where("unit_code = ?", unit)
	}
	var rows []scoreRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, wrap(fmt.Sprintf("list points of %s in %s", unit, period), err)
	}
	slices.SortFunc(rows, func(a, b scoreRow) int {
		return cmp.Or(cmp.Compare(a.UnitCode, b.UnitCode), cmp.Compare(a.ItemCode, b.ItemCode),
			cmp.Compare(stageOrder(a.Stage), stageOrder(b.Stage)))
	})
	return rows, nil
}

// CountScores counts the values recorded in a period for the units of a
// group, or of every group when group is empty.
func (s *Store) CountScores(ctx context.Context, period, group string) (int64, error) {
	n, err := countScores(s.db.WithContext(ctx), period, group)
	return n, wrap(fmt.Sprintf("count points of %s in %s", group, period), err)
}

func countScores(db *gorm.DB, period, group string) (int64, error) {
	q := db.Model(&scoreRow{}).Where("period_code = ?", period)
	if group != "" {
		q = q.Where("unit_code IN (?)", db.Model(&unitRow{}).Select("code").Where("group_code = ?", group))
	}
	var n int64
	err := q.Count(&n).Error
	return n, err
}

// Changes returns the change log of a unit in a period, ordered by id (the
// order the changes were made in). An empty unit means every unit.
func (s *Store) Changes(ctx context.Context, period, unit string) ([]domain.Change, error) {
	return changeLog(ctx, s, period, unit, "changes", changeRow.domain)
}

// changeLog reads a change log (rows of type R) of a unit in a period, or
// of every unit when unit is empty, in id order.
func changeLog[R any, D any](ctx context.Context, s *Store, period, unit, what string, conv func(R) D) ([]D, error) {
	q := s.db.WithContext(ctx).Where("period_code = ?", period)
	if unit != "" {
		q = q.Where("unit_code = ?", unit)
	}
	var rows []R
	if err := q.Order("id").Find(&rows).Error; err != nil {
		return nil, wrap(fmt.Sprintf("list %s of %s in %s", what, unit, period), err)
	}
	out := make([]D, len(rows))
	for i, r := range rows {
		out[i] = conv(r)
	}
	return out, nil
}

// Comments returns the period's non-empty comments on points: unit → item
// → stage → text. One narrow query: reports that already hold the values
// read only the comments here.
func (s *Store) Comments(ctx context.Context, period string) (map[string]map[string]map[scoring.Stage]string, error) {
	rows, err := s.db.WithContext(ctx).Raw(
		"SELECT unit_code, item_code, stage, comment FROM scores WHERE period_code = ? AND comment <> ''", period).Rows()
	if err != nil {
		return nil, wrap("list comments of "+period, err)
	}
	defer rows.Close()
	out := map[string]map[string]map[scoring.Stage]string{}
	for rows.Next() {
		var unit, item, stage, comment string
		if err := rows.Scan(&unit, &item, &stage, &comment); err != nil {
			return nil, wrap("list comments of "+period, err)
		}
		byItem := out[unit]
		if byItem == nil {
			byItem = map[string]map[scoring.Stage]string{}
			out[unit] = byItem
		}
		byStage := byItem[item]
		if byStage == nil {
			byStage = map[scoring.Stage]string{}
			byItem[item] = byStage
		}
		byStage[scoring.Stage(stage)] = comment
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("list comments of "+period, err)
	}
	return out, nil
}
