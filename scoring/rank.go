package scoring

import (
	"runtime"
	"sort"
	"sync"
)

// GroupResult is the scored, ranked result of one unit group in one period.
type GroupResult struct {
	Framework *Framework
	Stage     Stage
	// Results are ordered by rank, then unit code.
	Results []UnitScore
	Summary Summary
}

// Summary describes a group's results.
type Summary struct {
	Count int
	// MeanIndex is the mean of the unrounded indices, rounded half up to two
	// decimals.
	MeanIndex Decimal
	// Grades counts units per grade code; every band of the set appears.
	Grades map[string]int
}

// ScoreGroup evaluates every unit, ranks them within the group on the
// published (rounded) index with shared ranks (1, 2, 2, 4), assigns grades
// from the published index and summarises the group. A large group's units
// are evaluated on every processor.
func ScoreGroup(f *Framework, units []UnitData, stage Stage) *GroupResult {
	g := &GroupResult{Framework: f, Stage: stage, Results: make([]UnitScore, len(units))}
	evaluateAll(f, units, stage, g.Results)
	Rank(g.Results)
	for i := range g.Results {
		g.Results[i].Grade = f.GradeFor(g.Results[i].Published())
	}
	g.Summary = Summarize(f, g.Results)
	return g
}

// Rescore is ScoreGroup over units when only those named in changed differ
// from the data prev was scored from with the same set, at the same stage:
// the other units' scores are taken from prev, the changed ones evaluated,
// and the group ranked again. A unit of units missing from prev is
// evaluated. The result is ScoreGroup's (TestRescoreIsScoreGroup).
func Rescore(f *Framework, prev *GroupResult, units []UnitData, changed map[string]bool) *GroupResult {
	before := make(map[string]*UnitScore, len(prev.Results))
	for i := range prev.Results {
		before[prev.Results[i].Unit] = &prev.Results[i]
	}
	g := &GroupResult{Framework: f, Stage: prev.Stage, Results: make([]UnitScore, len(units))}
	for i, u := range units {
		if r, ok := before[u.Code]; ok && !changed[u.Code] {
			// As Evaluate gives it: ranked, graded and compared below.
			g.Results[i] = *r
			g.Results[i].Rank, g.Results[i].Grade = 0, Grade{}
			g.Results[i].RankChange, g.Results[i].IndexChange, g.Results[i].Compared = nil, nil, nil
			continue
		}
		g.Results[i] = Evaluate(f, u, prev.Stage)
	}
	Rank(g.Results)
	for i := range g.Results {
		g.Results[i].Grade = f.GradeFor(g.Results[i].Published())
	}
	g.Summary = Summarize(f, g.Results)
	return g
}

// parallelUnits is the group size from which evaluateAll spreads the
// units over the processors: below it, starting workers costs more than it
// saves.
const parallelUnits = 64

// evaluateAll evaluates units[i] into out[i]. Evaluation only reads the set
// and the unit's data, so units can be evaluated at once; each worker takes
// a contiguous share, and the results stand in the units' order whatever
// the number of workers.
func evaluateAll(f *Framework, units []UnitData, stage Stage, out []UnitScore) {
	workers := min(runtime.GOMAXPROCS(0), len(units)/(parallelUnits/2))
	if len(units) < parallelUnits || workers < 2 {
		for i, u := range units {
			out[i] = Evaluate(f, u, stage)
		}
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(units)/workers, (w+1)*len(units)/workers
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				out[i] = Evaluate(f, units[i], stage)
			}
		})
	}
	wg.Wait()
}

// Rank orders results by published index, descending, then by unit code, and
// gives equal published values the same rank (1, 2, 2, 4).
func Rank(results []UnitScore) {
	pub := make(map[string]Decimal, len(results))
	for i := range results {
		pub[results[i].Unit] = results[i].Published()
	}
	sort.SliceStable(results, func(i, j int) bool {
		a, b := pub[results[i].Unit], pub[results[j].Unit]
		if !a.Equal(b) {
			return a.GreaterThan(b)
		}
		return results[i].Unit < results[j].Unit
	})
	for i := range results {
		if i > 0 && pub[results[i].Unit].Equal(pub[results[i-1].Unit]) {
			results[i].Rank = results[i-1].Rank
		} else {
			results[i].Rank = i + 1
		}
	}
}

// Summarize counts a group's results, averages their unrounded indices and
// counts grades.
func Summarize(f *Framework, results []UnitScore) Summary {
	s := Summary{Count: len(results), MeanIndex: zero, Grades: map[string]int{}}
	for _, g := range f.Grades {
		s.Grades[g.Code] = 0
	}
	if len(results) == 0 {
		return s
	}
	total := zero
	for _, r := range results {
		total = total.Add(r.Index)
		if r.Grade.Code != "" {
			s.Grades[r.Grade.Code]++
		}
	}
	s.MeanIndex = Publish(div(total, NewInt(int64(len(results)))))
	return s
}

// CompareWith sets each result's change of rank and index against the
// previous period's results of the same group, matched by unit code. Both
// changes are computed from published values; a unit absent from prev keeps
// nil changes. It is Compare without a lineage.
func (g *GroupResult) CompareWith(prev []UnitScore) { g.Compare(prev, nil, "", "") }
