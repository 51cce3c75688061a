package store

import (
	"cmp"
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/parindex/parindex/scoring"
)

//go:embed queries/unit_data.sql
var unitDataSQL string

// UnitData returns, for every unit of the group that has any points,
// inputs or valid survey responses recorded in the period, what the engine
// needs to score it: Points (item → stage → value), Inputs, and Surveys
// (the satisfaction ratios of the period's survey campaigns, see
// surveyRatios). Units are ordered by code. It runs one query for points
// and inputs and a few for the surveys, whatever the number of units.
// Units that the unit lineage says take no part in the period (continued
// into other units before it, or formed after it) are left out, whatever
// was recorded for them.
func (s *Store) UnitData(ctx context.Context, period, group string) ([]scoring.UnitData, error) {
	names, err := s.unitNames(ctx, group)
	if err != nil {
		return nil, wrap(fmt.Sprintf("load unit data of %s in %s", group, period), err)
	}
	rows, err := s.db.WithContext(ctx).Raw(unitDataSQL, sql.Named("period", period), sql.Named("group", group)).Rows()
	if err != nil {
		return nil, wrap(fmt.Sprintf("load unit data of %s in %s", group, period), err)
	}
	defer rows.Close()
	byUnit := map[string]*scoring.UnitData{}
	// Item codes and input names repeat for every unit: one copy of each
	// is kept, not one per row.
	intern := map[string]string{}
	for rows.Next() {
		var (
			unit, name string
			stage      sql.NullString
			value      decimal.NullDecimal
			na         bool
		)
		if err := rows.Scan(&unit, &name, &stage, &value, &na); err != nil {
			return nil, wrap(fmt.Sprintf("load unit data of %s in %s", group, period), err)
		}
		u := byUnit[unit]
		if u == nil {
			u = &scoring.UnitData{Code: unit, Name: names[unit],
				Points: map[string]scoring.StageValues{}, Inputs: map[string]scoring.Decimal{}}
			byUnit[unit] = u
		}
		if n, ok := intern[name]; ok {
			name = n
		} else {
			intern[name] = name
		}
		if stage.Valid {
			// The schema admits only the four stages.
			u.SetPoints(name, scoring.Stage(stage.String), scoring.Value{Points: pointsOf(value, na), NA: na})
		} else {
			u.Inputs[name] = value.Decimal
		}
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(fmt.Sprintf("load unit data of %s in %s", group, period), err)
	}
	ratios, err := s.surveyRatios(ctx, period, group, "")
	if err != nil {
		return nil, wrap(fmt.Sprintf("load survey results of %s in %s", group, period), err)
	}
	for code, us := range ratios {
		u := byUnit[code]
		if u == nil {
			u = &scoring.UnitData{Code: code, Name: us.name,
				Points: map[string]scoring.StageValues{}, Inputs: map[string]scoring.Decimal{}}
			byUnit[code] = u
		}
		u.Surveys = us.ratios
	}
	lin, err := s.Lineage(ctx)
	if err != nil {
		return nil, err
	}
	units := make([]scoring.UnitData, 0, len(byUnit))
	for code, u := range byUnit {
		if lin.Exists(code, period) {
			units = append(units, *u)
		}
	}
	slices.SortFunc(units, func(a, b scoring.UnitData) int { return cmp.Compare(a.Code, b.Code) })
	return units, nil
}

// unitNames returns the names of a group's units by code.
func (s *Store) unitNames(ctx context.Context, group string) (map[string]string, error) {
	var rows []struct{ Code, Name string }
	if err := s.db.WithContext(ctx).Model(&unitRow{}).Select("code", "name").Where("group_code = ?", group).Find(&rows).Error; err != nil {
		return nil, err
	}
	names := make(map[string]string, len(rows))
	for _, r := range rows {
		names[r.Code] = r.Name
	}
	return names, nil
}
