package reports

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

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
// its units' years side by side through the lineage. It holds plain
// numbers (NaN for none) rather than decimals and maps: a workbook of
// thousands of units keeps it while every sheet is written.
type GroupAnalysis struct {
	Code        string
	Draws       int
	Seed        uint64
	Ranks       []RankRow // in rank order
	Honesty     HonestySummary
	Periods     []PeriodMean // oldest first
	Fields      []Field
	Years       []YearsRow // in rank order
	Comparisons bool       // some unit was compared through the lineage
}

// RankRow is a unit's rank interval.
type RankRow struct {
	Low, High            int
	TiedAbove, TiedBelow bool
	Sampled, Exact       string
}

// HonestySummary is a group's self-assessment in plain numbers.
type HonestySummary struct {
	MeanGap, LoweredShare float64
	Leaves, Lowered       int
	Fields                []HonestyFieldRow
	Units                 []HonestyRow // largest gap first
}

// HonestyFieldRow is a field's line of HonestySummary.
type HonestyFieldRow struct {
	Code, Name                 string
	MeanGap, GapShare, Lowered float64
	LeafCount, LoweredCount    int
}

// HonestyRow is a unit's line of HonestySummary; FieldGaps is NaN where
// the field does not apply.
type HonestyRow struct {
	Unit, Name       string
	Self, Final, Gap float64
	Leaves, Lowered  int
	Share            float64
	FieldGaps        []float64
}

// PeriodMean is one period of the years side by side: the group's mean
// index, its units, and its mean sub-index per field (Fields order).
type PeriodMean struct {
	Period  string
	Mean    float64
	Count   int
	SubMean []float64
}

// YearsRow is a unit's years side by side: per period (Periods order) its
// index and rank (0: a mean of predecessors), per field and period its
// sub-index, and what earlier values are the mean of.
type YearsRow struct {
	Unit, Name string
	Index      []float64
	Rank       []int
	Sub        [][]float64 // [field][period]
	Basis      string
}

func dnum(d *scoring.Decimal) float64 {
	if d == nil {
		return math.NaN()
	}
	return num(*d)
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
		ga := GroupAnalysis{Code: g.Code, Honesty: summarize(BuildHonesty(*g))}
		u, err := scoring.SimulateRanks(g.GroupResult, g.Data, scoring.UncertaintyOptions{Draws: workbookDraws(len(g.Results)), Seed: 1})
		if err != nil {
			return nil, fmt.Errorf("reports: rank intervals of %s: %w", g.Code, err)
		}
		ga.Draws, ga.Seed = u.Draws, u.Seed
		for _, r := range g.Results {
			iv := u.Units[r.Unit]
			ga.Ranks = append(ga.Ranks, RankRow{Low: iv.Low, High: iv.High, TiedAbove: iv.TiedAbove, TiedBelow: iv.TiedBelow,
				Sampled: strings.Join(iv.Sampled, ", "), Exact: strings.Join(iv.Exact, ", ")})
			if c := r.Compared; c != nil && (c.Kind != scoring.SameUnit || len(c.Missing) > 0) {
				ga.Comparisons = true
			}
		}
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
		years, err := NewTrajectories(byPeriod, lin, period, units)
		if err != nil {
			return nil, err
		}
		ga.setYears(years)
		list = append(list, ga)
	}
	return list, nil
}

// summarize turns a group's self-assessment into plain numbers.
func summarize(h *Honesty) HonestySummary {
	hs := HonestySummary{MeanGap: num(h.MeanGap), LoweredShare: num(h.LoweredShare()), Leaves: h.Leaves, Lowered: h.Lowered}
	for _, f := range h.Fields {
		hs.Fields = append(hs.Fields, HonestyFieldRow{Code: f.Code, Name: f.Name, MeanGap: num(f.MeanGap), GapShare: num(f.MeanGapShare),
			Lowered: num(f.LoweredShare()), LeafCount: f.Leaves, LoweredCount: f.Lowered})
	}
	for _, u := range h.Units {
		row := HonestyRow{Unit: u.Unit, Name: u.Name, Self: num(u.SelfIndex), Final: num(u.FinalIndex), Gap: num(u.Gap),
			Leaves: u.Leaves, Lowered: u.Lowered, Share: num(u.LoweredShare()), FieldGaps: make([]float64, len(u.Fields))}
		for k, c := range u.Fields {
			row.FieldGaps[k] = math.NaN()
			if !c.NA {
				row.FieldGaps[k] = num(c.Gap)
			}
		}
		hs.Units = append(hs.Units, row)
	}
	return hs
}

// setYears keeps the units' trajectories in plain numbers.
func (ga *GroupAnalysis) setYears(years []*Trajectory) {
	if len(years) == 0 {
		return
	}
	ga.Fields = years[0].Fields
	for _, p := range years[0].Points {
		pm := PeriodMean{Period: p.Period, Mean: num(p.GroupMean), Count: p.Count}
		for _, f := range ga.Fields {
			pm.SubMean = append(pm.SubMean, dnum(p.GroupSubIndex[f.Code]))
		}
		ga.Periods = append(ga.Periods, pm)
	}
	for _, tr := range years {
		row := YearsRow{Unit: tr.Unit, Name: tr.UnitName, Sub: make([][]float64, len(ga.Fields))}
		var basis []string
		for _, p := range tr.Points {
			row.Index = append(row.Index, dnum(p.Index))
			rank := 0
			if p.Rank != nil {
				rank = *p.Rank
			}
			row.Rank = append(row.Rank, rank)
			switch {
			case len(p.Missing) > 0:
				basis = append(basis, alabel("years.missing", p.Period, strings.Join(p.Missing, ", ")))
			case !p.Own():
				var codes []string
				for _, s := range p.Sources {
					codes = append(codes, s.Unit)
				}
				basis = append(basis, alabel("years.basis", p.Period, len(p.Sources), strings.Join(codes, ", ")))
			}
		}
		for k, f := range ga.Fields {
			for _, p := range tr.Points {
				row.Sub[k] = append(row.Sub[k], dnum(p.SubIndex[f.Code]))
			}
		}
		row.Basis = strings.Join(basis, "; ")
		ga.Years = append(ga.Years, row)
	}
}
