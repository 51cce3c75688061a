package reports

import (
	"cmp"
	"runtime"
	"slices"
	"sync"

	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// Honesty is how a group's self-assessment held up: per unit and field,
// the points the units gave themselves against the council's final points,
// and the share of self-assessed leaves the council lowered — who
// over-claims, and where.
type Honesty struct {
	Code string
	// Fields are the set's regular fields, with the group's mean gap.
	Fields []HonestyField
	// Units are ordered by the gap of their index, largest first.
	Units []HonestyUnit
	// Leaves and Lowered count the self-assessed leaves of every unit and
	// those the council lowered.
	Leaves, Lowered int
	// MeanGap is the mean of the units' index gaps (published).
	MeanGap scoring.Decimal
}

// HonestyField is one field's self-assessment across the group: the mean
// gap in points and as a share of the field's maximum, and the leaves.
type HonestyField struct {
	Field
	MeanGap, MeanGapShare scoring.Decimal // points; percent of the maximum
	Leaves, Lowered       int
}

// HonestyUnit is one unit's self-assessment against the final result.
type HonestyUnit struct {
	Unit, Name string
	// SelfIndex and FinalIndex are published; Gap is their difference
	// (positive: the unit claimed more than it got).
	SelfIndex, FinalIndex, Gap scoring.Decimal
	// Fields holds the unit's self and final points per regular field
	// (Honesty.Fields order).
	Fields []HonestyCell
	// Leaves counts the leaves the unit assessed itself; Lowered those the
	// council's final points put lower, Raised higher.
	Leaves, Lowered, Raised int
}

// HonestyCell is a unit's self-assessment in one field.
type HonestyCell struct {
	Self, Final, Gap scoring.Decimal // points, exact
	NA               bool
	Leaves, Lowered  int
}

// LoweredShare is the percentage of the unit's self-assessed leaves the
// council lowered (0 when it assessed none), published.
func (u HonestyUnit) LoweredShare() scoring.Decimal { return share(u.Lowered, u.Leaves) }

// LoweredShare is the percentage of the field's self-assessed leaves the
// council lowered.
func (f HonestyField) LoweredShare() scoring.Decimal { return share(f.Lowered, f.Leaves) }

// LoweredShare is the percentage of the group's self-assessed leaves the
// council lowered.
func (h *Honesty) LoweredShare() scoring.Decimal { return share(h.Lowered, h.Leaves) }

func share(part, whole int) scoring.Decimal {
	if whole == 0 {
		return scoring.NewInt(0)
	}
	return scoring.Publish(scoring.NewInt(int64(part*100)).DivRound(scoring.NewInt(int64(whole)), 20))
}

// BuildHonesty compares each unit's self-assessment with its final result
// from the data the group was scored from (Group.Data). A leaf counts as
// self-assessed when the unit recorded a self value for it; it was lowered
// when the points of the final stage (final, else appraisal, else self)
// are below the self-assessed points. Callers show it only to those who
// may see the council's rounds.
func BuildHonesty(g results.Group) *Honesty { return BuildHonestyFrom(g, nil) }

// BuildHonestyFrom is BuildHonesty with the group's results at the self
// stage, computed from the same data (a cached Compute): a unit found there
// is not evaluated again. nil evaluates every unit's self stage.
func BuildHonestyFrom(g results.Group, self *scoring.GroupResult) *Honesty {
	f := g.Framework
	h := &Honesty{Code: g.Code}
	var regular []*scoring.Item
	top := map[*scoring.Item]int{}
	for _, it := range f.Items {
		if !it.Extra() {
			top[it] = len(regular)
			regular = append(regular, it)
			h.Fields = append(h.Fields, HonestyField{Field: Field{Code: it.Code, Name: it.Name, Max: it.Max}})
		}
	}
	fieldOf := map[string]int{} // leaf → regular field, −1 for bonus and penalty
	for _, l := range f.Leaves() {
		it := l
		for it.Parent != nil {
			it = it.Parent
		}
		if k, ok := top[it]; ok {
			fieldOf[l.Code] = k
		} else {
			fieldOf[l.Code] = -1
		}
	}
	var selfOf map[string]*scoring.UnitScore
	if self != nil {
		selfOf = make(map[string]*scoring.UnitScore, len(self.Results))
		for i := range self.Results {
			selfOf[self.Results[i].Unit] = &self.Results[i]
		}
	}
	lines := unitLines(g, selfOf, regular, fieldOf)
	gapSum := scoring.NewInt(0)
	gaps := make([]scoring.Decimal, len(regular))
	shares := make([]scoring.Decimal, len(regular))
	applies := make([]int64, len(regular))
	for _, ln := range lines {
		if ln == nil {
			continue
		}
		u := ln.HonestyUnit
		for k, it := range regular {
			if c := u.Fields[k]; !c.NA && it.Max.IsPositive() {
				gaps[k] = gaps[k].Add(c.Gap)
				shares[k] = shares[k].Add(c.Gap.Mul(scoring.NewInt(100)).DivRound(it.Max, 20))
				applies[k]++
			}
			h.Fields[k].Leaves += u.Fields[k].Leaves
			h.Fields[k].Lowered += u.Fields[k].Lowered
		}
		h.Leaves += u.Leaves
		h.Lowered += u.Lowered
		gapSum = gapSum.Add(ln.gap)
		h.Units = append(h.Units, u)
	}
	for k := range h.Fields {
		if applies[k] > 0 {
			n := scoring.NewInt(applies[k])
			h.Fields[k].MeanGap = scoring.Publish(gaps[k].DivRound(n, 20))
			h.Fields[k].MeanGapShare = scoring.Publish(shares[k].DivRound(n, 20))
		}
	}
	if len(h.Units) > 0 {
		h.MeanGap = scoring.Publish(gapSum.DivRound(scoring.NewInt(int64(len(h.Units))), 20))
	}
	slices.SortStableFunc(h.Units, func(a, b HonestyUnit) int {
		return cmp.Or(b.Gap.Cmp(a.Gap), cmp.Compare(b.Lowered*1000/max(b.Leaves, 1), a.Lowered*1000/max(a.Leaves, 1)), cmp.Compare(a.Unit, b.Unit))
	})
	return h
}

// Unit returns one unit's line, or nil.
func (h *Honesty) Unit(code string) *HonestyUnit {
	for i := range h.Units {
		if h.Units[i].Unit == code {
			return &h.Units[i]
		}
	}
	return nil
}

// unitLine is one unit's line with its unrounded index gap.
type unitLine struct {
	HonestyUnit
	gap scoring.Decimal
}

// unitLines compares each unit's self-assessment with its final result,
// spread over the processors: each unit's self stage is evaluated (its
// top-level items only) and dropped once its line is made; the final
// stage is the results' own. A unit without data has a nil line.
func unitLines(g results.Group, selfOf map[string]*scoring.UnitScore, regular []*scoring.Item, fieldOf map[string]int) []*unitLine {
	f := g.Framework
	out := make([]*unitLine, len(g.Results))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(g.Results)/50))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(g.Results); i += workers {
				r := &g.Results[i]
				d := g.Data[r.Unit]
				if d == nil {
					continue
				}
				self := selfOf[r.Unit]
				if self == nil {
					top := scoring.EvaluateTop(f, *d, scoring.StageSelf)
					self = &top
				}
				out[i] = newUnitLine(f, g.Stage, regular, fieldOf, d, self, r)
			}
		}()
	}
	wg.Wait()
	return out
}

