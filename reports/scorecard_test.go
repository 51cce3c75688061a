package reports_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/parindex/parindex/reports"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

const set = `period: "2025"
group: SO
name: Test set
grades:
  - {code: XS, name: Xuất sắc, min: 90}
  - {code: T, name: Tốt, min: 80}
  - {code: Y, name: Yếu, min: 0}
items:
  - code: "1"
    name: Field one
    items:
      - {code: "1.1", name: a, max: 40, method: manual}
  - code: "2"
    name: Field two
    items:
      - {code: "2.1", name: b, max: 60, method: manual}
`

func group(t *testing.T, points map[string][2]string) results.Group {
	t.Helper()
	fw, err := scoring.ParseFramework(strings.NewReader(set))
	if err != nil {
		t.Fatal(err)
	}
	var units []scoring.UnitData
	for code, p := range points {
		u := scoring.UnitData{Code: code, Name: code, Points: map[string]scoring.StageValues{}}
		for i, item := range []string{"1.1", "2.1"} {
			d, _ := scoring.ParseDecimal(p[i])
			u.SetPoints(item, scoring.StageFinal, scoring.Value{Points: d})
		}
		units = append(units, u)
	}
	return results.Group{Code: "SO", GroupResult: scoring.ScoreGroup(fw, units, scoring.StageFinal)}
}

