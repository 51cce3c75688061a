package reports

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// Trajectory is a unit's index and field sub-indices in every period of
// the same kind up to one, side by side with its group's means. Before a
// merger the unit stands for its predecessors, through the lineage: their
// weighted mean, as the comparison with the previous period takes it.
type Trajectory struct {
	Unit, UnitName, Group string
	// Fields are the regular fields, by code, of every period's set, in
	// the order of the latest.
	Fields []Field
	// Points are the periods, oldest first.
	Points []TrajectoryPoint
}

// TrajectoryPoint is the unit (or what it was formed from) in one period.
type TrajectoryPoint struct {
	Period string
	// Sources are the units the values come from and their weights: the
	// unit itself, or its predecessors in the periods before it was formed.
	Sources []ComparedSource
	// Missing lists sources without a result in the period; the unit's
	// values are then unknown (nil).
	Missing []string
	// Index is the published index: the unit's, or its sources' weighted
	// mean of unrounded indices rounded half up. Rank and Grade are the
	// unit's own (nil, "" for a mean of several units).
	Index *scoring.Decimal
	Rank  *int
	Grade string
	Count int
	// GroupMean is the group's mean index in the period.
	GroupMean scoring.Decimal
	// SubIndex and GroupSubIndex hold, by field code, the published
	// sub-index of the unit (its sources' weighted mean over those the
	// field applies to) and the group's mean sub-index; nil where unknown.
	SubIndex, GroupSubIndex map[string]*scoring.Decimal
}

// ComparedSource is one unit a value comes from, with its weight (the
// weights of a point sum to 1).
type ComparedSource struct {
	Unit, Name string
	Weight     scoring.Decimal
}

// Own reports whether the point is the unit itself (or one renamed
// predecessor): its rank means something.
func (p TrajectoryPoint) Own() bool { return len(p.Sources) == 1 && len(p.Missing) == 0 }

// TrajectoryInput names the unit whose trajectory to build.
type TrajectoryInput struct {
	Period, Group, Unit string
	// Periods are the periods to look in (any order); only those of the
	// same kind as Period, up to it, with results for the group count.
	Periods []string
	Lineage *scoring.Lineage
}

// BuildTrajectory computes a unit's trajectory from each period's final
// results.
func BuildTrajectory(ctx context.Context, comp Computer, in TrajectoryInput) (*Trajectory, error) {
	byPeriod := map[string]*results.Group{}
	for _, p := range in.Periods {
		if p > in.Period || !scoring.SameKind(p, in.Period) {
			continue
		}
		out, err := comp.Compute(ctx, p, in.Group, scoring.StageFinal)
		if errors.Is(err, domain.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reports: results of %s: %w", p, err)
		}
		if len(out.Groups) == 1 && len(out.Groups[0].Results) > 0 {
			byPeriod[p] = &out.Groups[0]
		}
	}
	return NewTrajectory(byPeriod, in.Lineage, in.Period, in.Unit)
}

// NewTrajectory builds a unit's trajectory from its group's results by
// period (those of the unit's period included).
func NewTrajectory(byPeriod map[string]*results.Group, lin *scoring.Lineage, period, unit string) (*Trajectory, error) {
	return newTrajectory(indexPeriods(byPeriod), lin, period, unit)
}

// NewTrajectories builds the trajectories of several units of a group at
// once, sharing the work on each period.
func NewTrajectories(byPeriod map[string]*results.Group, lin *scoring.Lineage, period string, units []string) ([]*Trajectory, error) {
	idx := indexPeriods(byPeriod)
	out := make([]*Trajectory, 0, len(units))
	for _, u := range units {
		tr, err := newTrajectory(idx, lin, period, u)
		if err != nil {
			return nil, err
		}
		out = append(out, tr)
	}
	return out, nil
}

// periodIndex is one period's results made quick to look up: the results
// by unit and the group's mean sub-index of each regular field.
type periodIndex struct {
	period string
	g      *results.Group
	byUnit map[string]*scoring.UnitScore
	means  map[string]*scoring.Decimal
	fields []Field
}

