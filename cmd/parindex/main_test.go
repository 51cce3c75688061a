package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/parindex/parindex/store/storetest"
)

// cli runs the command line against one database.
type cli struct {
	t  *testing.T
	db string
}

func newCLI(t *testing.T) *cli { return &cli{t: t, db: storetest.URL(t)} }

// run runs parindex with the arguments and returns the exit code and outputs.
func (c *cli) run(stdin string, args ...string) (int, string, string) {
	c.t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		switch k {
		case "PARINDEX_DATABASE_URL":
			return c.db
		case "PARINDEX_AUTHOR":
			return "tester"
		}
		return ""
	}
	code := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func (c *cli) ok(args ...string) string {
	c.t.Helper()
	code, out, errs := c.run("", args...)
	if code != 0 {
		c.t.Fatalf("parindex %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readCSV(t *testing.T, s string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v\n%s", err, s)
	}
	return recs
}

// The hand calculation, end to end: a set of two manual leaves worth
// 65 and 35, final points for five units, imported through the command line
// and scored from the database.
//
//	unit  A      B     total  index   rank  grade
//	D1    60     30    90     90.00   1     T
//	D2    55.5   34.5  90     90.00   1     T
//	D3    65     20    85     85.00   3     T
//	D4    40.25  9.5   49.75  49.75   4     Y
//	D5    12.5   10    22.5   22.50   5     Y
//
// mean = (90 + 90 + 85 + 49.75 + 22.5) / 5 = 337.25 / 5 = 67.45
func TestHandCalculatedRanking(t *testing.T) {
	c := newCLI(t)
	c.ok("import", "units", writeFile(t, "units.csv", "code,name,group\nD1,Đơn vị 1,G\nD2,Đơn vị 2,G\nD3,Đơn vị 3,G\nD4,Đơn vị 4,G\nD5,Đơn vị 5,G\n"))
	c.ok("import", "framework", writeFile(t, "fw.yaml", `period: "2025"
group: G
name: Hai tiêu chí
grades:
  - {code: T, name: Tốt, min: 80}
  - {code: K, name: Khá, min: 50}
  - {code: Y, name: Yếu, min: 0}
items:
  - {code: A, name: Tiêu chí A, max: 65, method: manual, step: 0.25}
  - {code: B, name: Tiêu chí B, max: 35, method: manual, step: 0.25}
`))
	c.ok("import", "scores", writeFile(t, "scores.csv", `period,unit,item,stage,points,comment
2025,D1,A,final,60,
2025,D1,B,final,30,
2025,D2,A,final,55.5,
2025,D2,B,final,34.5,
2025,D3,A,final,65,
2025,D3,B,final,20,
2025,D4,A,final,40.25,
2025,D4,B,final,9.5,
2025,D5,A,final,12.5,
2025,D5,B,final,10,
`))
	got := c.ok("score", "--period", "2025", "--format", "csv")
	want := `period,group,unit,unit_name,points,max,index,rank,grade,rank_change,index_change,item:A,item:B
2025,G,D1,Đơn vị 1,90.00,100.00,90.00,1,T,,,60.00,30.00
2025,G,D2,Đơn vị 2,90.00,100.00,90.00,1,T,,,55.50,34.50
2025,G,D3,Đơn vị 3,85.00,100.00,85.00,3,T,,,65.00,20.00
2025,G,D4,Đơn vị 4,49.75,100.00,49.75,4,Y,,,40.25,9.50
2025,G,D5,Đơn vị 5,22.50,100.00,22.50,5,Y,,,12.50,10.00
`
	if got != want {
		t.Errorf("score csv:\n%s\nwant:\n%s", got, want)
	}
	var doc struct {
		Groups map[string]struct {
			Count     int            `json:"count"`
			MeanIndex json.Number    `json:"mean_index"`
			Grades    map[string]int `json:"grades"`
		} `json:"groups"`
		Results []map[string]any `json:"results"`
	}
	dec := json.NewDecoder(strings.NewReader(c.ok("score", "--period", "2025", "--format", "json")))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	g := doc.Groups["G"]
	if g.Count != 5 || g.MeanIndex.String() != "67.45" || g.Grades["T"] != 3 || g.Grades["K"] != 0 || g.Grades["Y"] != 2 {
		t.Errorf("group summary = %+v", g)
	}
	if len(doc.Results) != 5 || doc.Results[0]["rank_change"] != nil || doc.Results[3]["index"].(json.Number).String() != "49.75" {
		t.Errorf("results = %v", doc.Results)
	}
}

