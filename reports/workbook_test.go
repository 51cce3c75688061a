package reports_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/reports"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// deepSet has nested groups, a computed leaf, bonus and every stage, so
// that a unit sheet shows each kind of row.
const deepSet = `period: "2025"
group: XA
name: Bộ chỉ số cấp xã
not_applicable: renormalize
grades:
  - {code: T, name: Tốt, min: 80}
  - {code: K, name: Khá, min: 50}
  - {code: Y, name: Yếu, min: 0}
items:
  - code: "1"
    name: Chỉ đạo, điều hành
    items:
      - code: "1.1"
        name: Kế hoạch
        items:
          - {code: "1.1.1", name: Ban hành đúng hạn, max: 10, method: manual, step: 0.25}
          - {code: "1.1.2", name: Báo cáo định kỳ, max: 10, method: manual, step: 0.25}
      - {code: "1.2", name: Nhiệm vụ hoàn thành, max: 30, method: ratio, numerator: done, denominator: assigned}
  - code: "2"
    name: Thủ tục hành chính
    items:
      - {code: "2.1", name: Công khai thủ tục, max: 25, method: manual, step: 0.25}
      - {code: "2.2", name: Tiếp nhận góp ý, max: 25, method: manual, step: 0.25}
  - {code: "9", name: Điểm thưởng, max: 2, method: bonus}
`

// memResults is a results.Store over data held in memory.
type memResults struct {
	fw    *scoring.Framework
	units []scoring.UnitData
}

func (m memResults) Framework(_ context.Context, period, group string) (*scoring.Framework, error) {
	if period != m.fw.Period || group != m.fw.Group {
		return nil, domain.NotFoundf("no set %s %s", period, group)
	}
	return m.fw, nil
}
func (m memResults) FrameworkGroups(context.Context, string) ([]string, error) {
	return []string{m.fw.Group}, nil
}
func (m memResults) FrameworkPeriods(context.Context, string) ([]string, error) {
	return []string{m.fw.Period}, nil
}
func (m memResults) UnitData(context.Context, string, string) ([]scoring.UnitData, error) {
	// A fresh copy each time, as a store would read it.
	out := make([]scoring.UnitData, len(m.units))
	copy(out, m.units)
	return out, nil
}

type memGroups struct{}

func (memGroups) Groups(context.Context) ([]domain.Group, error) {
	return []domain.Group{{Code: "XA", Name: "Xã, phường"}}, nil
}

type memComments map[string]map[string]map[scoring.Stage]string

func (m memComments) Comments(context.Context, string) (map[string]map[string]map[scoring.Stage]string, error) {
	return m, nil
}

// province makes n units with random values at every stage, some not
// applicable, and a comment on a third of the appraised values.
func province(t *testing.T, n int) (*scoring.Framework, []scoring.UnitData, memComments) {
	t.Helper()
	fw, err := scoring.ParseFramework(strings.NewReader(deepSet))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 5))
	comments := memComments{}
	var units []scoring.UnitData
	for u := range n {
		code := fmt.Sprintf("X%03d", u)
		d := scoring.UnitData{Code: code, Name: "UBND xã " + code, Inputs: map[string]scoring.Decimal{
			"done": scoring.NewInt(int64(rng.IntN(11))), "assigned": scoring.NewInt(10)}}
		for _, l := range fw.Leaves() {
			if l.Method.Computed() {
				continue
			}
			for _, st := range scoring.Stages {
				if rng.IntN(3) == 0 && st != scoring.StageSelf {
					continue
				}
				v := scoring.Value{Points: l.Max.Mul(scoring.NewInt(int64(rng.IntN(5)))).Div(scoring.NewInt(4))}
				if rng.IntN(15) == 0 {
					v = scoring.Value{NA: true}
				}
				d.SetPoints(l.Code, st, v)
				if st != scoring.StageSelf && rng.IntN(3) == 0 {
					if comments[code] == nil {
						comments[code] = map[string]map[scoring.Stage]string{}
					}
					if comments[code][l.Code] == nil {
						comments[code][l.Code] = map[scoring.Stage]string{}
					}
					comments[code][l.Code][st] = fmt.Sprintf("Lý do %s/%s/%s: thiếu tài liệu <kiểm chứng> & biên bản", code, l.Code, st)
				}
			}
		}
		units = append(units, d)
	}
	return fw, units, comments
}

