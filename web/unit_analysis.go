package web

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/reports"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// comparisonView says what a unit's changes were computed against.
type comparisonView struct {
	Kind     string // translated
	Period   string
	Previous scoring.Decimal
	Text     string
	Sources  []predecessorView
	Missing  []string
	Own      bool // the unit itself: nothing to explain
}

// predecessorView is one previous-period unit compared with.
type predecessorView struct {
	Code, Name, URL string
	Index           scoring.Decimal // published
	Rank            int
	Weight          string // percent, "" for a single source
}

// successorView is a unit that continues this one after the period.
type successorView struct {
	Period, Code, Name, URL string
}

// intervalView is the unit's rank with its uncertainty.
type intervalView struct {
	Rank, Low, High      int
	TiedAbove, TiedBelow bool
	Draws                int
	Sampled, Exact       string // the survey measures, comma-separated
}

// yearsView is the unit's years side by side: charts and tables.
type yearsView struct {
	Points              []yearRow
	Fields              []fieldYears
	Periods             []string
	Trend, FieldsChart  chartView
	Through, HasLineage bool
}

// yearRow is one period of the unit.
type yearRow struct {
	Period    string
	Index     *scoring.Decimal
	Rank      string
	GroupMean scoring.Decimal
	Basis     string // "" for the unit itself, else what the value is the mean of
}

// fieldYears is one field's sub-index across the periods.
type fieldYears struct {
	Code, Name string
	Cells      []fieldYearCell
}

type fieldYearCell struct {
	Unit, Group *scoring.Decimal
}

// unitAnalysis adds to a unit's page what its result was compared with,
// what became of it after the period, its rank interval and its years
// side by side, all through the lineage.
func (s *server) unitAnalysis(ctx context.Context, l *locale, page *unitPage, g *results.Group, r *scoring.UnitScore, published []domain.Period) error {
	lin, err := s.lineageOf(ctx)
	if err != nil {
		return err
	}
	if c := r.Compared; c != nil {
		page.Comparison = newComparisonView(l, c, published)
	}
	for _, k := range lin.Successors(r.Unit, page.Period.Code) {
		if k.ToUnit == r.Unit {
			continue
		}
		sv := successorView{Period: k.ToPeriod, Code: k.ToUnit, Name: k.ToUnit}
		if u, err := s.catalog.Unit(ctx, k.ToUnit); err == nil {
			sv.Name = nameOr(u.Name, u.Code)
		}
		if isPublished(published, k.ToPeriod) {
			sv.URL = unitURL(k.ToPeriod, k.ToUnit)
		}
		page.Successors = append(page.Successors, sv)
	}
	u, err := scoring.SimulateRanks(g.GroupResult, g.Data, scoring.UncertaintyOptions{Draws: scoring.DefaultDraws, Seed: uncertaintySeed})
	if err != nil {
		return fmt.Errorf("web: rank uncertainty of %s: %w", r.Unit, err)
	}
	iv := u.Units[r.Unit]
	page.Interval = &intervalView{Rank: iv.Rank, Low: iv.Low, High: iv.High, TiedAbove: iv.TiedAbove, TiedBelow: iv.TiedBelow,
		Draws: u.Draws, Sampled: strings.Join(iv.Sampled, ", "), Exact: strings.Join(iv.Exact, ", ")}

	var periods []string
	for _, p := range published {
		periods = append(periods, p.Code)
	}
	tr, err := reports.BuildTrajectory(ctx, s.results, reports.TrajectoryInput{Period: page.Period.Code, Group: g.Code,
		Unit: r.Unit, Periods: periods, Lineage: lin})
	if errors.Is(err, reports.ErrNoResult) {
		return nil
	}
	if err != nil {
		return err
	}
	page.Years, err = newYearsView(l, tr)
	return err
}

func isPublished(published []domain.Period, code string) bool {
	for _, p := range published {
		if p.Code == code {
			return true
		}
	}
	return false
}

func newComparisonView(l *locale, c *scoring.Comparison, published []domain.Period) *comparisonView {
	v := &comparisonView{Kind: kindLabel(l, c.Kind, len(c.Sources)+len(c.Missing)), Period: c.Period,
		Previous: c.Previous, Missing: c.Missing, Own: c.Kind == scoring.SameUnit && len(c.Missing) == 0}
	switch {
	case v.Own:
	case len(c.Missing) > 0:
		v.Text = l.T("lineage.note.missing", c.Period, strings.Join(c.Missing, ", "))
	case c.Kind == scoring.Merged:
		v.Text = l.T("lineage.unit.note_merged", c.Period, len(c.Sources), l.Number(c.Previous))
	case c.Kind == scoring.Split:
		v.Text = l.T("lineage.unit.note_split", c.Period, l.Number(c.Previous))
	default:
		v.Text = l.T("lineage.unit.note_renamed", c.Period)
	}
	for _, src := range c.Sources {
		sv := predecessorView{Code: src.Unit, Name: nameOr(src.Name, src.Unit), Index: scoring.Publish(src.Index), Rank: src.Rank}
		if len(c.Sources)+len(c.Missing) > 1 {
			sv.Weight = l.Number(scoring.Publish(src.Weight.Mul(scoring.NewInt(100))))
		}
		if isPublished(published, c.Period) {
			sv.URL = unitURL(c.Period, src.Unit)
		}
		v.Sources = append(v.Sources, sv)
	}
	return v
}

func newYearsView(l *locale, tr *reports.Trajectory) (*yearsView, error) {
	v := &yearsView{}
	for _, p := range tr.Points {
		row := yearRow{Period: p.Period, Index: p.Index, GroupMean: p.GroupMean, Rank: "–"}
		if p.Rank != nil {
			row.Rank = l.T("unit.rank_of", *p.Rank, p.Count)
		}
		if !p.Own() {
			v.HasLineage = true
			var names []string
			for _, s := range p.Sources {
				names = append(names, nameOr(s.Name, s.Unit))
			}
			row.Basis = l.T("lineage.years.basis", len(p.Sources), strings.Join(names, "; "))
			if len(p.Missing) > 0 {
				row.Basis = l.T("lineage.years.missing", strings.Join(p.Missing, ", "))
			}
		}
		v.Points = append(v.Points, row)
		v.Periods = append(v.Periods, p.Period)
	}
	for _, f := range tr.Fields {
		fy := fieldYears{Code: f.Code, Name: f.Name}
		for _, p := range tr.Points {
			fy.Cells = append(fy.Cells, fieldYearCell{Unit: p.SubIndex[f.Code], Group: p.GroupSubIndex[f.Code]})
		}
		v.Fields = append(v.Fields, fy)
	}
	var err error
	if v.Trend, err = newChartView(reports.TrajectoryChart("chart-years", tr, l.T)); err != nil {
		return nil, err
	}
	v.FieldsChart, err = newChartView(reports.FieldTrajectoryChart("chart-years-fields", tr, l.T))
	return v, err
}