func newUnitLine(f *scoring.Framework, stage scoring.Stage, regular []*scoring.Item, fieldOf map[string]int, d *scoring.UnitData, self, final *scoring.UnitScore) *unitLine {
	u := HonestyUnit{Unit: final.Unit, Name: nameOr(final.UnitName, final.Unit),
		SelfIndex: self.Published(), FinalIndex: final.Published(), Fields: make([]HonestyCell, len(regular))}
	u.Gap = u.SelfIndex.Sub(u.FinalIndex)
	for k, it := range regular {
		s, fn := self.Nodes[it.Code], final.Nodes[it.Code]
		u.Fields[k] = HonestyCell{Self: s.Points, Final: fn.Points, Gap: s.Points.Sub(fn.Points), NA: !fn.Max.IsPositive() && fn.NA}
	}
	// A leaf scored by people: its points are the value recorded, within
	// 0..max, so the values alone say whether the council lowered them.
	for _, l := range f.Leaves() {
		if l.Method.Computed() {
			continue
		}
		values := d.Points[l.Code]
		sv, ok := values.Get(scoring.StageSelf)
		if !ok {
			continue
		}
		u.Leaves++
		k := fieldOf[l.Code]
		if k >= 0 {
			u.Fields[k].Leaves++
		}
		fv, _, _ := values.Resolve(stage)
		sp, sok := leafPoints(f, l, sv)
		fp, fok := leafPoints(f, l, fv)
		if !sok || !fok {
			continue // not applicable, leaving the maximum: nothing to compare
		}
		lowered, raised := fp.LessThan(sp), fp.GreaterThan(sp)
		if l.Method == scoring.Penalty { // a larger penalty is a lower score
			lowered, raised = raised, lowered
		}
		if lowered {
			u.Lowered++
		}
		if raised {
			u.Raised++
		}
		if k >= 0 && lowered {
			u.Fields[k].Lowered++
		}
	}
	return &unitLine{HonestyUnit: u, gap: self.Index.Sub(final.Index)}
}

// leafPoints are the points a value gives a manual, bonus or penalty leaf,
// as the engine counts them; ok is false for a not-applicable leaf that
// leaves the maximum (renormalize).
func leafPoints(f *scoring.Framework, l *scoring.Item, v scoring.Value) (scoring.Decimal, bool) {
	zero := scoring.NewInt(0)
	switch {
	case v.NA && l.Method.Extra():
		return zero, true
	case v.NA && f.NotApplicable == scoring.FullCredit:
		return l.Max, true
	case v.NA:
		return zero, false
	case v.Points.IsNegative():
		return zero, true
	case v.Points.GreaterThan(l.Max):
		return l.Max, true
	}
	return v.Points, true
}
