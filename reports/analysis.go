package reports

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

//go:embed analysis.vi.json
var analysisLabels []byte

// alabels are the texts of the workbook's analysis sheets (Vietnamese, as
// the rest of the appendix), kept apart from workbook.vi.json.
var alabels = func() map[string]string {
	m := map[string]string{}
	if err := json.Unmarshal(analysisLabels, &m); err != nil {
		panic(err)
	}
	return m
}()

func alabel(key string, args ...any) string {
	msg, ok := alabels[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// GroupAnalysis is what the workbook's analysis sheets show of a group:
// its rank intervals, its self-assessment against the final points, and
// its units' years side by side through the lineage.
type GroupAnalysis struct {
	Code        string
	Uncertainty *scoring.Uncertainty
	Honesty     *Honesty
	// Years holds each unit's trajectory, in rank order; Periods the
	// periods they cover, oldest first, with the group's mean index.
	Years   []*Trajectory
	Periods []TrajectoryPoint
	Fields  []Field
}

// workbookDraws is the draws of the workbook's rank intervals: the pages'
// number for a province-sized group, fewer for a very large one so that
// units × draws stays near two million (2,000 units: 1,000 draws).
func workbookDraws(units int) int {
	return max(1000, min(scoring.DefaultDraws, 2_000_000/max(units, 1)))
}

// analysis computes every group's analysis from the period's results
// (before their items are dropped) and the other periods' results.
func (s Sources) analysis(ctx context.Context, period string, out *results.Output) ([]GroupAnalysis, error) {
	var lin *scoring.Lineage
	if s.Lineage != nil {
		var err error
		if lin, err = s.Lineage.Lineage(ctx); err != nil {
			return nil, fmt.Errorf("reports: lineage: %w", err)
		}
	}
	periods := []string{period}
	if s.Periods != nil {
		all, err := s.Periods.Periods(ctx)
		if err != nil {
			return nil, fmt.Errorf("reports: periods: %w", err)
		}
		for _, p := range all {
			if p.Code < period && scoring.SameKind(p.Code, period) {
				periods = append(periods, p.Code)
			}
		}
	}
	var list []GroupAnalysis
	for gi := range out.Groups {
		g := &out.Groups[gi]
		ga := GroupAnalysis{Code: g.Code, Honesty: BuildHonesty(*g)}
		u, err := scoring.SimulateRanks(g.GroupResult, g.Data, scoring.UncertaintyOptions{Draws: workbookDraws(len(g.Results)), Seed: 1})
		if err != nil {
			return nil, fmt.Errorf("reports: rank intervals of %s: %w", g.Code, err)
		}
		ga.Uncertainty = u
		byPeriod := map[string]*results.Group{period: g}
		for _, p := range periods[1:] {
			po, err := s.Results.Compute(ctx, p, g.Code, scoring.StageFinal)
			if errors.Is(err, domain.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("reports: results of %s: %w", p, err)
			}
			if len(po.Groups) == 1 && len(po.Groups[0].Results) > 0 {
				byPeriod[p] = &po.Groups[0]
			}
		}
		units := make([]string, len(g.Results))
		for i, r := range g.Results {
			units[i] = r.Unit
		}
		if ga.Years, err = NewTrajectories(byPeriod, lin, period, units); err != nil {
			return nil, err
		}
		if len(ga.Years) > 0 {
			ga.Periods, ga.Fields = ga.Years[0].Points, ga.Years[0].Fields
		}
		list = append(list, ga)
	}
	return list, nil
}
