package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
)

// The store is what the results service reads.
var _ results.Store = (*store.Store)(nil)

func TestUnitData(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	_, _, err := s.ImportUnits(t.Context(), []domain.Unit{{Code: "S3", Name: "Sở Tài chính", Group: "SO"}, {Code: "S4", Name: "Sở Xây dựng", Group: "SO"}})
	must(t, err)
	sc := func(period, unit, item string, stage scoring.Stage, v scoring.Value) domain.Score {
		return domain.Score{Period: period, Unit: unit, Item: item, Stage: stage, Value: v}
	}
	_, err = s.RecordScores(t.Context(), []domain.Score{
		sc("2025", "S1", "1.1", scoring.StageSelf, pts(t, "0.5")),
		sc("2025", "S1", "1.1", scoring.StageFinal, pts(t, "0.75")),
		sc("2025", "S1", "1.2", scoring.StageAppraisal, notApplicable),
		sc("2025", "X1", "1.1", scoring.StageSelf, pts(t, "1")), // another group
		sc("2024", "S4", "1.1", scoring.StageSelf, pts(t, "1")), // another period
	}, "an", "import")
	must(t, err)
	in := func(period, unit, name, v string) domain.Input {
		return domain.Input{Period: period, Unit: unit, Name: name, Value: dec(t, v)}
	}
	must(t, s.RecordInputs(t.Context(), []domain.Input{
		in("2025", "S1", "done", "3"), in("2025", "S3", "done", "0"), in("2025", "S3", "assigned", "2.5"),
		in("2025", "X1", "done", "1"), in("2024", "S4", "done", "1"),
	}, "an"))

	tests := []struct {
		period, group string
		want          []scoring.UnitData
	}{
		{"2025", "SO", []scoring.UnitData{
			{Code: "S1", Name: "Sở Nội vụ",
				Points: map[string]scoring.StageValues{
					"1.1": scoring.ValuesOf(map[scoring.Stage]scoring.Value{scoring.StageSelf: pts(t, "0.5"), scoring.StageFinal: pts(t, "0.75")}),
					"1.2": scoring.ValuesOf(map[scoring.Stage]scoring.Value{scoring.StageAppraisal: {Points: scoring.NewInt(0), NA: true}}),
				},
				Inputs: map[string]scoring.Decimal{"done": dec(t, "3")}},
			{Code: "S3", Name: "Sở Tài chính", Points: map[string]scoring.StageValues{},
				Inputs: map[string]scoring.Decimal{"done": dec(t, "0"), "assigned": dec(t, "2.5")}},
		}},
		{"2025", "XA", []scoring.UnitData{
			{Code: "X1", Name: "UBND xã Hạ Hòa",
				Points: map[string]scoring.StageValues{"1.1": scoring.ValuesOf(map[scoring.Stage]scoring.Value{scoring.StageSelf: pts(t, "1")})},
				Inputs: map[string]scoring.Decimal{"done": dec(t, "1")}},
		}},
		{"2026", "SO", []scoring.UnitData{}},
		{"2025", "NONE", []scoring.UnitData{}},
	}
	for _, tc := range tests {
		t.Run(tc.period+" "+tc.group, func(t *testing.T) {
			got, err := s.UnitData(t.Context(), tc.period, tc.group)
			must(t, err)
			if !unitDataEqual(got, tc.want) {
				t.Errorf("UnitData(%s, %s)\n got %+v\nwant %+v", tc.period, tc.group, got, tc.want)
			}
		})
	}
}

// unitDataEqual compares unit data with decimals compared by value.
func unitDataEqual(a, b []scoring.UnitData) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Code != y.Code || x.Name != y.Name || x.Surveys != nil || len(x.Points) != len(y.Points) ||
			len(x.Inputs) != len(y.Inputs) || x.Points == nil || x.Inputs == nil {
			return false
		}
		for item, stages := range y.Points {
			if x.Points[item].Len() != stages.Len() {
				return false
			}
			for st, v := range stages.All() {
				if got, ok := x.Points[item].Get(st); !ok || !sameValue(got, v) {
					return false
				}
			}
		}
		for name, v := range y.Inputs {
			if got, ok := x.Inputs[name]; !ok || !got.Equal(v) {
				return false
			}
		}
	}
	return true
}

