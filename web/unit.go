package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// unitPage is one unit's result in a published period, field by field and
// leaf by leaf.
type unitPage struct {
	chrome
	Period     domain.Period
	PeriodName string
	Unit       domain.Unit
	UnitName   string
	GroupName  string
	GroupURL   string
	SetName    string
	Previous   string
	Count      int // units ranked in the group

	Rank                 int
	Points, Max, Index   scoring.Decimal
	Bonus, Penalty       scoring.Decimal
	HasBonus, HasPenalty bool
	Grade                badge
	RankChange           *int
	IndexChange          *scoring.Decimal

	Fields []fieldRow
	Tree   []treeField

	// Through the unit lineage: what the changes were computed against,
	// what became of the unit, its rank interval and its years side by
	// side.
	Comparison *comparisonView
	Successors []successorView
	Interval   *intervalView
	Years      *yearsView
}

// fieldRow is a top-level item's line in the unit's summary table.
type fieldRow struct {
	Code, Name    string
	Max, Points   scoring.Decimal
	SubIndex      scoring.Decimal
	Mean          scoring.Decimal // the group's mean sub-index
	HasMean       bool
	Lost          scoring.Decimal
	NA            bool
	Extra         string // "", "bonus", "penalty" or "extra" (both)
	Bar, MeanMark string // SVG coordinates in a 0..100 viewBox
}

// treeField is a top-level item with every item below it, flattened in
// document order with their depth.
type treeField struct {
	Code, Name  string
	Points, Max scoring.Decimal
	NA          bool
	Rows        []treeRow
}

// treeRow is one criterion or sub-criterion.
type treeRow struct {
	Depth       int
	Code, Name  string
	Group       bool
	Method      string // translated
	Max, Points scoring.Decimal
	NA          bool
	Notes       []string
}

// unitBreakdown shows one unit's result in a published period.
func (s *server) unitBreakdown(c echo.Context) error {
	ctx := c.Request().Context()
	period, err := s.publishedPeriod(ctx, c.Param("period"))
	if err != nil {
		return s.orUnpublished(c, err)
	}
	code := c.Param("unit")
	unit, err := s.catalog.Unit(ctx, code)
	if errors.Is(err, domain.ErrNotFound) {
		return notFound("error.unit_not_found", code)
	}
	if err != nil {
		return fmt.Errorf("web: unit %s: %w", code, err)
	}
	out, err := s.results.Compute(ctx, period.Code, unit.Group, scoring.StageFinal)
	if errors.Is(err, domain.ErrNotFound) {
		return notFound("error.unit_no_result", nameOr(unit.Name, unit.Code), periodName(period))
	}
	if err != nil {
		return fmt.Errorf("web: results of %s for %s: %w", period.Code, unit.Group, err)
	}
	g, r := findUnit(out, unit.Code)
	if r == nil {
		return notFound("error.unit_no_result", nameOr(unit.Name, unit.Code), periodName(period))
	}
	names, err := s.groupNames(ctx)
	if err != nil {
		return err
	}
	published, err := s.publishedPeriods(ctx)
	if err != nil {
		return err
	}

	l := s.locale(c)
	unitName := nameOr(unit.Name, nameOr(r.UnitName, unit.Code))
	page := unitPage{
		chrome:     s.chrome(c, l, l.T("unit.title", unitName, periodName(period))),
		Period:     period,
		PeriodName: periodName(period),
		Unit:       unit,
		UnitName:   unitName,
		GroupName:  nameOr(names[g.Code], g.Code),
		GroupURL:   groupURL(period.Code, g.Code),
		SetName:    g.Framework.Name,
		Previous:   g.Previous,
		Count:      g.Summary.Count,
		Rank:       r.Rank, Points: r.Points, Max: r.Max, Index: r.Index,
		Bonus: r.Bonus, Penalty: r.Penalty,
		HasBonus: !scoring.Publish(r.Bonus).IsZero(), HasPenalty: !scoring.Publish(r.Penalty).IsZero(),
		Grade:      gradeBadge(g.Framework, r.Grade),
		RankChange: r.RankChange, IndexChange: r.IndexChange,
	}
	page.Periods = periodLinks(published, period.Code)
	for _, it := range g.Framework.Items {
		page.Fields = append(page.Fields, newFieldRow(it, r, g.Results))
		page.Tree = append(page.Tree, newTreeField(l, it, r))
	}
	if err := s.unitAnalysis(ctx, l, &page, g, r, published); err != nil {
		return err
	}
	if page.Years != nil {
		page.Scripts = chartScripts
	}
	return s.render(c, http.StatusOK, "unit", page)
}