func TestDemoEndToEnd(t *testing.T) {
	c := newCLI(t)
	out := c.ok("demo")
	if !strings.Contains(out, "period 2025 published") || !strings.Contains(out, "lineage-2025.csv: 186 lineage links imported") {
		t.Errorf("demo output:\n%s", out)
	}
	if out := c.ok("demo"); !strings.Contains(out, "already holds data") {
		t.Errorf("second demo run: %s", out)
	}
	prev := scoreRows(t, c, "2024").byUnit()
	cur := scoreRows(t, c, "2025")
	// The 2025 communes were formed from the 2024 ones (the official
	// lineage, read here from the demo's file, not through the store).
	preds := map[string][]string{}
	succs := map[string][]string{}
	lin, err := os.ReadFile("../../demo/data/lineage-2025.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range readCSV(t, string(lin))[1:] {
		preds[rec[3]] = append(preds[rec[3]], rec[1])
		succs[rec[1]] = append(succs[rec[1]], rec[3])
	}
	groups := map[string]int{}
	merged := 0
	for i, r := range cur {
		groups[r["group"]]++
		// Ranks follow the published index with shared ranks: 1, 2, 2, 4.
		wantRank := strconv.Itoa(groups[r["group"]])
		if i > 0 && cur[i-1]["group"] == r["group"] && cur[i-1]["index"] == r["index"] {
			wantRank = cur[i-1]["rank"]
		}
		if r["rank"] != wantRank {
			t.Errorf("%s: rank %s, want %s", r["unit"], r["rank"], wantRank)
		}
		if r["grade"] != gradeOf(t, r["index"]) {
			t.Errorf("%s: grade %s for index %s", r["unit"], r["grade"], r["index"])
		}
		cr, _ := strconv.Atoi(r["rank"])
		from := preds[r["unit"]]
		if len(from) == 0 { // a department: the same unit in 2024
			p, ok := prev[r["unit"]]
			if !ok {
				t.Errorf("%s has no 2024 result", r["unit"])
				continue
			}
			pr, _ := strconv.Atoi(p["rank"])
			if r["rank_change"] != strconv.Itoa(pr-cr) || r["index_change"] != fixed2(num(t, r["index"])-num(t, p["index"])) {
				t.Errorf("%s: changes %s %s against %s %s", r["unit"], r["rank_change"], r["index_change"], p["rank"], p["index"])
			}
			continue
		}
		// A new commune: its index against the mean of its predecessors'
		// 2024 indices (equal weights; the mean of the unrounded indices,
		// within a hundredth of the mean of the published ones), a change
		// of rank only for a rename.
		mean := 0.0
		for _, u := range from {
			p, ok := prev[u]
			if !ok {
				t.Fatalf("%s: predecessor %s has no 2024 result", r["unit"], u)
			}
			mean += num(t, p["index"]) / float64(len(from))
		}
		change := num(t, r["index_change"])
		if want := num(t, r["index"]) - mean; r["index_change"] == "" || change < want-0.011 || change > want+0.011 {
			t.Errorf("%s: index change %q, want about %.3f from %v", r["unit"], r["index_change"], want, from)
		}
		renamed := len(from) == 1 && len(succs[from[0]]) == 1
		if renamed {
			pr, _ := strconv.Atoi(prev[from[0]]["rank"])
			if r["rank_change"] != strconv.Itoa(pr-cr) {
				t.Errorf("%s (renamed %s): rank change %s, want %d", r["unit"], from[0], r["rank_change"], pr-cr)
			}
		} else {
			merged++
			if r["rank_change"] != "" {
				t.Errorf("%s formed from %v: rank change %s, want none", r["unit"], from, r["rank_change"])
			}
		}
	}
	if groups["SO"] != 14 || groups["XA"] != 64 || merged < 50 {
		t.Errorf("units per group = %v, merged or split communes %d", groups, merged)
	}
	// 2024 scores the 164 pre-reform communes, none of the new ones.
	xa24 := 0
	for u, r := range prev {
		if r["group"] == "XA" {
			xa24++
			if len(preds[u]) > 0 {
				t.Errorf("new commune %s scored in 2024", u)
			}
		}
	}
	if xa24 != 164 {
		t.Errorf("%d communes in 2024, want 164", xa24)
	}
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return v
}