func sameValue(a, b scoring.Value) bool {
	return a.NA == b.NA && a.Points.Equal(b.Points)
}

// provinceSize is the size of a province's group for the load test and
// benchmark: 200 units × 120 leaves at two stages, with 10 inputs each.
const provinceUnits, provinceLeaves = 200, 120

// loadProvince records a province's group (XA, 2025) and a little data of
// another group and period that must never be read with it.
func loadProvince(t testing.TB, s *store.Store) []domain.Unit {
	t.Helper()
	var us []domain.Unit
	for u := range provinceUnits {
		us = append(us, domain.Unit{Code: fmt.Sprintf("U%03d", u), Name: fmt.Sprintf("Xã số %d", u), Group: "XA"})
	}
	_, _, err := s.ImportUnits(context.Background(), us)
	must(t, err)
	_, _, err = s.ImportUnits(context.Background(), []domain.Unit{{Code: "S1", Name: "Sở", Group: "SO"}})
	must(t, err)
	var rows []domain.Score
	var inputs []domain.Input
	for u := range provinceUnits {
		for l := range provinceLeaves {
			for _, st := range []scoring.Stage{scoring.StageSelf, scoring.StageFinal} {
				rows = append(rows, domain.Score{Period: "2025", Unit: us[u].Code, Item: fmt.Sprintf("%d.%d", l/10, l%10),
					Stage: st, Value: scoring.Value{Points: dec(t, fmt.Sprintf("0.%02d", (u+l)%100))}})
			}
		}
		for i := range 10 {
			inputs = append(inputs, domain.Input{Period: "2025", Unit: us[u].Code, Name: fmt.Sprintf("in%d", i), Value: scoring.NewInt(int64(u * i))})
		}
	}
	rows = append(rows, domain.Score{Period: "2025", Unit: "S1", Item: "0.0", Stage: scoring.StageSelf, Value: pts(t, "1")},
		domain.Score{Period: "2024", Unit: "U000", Item: "0.0", Stage: scoring.StageSelf, Value: pts(t, "1")})
	_, err = s.RecordScores(context.Background(), rows, "an", "import")
	must(t, err)
	must(t, s.RecordInputs(context.Background(), inputs, "an"))
	return us
}

// TestUnitDataLoadsAProvince loads a province-sized group and checks that
// UnitData returns exactly its units and values, and that the engine scores
// them all.
func TestUnitDataLoadsAProvince(t *testing.T) {
	s := storetest.Open(t)
	loadProvince(t, s)
	data, err := s.UnitData(t.Context(), "2025", "XA")
	must(t, err)
	if len(data) != provinceUnits {
		t.Fatalf("UnitData returned %d units, want %d", len(data), provinceUnits)
	}
	u := data[7]
	if u.Code != "U007" || len(u.Points) != provinceLeaves || len(u.Inputs) != 10 || u.Points["3.4"].Len() != 2 ||
		!finalPoints(u, "3.4").Equal(dec(t, "0.41")) || !u.Inputs["in3"].Equal(scoring.NewInt(21)) {
		t.Errorf("unit %s: %d items, %d inputs, 3.4 = %v, in3 = %v", u.Code, len(u.Points), len(u.Inputs), u.Points["3.4"], u.Inputs["in3"])
	}
	src := []byte("period: \"2025\"\ngroup: XA\nname: Xã\nitems:\n")
	for l := range provinceLeaves {
		src = fmt.Appendf(src, "  - {code: \"%d.%d\", name: L, max: 1, method: manual}\n", l/10, l%10)
	}
	_, err = saveSet(t, s, src, false)
	must(t, err)
	out, err := (&results.Service{Store: s}).Compute(t.Context(), "2025", "XA", scoring.StageFinal)
	must(t, err)
	if len(out.Groups[0].Results) != provinceUnits {
		t.Errorf("results for %d units", len(out.Groups[0].Results))
	}
}

