package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/workflow"
)

// inputKey identifies one measured input.
type inputKey struct{ period, unit, name string }

func (r inputRow) key() inputKey { return inputKey{r.PeriodCode, r.UnitCode, r.Name} }

// RecordInputs records measured inputs in one transaction, one value per
// period, unit and name (the last row winning). Every value that is new or
// differs from the stored one appends an entry to the inputs' change log
// (source "import") and gets its version increased; a value equal to the
// stored one writes nothing. Missing periods are created (phase draft);
// units must exist. On any problem nothing is written.
func (s *Store) RecordInputs(ctx context.Context, rows []domain.Input, author string) error {
	var problems []string
	for i, r := range rows {
		if r.Period == "" || r.Unit == "" || r.Name == "" {
			problems = append(problems, fmt.Sprintf("row %d: the period, unit and input name must not be empty", i+1))
		}
	}
	if len(problems) > 0 {
		return domain.Invalidf("%s", strings.Join(problems, "\n"))
	}
	if len(rows) == 0 {
		return nil
	}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		_, err := s.writeInputs(tx, rows, author, "import", "")
		return err
	})
	return wrap("record inputs", err)
}

// writeInputs upserts inputs as RecordInputs describes, the change log
// entries carrying source and reason. It returns how many distinct values
// the rows hold.
func (s *Store) writeInputs(tx *gorm.DB, rows []domain.Input, author, source, reason string) (int, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	current, err := s.lockInputs(tx, rows)
	if err != nil {
		return 0, err
	}
	return s.applyInputs(tx, current, rows, author, source, reason)
}

// lockInputs checks the rows' units, creates missing periods, and loads
// the units' stored inputs under the same lock as points: a unit's writers
// wait for each other, so that each logs the value the other wrote as the
// old one.
func (s *Store) lockInputs(tx *gorm.DB, rows []domain.Input) (map[inputKey]*inputRow, error) {
	periods, units := distinct(rows, func(r domain.Input) (string, string) { return r.Period, r.Unit })
	if err := checkUnits(tx, units); err != nil {
		return nil, err
	}
	if err := s.openPeriods(tx, periods); err != nil {
		return nil, err
	}
	if err := s.lockUnits(tx, periods, units); err != nil {
		return nil, err
	}
	return storedRows(tx, periods, units, inputRow.key)
}

// applyInputs writes rows over current, the stored inputs of their units
// (loaded by lockInputs); current ends up holding the values as written.
// A value that is new or differs from the stored one gets its version
// increased and a change log entry; an equal one writes nothing.
func (s *Store) applyInputs(tx *gorm.DB, current map[inputKey]*inputRow, rows []domain.Input, author, source, reason string) (int, error) {
	now := s.now()
	last := map[inputKey]domain.Input{}
	var order []inputKey
	for _, r := range rows {
		k := inputKey{r.Period, r.Unit, r.Name}
		if _, ok := last[k]; !ok {
			order = append(order, k)
		}
		last[k] = r
	}
	var (
		upsert  []*inputRow
		changes []inputChangeRow
	)
	for _, k := range order {
		r := last[k]
		old, had := current[k]
		if had && old.Value.Equal(r.Value) {
			continue
		}
		next := &inputRow{PeriodCode: r.Period, UnitCode: r.Unit, Name: r.Name, Value: r.Value, Author: author, UpdatedAt: now, Version: 1}
		c := inputChangeRow{PeriodCode: r.Period, UnitCode: r.Unit, Name: r.Name, NewValue: r.Value,
			Reason: reason, Author: author, Source: source, At: now}
		if had {
			next.Version = old.Version + 1
			c.HadOld, c.OldValue = true, decimal.NewNullDecimal(old.Value)
		}
		current[k] = next
		upsert = append(upsert, next)
		changes = append(changes, c)
	}
	if len(upsert) > 0 {
		err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "period_code"}, {Name: "unit_code"}, {Name: "name"}},
			DoUpdates: clause.AssignmentColumns([]string{"value", "author", "updated_at", "version"}),
		}).CreateInBatches(upsert, s.batch).Error
		if err != nil {
			return 0, err
		}
		if err := tx.CreateInBatches(changes, s.batch).Error; err != nil {
			return 0, err
		}
	}
	return len(order), nil
}

