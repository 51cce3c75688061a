package main

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/parindex/parindex/imports"
	"github.com/parindex/parindex/store/storetest"
)

// demoSO loads the demo's groups, units and 2025 department set.
func demoSO(t *testing.T) *cli {
	t.Helper()
	c := newCLI(t)
	for _, args := range [][]string{
		{"import", "groups", "../../demo/data/groups.csv"},
		{"import", "units", "../../demo/data/units.csv"},
		{"import", "framework", "../../demo/data/framework-SO-2025.yaml"},
	} {
		c.ok(args...)
	}
	return c
}

// recorded counts the inputs stored in a period.
func recorded(t *testing.T, c *cli, period string) int {
	t.Helper()
	st := storetest.OpenURL(t, c.db)
	in, err := st.Inputs(t.Context(), period, "")
	if err != nil {
		t.Fatal(err)
	}
	return len(in)
}

// TestStatisticsWorkbook writes the template, fills it in as an officer
// would and imports it: a broken rule refuses the whole workbook, the fixed
// one is recorded.
func TestStatisticsWorkbook(t *testing.T) {
	c := demoSO(t)
	book := filepath.Join(t.TempDir(), "so-2025.xlsx")
	out := c.ok("template", "inputs", "--period", "2025", "--group", "SO", "--out", book)
	if !strings.Contains(out, "14 units × 40 inputs") {
		t.Errorf("template output: %s", out)
	}
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	header, _ := f.GetRows(imports.DataSheet)
	// Labels from the set's inputs declaration, in Vietnamese.
	if len(header) != 16 || header[0][2] != "Hồ sơ TTHC tiếp nhận (hồ sơ)" || header[1][2] != "dossiers_received" || header[2][0] != "BQLKKT" {
		t.Fatalf("template rows: %q", header[:3])
	}
	row := ""
	for i, r := range header {
		if r[0] == "VPUB" {
			row = strconv.Itoa(i + 1)
		}
	}
	col := map[string]string{}
	for i, k := range header[1] {
		name, _ := excelize.ColumnNumberToName(i + 1)
		col[k] = name
	}
	set := func(cell string, v any) {
		if err := f.SetCellValue(imports.DataSheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	// VPUB: 1086 received, 1067 resolved, but 1070 on time.
	set(col["dossiers_received"]+row, 1086)
	set(col["dossiers_resolved"]+row, 1067)
	set(col["dossiers_on_time"]+row, 1070)
	set(col["dossiers_online"]+row, 907)
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	code, _, errs := c.run("", "import", "inputs", book)
	want := book + `: sheet "Số liệu", row ` + row + `, column ` + col["dossiers_resolved"] +
		` (dossiers_resolved): unit VPUB: the values break the rule dossiers_on_time <= dossiers_resolved (Hồ sơ đúng hạn không được nhiều hơn hồ sơ đã giải quyết): dossiers_on_time = 1070, dossiers_resolved = 1067`
	if code != 1 || !strings.Contains(errs, want) {
		t.Fatalf("exit %d, stderr:\n%s\nwant %s", code, errs, want)
	}
	if n := recorded(t, c, "2025"); n != 0 {
		t.Fatalf("%d inputs recorded from a refused workbook", n)
	}
	set(col["dossiers_on_time"]+row, 1060)
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	if out := c.ok("import", "inputs", book); !strings.Contains(out, "so-2025.xlsx: 4 inputs recorded") {
		t.Errorf("import output: %s", out)
	}
	if n := recorded(t, c, "2025"); n != 4 {
		t.Errorf("%d inputs recorded, want 4", n)
	}
	// A second template starts from what is recorded.
	c.ok("template", "inputs", "--period", "2025", "--group", "SO", "--out", book)
	f2, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f2.GetCellValue(imports.DataSheet, col["dossiers_on_time"]+row); v != "1060" {
		t.Errorf("the new template shows %q for VPUB's on-time count, want 1060", v)
	}
}

// TestStatisticsCSV: the contract's inputs file is refused on a missing
// column, a negative count, on-time above received or an unknown unit, with
// the line and field, and nothing is imported.
func TestStatisticsCSV(t *testing.T) {
	c := demoSO(t)
	cases := []struct{ name, csv, want string }{
		{"missing column", "period,unit,value\n2025,VPUB,3\n", ":1: input: the column is missing"},
		{"negative count", "period,unit,input,value\n2025,VPUB,dossiers_received,-1\n", ":2: value: -1 is negative"},
		{"on time above resolved", "period,unit,input,value\n2025,VPUB,dossiers_resolved,10\n2025,VPUB,dossiers_on_time,11\n",
			":2: value: unit VPUB: the values break the rule dossiers_on_time <= dossiers_resolved"},
		{"unknown unit", "period,unit,input,value\n2025,VPUB,dossiers_received,5\n2025,NOPE,dossiers_received,5\n", ":3: unit: unit NOPE does not exist"},
	}
	for _, cs := range cases {
		t.Run(cs.name, func(t *testing.T) {
			file := writeFile(t, "inputs.csv", cs.csv)
			code, _, errs := c.run("", "import", "inputs", file)
			if code != 1 || !strings.Contains(errs, file+cs.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant %s", code, errs, file+cs.want)
			}
			if n := recorded(t, c, "2025"); n != 0 {
				t.Errorf("%d inputs recorded from a refused file", n)
			}
		})
	}
	good := writeFile(t, "inputs.csv", "period,unit,input,value\n2025,VPUB,dossiers_resolved,10\n2025,VPUB,dossiers_on_time,9\n")
	if out := c.ok("import", "inputs", good); !strings.Contains(out, "inputs.csv: 2 inputs recorded") {
		t.Errorf("output: %s", out)
	}
	// Checked against what is recorded: 12 on time against the 10 resolved before.
	late := writeFile(t, "more.csv", "period,unit,input,value\n2025,VPUB,dossiers_on_time,12\n")
	if code, _, errs := c.run("", "import", "inputs", late); code != 1 || !strings.Contains(errs, "dossiers_resolved = 10 (recorded before)") {
		t.Errorf("exit %d, stderr %s", code, errs)
	}
	for _, args := range [][]string{
		{"template", "inputs", "--period", "2025", "--group", "SO"},
		{"template", "scores", "--period", "2025", "--group", "SO", "--out", "x.xlsx"},
		{"import", "inputs"},
	} {
		if code, _, errs := c.run("", args...); code != 2 || errs == "" {
			t.Errorf("parindex %v: exit %d, stderr %q; want 2", args, code, errs)
		}
	}
	if code, _, errs := c.run("", "template", "inputs", "--period", "2025", "--group", "XA", "--out", filepath.Join(t.TempDir(), "x.xlsx")); code != 1 || !strings.Contains(errs, "criteria set 2025 XA not found") {
		t.Errorf("no set: exit %d, stderr %s", code, errs)
	}
}

func TestImportTargets(t *testing.T) {
	c := newCLI(t)
	if out := c.ok("import", "targets", "../../demo/data/targets.yaml"); !strings.Contains(out, "targets.yaml: programme CM-CTTT-2021-2030 (14 targets) imported") {
		t.Errorf("output: %s", out)
	}
	if out := c.ok("import", "targets", "../../demo/data/targets.yaml"); !strings.Contains(out, "replaced") {
		t.Errorf("second import: %s", out)
	}
	bad := writeFile(t, "t.yaml", "code: X\nname: Y\ntargets:\n  - {code: a, name: A, measure: {source: magic}, years: {\"2025\": 1}}\n")
	code, _, errs := c.run("", "import", "targets", bad)
	if code != 1 || !strings.Contains(errs, bad+`:4: target a: measure source "magic" must be statistics, index, survey or external`) {
		t.Errorf("exit %d, stderr %s", code, errs)
	}
}
