package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestReportAnalysisSheets: the demo's 2025 workbook carries, per group,
// the rank intervals, the self-assessment against the final points, the
// years side by side through the lineage and, for the communes, how each
// merged or split commune was compared — in the numbers `score` gives.
func TestReportAnalysisSheets(t *testing.T) {
	c, book := demoWorkbook(t)
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := func(sheet string) [][]string {
		t.Helper()
		r, err := f.GetRows(sheet)
		if err != nil {
			t.Fatalf("sheet %s: %v (sheets %v)", sheet, err, f.GetSheetList())
		}
		return r
	}
	var doc struct {
		Results []struct {
			Group, Unit string
			Index       json.Number
			Rank        int
			Comparison  *struct {
				Kind     string
				Previous json.Number `json:"previous_index"`
				Units    []struct{ Unit string }
			}
		}
		Groups map[string]struct {
			Mean json.Number `json:"mean_index"`
		}
	}
	decode := func(period string, into any) {
		t.Helper()
		d := json.NewDecoder(strings.NewReader(c.ok("score", "--period", period, "--format", "json")))
		d.UseNumber()
		if err := d.Decode(into); err != nil {
			t.Fatal(err)
		}
	}
	decode("2025", &doc)
	var prev struct {
		Groups map[string]struct {
			Mean json.Number `json:"mean_index"`
		}
	}
	decode("2024", &prev)

	// Rank intervals: every commune, its published rank inside.
	ranks := rows("Khoảng hạng XA")[4:]
	if len(ranks) != 64 {
		t.Fatalf("%d communes on the rank interval sheet", len(ranks))
	}
	for _, r := range ranks {
		rank, _ := strconv.Atoi(r[4])
		low, _ := strconv.Atoi(r[6])
		high, _ := strconv.Atoi(r[7])
		if low < 1 || low > rank || high < rank || high > 64 {
			t.Errorf("%s: rank %d, interval %d–%d", r[1], rank, low, high)
		}
	}
	if !strings.Contains(rows("Khoảng hạng XA")[1][0], "10.000 lần") {
		t.Errorf("method line: %q", rows("Khoảng hạng XA")[1][0])
	}

	// Comparisons through the lineage: each merged commune's previous
	// index is the one score prints, one row per predecessor.
	cmp := rows("So sánh XA")[4:]
	checked := 0
	for _, res := range doc.Results {
		if res.Group != "XA" || res.Comparison == nil || res.Comparison.Kind != "merged" {
			continue
		}
		at := -1
		for i, r := range cmp {
			if len(r) > 1 && r[1] == res.Unit {
				at = i
			}
		}
		if at < 0 {
			t.Errorf("%s is not on the comparison sheet", res.Unit)
			continue
		}
		if cmp[at][3] != "Sáp nhập" || cmp[at][5] != string(res.Comparison.Previous) {
			t.Errorf("%s: %v, want merged from %s", res.Unit, cmp[at][:7], res.Comparison.Previous)
		}
		for k, u := range res.Comparison.Units {
			if r := cmp[at+k]; len(r) < 8 || r[7] != u.Unit {
				t.Errorf("%s: predecessor row %d is %v, want %s", res.Unit, k, r, u.Unit)
			}
		}
		checked++
	}
	if checked < 40 {
		t.Errorf("only %d merged communes checked", checked)
	}

	// Years side by side: the group's mean per period, then each commune.
	years := rows("Qua các năm XA")
	head := strings.Join(years[3], "|")
	if !strings.Contains(head, "Chỉ số 2024|Hạng 2024|Chỉ số 2025|Hạng 2025") {
		t.Fatalf("years header: %s", head)
	}
	if years[4][3] != string(prev.Groups["XA"].Mean) || years[4][5] != string(doc.Groups["XA"].Mean) {
		t.Errorf("group means %s, %s; want %s, %s", years[4][3], years[4][5], prev.Groups["XA"].Mean, doc.Groups["XA"].Mean)
	}
	basis := len(years[3]) - 1
	for _, r := range years[5 : 5+64] {
		r = append(r, make([]string, basis+1-min(basis+1, len(r)))...)
		// A commune with no 2024 rank of its own stands, in 2024, for the
		// units it was formed from, which the last column names.
		if r[3] == "" || r[5] == "" || (r[4] == "") != strings.HasPrefix(r[basis], "2024: bình quân") {
			t.Errorf("%s: %v … %q", r[1], r[:6], r[basis])
		}
	}

	// Self-assessment: the 14 departments, gap = self − final.
	h := rows("Tự đánh giá SO")[4:]
	n := 0
	for _, r := range h {
		if len(r) < 9 || r[1] == "" || r[0] == "" {
			break
		}
		self, _ := strconv.ParseFloat(r[3], 64)
		final, _ := strconv.ParseFloat(r[4], 64)
		gap, _ := strconv.ParseFloat(r[5], 64)
		if d := self - final - gap; d > 0.011 || d < -0.011 {
			t.Errorf("%s: self %s − final %s ≠ gap %s", r[1], r[3], r[4], r[5])
		}
		n++
	}
	if n != 14 {
		t.Errorf("%d departments on the self-assessment sheet", n)
	}
}
