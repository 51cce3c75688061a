package targets_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/targets"
)

func d(s string) scoring.Decimal {
	v, err := scoring.ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return v
}

func parse(t *testing.T, src string) *targets.Programme {
	t.Helper()
	p, err := targets.Parse(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

const programme = `
code: CM
name: Chương trình CCHC
decision: QĐ 985/QĐ-UBND
targets:
  - code: online
    name: Tỷ lệ hồ sơ trực tuyến
    unit: "%"
    measure: {source: statistics, numerator: online, denominator: received}
    years: {"2025": 50, "2030": 80}
  - code: online-so
    name: Tỷ lệ hồ sơ trực tuyến cấp sở
    measure: {source: statistics, numerator: online, denominator: received, scope: SO}
    years: {"2024": 70}
  - code: reuse
    name: Tái sử dụng
    measure: {source: statistics, mean: reuse_rate}
    years: {"2025": 80}
  - code: index-so
    name: Chỉ số bình quân cấp sở
    measure: {source: index, group: SO}
    years: {"2024": 80}
  - code: index-xa
    name: Chỉ số bình quân cấp xã
    measure: {source: index, group: XA}
    years: {"2024": 80}
  - code: rank
    name: Xếp hạng
    unit: hạng
    better: lower
    measure: {source: external, note: Bộ Nội vụ}
    actual: {"2021": 46, "2024": 24}
    years: {"2025": 25, "2030": 10}
  - code: sat
    name: Hài lòng
    measure: {source: survey, survey: sipas}
    years: {"2025": 90}
`

func TestValueIn(t *testing.T) {
	p := parse(t, programme)
	online, rank := p.Targets[0], p.Targets[5]
	cases := []struct {
		t            targets.Target
		year         int
		value        string
		milestone    int
		interpolated bool
	}{
		{online, 2023, "50", 2025, false}, // before the first milestone: its value
		{online, 2025, "50", 2025, false},
		{online, 2026, "56", 2030, true}, // 50 + 30 × 1/5
		{online, 2028, "68", 2030, true}, // 50 + 30 × 3/5
		{online, 2031, "80", 2030, false},
		{rank, 2027, "19", 2030, true}, // 25 − 15 × 2/5
	}
	for _, c := range cases {
		v, m, interp := c.t.ValueIn(c.year)
		if v == nil || !v.Equal(d(c.value)) || m != c.milestone || interp != c.interpolated {
			t.Errorf("%s in %d = %v, %d, %v; want %s, %d, %v", c.t.Code, c.year, v, m, interp, c.value, c.milestone, c.interpolated)
		}
	}
	if v, _, _ := online.ValueIn(0); v != nil {
		t.Errorf("an undated period has a target: %v", v)
	}
}

// TestRows compares a hand-computed period: three units, two groups.
//
//	unit  group  online  received  reuse_rate
//	S1    SO     450     1000      0.8
//	S2    SO     300     500       —
//	X1    XA     100     500       0.5
//
// online, province: (450+300+100) / (1000+500+500) = 850/2000 = 42.5 % < 50 → behind
// online, SO:       750/1500 = 50 % < 70 → behind (2024 target)
// reuse, mean:      (0.8 + 0.5)/2 × 100 = 65 % < 80 → behind
func TestRows(t *testing.T) {
	p := parse(t, programme)
	in := func(unit, name, v string) domain.Input {
		return domain.Input{Period: "2024", Unit: unit, Name: name, Value: d(v)}
	}
	data := targets.Data{
		Year:  2024,
		Units: []domain.Unit{{Code: "S1", Group: "SO"}, {Code: "S2", Group: "SO"}, {Code: "X1", Group: "XA"}},
		Inputs: []domain.Input{
			in("S1", "online", "450"), in("S1", "received", "1000"), in("S1", "reuse_rate", "0.8"),
			in("S2", "online", "300"), in("S2", "received", "500"),
			in("X1", "online", "100"), in("X1", "received", "500"), in("X1", "reuse_rate", "0.5"),
		},
		MeanIndex: map[string]scoring.Decimal{"SO": d("81.25")},
	}
	rows := targets.Rows(p, data)
	want := []struct {
		code, value, actual string
		units               int
		status              targets.Status
	}{
		{"online", "50", "42.5", 3, targets.Behind},
		{"online-so", "70", "50", 2, targets.Behind},
		{"reuse", "80", "65", 2, targets.Behind},
		{"index-so", "80", "81.25", 0, targets.OnTrack},
		{"index-xa", "80", "", 0, targets.NoData}, // no result for XA
		{"rank", "25", "24", 0, targets.OnTrack},  // lower is better: 24 ≤ 25
		{"sat", "90", "", 0, targets.NoData},      // surveys do not feed targets yet
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows", len(rows))
	}
	for i, w := range want {
		r := rows[i]
		got := ""
		if r.Actual != nil {
			got = r.Actual.String()
		}
		if r.Target.Code != w.code || !r.Value.Equal(d(w.value)) || got != w.actual || r.Units != w.units || r.Status != w.status {
			t.Errorf("row %s: value %v actual %q units %d status %s; want %+v", r.Target.Code, r.Value, got, r.Units, r.Status, w)
		}
	}
	if r := rows[0]; r.Numerator == nil || !r.Numerator.Equal(d("850")) || !r.Denominator.Equal(d("2000")) {
		t.Errorf("online sums: %v / %v", rows[0].Numerator, rows[0].Denominator)
	}
	// In 2021 the rank was 46 (> 25): behind; in 2022 nothing was recorded.
	data.Year = 2021
	if r := targets.Rows(p, data)[5]; r.Status != targets.Behind || !r.Actual.Equal(d("46")) {
		t.Errorf("rank 2021: %+v", r)
	}
	data.Year = 2022
	if r := targets.Rows(p, data)[5]; r.Status != targets.NoData {
		t.Errorf("rank 2022: %+v", r)
	}
	// No statistics at all: no data, not 0 %.
	data.Inputs = nil
	if r := targets.Rows(p, data)[0]; r.Status != targets.NoData || r.Actual != nil {
		t.Errorf("no inputs: %+v", r)
	}
}

func TestParseRejects(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"empty", "", "the file is empty"},
		{"unknown key", "code: A\nname: B\ntargetz: []\n", "field targetz not found"},
		{"no targets", "code: A\nname: B\n", "the file has no targets"},
		{"bad source", "code: A\nname: B\ntargets:\n  - {code: x, name: X, measure: {source: magic}, years: {\"2025\": 1}}\n",
			`line 4: target x: measure source "magic" must be statistics, index, survey or external`},
		{"no years", "code: A\nname: B\ntargets:\n  - {code: x, name: X, measure: {source: survey}}\n", "line 4: target x: years is missing"},
		{"bad year", "code: A\nname: B\ntargets:\n  - {code: x, name: X, measure: {source: survey}, years: {soon: 1}}\n", `target x: years: "soon" is not a year`},
		{"ratio without denominator", "code: A\nname: B\ntargets:\n  - {code: x, name: X, measure: {source: statistics, numerator: a}, years: {\"2025\": 1}}\n",
			`target x: measure denominator "" is not an input name`},
		{"index without group", "code: A\nname: B\ntargets:\n  - {code: x, name: X, measure: {source: index}, years: {\"2025\": 1}}\n", "target x: measure group is missing"},
		{"actual on statistics", "code: A\nname: B\ntargets:\n  - {code: x, name: X, measure: {source: statistics, mean: r}, years: {\"2025\": 1}, actual: {\"2024\": 3}}\n",
			"target x: actual values belong to an external measure"},
		{"duplicate", "code: A\nname: B\ntargets:\n  - {code: x, name: X, measure: {source: survey}, years: {\"2025\": 1}}\n  - {code: x, name: Y, measure: {source: survey}, years: {\"2025\": 1}}\n",
			"line 5: target x: the code is used twice (first at line 4)"},
		{"better", "code: A\nname: B\ntargets:\n  - {code: x, name: X, better: up, measure: {source: survey}, years: {\"2025\": 1}}\n", `target x: better "up" must be higher or lower`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := targets.Parse(strings.NewReader(c.src))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q", err, c.want)
			}
		})
	}
}

