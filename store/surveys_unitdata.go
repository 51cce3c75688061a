package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"sync"

	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/surveys"
)

// parsedInstruments caches parsed instruments by the hash of their source,
// which is safe across databases.
var parsedInstruments sync.Map // [32]byte → *surveys.Instrument

func parseInstrumentCached(src []byte) (*surveys.Instrument, error) {
	key := sha256.Sum256(src)
	if v, ok := parsedInstruments.Load(key); ok {
		return v.(*surveys.Instrument), nil
	}
	ins, err := surveys.ParseInstrument(bytes.NewReader(src))
	if err != nil {
		return nil, err
	}
	parsedInstruments.Store(key, ins)
	return ins, nil
}

// unitSurveys is one unit's survey results for scoring.
type unitSurveys struct {
	name   string
	ratios map[string]scoring.Decimal
}

// surveyRatios computes, for the units of a group, the satisfaction ratio
// of every measure of the period's campaigns that have opened (open or
// closed), over their valid responses: what the criteria sets' survey
// leaves read. A unit without valid answers for a measure gets no ratio,
// so the engine falls back to the input of the same name. It runs one
// query for the campaigns, one for the group's units and one per campaign
// (through the covering index of the responses), whatever the number of
// units. When two campaigns of a period yield the same measure, the later
// campaign wins. Beside each ratio, under scoring.SampleKey(measure), is the
// number of respondents it was computed from. A unit code narrows it to that unit of the group, whose
// responses alone are read.
func (s *Store) surveyRatios(ctx context.Context, period, group, only string) (map[string]*unitSurveys, error) {
	db := s.db.WithContext(ctx)
	var campaigns []struct {
		ID      int64
		Code    string
		Formula string
		Source  []byte
	}
	err := db.Raw(`SELECT c.id, c.code, c.formula, i.source FROM survey_campaigns c
JOIN survey_instruments i ON i.id = c.instrument_id
WHERE c.period_code = ? AND c.state <> ? ORDER BY c.id`, period, string(surveys.Draft)).Scan(&campaigns).Error
	if err != nil {
		return nil, err
	}
	out := map[string]*unitSurveys{}
	if len(campaigns) == 0 {
		return out, nil
	}
	var groupUnits []unitRow
	q := db.Select("code", "name").Where("group_code = ?", group)
	if only != "" {
		q = q.Where("code = ?", only)
	}
	if err := q.Find(&groupUnits).Error; err != nil {
		return nil, err
	}
	inGroup := make(map[string]string, len(groupUnits)) // code → the same string, shared by the tally
	names := make(map[string]string, len(groupUnits))
	for _, u := range groupUnits {
		inGroup[u.Code], names[u.Code] = u.Code, u.Name
	}
	for _, c := range campaigns {
		ins, err := parseInstrumentCached(c.Source)
		if err != nil {
			return nil, fmt.Errorf("instrument of survey %s: %w", c.Code, err)
		}
		tally := surveys.NewTally(ins)
		// Every valid response of the campaign, through its covering index;
		// those of other groups are skipped here rather than joined.
		query, args := "SELECT unit_code, answers FROM survey_responses WHERE campaign_id = ? AND status = ?", []any{c.ID, string(surveys.Valid)}
		if only != "" {
			query, args = query+" AND unit_code = ?", append(args, only)
		}
		rows, err := db.Raw(query, args...).Rows()
		if err != nil {
			return nil, err
		}
		var unit, choices []byte
		for rows.Next() {
			if err := rows.Scan(&unit, &choices); err != nil {
				rows.Close()
				return nil, err
			}
			if u, ok := inGroup[string(unit)]; ok {
				tally.AddBytes(u, choices)
			}
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		f, _ := surveys.ParseFormula(c.Formula)
		res := tally.Results(surveys.Options{Formula: f})
		for _, sc := range res.Units {
			for _, ix := range sc.Indices {
				if !ix.Defined {
					continue
				}
				us := out[sc.Code]
				if us == nil {
					us = &unitSurveys{name: names[sc.Code], ratios: map[string]scoring.Decimal{}}
					out[sc.Code] = us
				}
				us.ratios[ix.Measure] = ix.Value
				// The respondents the ratio rests on, for the rank
				// uncertainty analysis.
				us.ratios[scoring.SampleKey(ix.Measure)] = scoring.NewInt(int64(ix.N))
			}
		}
	}
	return out, nil
}

// UnitSurveyRatios returns one unit's satisfaction ratios by measure in a
// period, as UnitData gives them for its group, reading only the unit's
// responses.
func (s *Store) UnitSurveyRatios(ctx context.Context, period, unit string) (map[string]scoring.Decimal, error) {
	u, err := s.Unit(ctx, unit)
	if err != nil {
		return nil, err
	}
	all, err := s.surveyRatios(ctx, period, u.Group, unit)
	if err != nil {
		return nil, wrap(fmt.Sprintf("load survey results of %s in %s", unit, period), err)
	}
	if us := all[unit]; us != nil {
		return us.ratios, nil
	}
	return map[string]scoring.Decimal{}, nil
}
