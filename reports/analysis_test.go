package reports_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/reports"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// periodGroup scores a period of the test set from final points
// (field 1 of 40, field 2 of 60) and, where given, self points.
func periodGroup(t *testing.T, period string, final, self map[string][2]string) *results.Group {
	t.Helper()
	fw, err := scoring.ParseFramework(strings.NewReader(strings.Replace(set, `"2025"`, `"`+period+`"`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	var units []scoring.UnitData
	for code, p := range final {
		u := scoring.UnitData{Code: code, Name: "UBND " + code, Points: map[string]scoring.StageValues{}}
		for i, item := range []string{"1.1", "2.1"} {
			u.SetPoints(item, scoring.StageFinal, scoring.Value{Points: mustDec(t, p[i])})
			if s, ok := self[code]; ok {
				u.SetPoints(item, scoring.StageSelf, scoring.Value{Points: mustDec(t, s[i])})
			}
		}
		units = append(units, u)
	}
	g := &results.Group{Code: "XA", GroupResult: scoring.ScoreGroup(fw, units, scoring.StageFinal), Data: map[string]*scoring.UnitData{}}
	for i := range units {
		g.Data[units[i].Code] = &units[i]
	}
	return g
}

func mustDec(t *testing.T, s string) scoring.Decimal {
	t.Helper()
	d, err := scoring.ParseDecimal(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func str(d *scoring.Decimal) string {
	if d == nil {
		return "–"
	}
	return d.StringFixed(2)
}

// TestTrajectoryFollowsLineage: M (2025) was formed from A and B (2024);
// A from A1 and A2 with weights 1 and 3 (2023).
//
//	2023  A1 20+30 = 50, A2 40+60 = 100, B 30+45 = 75
//	2024  A 36+54 = 90 (field 1: 90 %), B 20+40 = 60 (50 %, 66.67 %)
//	2025  M 32+48 = 80
//
// M in 2024 is (90 + 60)/2 = 75, field 1 (90 + 50)/2 = 70; in 2023
// 0.125 × 50 + 0.375 × 100 + 0.5 × 75 = 81.25.
func TestTrajectoryFollowsLineage(t *testing.T) {
	byPeriod := map[string]*results.Group{
		"2023": periodGroup(t, "2023", map[string][2]string{"A1": {"20", "30"}, "A2": {"40", "60"}, "B": {"30", "45"}}, nil),
		"2024": periodGroup(t, "2024", map[string][2]string{"A": {"36", "54"}, "B": {"20", "40"}}, nil),
		"2025": periodGroup(t, "2025", map[string][2]string{"M": {"32", "48"}, "N": {"10", "10"}}, nil),
	}
	lin, err := scoring.NewLineage([]scoring.Link{
		{FromPeriod: "2024", FromUnit: "A", ToPeriod: "2025", ToUnit: "M"},
		{FromPeriod: "2024", FromUnit: "B", ToPeriod: "2025", ToUnit: "M"},
		{FromPeriod: "2023", FromUnit: "A1", ToPeriod: "2024", ToUnit: "A", Weight: mustDec(t, "1"), HasWeight: true},
		{FromPeriod: "2023", FromUnit: "A2", ToPeriod: "2024", ToUnit: "A", Weight: mustDec(t, "3"), HasWeight: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := reports.NewTrajectory(byPeriod, lin, "2025", "M")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range tr.Points {
		var src []string
		for _, s := range p.Sources {
			src = append(src, s.Unit+"×"+s.Weight.String())
		}
		rank := "–"
		if p.Rank != nil {
			rank = fmt.Sprint(*p.Rank)
		}
		got = append(got, fmt.Sprintf("%s %s rank %s field1 %s field2 %s mean %s from %s", p.Period, str(p.Index), rank,
			str(p.SubIndex["1"]), str(p.SubIndex["2"]), p.GroupMean.StringFixed(2), strings.Join(src, " ")))
	}
	want := []string{
		"2023 81.25 rank – field1 81.25 field2 81.25 mean 75.00 from A1×0.125 A2×0.375 B×0.5",
		"2024 75.00 rank – field1 70.00 field2 78.33 mean 75.00 from A×0.5 B×0.5",
		"2025 80.00 rank 1 field1 80.00 field2 80.00 mean 50.00 from M×1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("trajectory:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Without a lineage M has no past.
	tr, _ = reports.NewTrajectory(byPeriod, nil, "2025", "M")
	if tr.Points[0].Index != nil || tr.Points[1].Index != nil || len(tr.Points[1].Missing) != 1 {
		t.Errorf("without a lineage: %+v", tr.Points)
	}
	if _, err := reports.NewTrajectory(byPeriod, lin, "2025", "ZZ"); err == nil {
		t.Error("a unit with no result has a trajectory")
	}
}

// TestHonesty: U1 claimed 40 + 50 and got 30 + 52 (1.1 lowered, 2.1
// raised); U2 claimed exactly what it got; U3 has no self-assessment.
func TestHonesty(t *testing.T) {
	g := periodGroup(t, "2025",
		map[string][2]string{"U1": {"30", "52"}, "U2": {"20", "30"}, "U3": {"10", "10"}},
		map[string][2]string{"U1": {"40", "50"}, "U2": {"20", "30"}})
	h := reports.BuildHonesty(*g)
	var got []string
	for _, u := range h.Units {
		got = append(got, fmt.Sprintf("%s self %s final %s gap %s leaves %d lowered %d raised %d share %s f1 %s f2 %s",
			u.Unit, u.SelfIndex.StringFixed(2), u.FinalIndex.StringFixed(2), u.Gap.StringFixed(2), u.Leaves, u.Lowered, u.Raised,
			u.LoweredShare().StringFixed(2), u.Fields[0].Gap, u.Fields[1].Gap))
	}
	want := []string{
		"U1 self 90.00 final 82.00 gap 8.00 leaves 2 lowered 1 raised 1 share 50.00 f1 10 f2 -2",
		"U2 self 50.00 final 50.00 gap 0.00 leaves 2 lowered 0 raised 0 share 0.00 f1 0 f2 0",
		// No self points: the self index is 0, nothing was assessed.
		"U3 self 0.00 final 20.00 gap -20.00 leaves 0 lowered 0 raised 0 share 0.00 f1 -10 f2 -10",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("honesty:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Field 1 (max 40): mean gap (10 + 0 − 10)/3 = 0; share of leaves
	// lowered 1 of 2; the group: 1 of 4.
	f1 := h.Fields[0]
	if f1.MeanGap.StringFixed(2) != "0.00" || f1.Leaves != 2 || f1.Lowered != 1 || f1.LoweredShare().StringFixed(2) != "50.00" {
		t.Errorf("field 1: %+v", f1)
	}
	if h.Leaves != 4 || h.Lowered != 1 || h.LoweredShare().StringFixed(2) != "25.00" || h.MeanGap.StringFixed(2) != "-4.00" {
		t.Errorf("group: leaves %d lowered %d mean gap %s", h.Leaves, h.Lowered, h.MeanGap)
	}
	// From the group's self-stage results (as the pages pass them, cached):
	// the same comparison, whichever way the self stage was computed.
	var data []scoring.UnitData
	for _, d := range g.Data {
		data = append(data, *d)
	}
	self := scoring.ScoreGroup(g.Framework, data, scoring.StageSelf)
	if from := reports.BuildHonestyFrom(*g, self); !reflect.DeepEqual(from, h) {
		t.Errorf("from the self-stage results:\n%+v\nwant\n%+v", from, h)
	}
	// A unit missing from them is evaluated as before.
	self.Results = self.Results[1:]
	if from := reports.BuildHonestyFrom(*g, self); !reflect.DeepEqual(from, h) {
		t.Errorf("from partial self-stage results:\n%+v\nwant\n%+v", from, h)
	}
}

// memComputer answers Compute from groups by period.
type memComputer map[string]*results.Group

func (m memComputer) Compute(_ context.Context, period, group string, stage scoring.Stage) (*results.Output, error) {
	g := m[period]
	if g == nil {
		return nil, domain.NotFoundf("no %s", period)
	}
	return &results.Output{Period: period, Stage: stage, Groups: []results.Group{*g}}, nil
}

// TestScorecardFollowsLineage: a merged unit's scorecard compares with
// its predecessors' mean and has no previous rank; its history reaches
// back before the merger.
func TestScorecardFollowsLineage(t *testing.T) {
	prev := periodGroup(t, "2024", map[string][2]string{"A": {"36", "54"}, "B": {"20", "40"}}, nil)
	cur := periodGroup(t, "2025", map[string][2]string{"M": {"32", "48"}}, nil)
	lin, err := scoring.NewLineage([]scoring.Link{
		{FromPeriod: "2024", FromUnit: "A", ToPeriod: "2025", ToUnit: "M"},
		{FromPeriod: "2024", FromUnit: "B", ToPeriod: "2025", ToUnit: "M"},
	})
	if err != nil {
		t.Fatal(err)
	}
	cur.Previous = "2024"
	cur.Compare(prev.Results, lin, "2024", "2025")
	sc, err := reports.BuildScorecard(context.Background(), memComputer{"2024": prev, "2025": cur},
		reports.ScorecardInput{Period: "2025", Group: "XA", Unit: "M", Periods: []string{"2024", "2025"}, Lineage: lin})
	if err != nil {
		t.Fatal(err)
	}
	if sc.PrevIndex == nil || sc.PrevIndex.StringFixed(2) != "75.00" || sc.PrevRank != nil || sc.Compared.Kind != scoring.Merged {
		t.Errorf("previous: %v rank %v compared %+v", sc.PrevIndex, sc.PrevRank, sc.Compared)
	}
	// Field 1 then: (90 + 50)/2 = 70.
	if sc.Fields[0].PrevSubIndex == nil || sc.Fields[0].PrevSubIndex.StringFixed(2) != "70.00" {
		t.Errorf("field 1 previous sub-index %v", sc.Fields[0].PrevSubIndex)
	}
	if len(sc.History) != 2 || sc.History[0].Sources != 2 || sc.History[0].Rank != 0 || sc.History[1].Rank != 1 {
		t.Errorf("history %+v", sc.History)
	}
}