// SaveInput writes one measured input and appends the change log in one
// transaction; it returns the value's new version. When w.Expect is not
// nil the stored version must equal it (0: nothing stored yet), else it
// returns an error of kind domain.ErrConflict naming who changed the value
// last, and writes nothing. A value equal to the stored one writes nothing
// and keeps its version.
func (s *Store) SaveInput(ctx context.Context, w workflow.InputWrite) (version int64, err error) {
	if w.Period == "" || w.Unit == "" || w.Name == "" {
		return 0, domain.Invalidf("the period, unit and input name must not be empty")
	}
	k := inputKey{w.Period, w.Unit, w.Name}
	rows := []domain.Input{w.Input}
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		current, err := s.lockInputs(tx, rows)
		if err != nil {
			return err
		}
		stored := current[k]
		switch {
		case w.Expect == nil:
		case stored == nil && *w.Expect != 0:
			return domain.Conflictf("input %s of unit %s has no stored value, not version %d; reload and try again", w.Name, w.Unit, *w.Expect)
		case stored != nil && stored.Version != *w.Expect:
			return domain.Conflictf("input %s of unit %s was changed by %s at %s (version %d); reload and try again",
				w.Name, w.Unit, stored.Author, stored.UpdatedAt.UTC().Format(time.DateTime+" UTC"), stored.Version)
		}
		if _, err := s.applyInputs(tx, current, rows, w.Author, w.Source, w.Reason); err != nil {
			return err
		}
		version = current[k].Version
		return nil
	})
	if err != nil {
		return 0, wrap(fmt.Sprintf("save input %s of unit %s in %s", w.Name, w.Unit, w.Period), err)
	}
	return version, nil
}

// Inputs returns the inputs recorded for a unit in a period, ordered by
// name. An empty unit means every unit (ordered by unit first).
func (s *Store) Inputs(ctx context.Context, period, unit string) ([]domain.Input, error) {
	records, err := s.InputRecords(ctx, period, unit)
	if err != nil {
		return nil, err
	}
	inputs := make([]domain.Input, len(records))
	for i, r := range records {
		inputs[i] = r.Input
	}
	return inputs, nil
}

// InputRecords is Inputs with each value's version and last author.
func (s *Store) InputRecords(ctx context.Context, period, unit string) ([]workflow.InputRecord, error) {
	q := s.db.WithContext(ctx).Where("period_code = ?", period)
	if unit != "" {
		q = q.Where("unit_code = ?", unit)
	}
	var rows []inputRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, wrap(fmt.Sprintf("list inputs of %s in %s", unit, period), err)
	}
	slices.SortFunc(rows, func(a, b inputRow) int {
		return cmp.Or(cmp.Compare(a.UnitCode, b.UnitCode), cmp.Compare(a.Name, b.Name))
	})
	out := make([]workflow.InputRecord, len(rows))
	for i, r := range rows {
		out[i] = workflow.InputRecord{
			Input:   domain.Input{Period: r.PeriodCode, Unit: r.UnitCode, Name: r.Name, Value: r.Value},
			Version: r.Version, Author: r.Author, UpdatedAt: r.UpdatedAt.UTC(),
		}
	}
	return out, nil
}

// InputChanges returns the change log of a unit's inputs in a period,
// ordered by id (the order the changes were made in). An empty unit means
// every unit.
func (s *Store) InputChanges(ctx context.Context, period, unit string) ([]domain.InputChange, error) {
	return changeLog(ctx, s, period, unit, "input changes", inputChangeRow.domain)
}
