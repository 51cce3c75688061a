package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

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
		_, err := s.writeInputs(tx, rows, author)
		return err
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
