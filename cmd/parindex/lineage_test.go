package main

import (
	"fmt"
	"strings"
	"testing"
)

// lineageSet is a criteria set of one manual leaf worth 100 and a survey
// leaf outside nothing: indices are the points given.
func lineageSet(period string) string {
	return fmt.Sprintf(`period: %q
group: XA
name: Bộ chỉ số xã %s
grades:
  - {code: T, name: Tốt, min: 80}
  - {code: K, name: Khá, min: 0}
items:
  - {code: A, name: Tiêu chí A, max: 80, method: manual, step: 0.01}
  - {code: S, name: Hài lòng, max: 20, method: survey, survey: sipas}
inputs:
  - {name: sipas, label: Tỷ lệ hài lòng SIPAS}
  - {name: sipas_sample, label: Số phiếu SIPAS hợp lệ}
`, period, period)
}

// TestImportLineageAndScore: five 2024 communes become three in 2025 —
// a merger with weights, a merger without, a rename — and a split
// predecessor; `score --format csv` compares each 2025 unit as contract.md
// says, and `--uncertainty` adds the rank interval after index_change.
//
//	2024 (A + 20 × sipas 0.9)   index  rank
//	O1  70 + 18                 88.00  2
//	O2  60.01 + 18              78.01  3
//	O3  50 + 18                 68.00  4
//	O4  71 + 18                 89.00  1
//	O5  40 + 18                 58.00  5
//
//	2025  from                          previous index                 index  rank
//	N1    O1 ×3, O2 ×1                  (3×88 + 78.01)/4 = 85.5025 → 85.50   86.00  2  (+0.50)
//	N2    O3, O5 (equal), part of O4    (68 + 58 + 89)/3 = 71.666… → 71.67   70.00  3  (−1.67)
//	N3    O4 (split with N2)            89.00                                 90.00  1  (+1.00)
func TestImportLineageAndScore(t *testing.T) {
	c := newCLI(t)
	c.ok("import", "units", writeFile(t, "units.csv", "code,name,group\n"+
		"O1,UBND xã Một,XA\nO2,UBND xã Hai,XA\nO3,UBND xã Ba,XA\nO4,UBND thị trấn Bốn,XA\nO5,UBND xã Năm,XA\n"+
		"N1,UBND xã Mới Một,XA\nN2,UBND xã Mới Hai,XA\nN3,UBND phường Mới Ba,XA\n"))
	for _, p := range []string{"2024", "2025"} {
		c.ok("import", "framework", writeFile(t, "xa-"+p+".yaml", lineageSet(p)))
	}
	var scores, inputs strings.Builder
	scores.WriteString("period,unit,item,stage,points\n")
	inputs.WriteString("period,unit,input,value\n")
	for unit, pts := range map[string]string{"O1": "70", "O2": "60.01", "O3": "50", "O4": "71", "O5": "40"} {
		fmt.Fprintf(&scores, "2024,%s,A,final,%s\n", unit, pts)
		fmt.Fprintf(&inputs, "2024,%s,sipas,0.9\n2024,%s,sipas_sample,300\n", unit, unit)
	}
	for unit, pts := range map[string]string{"N1": "68", "N2": "52", "N3": "72"} {
		fmt.Fprintf(&scores, "2025,%s,A,final,%s\n", unit, pts)
		fmt.Fprintf(&inputs, "2025,%s,sipas,0.9\n2025,%s,sipas_sample,300\n", unit, unit)
	}
	c.ok("import", "scores", writeFile(t, "scores.csv", scores.String()))
	c.ok("import", "inputs", writeFile(t, "inputs.csv", inputs.String()))

	// A bad file: every problem with its line, and nothing stored.
	bad := writeFile(t, "bad.csv", "from_period,from_unit,to_period,to_unit,weight\n"+
		"2024,O1,2025,N1,3\n2024,O2,2025,N1,\n2024,O9,2025,N2,\n2025,O3,2024,N2,\n")
	code, _, errs := c.run("", "import", "lineage", bad)
	if code != 1 {
		t.Fatalf("bad lineage: exit %d\n%s", code, errs)
	}
	for _, w := range []string{
		bad + ":3: weight: unit N1 has weights for some of its predecessors into 2025 but not for O2",
		bad + ":5: to_period: 2024 does not begin after from_period 2025",
	} {
		if !strings.Contains(errs, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errs)
		}
	}
	// An unknown unit is the store's to find: reported with its line too.
	code, _, errs = c.run("", "import", "lineage", writeFile(t, "unknown.csv", "from_period,from_unit,to_period,to_unit\n2024,O1,2025,N1\n2024,O9,2025,N2\n"))
	if code != 1 || !strings.Contains(errs, "unknown.csv:3: from_unit: unit O9 does not exist") {
		t.Errorf("unknown unit: exit %d\n%s", code, errs)
	}
	before := c.ok("score", "--period", "2025", "--format", "csv")
	if !strings.Contains(before, "2025,XA,N1,UBND xã Mới Một,86.00,100.00,86.00,2,T,,,") {
		t.Errorf("before any lineage N1 has no comparison:\n%s", before)
	}

	out := c.ok("import", "lineage", writeFile(t, "lineage.csv", "from_period,from_unit,to_period,to_unit,weight\n"+
		"2024,O1,2025,N1,3\n2024,O2,2025,N1,1\n2024,O3,2025,N2,\n2024,O5,2025,N2,\n2024,O4,2025,N2,\n2024,O4,2025,N3,\n"))
	if !strings.Contains(out, "lineage.csv: 6 lineage links imported (6 new, 0 updated)") {
		t.Errorf("import output: %s", out)
	}
	got := c.ok("score", "--period", "2025", "--format", "csv")
	want := "period,group,unit,unit_name,points,max,index,rank,grade,rank_change,index_change,item:A,item:S\n" +
		"2025,XA,N3,UBND phường Mới Ba,90.00,100.00,90.00,1,T,,1.00,72.00,18.00\n" +
		"2025,XA,N1,UBND xã Mới Một,86.00,100.00,86.00,2,T,,0.50,68.00,18.00\n" +
		"2025,XA,N2,UBND xã Mới Hai,70.00,100.00,70.00,3,K,,-1.67,52.00,18.00\n"
	if got != want {
		t.Errorf("score csv:\n%s\nwant:\n%s", got, want)
	}
	// 2024 is scored on the old communes only, 2025 on the new ones.
	if old := c.ok("score", "--period", "2024", "--format", "csv"); strings.Contains(old, ",N1,") || strings.Count(old, "\n") != 6 {
		t.Errorf("2024:\n%s", old)
	}
	doc := c.ok("score", "--period", "2025", "--format", "json")
	for _, w := range []string{`"kind": "split"`, `"kind": "merged"`, `"previous_index": 85.50`, `"weight": 0.75`} {
		if !strings.Contains(doc, w) {
			t.Errorf("json lacks %s", w)
		}
	}

	// The rank intervals follow index_change.
	sim := readCSV(t, c.ok("score", "--period", "2025", "--format", "csv", "--uncertainty", "2000", "--seed", "9"))
	if strings.Join(sim[0][9:13], ",") != "rank_change,index_change,rank_low,rank_high" {
		t.Fatalf("header %v", sim[0])
	}
	for _, rec := range sim[1:] {
		if rec[7] < rec[11] || rec[7] > rec[12] {
			t.Errorf("%s: rank %s outside %s–%s", rec[2], rec[7], rec[11], rec[12])
		}
	}
	again := readCSV(t, c.ok("score", "--period", "2025", "--format", "csv", "--uncertainty", "2000", "--seed", "9"))
	if fmt.Sprint(again) != fmt.Sprint(sim) {
		t.Error("the same seed gave other intervals")
	}
	for _, args := range [][]string{{"--uncertainty", "-3"}, {"--uncertainty", "200000"}, {"--uncertainty", "100", "--weights", "1.5"}, {"--weights", "0.2"}} {
		if code, _, _ := c.run("", append([]string{"score", "--period", "2025"}, args...)...); code != 2 {
			t.Errorf("score %v: exit %d, want 2", args, code)
		}
	}
}
