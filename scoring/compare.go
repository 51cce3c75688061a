package scoring

// ComparisonKind says how a unit's result is compared with the previous
// period (contract.md, "Unit lineage").
type ComparisonKind string

// The kinds of comparison.
const (
	// SameUnit: the unit of the same code, with no lineage between them.
	SameUnit ComparisonKind = "same"
	// Renamed: the unit's one predecessor, which has no other successor;
	// compared as if it were the same unit.
	Renamed ComparisonKind = "renamed"
	// Merged: the weighted mean of several predecessors' indices; no
	// change of rank.
	Merged ComparisonKind = "merged"
	// Split: the index of a predecessor split between several units; no
	// change of rank.
	Split ComparisonKind = "split"
)

// Comparison is what a unit's result was compared with.
type Comparison struct {
	Kind ComparisonKind
	// Period is the previous period.
	Period string
	// Sources are the previous period's units compared with: the unit
	// itself, its renamed or split predecessor, or a merger's predecessors
	// with their weights (normalised to sum 1).
	Sources []ComparedUnit
	// Missing lists predecessors with no result in the previous period; a
	// unit with any is not compared (its changes stay nil).
	Missing []string
	// Previous is the previous index as published: the source's, or a
	// merger's weighted mean of unrounded indices, rounded half up.
	Previous Decimal
}

// ComparedUnit is one previous-period unit a result is compared with.
type ComparedUnit struct {
	Unit, Name string
	// Index is the unit's unrounded index then; Rank its rank.
	Index  Decimal
	Rank   int
	Weight Decimal
}

// Compare sets each result's change of rank and index against the previous
// period's results of the group, following the lineage (nil: by unit code
// alone) between prevPeriod and period:
//   - a unit with no predecessor in between is compared with the unit of
//     the same code;
//   - a unit with one predecessor that has no other successor (a rename)
//     is compared with it: change of rank and of index;
//   - a unit with several predecessors (a merger) compares its index with
//     the weighted mean of theirs, rounded half up; no change of rank;
//   - each successor of a split compares its index with its predecessor's;
//     no change of rank.
//
// Changes are computed from published (rounded) values. A unit whose
// predecessors are not all in prev keeps nil changes; Compared says why.
func (g *GroupResult) Compare(prev []UnitScore, lin *Lineage, prevPeriod, period string) {
	byUnit := make(map[string]*UnitScore, len(prev))
	for i := range prev {
		byUnit[prev[i].Unit] = &prev[i]
	}
	source := func(p *UnitScore, w Decimal) ComparedUnit {
		return ComparedUnit{Unit: p.Unit, Name: p.UnitName, Index: p.Index, Rank: p.Rank, Weight: w}
	}
	for i := range g.Results {
		r := &g.Results[i]
		r.RankChange, r.IndexChange, r.Compared = nil, nil, nil
		links := lin.Predecessors(r.Unit, prevPeriod, period)
		if len(links) == 0 {
			if p := byUnit[r.Unit]; p != nil {
				r.Compared = &Comparison{Kind: SameUnit, Period: prevPeriod, Sources: []ComparedUnit{source(p, one)}, Previous: p.Published()}
				r.setChanges(p.Published(), &p.Rank)
			}
			continue
		}
		names, ws := weights(links)
		c := &Comparison{Period: prevPeriod}
		r.Compared = c
		switch {
		case len(names) > 1:
			c.Kind = Merged
		case len(lin.successorsBetween(names[0], r.Unit, prevPeriod, period)) > 0:
			c.Kind = Split
		case names[0] == r.Unit:
			c.Kind = SameUnit
		default:
			c.Kind = Renamed
		}
		mean := zero
		for k, n := range names {
			p := byUnit[n]
			if p == nil {
				c.Missing = append(c.Missing, n)
				continue
			}
			c.Sources = append(c.Sources, source(p, ws[k]))
			mean = mean.Add(p.Index.Mul(ws[k]))
		}
		if len(c.Missing) > 0 {
			continue
		}
		c.Previous = Publish(mean)
		if c.Kind == SameUnit || c.Kind == Renamed {
			r.setChanges(c.Previous, &c.Sources[0].Rank)
		} else {
			r.setChanges(c.Previous, nil)
		}
	}
}

// setChanges sets the change of index from a previous published index and,
// when prevRank is not nil, the change of rank.
func (r *UnitScore) setChanges(prevIndex Decimal, prevRank *int) {
	ic := r.Published().Sub(prevIndex)
	r.IndexChange = &ic
	if prevRank != nil {
		rc := *prevRank - r.Rank
		r.RankChange = &rc
	}
}
