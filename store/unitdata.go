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
func (s *Store) UnitData(ctx context.Context, period, group string) ([]scoring.UnitData, error) {
	rows, err := s.db.WithContext(ctx).Raw(unitDataSQL, sql.Named("period", period), sql.Named("group", group)).Rows()
	if err != nil {
		return nil, wrap(fmt.Sprintf("load unit data of %s in %s", group, period), err)
	}
	defer rows.Close()
	byUnit := map[string]*scoring.UnitData{}
	for rows.Next() {
		var (
			unit, unitName, kind, name string
			stage                      sql.NullString
			value                      decimal.NullDecimal
			na                         bool
		)
		if err := rows.Scan(&unit, &unitName, &kind, &name, &stage, &value, &na); err != nil {
			return nil, wrap(fmt.Sprintf("load unit data of %s in %s", group, period), err)
		}
		u := byUnit[unit]
		if u == nil {
			u = &scoring.UnitData{Code: unit, Name: unitName,
				Points: map[string]map[scoring.Stage]scoring.Value{}, Inputs: map[string]scoring.Decimal{}}
			byUnit[unit] = u
		}
		switch kind {
		case "s":
			byStage := u.Points[name]
			if byStage == nil {
				byStage = map[scoring.Stage]scoring.Value{}
				u.Points[name] = byStage
			}
			byStage[scoring.Stage(stage.String)] = scoring.Value{Points: pointsOf(value, na), NA: na}
		case "i":
			u.Inputs[name] = value.Decimal
		}
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(fmt.Sprintf("load unit data of %s in %s", group, period), err)
	}
	ratios, err := s.surveyRatios(ctx, period, group)
	if err != nil {
		return nil, wrap(fmt.Sprintf("load survey results of %s in %s", group, period), err)
	}
	for code, us := range ratios {
		u := byUnit[code]
		if u == nil {
			u = &scoring.UnitData{Code: code, Name: us.name,
				Points: map[string]map[scoring.Stage]scoring.Value{}, Inputs: map[string]scoring.Decimal{}}
			byUnit[code] = u
		}
		u.Surveys = us.ratios
	}
	units := make([]scoring.UnitData, 0, len(byUnit))
	for _, u := range byUnit {
		units = append(units, *u)
	}
	slices.SortFunc(units, func(a, b scoring.UnitData) int { return cmp.Compare(a.Code, b.Code) })
	return units, nil
}
