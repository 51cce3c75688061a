package imports_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/imports"
	"github.com/parindex/parindex/scoring"
)

// statsLookup is a province with two departments (group SO) and a commune
// (group XA, no criteria set), whose SO set declares its inputs with labels
// and two checks; stored holds the inputs recorded before.
type statsLookup struct {
	fakeLookup
	stored []domain.Input
}

func (s statsLookup) Inputs(_ context.Context, period, unit string) ([]domain.Input, error) {
	var out []domain.Input
	for _, in := range s.stored {
		if in.Period == period && (unit == "" || in.Unit == unit) {
			out = append(out, in)
		}
	}
	return out, nil
}

const statsSet = `
period: "2025"
group: SO
name: Sở 2025
inputs:
  - {name: received, label: Hồ sơ tiếp nhận, unit: hồ sơ}
  - {name: on_time, label: Hồ sơ giải quyết đúng hạn, unit: hồ sơ}
  - {name: online, label: Hồ sơ trực tuyến}
  - {name: reuse_rate}
checks:
  - {rule: on_time <= received, message: Số hồ sơ đúng hạn không được lớn hơn số hồ sơ tiếp nhận}
  - online <= received
items:
  - {code: "1", name: Đúng hạn, max: 50, method: ratio, numerator: on_time, denominator: received}
  - {code: "2", name: Trực tuyến, max: 40, method: ratio, numerator: online, denominator: received}
  - {code: "3", name: Tái sử dụng, max: 5, method: ratio, ratio: reuse_rate}
  - {code: "4", name: Hài lòng, max: 5, method: survey, survey: sipas}
`

func newStatsLookup(t testing.TB, stored ...domain.Input) statsLookup {
	t.Helper()
	fw, err := scoring.ParseFramework(strings.NewReader(statsSet))
	if err != nil {
		t.Fatal(err)
	}
	return statsLookup{fakeLookup: fakeLookup{
		units: []domain.Unit{{Code: "SNV", Name: "Sở Nội vụ", Group: "SO"}, {Code: "STP", Name: "Sở Tư pháp", Group: "SO"}, {Code: "X1", Name: "Xã 1", Group: "XA"}},
		sets:  map[[2]string]*scoring.Framework{{"2025", "SO"}: fw},
	}, stored: stored}
}

func TestInputsChecked(t *testing.T) {
	ctx := context.Background()
	good := "period,unit,input,value\n2025,SNV,received,100\n2025,SNV,on_time,100\n2025,STP,on_time,7\n"
	rows, err := imports.InputsChecked(ctx, newStatsLookup(t), "i.csv", strings.NewReader(good))
	if err != nil || len(rows) != 3 {
		t.Fatalf("good file: %v, %+v", err, rows)
	}
	cases := []struct {
		name   string
		stored []domain.Input
		csv    string
		want   []string
	}{
		{"missing column", nil, "period,unit,value\n2025,SNV,3\n",
			[]string{"i.csv:1: input: the column is missing (expected period,unit,input,value)"}},
		{"negative count", nil, "period,unit,input,value\n2025,SNV,received,-3\n",
			[]string{"i.csv:2: value: -3 is negative; counts and ratios cannot be"}},
		{"unknown unit", nil, "period,unit,input,value\n2025,SNV,received,3\n2025,NOPE,received,3\n",
			[]string{"i.csv:3: unit: unit NOPE does not exist"}},
		{"on time greater than received", nil,
			"period,unit,input,value\n2025,SNV,received,10\n2025,STP,received,5\n2025,SNV,online,11\n2025,SNV,on_time,12\n",
			[]string{
				"i.csv:2: value: unit SNV: the values break the rule on_time <= received (Số hồ sơ đúng hạn không được lớn hơn số hồ sơ tiếp nhận): on_time = 12, received = 10",
				"i.csv:2: value: unit SNV: the values break the rule online <= received: online = 11, received = 10",
			}},
		{"checked against what is recorded", []domain.Input{{Period: "2025", Unit: "SNV", Name: "received", Value: scoring.NewInt(10)}},
			"period,unit,input,value\n2025,STP,received,5\n2025,SNV,on_time,12\n",
			[]string{"i.csv:3: value: unit SNV: the values break the rule on_time <= received (Số hồ sơ đúng hạn không được lớn hơn số hồ sơ tiếp nhận): on_time = 12, received = 10 (recorded before)"}},
		{"a file may correct what is recorded", []domain.Input{{Period: "2025", Unit: "SNV", Name: "received", Value: scoring.NewInt(10)}},
			"period,unit,input,value\n2025,SNV,received,20\n2025,SNV,on_time,12\n", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := imports.InputsChecked(ctx, newStatsLookup(t, c.stored...), "i.csv", strings.NewReader(c.csv))
			if c.want == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			got := problems(t, err)
			if len(got) != len(c.want) {
				t.Fatalf("problems:\n%s\nwant %d", strings.Join(got, "\n"), len(c.want))
			}
			for i, w := range c.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("problem %d:\n got %s\nwant %s", i+1, got[i], w)
				}
			}
		})
	}
}

