package scoring_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/parindex/parindex/scoring"
)

// uncertainSet has a manual field and a survey field (sipas 20 points,
// officials 10 points) worth 100 in all.
const uncertainSet = `period: "2025"
group: XA
grades: [{code: A, name: A, min: 0}]
items:
  - code: "1"
    name: Chỉ đạo
    items:
      - {code: "1.1", name: m, max: 70, method: manual}
  - code: "2"
    name: Tác động
    items:
      - {code: "2.1", name: SIPAS, max: 20, method: survey, survey: sipas}
      - {code: "2.2", name: Cán bộ, max: 10, method: survey, survey: officials}
`

// uncertainGroup scores units whose manual points are given, with every
// survey ratio measured on n respondents (from a campaign for sipas, an
// input for officials).
func uncertainGroup(t testing.TB, n int64, manual map[string]string) (*scoring.GroupResult, map[string]*scoring.UnitData) {
	t.Helper()
	fw, err := scoring.ParseFramework(strings.NewReader(uncertainSet))
	if err != nil {
		t.Fatal(err)
	}
	var units []scoring.UnitData
	data := map[string]*scoring.UnitData{}
	for code, pts := range manual {
		u := scoring.UnitData{Code: code, Points: map[string]scoring.StageValues{},
			Inputs:  map[string]scoring.Decimal{"officials": mustDec("0.8"), "officials_sample": scoring.NewInt(n)},
			Surveys: map[string]scoring.Decimal{"sipas": mustDec("0.9"), scoring.SampleKey("sipas"): scoring.NewInt(n)}}
		u.SetPoints("1.1", scoring.StageFinal, scoring.Value{Points: mustDec(pts)})
		units = append(units, u)
	}
	g := scoring.ScoreGroup(fw, units, scoring.StageFinal)
	for i := range units {
		data[units[i].Code] = &units[i]
	}
	return g, data
}

// Indices 26 + manual: A 96, B 91, C 90.8, D 80, E 70, F 69.9.
var spread = map[string]string{"A": "70", "B": "65", "C": "64.8", "D": "54", "E": "44", "F": "43.9"}

func simulate(t testing.TB, g *scoring.GroupResult, data map[string]*scoring.UnitData, opts scoring.UncertaintyOptions) *scoring.Uncertainty {
	t.Helper()
	u, err := scoring.SimulateRanks(g, data, opts)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestIntervalCollapsesWithHugeSamples: measured on a trillion respondents
// the ratios hardly move, every interval is the rank itself and nobody is
// tied, not even units 0.1 apart.
func TestIntervalCollapsesWithHugeSamples(t *testing.T) {
	g, data := uncertainGroup(t, 1_000_000_000_000, spread)
	u := simulate(t, g, data, scoring.UncertaintyOptions{Draws: 2000, Seed: 7})
	for _, r := range g.Results {
		iv := u.Units[r.Unit]
		if iv.Low != r.Rank || iv.High != r.Rank || iv.Tied() {
			t.Errorf("%s (rank %d): interval %d–%d, tied %v; want the rank alone", r.Unit, r.Rank, iv.Low, iv.High, iv.Tied())
		}
		if !reflect.DeepEqual(iv.Sampled, []string{"sipas", "officials"}) || len(iv.Exact) != 0 {
			t.Errorf("%s: sampled %v, exact %v", r.Unit, iv.Sampled, iv.Exact)
		}
	}
}

// TestIntervalWidensAsSamplesShrink: the total width of the intervals
// grows as the samples shrink, and close units become tied.
func TestIntervalWidensAsSamplesShrink(t *testing.T) {
	width := func(n int64) (int, *scoring.Uncertainty) {
		g, data := uncertainGroup(t, n, spread)
		u := simulate(t, g, data, scoring.UncertaintyOptions{Draws: 4000, Seed: 1})
		w := 0
		for _, r := range g.Results {
			iv := u.Units[r.Unit]
			if iv.Low > r.Rank || iv.High < r.Rank {
				t.Errorf("n=%d %s: rank %d outside its interval %d–%d", n, r.Unit, r.Rank, iv.Low, iv.High)
			}
			w += iv.High - iv.Low
		}
		return w, u
	}
	prev := -1
	for _, n := range []int64{1_000_000_000, 10_000, 400, 30, 5} {
		w, u := width(n)
		if w < prev {
			t.Errorf("n=%d: total width %d, narrower than %d with a larger sample", n, w, prev)
		}
		prev = w
		switch n {
		case 1_000_000_000:
			if w != 0 {
				t.Errorf("n=%d: total width %d, want 0", n, w)
			}
		case 400:
			// B and C are 0.2 apart: SIPAS on 400 respondents moves an index
			// by about 0.3, so their order is not established.
			if !u.Units["B"].TiedBelow || !u.Units["C"].TiedAbove {
				t.Errorf("n=400: B %+v and C %+v should be tied", u.Units["B"], u.Units["C"])
			}
			if u.Units["A"].Tied() || u.Units["D"].Tied() {
				t.Errorf("n=400: A %+v and D %+v are 5 and 10 points clear", u.Units["A"], u.Units["D"])
			}
		case 5:
			if w <= 6 {
				t.Errorf("n=5: total width %d, want the intervals wide open", w)
			}
		}
	}
}

// TestUncertaintyReproducible: the same seed gives the same intervals,
// whatever the number of processors.
func TestUncertaintyReproducible(t *testing.T) {
	g, data := uncertainGroup(t, 60, spread)
	opts := scoring.UncertaintyOptions{Draws: 3001, Seed: 42, Weights: 0.2}
	a := simulate(t, g, data, opts)
	t.Setenv("GOMAXPROCS", "1") // read by the runtime at start only; the chunks make it moot anyway
	b := simulate(t, g, data, opts)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("two runs with seed 42 differ:\n%+v\n%+v", a.Units, b.Units)
	}
	c := simulate(t, g, data, scoring.UncertaintyOptions{Draws: 3001, Seed: 43, Weights: 0.2})
	if c.Seed != 43 || c.Draws != 3001 {
		t.Errorf("options not kept: %+v", c.UncertaintyOptions)
	}
}