// TestDemoTargets parses the Cà Mau programme shipped with the demo.
func TestDemoTargets(t *testing.T) {
	f, err := os.Open("../demo/data/targets.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := targets.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	if p.Code != "CM-CTTT-2021-2030" || len(p.Targets) != 14 {
		t.Errorf("programme %s with %d targets", p.Code, len(p.Targets))
	}
}

type fakeStore struct {
	sources [][]byte
	units   []domain.Unit
	inputs  []domain.Input
}

func (f fakeStore) TargetsSources(context.Context) ([][]byte, error)     { return f.sources, nil }
func (f fakeStore) Units(context.Context, string) ([]domain.Unit, error) { return f.units, nil }
func (f fakeStore) Inputs(_ context.Context, p, _ string) ([]domain.Input, error) {
	var out []domain.Input
	for _, in := range f.inputs {
		if in.Period == p {
			out = append(out, in)
		}
	}
	return out, nil
}

// fakeResults gives SO a mean index of 78.66 and knows no other group.
type fakeResults struct{}

func (fakeResults) Compute(_ context.Context, period, group string, _ scoring.Stage) (*results.Output, error) {
	if group != "SO" {
		return nil, domain.NotFoundf("criteria set %s %s not found", period, group)
	}
	return &results.Output{Period: period, Groups: []results.Group{{Code: "SO",
		GroupResult: &scoring.GroupResult{Summary: scoring.Summary{Count: 14, MeanIndex: d("78.66")}}}}}, nil
}