// template writes the SO workbook with SNV's received count recorded.
func template(t *testing.T, lk statsLookup) *excelize.File {
	t.Helper()
	fw := lk.sets[[2]string{"2025", "SO"}]
	var buf bytes.Buffer
	units := []domain.Unit{lk.units[0], lk.units[1]}
	recorded := []domain.Input{{Period: "2025", Unit: "SNV", Name: "received", Value: scoring.NewInt(1086)}}
	if err := imports.WriteTemplate(&buf, fw, units, recorded); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func workbook(t *testing.T, f *excelize.File) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return &buf
}

func setCells(t *testing.T, f *excelize.File, sheet string, kv ...any) {
	t.Helper()
	for i := 0; i+1 < len(kv); i += 2 {
		if err := f.SetCellValue(sheet, kv[i].(string), kv[i+1]); err != nil {
			t.Fatal(err)
		}
	}
}

func TestTemplate(t *testing.T) {
	lk := newStatsLookup(t)
	f := template(t, lk)
	rows, err := f.GetRows(imports.DataSheet)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Mã đơn vị", "Tên đơn vị", "Hồ sơ tiếp nhận (hồ sơ)", "Hồ sơ giải quyết đúng hạn (hồ sơ)", "Hồ sơ trực tuyến", "reuse_rate", "sipas"},
		{"unit", "unit_name", "received", "on_time", "online", "reuse_rate", "sipas"},
		{"SNV", "Sở Nội vụ", "1086"},
		{"STP", "Sở Tư pháp"},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows = %q", rows)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i+1, rows[i], want[i])
		}
	}
	dvs, err := f.GetDataValidations(imports.DataSheet)
	if err != nil || len(dvs) != 1 {
		t.Fatalf("data validations: %v, %+v", err, dvs)
	}
	if dv := dvs[0]; dv.Type != "decimal" || dv.Operator != "greaterThanOrEqual" || dv.Formula1 != "0" || dv.Sqref != "C3:G2000" {
		t.Errorf("validation = %+v", dv)
	}
	if p, _ := f.GetCellValue(imports.InfoSheet, "B1"); p != "2025" {
		t.Errorf("period cell = %q", p)
	}
	if g, _ := f.GetCellValue(imports.InfoSheet, "B2"); g != "SO" {
		t.Errorf("group cell = %q", g)
	}
}