// TestUncertaintyWithoutSamples: ratios with no sample size are exact;
// the fields' weights alone can still move units with different profiles.
func TestUncertaintyWithoutSamples(t *testing.T) {
	g, data := uncertainGroup(t, 0, map[string]string{"A": "70", "B": "69.95"})
	u := simulate(t, g, data, scoring.UncertaintyOptions{Draws: 500, Seed: 3})
	for _, r := range g.Results {
		iv := u.Units[r.Unit]
		if iv.Low != r.Rank || iv.High != r.Rank || len(iv.Sampled) != 0 || !reflect.DeepEqual(iv.Exact, []string{"sipas", "officials"}) {
			t.Errorf("%s: %+v, want an exact rank %d and both measures exact", r.Unit, iv, r.Rank)
		}
	}
	// A survey-heavy unit and a manual-heavy one, close in index: weights
	// ±40 % reorder them. B has 0.15 fewer manual points and 0.16 more
	// survey points: 96.01 against 96.00, ahead only while the survey
	// field weighs at least 0.15/0.16 of the manual one.
	g, data = uncertainGroup(t, 0, map[string]string{"A": "70", "B": "69.85"})
	data["B"].Surveys["sipas"] = mustDec("0.908")
	g = scoring.ScoreGroup(g.Framework, []scoring.UnitData{*data["A"], *data["B"]}, scoring.StageFinal)
	u = simulate(t, g, data, scoring.UncertaintyOptions{Draws: 2000, Seed: 3, Weights: 0.4})
	if g.Results[0].Unit != "B" || g.Results[0].Published().String() != "96.01" {
		t.Fatalf("leader %s with %s, want B with 96.01", g.Results[0].Unit, g.Results[0].Published())
	}
	if a := u.Units["B"]; a.High != 2 || !a.TiedBelow {
		t.Errorf("with the weights perturbed the leader is %+v, want a 1–2 interval and a tie", a)
	}
}

// TestUncertaintySharedRanks: equal published indices share a rank in
// every draw when nothing is uncertain.
func TestUncertaintySharedRanks(t *testing.T) {
	g, data := uncertainGroup(t, 0, map[string]string{"A": "60", "B": "60", "C": "50"})
	u := simulate(t, g, data, scoring.UncertaintyOptions{Draws: 100, Seed: 1})
	for unit, want := range map[string][2]int{"A": {1, 1}, "B": {1, 1}, "C": {3, 3}} {
		iv := u.Units[unit]
		if iv.Low != want[0] || iv.High != want[1] {
			t.Errorf("%s: %d–%d, want %d–%d", unit, iv.Low, iv.High, want[0], want[1])
		}
	}
	if !u.Units["A"].TiedBelow || !u.Units["B"].TiedAbove || u.Units["C"].TiedAbove {
		t.Errorf("ties: A %+v, B %+v, C %+v", u.Units["A"], u.Units["B"], u.Units["C"])
	}
}

func TestUncertaintyOptionsChecked(t *testing.T) {
	g, data := uncertainGroup(t, 10, spread)
	for _, opts := range []scoring.UncertaintyOptions{{Draws: 0}, {Draws: scoring.MaxDraws + 1}, {Draws: 10, Weights: 1}, {Draws: 10, Weights: -0.1}} {
		if _, err := scoring.SimulateRanks(g, data, opts); err == nil {
			t.Errorf("%+v accepted", opts)
		}
	}
}