func TestService(t *testing.T) {
	st := fakeStore{
		sources: [][]byte{[]byte(programme)},
		units:   []domain.Unit{{Code: "S1", Group: "SO"}},
		inputs: []domain.Input{{Period: "2025-Q3", Unit: "S1", Name: "online", Value: d("6")},
			{Period: "2025-Q3", Unit: "S1", Name: "received", Value: d("10")}},
	}
	rep, err := (&targets.Service{Store: st, Results: fakeResults{}}).Report(context.Background(), "2025-Q3")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Year != 2025 || len(rep.Programmes) != 1 || len(rep.Programmes[0].Rows) != 7 {
		t.Fatalf("report = %+v", rep)
	}
	rows := rep.Programmes[0].Rows
	if r := rows[0]; r.Status != targets.OnTrack || !r.Actual.Equal(d("60")) {
		t.Errorf("online: %+v", r)
	}
	if r := rows[3]; !r.Actual.Equal(d("78.66")) || r.Status != targets.Behind {
		t.Errorf("index SO: %+v", r)
	}
	if r := rows[4]; r.Status != targets.NoData {
		t.Errorf("index XA: %+v", r)
	}
	empty, err := (&targets.Service{Store: fakeStore{}}).Report(context.Background(), "2025")
	if err != nil || len(empty.Programmes) != 0 {
		t.Errorf("no programme: %+v, %v", empty, err)
	}
}

// TestTargetsAliasBomb: a targets file is decoded with the aliases'
// expansion bounded, like every YAML input (issue 11, item 2).
func TestTargetsAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("code: CM\nname: x\ntargets:\n  - &t {code: a, name: &n " + strings.Repeat("dài ", 5000) + ", unit: \"%\", measure: {source: external}, years: {\"2025\": 1}}\n")
	for range 2000 {
		b.WriteString("  - *t\n")
	}
	_, err := targets.Parse(strings.NewReader(b.String()))
	if err == nil || !strings.Contains(err.Error(), "through its aliases") {
		t.Errorf("got %.200v, want the file refused for its aliases", err)
	}
}

// FuzzParse: no targets file makes Parse panic (`.ci/run` runs it for a
// bounded time; failing inputs are kept in testdata/fuzz/).
func FuzzParse(f *testing.F) {
	demo, err := os.ReadFile("../demo/data/targets.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(demo))
	f.Add(programme)
	f.Add("code: x\nname: y\ntargets: [&t {code: a, name: b, measure: {source: external}, years: {\"2025\": 1}}, *t]\n")
	f.Fuzz(func(t *testing.T, src string) {
		_, _ = targets.Parse(strings.NewReader(src))
	})
}
