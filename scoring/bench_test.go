package scoring_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/parindex/parindex/scoring"
)

// syntheticSet builds a criteria set of 8 fields with the given number of
// leaves, cycling through every leaf method, worth 100 points in all.
func syntheticSet(tb testing.TB, leaves int) *scoring.Framework {
	tb.Helper()
	var b strings.Builder
	b.WriteString("period: \"2025\"\ngroup: G\ngrades:\n  - {code: A, name: A, min: 90}\n  - {code: B, name: B, min: 70}\n  - {code: C, name: C, min: 0}\nitems:\n")
	perField := leaves / 8
	// 100 points over 8×perField leaves: every leaf is worth 100/(8×perField),
	// kept exact by using quarter points and giving the remainder to field 1.
	quarter := 100 * 4 / (8 * perField)
	leafMax := float64(quarter) / 4
	rest := 100 - leafMax*float64(8*perField)
	n := 0
	for f := 1; f <= 8; f++ {
		fmt.Fprintf(&b, "  - code: \"%d\"\n    name: Field %d\n    items:\n", f, f)
		for l := 1; l <= perField; l++ {
			n++
			max := leafMax
			if f == 1 && l == 1 {
				max += rest
			}
			code := fmt.Sprintf("%d.%d", f, l)
			switch n % 5 {
			case 0:
				fmt.Fprintf(&b, "      - {code: %q, name: r, max: %g, method: ratio, numerator: n%d, denominator: d%d, target: 0.9}\n", code, max, n, n)
			case 1:
				fmt.Fprintf(&b, "      - {code: %q, name: f, max: %g, method: formula, formula: \"min(1, 0.5*x%d + 0.5*y%d) * %g\"}\n", code, max, n, n, max)
			case 2:
				fmt.Fprintf(&b, "      - {code: %q, name: s, max: %g, method: survey, survey: sipas}\n", code, max)
			default:
				fmt.Fprintf(&b, "      - {code: %q, name: m, max: %g, method: manual}\n", code, max)
			}
		}
	}
	b.WriteString("  - {code: \"9\", name: bonus, max: 2, method: bonus}\n")
	f, err := scoring.ParseFramework(strings.NewReader(b.String()))
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

func syntheticUnits(f *scoring.Framework, units int) []scoring.UnitData {
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]scoring.UnitData, units)
	for i := range out {
		u := scoring.UnitData{Code: fmt.Sprintf("U%03d", i), Points: map[string]scoring.StageValues{},
			Inputs: map[string]scoring.Decimal{}, Surveys: map[string]scoring.Decimal{"sipas": scoring.NewInt(int64(80 + rng.IntN(20))).Div(scoring.NewInt(100))}}
		for _, l := range f.Leaves() {
			switch l.Method {
			case scoring.Manual, scoring.Bonus:
				p := l.Max.Mul(scoring.NewInt(int64(rng.IntN(5)))).Div(scoring.NewInt(4))
				u.Points[l.Code] = scoring.ValuesOf(map[scoring.Stage]scoring.Value{scoring.StageSelf: {Points: l.Max}, scoring.StageFinal: {Points: p}})
			}
			for _, name := range l.Inputs() {
				u.Inputs[name] = scoring.NewInt(int64(rng.IntN(1000) + 1))
			}
		}
		out[i] = u
	}
	return out
}

// BenchmarkScoreGroup scores one period of 200 units × 120 leaves in memory:
// evaluation, ranking, grades and the group summary.
func BenchmarkScoreGroup(b *testing.B) {
	f := syntheticSet(b, 120)
	units := syntheticUnits(f, 200)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		g := scoring.ScoreGroup(f, units, scoring.StageFinal)
		if len(g.Results) != 200 {
			b.Fatal("results missing")
		}
	}
}

func TestSyntheticSetIsWorth100(t *testing.T) {
	f := syntheticSet(t, 120)
	if len(f.Leaves()) != 121 || !f.Max().Equal(scoring.NewInt(100)) {
		t.Fatalf("leaves %d, max %s", len(f.Leaves()), f.Max())
	}
	g := scoring.ScoreGroup(f, syntheticUnits(f, 20), scoring.StageFinal)
	for _, r := range g.Results {
		if r.Index.IsNegative() || r.Index.GreaterThan(scoring.NewInt(100)) {
			t.Errorf("%s index %s out of range", r.Unit, r.Index)
		}
	}
}