// BenchmarkSimulateRanks: 200 units × 10,000 draws of the synthetic set
// (121 leaves, 24 of them survey leaves of one measure, sampled on 150–349
// respondents), with the fields' weights perturbed too. The issue's
// target: under 2 s.
func BenchmarkSimulateRanks(b *testing.B) { benchmarkSimulate(b, 200, 10_000) }

// BenchmarkSimulateRanksWorkbook: the workbook's draws for a province of
// 2,000 units (1,000 draws).
func BenchmarkSimulateRanksWorkbook(b *testing.B) { benchmarkSimulate(b, 2000, 1000) }

func benchmarkSimulate(b *testing.B, n, draws int) {
	f := syntheticSet(b, 120)
	units := syntheticUnits(f, n)
	data := map[string]*scoring.UnitData{}
	for i := range units {
		units[i].Surveys[scoring.SampleKey("sipas")] = scoring.NewInt(int64(150 + i))
		data[units[i].Code] = &units[i]
	}
	g := scoring.ScoreGroup(f, units, scoring.StageFinal)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		u, err := scoring.SimulateRanks(g, data, scoring.UncertaintyOptions{Draws: draws, Seed: 1, Weights: 0.1})
		if err != nil || len(u.Units) != n {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(units)), "units")
}

func ExampleSimulateRanks() {
	fw, _ := scoring.ParseFramework(strings.NewReader(uncertainSet))
	mk := func(code, pts, sipas string) scoring.UnitData {
		u := scoring.UnitData{Code: code, Surveys: map[string]scoring.Decimal{"sipas": mustDec(sipas), scoring.SampleKey("sipas"): scoring.NewInt(200)},
			Inputs: map[string]scoring.Decimal{"officials": mustDec("0.8")}}
		u.SetPoints("1.1", scoring.StageFinal, scoring.Value{Points: mustDec(pts)})
		return u
	}
	units := []scoring.UnitData{mk("A", "60", "0.9"), mk("B", "59.9", "0.9"), mk("C", "50", "0.9")}
	g := scoring.ScoreGroup(fw, units, scoring.StageFinal)
	data := map[string]*scoring.UnitData{"A": &units[0], "B": &units[1], "C": &units[2]}
	u, _ := scoring.SimulateRanks(g, data, scoring.UncertaintyOptions{Draws: 10_000, Seed: 1})
	for _, r := range g.Results {
		iv := u.Units[r.Unit]
		fmt.Printf("%s rank %d (%d–%d) tied %v\n", r.Unit, r.Rank, iv.Low, iv.High, iv.Tied())
	}
	// Output:
	// A rank 1 (1–2) tied true
	// B rank 2 (1–2) tied true
	// C rank 3 (3–3) tied false
}

// TestEvaluateTop: the summary evaluation gives the same totals and
// top-level items as the full one, and keeps nothing else but the bonus
// and penalty leaves.
func TestEvaluateTop(t *testing.T) {
	f := syntheticSet(t, 120)
	for _, u := range syntheticUnits(f, 20) {
		full, top := scoring.Evaluate(f, u, scoring.StageFinal), scoring.EvaluateTop(f, u, scoring.StageFinal)
		if !full.Index.Equal(top.Index) || !full.Points.Equal(top.Points) || !full.Bonus.Equal(top.Bonus) || len(top.Nodes) != len(f.Items) {
			t.Fatalf("%s: full %s/%s, top %s/%s with %d nodes", u.Code, full.Points, full.Index, top.Points, top.Index, len(top.Nodes))
		}
		for _, it := range f.Items {
			if a, b := full.Nodes[it.Code], top.Nodes[it.Code]; !a.Points.Equal(b.Points) || !a.Max.Equal(b.Max) {
				t.Errorf("%s %s: %+v against %+v", u.Code, it.Code, b, a)
			}
		}
	}
	var sv scoring.StageValues
	sv.Set(scoring.StageSelf, scoring.Value{Points: scoring.NewInt(3)})
	sv.Set(scoring.StageAppraisal, scoring.Value{Points: scoring.NewInt(2)})
	if v, st, ok := sv.Resolve(scoring.StageFinal); !ok || st != scoring.StageAppraisal || !v.Points.Equal(scoring.NewInt(2)) {
		t.Errorf("final resolves to %v %s", v, st)
	}
	if v, st, _ := sv.Resolve(scoring.StageSelf); st != scoring.StageSelf || !v.Points.Equal(scoring.NewInt(3)) {
		t.Errorf("self resolves to %v %s", v, st)
	}
}