// Hand-computed: A 30+55 = 85 (T, rank 2), B 36+54.1 = 90.1 (XS, rank 1),
// C 20+30 = 50 (Y, rank 3). A reaches XS from a published 90.00, i.e. an
// index of 89.995: 89.995 − 85 = 4.995 points; rank 1 needs 90.10, from
// 90.095: 5.095 points. C needs 79.995 − 50 = 29.995 for T and 34.995 for
// rank 2 (85.00).
func TestScorecardGoals(t *testing.T) {
	g := group(t, map[string][2]string{"A": {"30", "55"}, "B": {"36", "54.1"}, "C": {"20", "30"}})
	for _, tc := range []struct {
		unit               string
		grade              string
		gradePts, rankPts  string
		rank, nextRank     int
		lost1, sub1, mean1 string
	}{
		{"A", "XS", "4.995", "5.095", 2, 1, "10", "75.00", "71.67"},
		{"C", "T", "29.995", "34.995", 3, 2, "20", "50.00", "71.67"},
	} {
		sc, err := reports.NewScorecard(g, tc.unit, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if sc.Rank != tc.rank || sc.NextGrade == nil || sc.NextGrade.Grade != tc.grade ||
			sc.NextGrade.Points.String() != tc.gradePts || sc.NextRank == nil || sc.NextRank.Rank != tc.nextRank ||
			sc.NextRank.Points.String() != tc.rankPts {
			t.Errorf("%s: rank %d, next grade %+v, next rank %+v", tc.unit, sc.Rank, sc.NextGrade, sc.NextRank)
		}
		f := sc.Fields[0]
		if f.Lost.String() != tc.lost1 || f.SubIndex.StringFixed(2) != tc.sub1 || f.GroupMean.StringFixed(2) != tc.mean1 {
			t.Errorf("%s field 1: lost %s, sub-index %s, group mean %s", tc.unit, f.Lost, f.SubIndex, f.GroupMean)
		}
	}
	best, _ := reports.NewScorecard(g, "B", nil, nil)
	if best.NextGrade != nil || best.NextRank != nil {
		t.Errorf("the best unit has goals: %+v %+v", best.NextGrade, best.NextRank)
	}
	if _, err := reports.NewScorecard(g, "Z", nil, nil); err == nil {
		t.Error("a unit without a result has a scorecard")
	}
}

// The overview counts grades, orders the weakest field first and colours
// units by grade; every chart marshals to JSON.
func TestOverviewAndCharts(t *testing.T) {
	g := group(t, map[string][2]string{"A": {"30", "55"}, "B": {"36", "54.1"}, "C": {"20", "30"}})
	prev := scoring.NewInt(70)
	ov := reports.NewGroupOverview(g, "Sở", &prev)
	if ov.Grades[0].Count != 1 || ov.Grades[1].Count != 1 || ov.Grades[2].Count != 1 {
		t.Errorf("grades: %+v", ov.Grades)
	}
	// Field 1 mean: (75 + 90 + 50) / 3 = 71.67; field 2: (91.67 + 90.17 + 50) / 3 = 77.28.
	if ov.Weakest[0].Code != "1" || ov.Weakest[0].Mean.StringFixed(2) != "71.67" || ov.Weakest[1].Mean.StringFixed(2) != "77.28" {
		t.Errorf("weakest: %+v", ov.Weakest)
	}
	// Mean (85 + 90.1 + 50) / 3 = 75.03; change against 70: +5.03.
	if ov.MeanChange == nil || ov.MeanChange.StringFixed(2) != "5.03" {
		t.Errorf("mean change %v", ov.MeanChange)
	}
	if ov.Units[0].Unit != "B" || ov.Units[0].Color != reports.GradeColor(0) {
		t.Errorf("first unit %+v", ov.Units[0])
	}
	tr := func(k string, _ ...any) string { return k }
	for _, c := range []func() (reports.Chart, error){
		func() (reports.Chart, error) { return reports.RankingChart("r", ov, tr) },
		func() (reports.Chart, error) { return reports.GradeChart("g", ov, tr) },
		func() (reports.Chart, error) { return reports.HeatmapChart("h", ov, tr) },
		func() (reports.Chart, error) { return reports.WeakFieldsChart("w", ov, tr) },
	} {
		ch, err := c()
		if err != nil || !strings.Contains(string(ch.JSON), `"series"`) || strings.Contains(string(ch.JSON), "<") {
			t.Errorf("chart %s: %v %s", ch.ID, err, ch.JSON)
		}
	}
	// The heatmap's field axis is named under its labels: at the axis's
	// end the grid's margin cut the name ("Lĩnh v").
	h, err := reports.HeatmapChart("h", ov, tr)
	if err != nil {
		t.Fatal(err)
	}
	var heat struct {
		XAxis []struct {
			Name, NameLocation string
			NameGap            int
		}
	}
	if err := json.Unmarshal(h.JSON, &heat); err != nil || len(heat.XAxis) != 1 {
		t.Fatalf("%v %s", err, h.JSON)
	}
	if x := heat.XAxis[0]; x.Name != "reports.axis.field" || x.NameLocation != "middle" || x.NameGap < 20 {
		t.Errorf("heatmap's field axis: %+v", x)
	}
}

// TestRankHistoryTicks: the rank axis labels the first rank and then ranks
// evenly spaced from it (never 1, 2, 4, 6…, as ECharts' own ticks put
// them), a handful of them, the last at or just past the worst rank, where
// the axis ends.
func TestRankHistoryTicks(t *testing.T) {
	tr := func(k string, _ ...any) string { return k }
	for worst, want := range map[int]string{
		1:   "1 2",
		4:   "1 2 3 4",
		10:  "1 2 3 4 5 6 7 8 9 10",
		12:  "1 3 5 7 9 11 13",
		20:  "1 5 10 15 20",
		37:  "1 10 20 30 40",
		150: "1 25 50 75 100 125 150",
	} {
		sc := &reports.Scorecard{History: []reports.HistoryPoint{{Period: "2024", Rank: worst}, {Period: "2025", Rank: 1},
			{Period: "2026"}}} // a unit formed that year: no rank
		ch, err := reports.RankHistoryChart("ranks", sc, tr)
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			YAxis []struct {
				Min, Max  int
				Inverse   bool
				AxisLabel struct{ CustomValues []int }
				AxisTick  struct{ CustomValues []int }
			}
		}
		if err := json.Unmarshal(ch.JSON, &got); err != nil || len(got.YAxis) != 1 {
			t.Fatalf("%v %s", err, ch.JSON)
		}
		y := got.YAxis[0]
		labels := strings.Trim(fmt.Sprint(y.AxisLabel.CustomValues), "[]")
		if labels != want || fmt.Sprint(y.AxisTick.CustomValues) != fmt.Sprint(y.AxisLabel.CustomValues) ||
			y.Min != 1 || y.Max != y.AxisLabel.CustomValues[len(y.AxisLabel.CustomValues)-1] || !y.Inverse {
			t.Errorf("worst rank %d: axis %+v, want labels %s", worst, y, want)
		}
	}
}