// BenchmarkRecordScores records a province's group: 48,000 points and 2,000
// inputs, each run on a fresh database.
func BenchmarkRecordScores(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		s := storetest.Open(b)
		b.StartTimer()
		loadProvince(b, s)
	}
}

// BenchmarkUnitData reads a province's group back for scoring.
func BenchmarkUnitData(b *testing.B) {
	s := storetest.Open(b)
	loadProvince(b, s)
	b.ResetTimer()
	for b.Loop() {
		data, err := s.UnitData(context.Background(), "2025", "XA")
		if err != nil || len(data) != provinceUnits {
			b.Fatalf("%d units, %v", len(data), err)
		}
	}
}

// TestUnitDataMatchesScores checks UnitData against the per-unit reads.
func TestUnitDataMatchesScores(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	_, err := s.RecordScores(t.Context(), []domain.Score{
		{Period: "2025", Unit: "S2", Item: "9", Stage: scoring.StageExplanation, Value: pts(t, "0.125")},
		{Period: "2025", Unit: "S2", Item: "9", Stage: scoring.StageSelf, Value: notApplicable},
	}, "an", "web")
	must(t, err)
	data, err := s.UnitData(t.Context(), "2025", "SO")
	must(t, err)
	scores, err := s.Scores(t.Context(), "2025", "S2")
	must(t, err)
	got := map[string]scoring.Value{}
	for st, v := range data[0].Points["9"].All() {
		got[string(st)] = v
	}
	want := map[string]scoring.Value{}
	for _, sc := range scores {
		want[string(sc.Stage)] = sc.Value
	}
	if !reflect.DeepEqual(fmt.Sprint(got), fmt.Sprint(want)) {
		t.Errorf("UnitData %v, Scores %v", got, want)
	}
}

// finalPoints returns a unit's final points of a leaf (zero when none).
func finalPoints(u scoring.UnitData, item string) scoring.Decimal {
	v, _ := u.Points[item].Get(scoring.StageFinal)
	return v.Points
}

// TestUnitDataReadsAnyCode: the values come packed into one text per unit;
// item codes and input names holding the packing's own characters, or
// letters of several bytes, read back whole, as do exact decimals of any
// size and sign.
func TestUnitDataReadsAnyCode(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	codes := []string{"1;2", "3:4", "9:final:1;", "Tiêu chí 5.1", "12", "1"}
	var rows []domain.Score
	want := scoring.UnitData{Code: "S1", Name: "Sở Nội vụ", Points: map[string]scoring.StageValues{}, Inputs: map[string]scoring.Decimal{}}
	for i, code := range codes {
		v := scoring.Value{Points: dec(t, fmt.Sprintf("0.%03d", 125*i))}
		if i == 2 {
			v = notApplicable
		}
		for _, st := range []scoring.Stage{scoring.StageSelf, scoring.StageAppraisal, scoring.StageExplanation, scoring.StageFinal} {
			rows = append(rows, domain.Score{Period: "2025", Unit: "S1", Item: code, Stage: st, Value: v})
			want.SetPoints(code, st, v)
		}
	}
	_, err := s.RecordScores(t.Context(), rows, "an", "import")
	must(t, err)
	inputs := map[string]string{"a;b": "-3.5", "c:d": "1234567890.0123456789", "đ": "0", "e": "100"}
	var in []domain.Input
	for name, v := range inputs {
		in = append(in, domain.Input{Period: "2025", Unit: "S1", Name: name, Value: dec(t, v)})
		want.Inputs[name] = dec(t, v)
	}
	must(t, s.RecordInputs(t.Context(), in, "an"))
	for range 2 { // values shared between reads stay right
		got, err := s.UnitData(t.Context(), "2025", "SO")
		must(t, err)
		if !unitDataEqual(got, []scoring.UnitData{want}) {
			t.Errorf("UnitData\n got %+v\nwant %+v", got, want)
		}
	}
}
