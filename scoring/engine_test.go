package scoring_test

import (
	"strings"
	"testing"

	"github.com/parindex/parindex/scoring"
)

func mustParse(t testing.TB, src string) *scoring.Framework {
	t.Helper()
	f, err := scoring.ParseFramework(strings.NewReader(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return f
}

func d(s string) scoring.Decimal {
	v, err := scoring.ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return v
}

func pts(stagePoints ...string) scoring.StageValues {
	m := map[scoring.Stage]scoring.Value{}
	for i := 0; i+1 < len(stagePoints); i += 2 {
		st := scoring.Stage(stagePoints[i])
		if stagePoints[i+1] == "na" {
			m[st] = scoring.Value{NA: true}
		} else {
			m[st] = scoring.Value{Points: d(stagePoints[i+1])}
		}
	}
	return scoring.ValuesOf(m)
}

func inputs(kv ...string) map[string]scoring.Decimal {
	m := map[string]scoring.Decimal{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = d(kv[i+1])
	}
	return m
}

func eq(t *testing.T, what string, got scoring.Decimal, want string) {
	t.Helper()
	if !got.Equal(d(want)) {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

// The hand calculation of the issue: two manual leaves worth 65 and 35.
//
//	unit  A      B     points  index  rank
//	U1    60     30    90      90.00  1
//	U2    55.5   34.5  90      90.00  1
//	U3    65     20    85      85.00  3
//	U4    40.25  9.5   49.75   49.75  4
//	U5    0      0     0       0.00   5
//
// Mean of indices: (90 + 90 + 85 + 49.75 + 0) / 5 = 314.75 / 5 = 62.95.
const twoLeaves = `
period: "2025"
group: G
name: Two leaves
grades:
  - {code: A, name: Tốt, min: 80}
  - {code: B, name: Trung bình, min: 50}
  - {code: C, name: Yếu, min: 0}
items:
  - {code: "A", name: Leaf A, max: 65, method: manual, step: 0.25}
  - {code: "B", name: Leaf B, max: 35, method: manual, step: 0.25}
`

func TestHandCalculation(t *testing.T) {
	f := mustParse(t, twoLeaves)
	unit := func(code, a, b string) scoring.UnitData {
		return scoring.UnitData{Code: code, Points: map[string]scoring.StageValues{
			"A": pts("final", a), "B": pts("final", b)}}
	}
	g := scoring.ScoreGroup(f, []scoring.UnitData{
		unit("U5", "0", "0"), unit("U3", "65", "20"), unit("U1", "60", "30"),
		unit("U4", "40.25", "9.5"), unit("U2", "55.5", "34.5"),
	}, scoring.StageFinal)
	want := []struct {
		unit, points, index string
		rank                int
		grade               string
	}{
		{"U1", "90", "90", 1, "A"},
		{"U2", "90", "90", 1, "A"},
		{"U3", "85", "85", 3, "A"},
		{"U4", "49.75", "49.75", 4, "C"},
		{"U5", "0", "0", 5, "C"},
	}
	if len(g.Results) != len(want) {
		t.Fatalf("got %d results", len(g.Results))
	}
	for i, w := range want {
		r := g.Results[i]
		if r.Unit != w.unit || r.Rank != w.rank || r.Grade.Code != w.grade {
			t.Errorf("row %d: got %s rank %d grade %s, want %s rank %d grade %s", i, r.Unit, r.Rank, r.Grade.Code, w.unit, w.rank, w.grade)
		}
		eq(t, r.Unit+" points", r.Points, w.points)
		eq(t, r.Unit+" max", r.Max, "100")
		eq(t, r.Unit+" index", r.Index, w.index)
	}
	eq(t, "mean index", g.Summary.MeanIndex, "62.95")
	if g.Summary.Count != 5 || g.Summary.Grades["A"] != 3 || g.Summary.Grades["B"] != 0 || g.Summary.Grades["C"] != 2 {
		t.Errorf("summary = %+v", g.Summary)
	}
}

func TestLeafMethods(t *testing.T) {
	f := mustParse(t, `
period: "2025"
group: G
items:
  - code: "1"
    name: Field
    items:
      - {code: m, name: manual, max: 2, method: manual}
      - {code: r, name: ratio, max: 4, method: ratio, numerator: on_time, denominator: received}
      - {code: rt, name: ratio with target, max: 2, method: ratio, numerator: on_time, denominator: received, target: 0.8}
      - {code: rd, name: direct ratio, max: 3, method: ratio, ratio: online_rate}
      - {code: ez, name: empty zero, max: 1, method: ratio, numerator: x, denominator: empty}
      - {code: ef, name: empty full, max: 1, method: ratio, numerator: x, denominator: empty, when_empty: full}
      - {code: ena, name: empty n/a, max: 1, method: ratio, numerator: x, denominator: empty, when_empty: not_applicable}
      - code: t
        name: tiers
        max: 2
        method: tiers
        input: online_rate
        tiers: [{min: 0.95, points: 2}, {min: 0.5, points: 1}, {min: 0, points: 0}]
      - {code: f, name: formula, max: 10, method: formula, formula: "6*a + min(2, 2.5*b) + 2.5*c"}
      - {code: fz, name: formula clamped, max: 1, method: formula, formula: "a - 5"}
      - {code: fd, name: formula div zero, max: 1, method: formula, formula: "a / empty"}
      - {code: fc, name: formula conditional, max: 1, method: formula, formula: "empty > 0 ? a / empty : 1"}
      - {code: s, name: survey, max: 5, method: survey, survey: sipas}
      - {code: s2, name: survey from input, max: 2, method: survey, survey: officials}
  - {code: "9", name: Bonus, max: 1, method: bonus}
`)
	u := scoring.UnitData{
		Code:    "U",
		Points:  map[string]scoring.StageValues{"m": pts("self", "1.5"), "9": pts("final", "0.5")},
		Inputs:  inputs("on_time", "90", "received", "120", "online_rate", "0.6", "x", "3", "empty", "0", "a", "0.5", "b", "0.9", "c", "0.4", "officials", "0.8"),
		Surveys: map[string]scoring.Decimal{"sipas": d("0.9266")},
	}
	r := scoring.Evaluate(f, u, scoring.StageFinal)
	cases := []struct{ code, points, max string }{
		{"m", "1.5", "2"},
		{"r", "3", "4"},      // 4 × 90/120
		{"rt", "1.875", "2"}, // 2 × 0.75 / 0.8
		{"rd", "1.8", "3"},   // 3 × 0.6
		{"ez", "0", "1"},
		{"ef", "1", "1"},
		{"ena", "0", "0"}, // renormalize: leaves points and max
		{"t", "1", "2"},
		{"f", "6", "10"}, // 6×0.5 + min(2, 2.25) + 2.5×0.4 = 3 + 2 + 1
		{"fz", "0", "1"},
		{"fd", "0", "1"},
		{"fc", "1", "1"},
		{"s", "4.633", "5"}, // 5 × 0.9266
		{"s2", "1.6", "2"},
		{"9", "0.5", "1"},
	}
	for _, c := range cases {
		n := r.Nodes[c.code]
		eq(t, c.code+" points", n.Points, c.points)
		eq(t, c.code+" max", n.Max, c.max)
	}
	if !r.Nodes["ena"].NA || r.Nodes["ez"].NA {
		t.Errorf("NA flags: ena %v ez %v", r.Nodes["ena"].NA, r.Nodes["ez"].NA)
	}
	if len(r.Nodes["fd"].Notes) == 0 || !strings.Contains(r.Nodes["fd"].Notes[0], "division by zero") {
		t.Errorf("fd notes = %v", r.Nodes["fd"].Notes)
	}
	// Regular: 1.5+3+1.875+1.8+0+1+0+1+6+0+0+1+4.633+1.6 = 23.408 of max 35 (36 − 1 for ena).
	eq(t, "regular", r.Regular, "23.408")
	eq(t, "max", r.Max, "35")
	eq(t, "points", r.Points, "23.908")
	eq(t, "field 1 points", r.Nodes["1"].Points, "23.408")
	eq(t, "index", scoring.Publish(r.Index), "68.31") // 23.908/35×100 = 68.3085…
}

func TestNotApplicablePolicies(t *testing.T) {
	src := `
period: "2025"
group: G
not_applicable: %s
items:
  - {code: a, name: a, max: 60, method: manual}
  - {code: b, name: b, max: 40, method: manual}
`
	u := scoring.UnitData{Code: "U", Points: map[string]scoring.StageValues{
		"a": pts("final", "45"), "b": pts("self", "30", "final", "na")}}
	cases := []struct{ policy, points, max, index string }{
		{"renormalize", "45", "60", "75"},
		{"full_credit", "85", "100", "85"},
	}
	for _, c := range cases {
		f := mustParse(t, strings.Replace(src, "%s", c.policy, 1))
		r := scoring.Evaluate(f, u, scoring.StageFinal)
		eq(t, c.policy+" points", r.Points, c.points)
		eq(t, c.policy+" max", r.Max, c.max)
		eq(t, c.policy+" index", r.Index, c.index)
		// At stage self, b is applicable with 30 points.
		s := scoring.Evaluate(f, u, scoring.StageSelf)
		eq(t, c.policy+" self points", s.Points, "30")
	}
}

func TestStageResolution(t *testing.T) {
	f := mustParse(t, twoLeaves)
	cases := []struct {
		name   string
		stages []string
		stage  scoring.Stage
		want   string
	}{
		{"final wins", []string{"self", "10", "appraisal", "20", "final", "30"}, scoring.StageFinal, "30"},
		{"appraisal when no final", []string{"self", "10", "appraisal", "20"}, scoring.StageFinal, "20"},
		{"self when nothing else", []string{"self", "10"}, scoring.StageFinal, "10"},
		{"explanation is not a result", []string{"self", "10", "explanation", "25"}, scoring.StageFinal, "10"},
		{"self stage ignores final", []string{"self", "10", "final", "30"}, scoring.StageSelf, "10"},
		{"self stage without self scores 0", []string{"final", "30"}, scoring.StageSelf, "0"},
		{"appraisal stage", []string{"self", "10", "appraisal", "20", "final", "30"}, scoring.StageAppraisal, "20"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := scoring.UnitData{Code: "U", Points: map[string]scoring.StageValues{"A": pts(c.stages...)}}
			r := scoring.Evaluate(f, u, c.stage)
			eq(t, "A", r.Nodes["A"].Points, c.want)
		})
	}
}

func TestBonusPenaltyKeptWithinRange(t *testing.T) {
	f := mustParse(t, `
period: "2025"
group: G
items:
  - {code: a, name: a, max: 100, method: manual}
  - code: x
    name: Extra
    items:
      - {code: b1, name: bonus, max: 3, method: bonus}
      - {code: p1, name: penalty, max: 5, method: penalty}
`)
	cases := []struct{ a, bonus, penalty, points, index string }{
		{"90", "3", "0", "93", "93"},
		{"99", "3", "0", "100", "100"}, // capped at max
		{"2", "0", "5", "0", "0"},      // never below zero
		{"80", "2", "1.5", "80.5", "80.5"},
	}
	for _, c := range cases {
		u := scoring.UnitData{Code: "U", Points: map[string]scoring.StageValues{
			"a": pts("final", c.a), "b1": pts("final", c.bonus), "p1": pts("final", c.penalty)}}
		r := scoring.Evaluate(f, u, scoring.StageFinal)
		eq(t, "points "+c.a, r.Points, c.points)
		eq(t, "index "+c.a, r.Index, c.index)
		eq(t, "max", r.Max, "100")
	}
	if f.Max().String() != "100" {
		t.Errorf("framework max = %s, want 100 (bonus and penalty outside)", f.Max())
	}
}

func TestRankingOnPublishedValues(t *testing.T) {
	// Indices 90.004 and 89.995 are both published as 90.00 and share rank 1;
	// 90.10 ranks above them; 89.994 is published 89.99.
	f := mustParse(t, `
period: "2025"
group: G
grades:
  - {code: XS, name: Xuất sắc, min: 90}
  - {code: T, name: Tốt, min: 0}
items:
  - {code: a, name: a, max: 100, method: manual}
`)
	unit := func(code, p string) scoring.UnitData {
		return scoring.UnitData{Code: code, Points: map[string]scoring.StageValues{"a": pts("final", p)}}
	}
	g := scoring.ScoreGroup(f, []scoring.UnitData{
		unit("D", "89.994"), unit("C", "89.995"), unit("B", "90.004"), unit("A", "90.1"), unit("E", "50"),
	}, scoring.StageFinal)
	want := []struct {
		unit  string
		rank  int
		grade string
		pub   string
	}{{"A", 1, "XS", "90.10"}, {"B", 2, "XS", "90.00"}, {"C", 2, "XS", "90.00"}, {"D", 4, "T", "89.99"}, {"E", 5, "T", "50.00"}}
	for i, w := range want {
		r := g.Results[i]
		if r.Unit != w.unit || r.Rank != w.rank || r.Grade.Code != w.grade || scoring.FormatPublished(r.Index) != w.pub {
			t.Errorf("row %d = %s rank %d grade %s index %s; want %+v", i, r.Unit, r.Rank, r.Grade.Code, scoring.FormatPublished(r.Index), w)
		}
	}
}

func TestPublishRoundsHalfUp(t *testing.T) {
	cases := map[string]string{"0.125": "0.13", "0.124999": "0.12", "2.675": "2.68", "66.6666666": "66.67", "90.005": "90.01", "100": "100.00", "0": "0.00"}
	for in, want := range cases {
		if got := scoring.FormatPublished(d(in)); got != want {
			t.Errorf("FormatPublished(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestCompareWithPrevious(t *testing.T) {
	f := mustParse(t, twoLeaves)
	unit := func(code, a string) scoring.UnitData {
		return scoring.UnitData{Code: code, Points: map[string]scoring.StageValues{"A": pts("final", a)}}
	}
	prev := scoring.ScoreGroup(f, []scoring.UnitData{unit("U1", "60"), unit("U2", "50"), unit("U3", "40.005")}, scoring.StageFinal)
	cur := scoring.ScoreGroup(f, []scoring.UnitData{unit("U1", "45"), unit("U2", "55"), unit("U3", "50"), unit("NEW", "10")}, scoring.StageFinal)
	cur.CompareWith(prev.Results)
	want := map[string]struct {
		rank  *int
		index string
	}{
		"U2":  {ip(1), "5"},    // rank 2 → 1; 50.00 → 55.00
		"U3":  {ip(1), "9.99"}, // rank 3 → 2; 40.01 (published) → 50.00
		"U1":  {ip(-2), "-15"}, // rank 1 → 3
		"NEW": {nil, ""},
	}
	for _, r := range cur.Results {
		w := want[r.Unit]
		switch {
		case w.rank == nil:
			if r.RankChange != nil || r.IndexChange != nil {
				t.Errorf("%s: changes should be nil", r.Unit)
			}
		case r.RankChange == nil || *r.RankChange != *w.rank:
			t.Errorf("%s: rank change %v, want %d", r.Unit, r.RankChange, *w.rank)
		default:
			eq(t, r.Unit+" index change", *r.IndexChange, w.index)
		}
	}
}

func ip(i int) *int { return &i }