// indexPeriods indexes the periods, newest first.
func indexPeriods(byPeriod map[string]*results.Group) []*periodIndex {
	var out []*periodIndex
	for p, g := range byPeriod {
		pi := &periodIndex{period: p, g: g, byUnit: make(map[string]*scoring.UnitScore, len(g.Results)), means: map[string]*scoring.Decimal{}}
		for i := range g.Results {
			pi.byUnit[g.Results[i].Unit] = &g.Results[i]
		}
		for _, it := range g.Framework.Items {
			if it.Extra() {
				continue
			}
			pi.fields = append(pi.fields, Field{Code: it.Code, Name: it.Name, Max: it.Max})
			if m, ok := fieldMean(g.Results, it.Code); ok {
				pi.means[it.Code] = &m
			}
		}
		out = append(out, pi)
	}
	// Newest first: the lineage is followed backwards, one step at a time.
	slices.SortFunc(out, func(a, b *periodIndex) int { return cmp.Compare(b.period, a.period) })
	return out
}

func newTrajectory(periods []*periodIndex, lin *scoring.Lineage, period, unit string) (*Trajectory, error) {
	var cur *periodIndex
	for _, pi := range periods {
		if pi.period == period {
			cur = pi
		}
	}
	if cur == nil {
		return nil, ErrNoResult
	}
	r := cur.byUnit[unit]
	if r == nil {
		return nil, ErrNoResult
	}
	tr := &Trajectory{Unit: unit, UnitName: nameOr(r.UnitName, unit), Group: cur.g.Code}
	seen := map[string]bool{}
	set, at := map[string]scoring.Decimal{unit: scoring.NewInt(1)}, period
	for _, pi := range periods {
		if pi.period > period {
			continue
		}
		if pi.period != period {
			set, at = lin.Back(set, pi.period, at), pi.period
		}
		tr.Points = append(tr.Points, trajectoryPoint(pi, set))
		for _, f := range pi.fields {
			if !seen[f.Code] {
				seen[f.Code] = true
				tr.Fields = append(tr.Fields, f)
			}
		}
	}
	slices.Reverse(tr.Points)
	return tr, nil
}

func trajectoryPoint(pi *periodIndex, set map[string]scoring.Decimal) TrajectoryPoint {
	g := pi.g
	pt := TrajectoryPoint{Period: pi.period, Count: g.Summary.Count, GroupMean: g.Summary.MeanIndex,
		SubIndex: map[string]*scoring.Decimal{}, GroupSubIndex: pi.means}
	units := make([]string, 0, len(set))
	for u := range set {
		units = append(units, u)
	}
	slices.Sort(units)
	var found []*scoring.UnitScore
	var weights []scoring.Decimal
	for _, u := range units {
		r := pi.byUnit[u]
		if r == nil {
			pt.Missing = append(pt.Missing, u)
			pt.Sources = append(pt.Sources, ComparedSource{Unit: u, Weight: set[u]})
			continue
		}
		pt.Sources = append(pt.Sources, ComparedSource{Unit: u, Name: nameOr(r.UnitName, u), Weight: set[u]})
		found = append(found, r)
		weights = append(weights, set[u])
	}
	if len(pt.Missing) > 0 {
		return pt
	}
	idx := scoring.NewInt(0)
	for i, r := range found {
		idx = idx.Add(r.Index.Mul(weights[i]))
	}
	idx = scoring.Publish(idx)
	pt.Index = &idx
	if pt.Own() {
		rank := found[0].Rank
		pt.Rank, pt.Grade = &rank, found[0].Grade.Code
	}
	for _, f := range pi.fields {
		sum, total := scoring.NewInt(0), scoring.NewInt(0)
		for i, r := range found {
			if n := r.Nodes[f.Code]; n.Max.IsPositive() {
				sum = sum.Add(n.SubIndex().Mul(weights[i]))
				total = total.Add(weights[i])
			}
		}
		if total.IsPositive() {
			v := scoring.Publish(sum.DivRound(total, 20))
			pt.SubIndex[f.Code] = &v
		}
	}
	return pt
}

// fieldMean is a group's mean sub-index of a field over the units it
// applies to, published.
func fieldMean(rs []scoring.UnitScore, code string) (scoring.Decimal, bool) {
	total, count := scoring.NewInt(0), int64(0)
	for _, r := range rs {
		if n := r.Nodes[code]; n.Max.IsPositive() {
			total = total.Add(n.SubIndex())
			count++
		}
	}
	if count == 0 {
		return scoring.Decimal{}, false
	}
	return scoring.Publish(total.DivRound(scoring.NewInt(count), 20)), true
}