func TestInputsXLSX(t *testing.T) {
	ctx := context.Background()
	lk := newStatsLookup(t)
	f := template(t, lk)
	// A one-stop export pasted in: STP's counts, a ratio with binary noise,
	// an empty cell (not imported) and a blank row.
	setCells(t, f, imports.DataSheet, "D3", 1067, "E3", 907, "C4", 650, "D4", 640, "A6", "", "B6", "")
	// Excel writes some numbers with 17 significant digits.
	if err := f.SetCellDefault(imports.DataSheet, "F4", "0.10000000000000001"); err != nil {
		t.Fatal(err)
	}
	rows, err := imports.InputsXLSX(ctx, lk, "so.xlsx", workbook(t, f))
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(rows))
	for i, r := range rows {
		got[i] = r.Period + " " + r.Unit + " " + r.Name + " " + r.Value.String()
	}
	want := []string{
		"2025 SNV received 1086", "2025 SNV on_time 1067", "2025 SNV online 907",
		"2025 STP received 650", "2025 STP on_time 640", "2025 STP reuse_rate 0.1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestInputsXLSXRejects(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name  string
		spoil func(t *testing.T, f *excelize.File)
		want  []string
	}{
		{"missing unit column", func(t *testing.T, f *excelize.File) {
			setCells(t, f, imports.DataSheet, "A2", "")
		}, []string{`so.xlsx: sheet "Số liệu", row 2: the column "unit" (the unit codes) is missing`}},
		{"unknown column", func(t *testing.T, f *excelize.File) {
			setCells(t, f, imports.DataSheet, "H2", "paid")
		}, []string{`so.xlsx: sheet "Số liệu", row 2, column H (paid): "paid" is not an input of the criteria set "Sở 2025"`}},
		{"negative count and text", func(t *testing.T, f *excelize.File) {
			setCells(t, f, imports.DataSheet, "D3", -5, "E4", "1.234,5")
		}, []string{
			`so.xlsx: sheet "Số liệu", row 3, column D (on_time): -5 is negative; counts and ratios cannot be`,
			`so.xlsx: sheet "Số liệu", row 4, column E (online): "1.234,5" is not a number`,
		}},
		{"unknown unit and unit of a group without a set", func(t *testing.T, f *excelize.File) {
			setCells(t, f, imports.DataSheet, "A5", "SXYZ", "C5", 3, "A6", "X1", "C6", 4)
		}, []string{
			`so.xlsx: sheet "Số liệu", row 5, column A (unit): unit SXYZ does not exist`,
			`so.xlsx: sheet "Số liệu", row 6, column A (unit): there is no criteria set for group XA in period 2025`,
		}},
		{"on time greater than received", func(t *testing.T, f *excelize.File) {
			setCells(t, f, imports.DataSheet, "D3", 1100)
		}, []string{`so.xlsx: sheet "Số liệu", row 3, column C (received): unit SNV: the values break the rule on_time <= received (Số hồ sơ đúng hạn không được lớn hơn số hồ sơ tiếp nhận): on_time = 1100, received = 1086`}},
		{"unit twice", func(t *testing.T, f *excelize.File) {
			setCells(t, f, imports.DataSheet, "A4", "SNV")
		}, []string{`so.xlsx: sheet "Số liệu", row 4, column A (unit): unit SNV already appears on row 3`}},
		{"no period", func(t *testing.T, f *excelize.File) {
			setCells(t, f, imports.InfoSheet, "A1", "")
		}, []string{`so.xlsx: sheet "Hướng dẫn": the period is missing`}},
		{"no data sheet", func(t *testing.T, f *excelize.File) {
			if err := f.SetSheetName(imports.DataSheet, "Data"); err != nil {
				t.Fatal(err)
			}
		}, []string{`so.xlsx: the workbook has no sheet "Số liệu"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lk := newStatsLookup(t)
			f := template(t, lk)
			c.spoil(t, f)
			_, err := imports.InputsXLSX(ctx, lk, "so.xlsx", workbook(t, f))
			got := problems(t, err)
			if len(got) != len(c.want) {
				t.Fatalf("problems:\n%s\nwant %d", strings.Join(got, "\n"), len(c.want))
			}
			for i, w := range c.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("problem %d:\n got %s\nwant %s", i+1, got[i], w)
				}
			}
		})
	}
	_, err := imports.InputsXLSX(ctx, newStatsLookup(t), "so.xlsx", strings.NewReader("period,unit\n"))
	if got := problems(t, err); len(got) != 1 || !strings.HasPrefix(got[0], "so.xlsx: is not an Excel workbook (.xlsx)") {
		t.Errorf("a CSV file: %q", got)
	}
}
