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
// query for the campaigns and one per campaign, whatever the number of
// units. When two campaigns of a period yield the same measure, the later
// campaign wins.
func (s *Store) surveyRatios(ctx context.Context, period, group string) (map[string]*unitSurveys, error) {
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
	for _, c := range campaigns {
		ins, err := parseInstrumentCached(c.Source)
		if err != nil {
			return nil, fmt.Errorf("instrument of survey %s: %w", c.Code, err)
		}
		tally := surveys.NewTally(ins)
		names := map[string]string{}
		interned := map[string]string{}
		rows, err := db.Raw(`SELECT r.unit_code, u.name, r.answers FROM survey_responses r
JOIN units u ON u.code = r.unit_code
WHERE r.campaign_id = ? AND r.status = ? AND u.group_code = ?`, c.ID, string(surveys.Valid), group).Rows()
		if err != nil {
			return nil, err
		}
		var unit, name, choices []byte
		for rows.Next() {
			if err := rows.Scan(&unit, &name, &choices); err != nil {
				rows.Close()
				return nil, err
			}
			u, ok := interned[string(unit)]
			if !ok {
				u = string(unit)
				interned[u], names[u] = u, string(name)
			}
			tally.AddBytes(u, choices)
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
			}
		}
	}
	return out, nil
}
