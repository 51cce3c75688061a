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
)

// RecordInputs records measured inputs in one transaction, one value per
// period, unit and name (the last row winning). Missing periods are created
// (phase draft); units must exist. On any problem nothing is written.
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
		periods, units := distinct(rows, func(r domain.Input) (string, string) { return r.Period, r.Unit })
		if err := checkUnits(tx, units); err != nil {
			return err
		}
		if err := s.ensurePeriods(tx, periods); err != nil {
			return err
		}
		now := s.now()
		type key struct{ period, unit, name string }
		index := map[key]int{}
		var upsert []inputRow
		for _, r := range rows {
			row := inputRow{PeriodCode: r.Period, UnitCode: r.Unit, Name: r.Name, Value: r.Value, Author: author, UpdatedAt: now}
			k := key{r.Period, r.Unit, r.Name}
			if i, ok := index[k]; ok {
				upsert[i] = row
				continue
			}
			index[k] = len(upsert)
			upsert = append(upsert, row)
		}
		return tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "period_code"}, {Name: "unit_code"}, {Name: "name"}},
			DoUpdates: clause.AssignmentColumns([]string{"value", "author", "updated_at"}),
		}).CreateInBatches(upsert, s.batch).Error
	})
	return wrap("record inputs", err)
}

// Inputs returns the inputs recorded for a unit in a period, ordered by
// name. An empty unit means every unit (ordered by unit first).
func (s *Store) Inputs(ctx context.Context, period, unit string) ([]domain.Input, error) {
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
	inputs := make([]domain.Input, len(rows))
	for i, r := range rows {
		inputs[i] = domain.Input{Period: r.PeriodCode, Unit: r.UnitCode, Name: r.Name, Value: r.Value}
	}
	return inputs, nil
}