func fixed2(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// gradeOf applies the demo's bands to a published index.
func gradeOf(t *testing.T, index string) string {
	v, err := strconv.ParseFloat(index, 64)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case v >= 90:
		return "XS"
	case v >= 80:
		return "T"
	case v >= 70:
		return "K"
	case v >= 50:
		return "TB"
	}
	return "Y"
}

// scoreRows returns `score --format csv` rows as maps, in output order.
func scoreRows(t *testing.T, c *cli, period string) rowList {
	recs := readCSV(t, c.ok("score", "--period", period, "--format", "csv"))
	var rows rowList
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		rows = append(rows, m)
	}
	return rows
}

type rowList []map[string]string

func (r rowList) byUnit() map[string]map[string]string {
	m := map[string]map[string]string{}
	for _, row := range r {
		m[row["unit"]] = row
	}
	return m
}

func TestBadImportChangesNothing(t *testing.T) {
	c := newCLI(t)
	c.ok("demo")
	before := c.ok("score", "--period", "2025", "--format", "csv")
	bad := writeFile(t, "bad.csv", "period,unit,item,stage,points\n2025,SNV,1.1.1,final,0\n2025,SNV,1.1.1,final,0.5\n2025,NOPE,1.1.1,final,0\n")
	code, _, errs := c.run("", "import", "scores", bad)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, w := range []string{bad + ":3: unit SNV, item 1.1.1, stage final already appears on line 2", bad + ":4: unit: unit NOPE does not exist"} {
		if !strings.Contains(errs, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errs)
		}
	}
	if after := c.ok("score", "--period", "2025", "--format", "csv"); after != before {
		t.Error("a refused import changed the results")
	}
	badSet := writeFile(t, "fw.yaml", "period: \"2025\"\ngroup: SO\nitems:\n  - {code: a, name: a, max: 1, method: formula, formula: \"x +\"}\n")
	code, _, errs = c.run("", "import", "framework", badSet)
	if code != 1 || !strings.Contains(errs, badSet+":4: item a: formula \"x +\": syntax error") {
		t.Errorf("exit %d stderr %s", code, errs)
	}
	// A published period's set is never replaced, not even with --force.
	good := writeFile(t, "fw.yaml", "period: \"2025\"\ngroup: SO\nitems:\n  - {code: a, name: a, max: 100, method: manual}\n")
	code, _, errs = c.run("", "import", "framework", "--force", good)
	if code != 1 || !strings.Contains(errs, "period 2025 is published (publication 1, decision 312/QĐ-UBND of 25/03/2026)") {
		t.Errorf("replacing a published set: exit %d stderr %s", code, errs)
	}
	// An open period's scored set needs --force.
	c.ok("import", "scores", writeFile(t, "s26.csv", "period,unit,item,stage,points\n2026,SNV,1.1.1,self,0.5\n"))
	good = writeFile(t, "fw26.yaml", "period: \"2026\"\ngroup: SO\nitems:\n  - {code: a, name: a, max: 100, method: manual}\n")
	code, _, errs = c.run("", "import", "framework", good)
	if code != 1 || !strings.Contains(errs, "use --force to replace it") {
		t.Errorf("replacing a scored set: exit %d stderr %s", code, errs)
	}
}

func TestUsage(t *testing.T) {
	c := newCLI(t)
	cases := [][]string{
		{},
		{"frobnicate"},
		{"score"},
		{"score", "--period", "2025", "--format", "xml"},
		{"score", "--period", "2025", "--stage", "explanation"},
		{"import", "units"},
		{"import", "widgets", "x.csv"},
		{"migrate", "--nope"},
	}
	for _, args := range cases {
		if code, _, errs := c.run("", args...); code != 2 || errs == "" {
			t.Errorf("parindex %v: exit %d, stderr %q; want 2 with a message", args, code, errs)
		}
	}
	if code, _, errs := c.run("", "score", "--period", "1999"); code != 1 || !strings.Contains(errs, "period 1999 has no criteria set") {
		t.Errorf("unknown period: exit %d, %s", code, errs)
	}
}
