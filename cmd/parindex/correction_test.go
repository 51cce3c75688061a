package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// A published result is one number everywhere. Issue 10's reproduction:
// `import scores` of 2025,SXD,1.1.1,final,0 into the demo's published 2025
// was accepted, and `score` then disagreed with the API. Now every import
// into a published period is refused naming the publication; the
// command line, the API, the pages, the open data and the workbook give
// the same number; and the correction round trip — reopen, change, publish
// number 2 — moves them all at once, publication 1 staying readable.
func TestOneNumberThroughACorrection(t *testing.T) {
	c := newCLI(t)
	c.ok("demo")
	srv := startServer(t, parindexBinary(t), c.db)
	published := sxd(t, c.ok("score", "--period", "2025", "--group", "SO", "--format", "csv"))
	everyReaderShows(t, c, srv, published, "publication 1")

	// Every write path refuses the published period, naming the
	// publication, and changes nothing.
	frozen := "period 2025 is published (publication 1, decision 312/QĐ-UBND of 25/03/2026)"
	fix := writeFile(t, "fix.csv", "period,unit,item,stage,points,comment\n2025,SXD,1.1.1,final,0,Chấm lại: kế hoạch ban hành chậm\n")
	template := filepath.Join(t.TempDir(), "inputs-2025.xlsx")
	c.ok("template", "inputs", "--period", "2025", "--group", "SO", "--out", template)
	c.ok("survey", "instrument", "--period", "2025", "--template", "sipas")
	c.ok("survey", "create", "--survey", "sipas-2025-bosung", "--name", "SIPAS bổ sung", "--period", "2025", "--instrument", "sipas", "--units", "SXD")
	c.ok("survey", "open", "--survey", "sipas-2025-bosung")
	portal, err := filepath.Glob("../../../shared/data/qd766-phutho/*/year-all.json")
	if err != nil || len(portal) == 0 {
		t.Fatalf("the national portal's answers: %v %v", portal, err)
	}
	for _, args := range [][]string{
		{"import", "scores", fix},
		{"import", "inputs", writeFile(t, "in.csv", "period,unit,input,value\n2025,SXD,complaints_received,3\n")},
		{"import", "inputs", template},
		append([]string{"import", "portal766", "--period", "2025"}, portal...),
		{"import", "framework", "--force", writeFile(t, "fw.yaml", "period: \"2025\"\ngroup: SO\nitems:\n  - {code: a, name: a, max: 100, method: manual}\n")},
		{"survey", "import", "--survey", "sipas-2025-bosung", writeFile(t, "phieu.csv", "unit,code,TC1,TT1,CC1,KQ1\nSXD,,5,4,3,2\n")},
	} {
		code, _, errs := c.run("", args...)
		if code != 1 || !strings.Contains(errs, frozen) {
			t.Errorf("parindex %s: exit %d, stderr %q; want 1 naming the publication", strings.Join(args[:2], " "), code, errs)
		}
	}
	everyReaderShows(t, c, srv, published, "after the refused imports")

	// The secretariat reopens 2025 with a reason; the correction is made.
	if code, _, errs := c.run("", "period", "phase", "--period", "2025", "correction"); code != 1 || !strings.Contains(errs, "say why") {
		t.Errorf("reopening without a reason: exit %d %s", code, errs)
	}
	c.ok("period", "phase", "--period", "2025", "correction", "--reason", "Sở Xây dựng: kế hoạch CCHC ban hành chậm, chấm lại tiêu chí 1.1.1")
	c.ok("import", "scores", fix)
	corrected := sxd(t, c.ok("score", "--period", "2025", "--group", "SO", "--format", "csv", "--live"))
	if corrected.index == published.index {
		t.Fatalf("the correction does not change SXD's index (%s): pick another leaf", published.index)
	}
	// Until the committee publishes it, every reader keeps publication 1.
	everyReaderShows(t, c, srv, published, "during the correction")

	if code, _, errs := c.run("", "period", "publish", "--period", "2025", "--decision-no", "401/QĐ-UBND", "--decision-date", "2026-11-30"); code != 1 || !strings.Contains(errs, "say why the correction is published") {
		t.Errorf("a correction without a reason: exit %d %s", code, errs)
	}
	if code, _, errs := c.run("", "period", "publish", "--period", "2025", "--decision-no", "401/QĐ-UBND", "--decision-date", "2026-11-30",
		"--reason", "Đính chính điểm của Sở Xây dựng"); code != 1 || !strings.Contains(errs, "not ready to publish") {
		t.Errorf("publishing the demo's unsubmitted units without an override: exit %d %s", code, errs)
	}
	out := c.ok("period", "publish", "--period", "2025", "--decision-no", "401/QĐ-UBND", "--decision-date", "2026-11-30",
		"--reason", "Đính chính điểm của Sở Xây dựng", "--override", "Dữ liệu minh hoạ")
	if !strings.Contains(out, "publication 2 by decision 401/QĐ-UBND of 30/11/2026") {
		t.Errorf("publish: %s", out)
	}
	everyReaderShowsComment(t, c, srv, corrected, "publication 2", true)

	// Publication 1 stays readable, and the changes are listed.
	if first := sxd(t, c.ok("score", "--period", "2025", "--group", "SO", "--format", "csv", "--publication", "1")); first != published {
		t.Errorf("score --publication 1: %+v, want %+v", first, published)
	}
	list := c.ok("period", "publications", "--period", "2025")
	for _, w := range []string{"publication 1: decision 312/QĐ-UBND of 25/03/2026", "publication 2: decision 401/QĐ-UBND of 30/11/2026",
		"reopened by", "chấm lại tiêu chí 1.1.1", "correction: Đính chính điểm của Sở Xây dựng", "SXD",
		published.index + " → " + corrected.index} {
		if !strings.Contains(list, w) {
			t.Errorf("period publications lacks %q:\n%s", w, list)
		}
	}
	body := get(t, srv.base+"/api/v1/periods/2025/publications/1?group=SO")
	if !strings.Contains(body, `"unit":"SXD"`) || !strings.Contains(body, `"index":`+published.index) || !strings.Contains(body, `"number":1`) {
		t.Errorf("publication 1 in the API lacks SXD at %s:\n%.2000s", published.index, body)
	}
	var pubs struct {
		Publications []struct {
			Number  int
			Changes []struct {
				Unit          string
				Before, After struct{ Index json.Number }
			}
		}
	}
	if err := json.Unmarshal([]byte(get(t, srv.base+"/api/v1/periods/2025/publications")), &pubs); err != nil || len(pubs.Publications) != 2 {
		t.Fatalf("the API's publications: %v %+v", err, pubs)
	}
	var sxdChange bool
	for _, ch := range pubs.Publications[1].Changes {
		sxdChange = sxdChange || ch.Unit == "SXD" && ch.Before.Index.String() == published.index && ch.After.Index.String() == corrected.index
	}
	if !sxdChange {
		t.Errorf("the API's publication 2 does not list SXD's change: %+v", pubs.Publications[1].Changes)
	}
	page := get(t, srv.base+"/periods/2025")
	for _, w := range []string{"Đính chính (lần công bố 2):", "Đính chính điểm của Sở Xây dựng", `href="/periods/2025/publications/1"`} {
		if !strings.Contains(page, w) {
			t.Errorf("the public ranking lacks %q", w)
		}
	}
	if old := get(t, srv.base+"/periods/2025/publications/1"); !strings.Contains(old, viPage(published.index)) || !strings.Contains(old, "đã được đính chính") {
		t.Errorf("publication 1's page lacks SXD's index %s or the notice", viPage(published.index))
	}
}