// The workbook's unit sheets show, for every unit, each leaf's recorded
// value at every stage, the engine's points for every item and the
// comments; every sheet but the chart sheets repeats its header rows when
// printed. Enough units to keep every writer busy; .ci/run runs this test
// under the race detector, since the unit sheets are written in parallel.
func TestWorkbookUnitSheets(t *testing.T) {
	fw, units, comments := province(t, 48)
	src := reports.Sources{
		Results:  &results.Service{Store: memResults{fw: fw, units: units}},
		Groups:   memGroups{},
		Comments: comments,
	}
	wd, err := src.Workbook(t.Context(), "2025")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := reports.WriteWorkbook(&buf, wd); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	sheets := f.GetSheetList()
	// A summary, a chart sheet, the rank intervals, the self-assessment
	// and the years side by side, then the units (no unit was compared
	// through a lineage: no comparison sheet).
	if len(sheets) != 5+len(units) {
		t.Fatalf("%d sheets, want a summary, a chart sheet, three analysis sheets and %d unit sheets: %v", len(sheets), len(units), sheets)
	}
	titles := map[string]string{}
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" {
			titles[dn.Scope] = dn.RefersTo
		}
	}
	for _, sh := range sheets {
		want := "'" + sh + "'!$3:$3"
		switch {
		case strings.HasPrefix(sh, "Biểu đồ"):
			want = ""
		case strings.HasPrefix(sh, "Tổng hợp"):
			// Below the appendix's heading: two header rows and the
			// column numbers.
			want = "'" + sh + "'!$11:$13"
		case strings.HasPrefix(sh, "Khoảng hạng"), strings.HasPrefix(sh, "Tự đánh giá"), strings.HasPrefix(sh, "Qua các năm"):
			want = "'" + sh + "'!$4:$4"
		}
		if titles[sh] != want {
			t.Errorf("sheet %s prints %q as its header rows, want %q", sh, titles[sh], want)
		}
	}

	// Cells are read as shown: numbers with the sheet's two decimals.
	num := scoring.FormatPublished
	for _, u := range units {
		rows, err := f.GetRows(u.Code)
		if err != nil {
			t.Fatalf("unit %s: %v", u.Code, err)
		}
		if !strings.Contains(rows[0][0], u.Name) {
			t.Errorf("unit %s title: %q", u.Code, rows[0][0])
		}
		want := scoring.Evaluate(fw, u, scoring.StageFinal)
		byCode := map[string][]string{}
		for _, r := range rows[3:] {
			r = append(r, make([]string, 13-min(13, len(r)))...)
			byCode[r[0]] = r
		}
		for _, it := range allItems(fw.Items) {
			r, ok := byCode[it.Code]
			if !ok {
				t.Errorf("unit %s: no row for item %s", u.Code, it.Code)
				continue
			}
			if r[1] != it.Name {
				t.Errorf("unit %s item %s: name %q, want %q", u.Code, it.Code, r[1], it.Name)
			}
			// Methods in Vietnamese, the code beside for analysts.
			wantMethod := map[scoring.Method]string{scoring.Manual: "Chấm điểm (manual)", scoring.Ratio: "Tỷ lệ (ratio)", scoring.Bonus: "Điểm thưởng (bonus)"}[it.Method]
			if !it.IsLeaf() {
				wantMethod = ""
			}
			if r[2] != wantMethod {
				t.Errorf("unit %s item %s: method %q, want %q", u.Code, it.Code, r[2], wantMethod)
			}
			n := want.Nodes[it.Code]
			result := num(n.Points)
			if n.NA && !n.Max.IsPositive() {
				result = "KPS"
			}
			if r[8] != result {
				t.Errorf("unit %s item %s: result %q, want %q", u.Code, it.Code, r[8], result)
			}
			for i, st := range scoring.Stages {
				v, has := u.Points[it.Code].Get(st)
				wantV := ""
				switch {
				case has && v.NA:
					wantV = "KPS"
				case has:
					wantV = num(v.Points)
				}
				if r[4+i] != wantV {
					t.Errorf("unit %s item %s stage %s: %q, want %q", u.Code, it.Code, st, r[4+i], wantV)
				}
				if got, want := r[9+i], comments[u.Code][it.Code][st]; got != want {
					t.Errorf("unit %s item %s comment at %s: %q, want %q", u.Code, it.Code, st, got, want)
				}
			}
		}
	}
}

// allItems lists a tree's items depth first.
func allItems(items []*scoring.Item) []*scoring.Item {
	var out []*scoring.Item
	for _, it := range items {
		out = append(append(out, it), allItems(it.Items)...)
	}
	return out
}
