package reports

import (
	"context"
	"errors"
	"fmt"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// Scorecard is one unit's result in a period: where it lost points, how it
// compares with its group and its own previous result, its history, and
// what it needs to reach the next grade and the next rank.
type Scorecard struct {
	Period, Group, SetName string
	Unit, UnitName         string
	Rank, Count            int
	Points, Max, Index     scoring.Decimal // published
	Grade, GradeName       string
	GroupMean              scoring.Decimal
	// Previous is the period compared with; PrevIndex and PrevRank the
	// unit's result then (nil when it had none). Through the lineage, the
	// previous index of a merged unit is its predecessors' weighted mean
	// and it has no previous rank; Compared says what it was compared with.
	Previous  string
	PrevIndex *scoring.Decimal
	PrevRank  *int
	Compared  *scoring.Comparison
	Fields    []FieldCard
	// HasSelf says whether Fields carry self-assessed points.
	HasSelf bool
	History []HistoryPoint
	// NextGrade and NextRank are nil when the unit already has the best
	// grade or rank.
	NextGrade *Goal
	NextRank  *Goal
}

// FieldCard is one regular field of the unit's scorecard.
type FieldCard struct {
	Field
	NA            bool
	Points, Lost  scoring.Decimal // exact
	ApplicableMax scoring.Decimal
	SubIndex      scoring.Decimal // published
	GroupMean     scoring.Decimal // published mean sub-index of the group
	HasMean       bool
	Self          *scoring.Decimal // self-assessed points (exact), when asked for
	PrevSubIndex  *scoring.Decimal // published, the previous period
	PrevPoints    *scoring.Decimal
	// ChangeVsGroupMean is SubIndex − GroupMean (nil without a mean).
	ChangeVsGroupMean *scoring.Decimal
}

// HistoryPoint is the unit's result in one period. Before a merger it is
// its predecessors' weighted mean (Sources > 1), with no rank (0) or grade.
type HistoryPoint struct {
	Period      string
	Index       scoring.Decimal
	Rank, Count int
	Grade       string
	Sources     int
}

// Goal is what the unit needs for a better grade or rank: the published
// index to reach and the points (exact) still missing at the current
// applicable maximum.
type Goal struct {
	Grade, GradeName string
	Rank             int
	Index            scoring.Decimal
	Points           scoring.Decimal
}

// ErrNoResult is returned when the unit has no result in the period.
var ErrNoResult = domain.NotFoundf("the unit has no result in the period")

// ScorecardInput names what to build a scorecard of.
type ScorecardInput struct {
	Period, Group, Unit string
	// Periods are the periods to look for history in (any order; periods
	// without a result for the group are skipped).
	Periods []string
	// WithSelf adds the self-assessed points per field.
	WithSelf bool
	// Lineage, when set, is followed for the history before a merger.
	Lineage *scoring.Lineage
}

// BuildScorecard computes a unit's scorecard.
func BuildScorecard(ctx context.Context, comp Computer, in ScorecardInput) (*Scorecard, error) {
	out, err := comp.Compute(ctx, in.Period, in.Group, scoring.StageFinal)
	if err != nil {
		return nil, err
	}
	if len(out.Groups) != 1 {
		return nil, ErrNoResult
	}
	g := out.Groups[0]
	var self *results.Output
	if in.WithSelf {
		if self, err = comp.Compute(ctx, in.Period, in.Group, scoring.StageSelf); err != nil {
			return nil, err
		}
	}
	var prev *results.Group
	if g.Previous != "" {
		po, err := comp.Compute(ctx, g.Previous, in.Group, scoring.StageFinal)
		if err != nil && !errors.Is(err, domain.ErrNotFound) {
			return nil, fmt.Errorf("reports: previous results: %w", err)
		}
		if err == nil && len(po.Groups) == 1 {
			prev = &po.Groups[0]
		}
	}
	sc, err := NewScorecard(g, in.Unit, self, prev)
	if err != nil {
		return nil, err
	}
	sc.Period = in.Period
	byPeriod := map[string]*results.Group{in.Period: &out.Groups[0]}
	for _, p := range sortedCopy(in.Periods) {
		if p >= in.Period || !scoring.SameKind(p, in.Period) {
			continue
		}
		po, err := comp.Compute(ctx, p, in.Group, scoring.StageFinal)
		if errors.Is(err, domain.ErrNotFound) {
			continue
		} else if err != nil {
			return nil, fmt.Errorf("reports: history %s: %w", p, err)
		}
		if len(po.Groups) == 1 && len(po.Groups[0].Results) > 0 {
			byPeriod[p] = &po.Groups[0]
		}
	}
	tr, err := NewTrajectory(byPeriod, in.Lineage, in.Period, in.Unit)
	if err != nil {
		return nil, err
	}
	sc.History = historyOf(tr)
	return sc, nil
}

// historyOf lists a trajectory's known indices.
func historyOf(tr *Trajectory) []HistoryPoint {
	var out []HistoryPoint
	for _, pt := range tr.Points {
		if pt.Index == nil {
			continue
		}
		h := HistoryPoint{Period: pt.Period, Index: *pt.Index, Count: pt.Count, Grade: pt.Grade, Sources: len(pt.Sources)}
		if pt.Rank != nil {
			h.Rank = *pt.Rank
		}
		out = append(out, h)
	}
	return out
}

// NewScorecard assembles the scorecard of a unit from its group's results,
// optionally the self-assessed results and the previous period's group.
func NewScorecard(g results.Group, unit string, self *results.Output, prev *results.Group) (*Scorecard, error) {
	r := findResult(g.Results, unit)
	if r == nil {
		return nil, ErrNoResult
	}
	f := g.Framework
	sc := &Scorecard{Group: g.Code, SetName: f.Name, Unit: r.Unit, UnitName: nameOr(r.UnitName, r.Unit),
		Rank: r.Rank, Count: g.Summary.Count, Points: scoring.Publish(r.Points), Max: scoring.Publish(r.Max),
		Index: r.Published(), Grade: r.Grade.Code, GradeName: r.Grade.Name, GroupMean: g.Summary.MeanIndex,
		Previous: g.Previous, HasSelf: self != nil}
	var selfRes *scoring.UnitScore
	if self != nil && len(self.Groups) == 1 {
		selfRes = findResult(self.Groups[0].Results, unit)
	}
	// The previous result is what the results compared the unit with: the
	// unit itself, or its predecessors through the lineage.
	var sources []*scoring.UnitScore
	var weights []scoring.Decimal
	if c := r.Compared; c != nil && len(c.Missing) == 0 {
		sc.Compared = c
		pi := c.Previous
		sc.PrevIndex = &pi
		if c.Kind == scoring.SameUnit || c.Kind == scoring.Renamed {
			pr := c.Sources[0].Rank
			sc.PrevRank = &pr
		}
		if prev != nil {
			for _, src := range c.Sources {
				if p := findResult(prev.Results, src.Unit); p != nil {
					sources = append(sources, p)
					weights = append(weights, src.Weight)
				}
			}
		}
	}
	_, regular := fieldsOf(f)
	for _, fd := range regular {
		n := r.Nodes[fd.Code]
		fc := FieldCard{Field: fd, NA: n.NA && !n.Max.IsPositive(), Points: n.Points, ApplicableMax: n.Max,
			Lost: n.Max.Sub(n.Points), SubIndex: scoring.Publish(n.SubIndex())}
		total, count := scoring.NewInt(0), int64(0)
		for _, o := range g.Results {
			if on := o.Nodes[fd.Code]; on.Max.IsPositive() {
				total = total.Add(on.SubIndex())
				count++
			}
		}
		if count > 0 {
			fc.GroupMean = scoring.Publish(total.DivRound(scoring.NewInt(count), 20))
			fc.HasMean = true
			d := fc.SubIndex.Sub(fc.GroupMean)
			fc.ChangeVsGroupMean = &d
		}
		if selfRes != nil {
			p := selfRes.Nodes[fd.Code].Points
			fc.Self = &p
		}
		if len(sources) > 0 {
			fc.PrevSubIndex, fc.PrevPoints = prevField(sources, weights, fd.Code)
		}
		sc.Fields = append(sc.Fields, fc)
	}
	sc.NextGrade = nextGrade(f, r)
	sc.NextRank = nextRank(g.Results, r)
	return sc, nil
}

// half is the rounding margin of a published value: an index is published
// as P (half up, two decimals) from P − 0.005 on.
var half = scoring.NewInt(5).Shift(-3)

// pointsFor returns the points still missing for the unit's published index
// to reach target, at its applicable maximum (exact, never negative).
func pointsFor(r *scoring.UnitScore, target scoring.Decimal) scoring.Decimal {
	need := target.Sub(half).Mul(r.Max).Div(scoring.NewInt(100)).Sub(r.Points)
	if need.IsNegative() {
		return scoring.NewInt(0)
	}
	return need
}

// nextGrade is the lowest band above the unit's grade.
func nextGrade(f *scoring.Framework, r *scoring.UnitScore) *Goal {
	pub := r.Published()
	var best *scoring.Grade
	for i := range f.Grades {
		gr := &f.Grades[i]
		if gr.Min.GreaterThan(pub) && (best == nil || gr.Min.LessThan(best.Min)) {
			best = gr
		}
	}
	if best == nil || !r.Max.IsPositive() || best.Min.GreaterThan(scoring.NewInt(100)) {
		return nil
	}
	return &Goal{Grade: best.Code, GradeName: best.Name, Index: best.Min, Points: pointsFor(r, best.Min)}
}

// nextRank is the rank of the closest unit above: sharing its published
// index shares its rank.
func nextRank(all []scoring.UnitScore, r *scoring.UnitScore) *Goal {
	pub := r.Published()
	var above *scoring.UnitScore
	for i := range all {
		o := &all[i]
		if o.Published().GreaterThan(pub) && (above == nil || o.Published().LessThan(above.Published())) {
			above = o
		}
	}
	if above == nil || !r.Max.IsPositive() {
		return nil
	}
	return &Goal{Rank: above.Rank, Index: above.Published(), Points: pointsFor(r, above.Published())}
}

func findResult(rs []scoring.UnitScore, unit string) *scoring.UnitScore {
	for i := range rs {
		if rs[i].Unit == unit {
			return &rs[i]
		}
	}
	return nil
}

// prevField is a field's previous sub-index (published) and points: the
// weighted mean of the sources' over those the field applied to.
func prevField(sources []*scoring.UnitScore, weights []scoring.Decimal, code string) (*scoring.Decimal, *scoring.Decimal) {
	si, pts, total := scoring.NewInt(0), scoring.NewInt(0), scoring.NewInt(0)
	for i, p := range sources {
		if n, ok := p.Nodes[code]; ok && n.Max.IsPositive() {
			si = si.Add(n.SubIndex().Mul(weights[i]))
			pts = pts.Add(n.Points.Mul(weights[i]))
			total = total.Add(weights[i])
		}
	}
	if !total.IsPositive() {
		return nil, nil
	}
	s := scoring.Publish(si.DivRound(total, 20))
	p := pts.DivRound(total, 20)
	return &s, &p
}