// FuzzParseFramework checks that no input makes the loader panic, and that a
// set it accepts can be scored.
func FuzzParseFramework(f *testing.F) {
	f.Add(twoLeaves)
	f.Add(header + "items:\n  - {code: a, name: a, max: 1, method: formula, formula: \"min(1, x/y) ? 1 : 2\"}\n")
	f.Add(header + "items:\n  - {code: a, name: a, max: 1e3, method: tiers, input: x, tiers: [{min: 1, points: 1}]}\n")
	f.Fuzz(func(t *testing.T, src string) {
		fw, err := scoring.ParseFramework(strings.NewReader(src))
		if err != nil {
			return
		}
		u := scoring.UnitData{Code: "U", Inputs: map[string]scoring.Decimal{"x": scoring.NewInt(3), "y": scoring.NewInt(0)}}
		scoring.ScoreGroup(fw, []scoring.UnitData{u}, scoring.StageFinal)
	})
}

// TestScoreGroupInParallelIsTheSame: a group large enough to be evaluated
// on several processors gets exactly the results of evaluating its units
// one after the other.
func TestScoreGroupInParallelIsTheSame(t *testing.T) {
	f := syntheticSet(t, 120)
	units := syntheticUnits(f, 301) // shares of unequal size
	g := scoring.ScoreGroup(f, units, scoring.StageFinal)
	want := make([]scoring.UnitScore, len(units))
	for i, u := range units {
		want[i] = scoring.Evaluate(f, u, scoring.StageFinal)
	}
	scoring.Rank(want)
	if len(g.Results) != len(want) {
		t.Fatalf("%d results, want %d", len(g.Results), len(want))
	}
	for i := range want {
		a, b := g.Results[i], want[i]
		if a.Unit != b.Unit || a.Rank != b.Rank || !a.Index.Equal(b.Index) || len(a.Nodes) != len(b.Nodes) {
			t.Fatalf("result %d: %s rank %d index %s, want %s rank %d index %s", i, a.Unit, a.Rank, a.Index, b.Unit, b.Rank, b.Index)
		}
		for code, n := range b.Nodes {
			if m := a.Nodes[code]; !m.Points.Equal(n.Points) || !m.Max.Equal(n.Max) || m.NA != n.NA {
				t.Fatalf("%s item %s: %v, want %v", a.Unit, code, m, n)
			}
		}
	}
}

// TestRescoreIsScoreGroup: rescoring after some units' data changed (some
// units new, some gone, ties made) gives what scoring the whole group
// again gives, at every stage.
func TestRescoreIsScoreGroup(t *testing.T) {
	f := syntheticSet(t, 40)
	rng := rand.New(rand.NewPCG(7, 9))
	for _, stage := range []scoring.Stage{scoring.StageSelf, scoring.StageFinal} {
		units := syntheticUnits(f, 60)
		prev := scoring.ScoreGroup(f, units, stage)
		for round := range 20 {
			changed := map[string]bool{}
			next := make([]scoring.UnitData, 0, len(units)+1)
			for _, u := range units {
				switch r := rng.IntN(20); {
				case r == 0 && round%3 == 0: // gone: nothing recorded any more
					changed[u.Code] = true
					continue
				case r < 3: // new points for a leaf, or another unit's data (a tie)
					changed[u.Code] = true
					v := syntheticUnits(f, 60)[rng.IntN(60)]
					v.Code, v.Name = u.Code, u.Name
					u = v
				}
				next = append(next, u)
			}
			if round%4 == 0 { // a unit recorded for the first time
				nu := syntheticUnits(f, 1)[0]
				nu.Code = fmt.Sprintf("N%03d", round)
				next = append(next, nu)
				changed[nu.Code] = true
			}
			got := scoring.Rescore(f, prev, next, changed)
			want := scoring.ScoreGroup(f, next, stage)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("stage %s, round %d: rescored results differ from the group scored again", stage, round)
			}
			units, prev = next, got
		}
	}
}