// standing is a unit's published index and grade.
type standing struct{ index, grade string }

// sxd reads SXD's index and grade from `score --format csv`.
func sxd(t *testing.T, csv string) standing {
	t.Helper()
	recs := readCSV(t, csv)
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, r := range recs[1:] {
		if r[col["unit"]] == "SXD" {
			return standing{r[col["index"]], r[col["grade"]]}
		}
	}
	t.Fatalf("no SXD in:\n%s", csv)
	return standing{}
}

func get(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v\n%s", url, res.StatusCode, err, b)
	}
	return string(b)
}

// everyReaderShows checks that SXD's 2025 index is want for the command
// line, the API, the public page, the open data and the workbook.
func everyReaderShows(t *testing.T, c *cli, srv *server, want standing, when string) {
	everyReaderShowsComment(t, c, srv, want, when, false)
}

// everyReaderShowsComment is everyReaderShows, and checks that SXD's
// sheet in the workbook holds the correction's comment, or not: the
// comments printed are those of the values printed.
func everyReaderShowsComment(t *testing.T, c *cli, srv *server, want standing, when string, comment bool) {
	t.Helper()
	if got := sxd(t, c.ok("score", "--period", "2025", "--group", "SO", "--format", "csv")); got != want {
		t.Errorf("%s: score prints SXD %+v, want %+v", when, got, want)
	}
	api := get(t, srv.base+"/api/v1/periods/2025/results?group=SO")
	var doc struct {
		Results []struct {
			Unit  string
			Index json.Number
			Grade string
		}
	}
	if err := json.Unmarshal([]byte(api), &doc); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(doc.Results, func(r struct {
		Unit  string
		Index json.Number
		Grade string
	}) bool {
		return r.Unit == "SXD"
	})
	if i < 0 || doc.Results[i].Index.String() != want.index || doc.Results[i].Grade != want.grade {
		t.Errorf("%s: the API gives SXD %+v, want %+v", when, doc.Results[max(i, 0)], want)
	}
	if open := get(t, srv.base+"/periods/2025/results.csv"); sxd(t, open) != want {
		t.Errorf("%s: the open data give SXD %+v, want %+v", when, sxd(t, open), want)
	}
	page := get(t, srv.base+"/periods/2025?group=SO")
	row := page[strings.Index(page, `href="/periods/2025/units/SXD"`):]
	row = row[:strings.Index(row, "</tr>")]
	if !strings.Contains(row, viPage(want.index)) || !strings.Contains(row, ">"+want.grade+"<") {
		t.Errorf("%s: the public page's SXD row lacks %s %s", when, viPage(want.index), want.grade)
	}
	book := filepath.Join(t.TempDir(), "2025.xlsx")
	c.ok("report", "--period", "2025", "--out", book)
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Tổng hợp SO")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if len(r) > 1 && r[1] == "SXD" {
			// The summary is laid out as the appendix: grades by name.
			found = slices.Contains(r, want.index) && slices.Contains(r, gradeNames[want.grade])
		}
	}
	if !found {
		t.Errorf("%s: the workbook's SXD row lacks %+v", when, want)
	}
	unit, err := f.GetRows("SXD")
	if err != nil {
		t.Fatal(err)
	}
	var sheet strings.Builder
	for _, r := range unit {
		sheet.WriteString(strings.Join(r, "|"))
	}
	if got := strings.Contains(sheet.String(), "Chấm lại: kế hoạch ban hành chậm"); got != comment {
		t.Errorf("%s: the workbook's SXD sheet holds the correction's comment: %v, want %v", when, got, comment)
	}
	_ = os.Remove(book)
}

// gradeNames are the demo's grades as the appendix names them.
var gradeNames = map[string]string{"XS": "Xuất sắc", "T": "Tốt", "K": "Khá", "TB": "Trung bình", "Y": "Yếu"}

// viPage writes a two-decimal number as a Vietnamese page does.
func viPage(n string) string { return strings.Replace(n, ".", ",", 1) }