func findUnit(out *results.Output, unit string) (*results.Group, *scoring.UnitScore) {
	for gi := range out.Groups {
		g := &out.Groups[gi]
		for ri := range g.Results {
			if g.Results[ri].Unit == unit {
				return g, &g.Results[ri]
			}
		}
	}
	return nil, nil
}

func newFieldRow(it *scoring.Item, r *scoring.UnitScore, group []scoring.UnitScore) fieldRow {
	n := r.Nodes[it.Code]
	row := fieldRow{Code: it.Code, Name: it.Name, Max: n.Max, Points: n.Points, NA: n.NA}
	if it.Extra() {
		row.Max = it.Max
		row.Extra = extraKind(it)
		return row
	}
	row.SubIndex = n.SubIndex()
	row.Lost = n.Max.Sub(n.Points)
	// The group's mean sub-index counts the units the field applies to.
	total, count := scoring.NewInt(0), int64(0)
	for _, other := range group {
		if on := other.Nodes[it.Code]; on.Max.IsPositive() {
			total = total.Add(on.SubIndex())
			count++
		}
	}
	if count > 0 {
		row.Mean = scoring.Publish(total.DivRound(scoring.NewInt(count), 20))
		row.HasMean = true
	}
	row.Bar, row.MeanMark = svgNumber(scoring.Publish(row.SubIndex)), svgNumber(row.Mean)
	return row
}

// extraKind says what a bonus/penalty item holds.
func extraKind(it *scoring.Item) string {
	var bonus, penalty bool
	var walk func(*scoring.Item)
	walk = func(x *scoring.Item) {
		if x.IsLeaf() {
			bonus = bonus || x.Method == scoring.Bonus
			penalty = penalty || x.Method == scoring.Penalty
			return
		}
		for _, c := range x.Items {
			walk(c)
		}
	}
	walk(it)
	switch {
	case bonus && penalty:
		return "extra"
	case penalty:
		return "penalty"
	}
	return "bonus"
}

func newTreeField(l *locale, it *scoring.Item, r *scoring.UnitScore) treeField {
	n := r.Nodes[it.Code]
	tf := treeField{Code: it.Code, Name: it.Name, Points: n.Points, Max: n.Max, NA: n.NA}
	if it.IsLeaf() {
		// A top-level leaf (e.g. a bonus) is its own only row.
		tf.Rows = append(tf.Rows, newTreeRow(l, it, r, 0))
		return tf
	}
	var walk func(*scoring.Item, int)
	walk = func(x *scoring.Item, depth int) {
		for _, c := range x.Items {
			tf.Rows = append(tf.Rows, newTreeRow(l, c, r, depth))
			walk(c, depth+1)
		}
	}
	walk(it, 0)
	return tf
}

// maxDepth is the deepest indentation the stylesheet has a class for.
const maxDepth = 4

func newTreeRow(l *locale, it *scoring.Item, r *scoring.UnitScore, depth int) treeRow {
	n := r.Nodes[it.Code]
	row := treeRow{
		Depth: min(depth, maxDepth), Code: it.Code, Name: it.Name, Group: !it.IsLeaf(),
		Max: it.Max, Points: n.Points, NA: n.NA,
	}
	if it.IsLeaf() {
		row.Method = l.T("method." + string(it.Method))
	}
	for _, note := range n.Notes {
		if it.Method.Extra() && note == "no points recorded" {
			continue // a bonus or penalty nobody gave is simply not awarded
		}
		row.Notes = append(row.Notes, translateNote(l, note))
	}
	return row
}

// translateNote says an engine note in the reader's language. The engine
// writes a few fixed English phrases; anything else is shown as it is.
func translateNote(l *locale, note string) string {
	switch {
	case note == "no points recorded":
		return l.T("note.no_points")
	case strings.HasPrefix(note, "input ") && strings.HasSuffix(note, " is missing"):
		return l.T("note.input_missing", strings.TrimSuffix(strings.TrimPrefix(note, "input "), " is missing"))
	case strings.HasPrefix(note, "denominator ") && strings.HasSuffix(note, " is 0"):
		return l.T("note.denominator_zero", strings.TrimSuffix(strings.TrimPrefix(note, "denominator "), " is 0"))
	case strings.HasPrefix(note, "formula: "):
		return l.T("note.formula", strings.TrimPrefix(note, "formula: "))
	}
	return note
}
