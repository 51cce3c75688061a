package main

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store/storetest"
)

// demoWorkbook loads the demo province and writes the 2025 workbook.
func demoWorkbook(t *testing.T) (*cli, string) {
	t.Helper()
	c := newCLI(t)
	c.ok("demo")
	out := filepath.Join(t.TempDir(), "chi-so-cchc-2025.xlsx")
	if got := c.ok("report", "--period", "2025", "--out", out); !strings.Contains(got, out) {
		t.Errorf("report output: %q", got)
	}
	return c, out
}

// findSoffice locates LibreOffice's soffice: on the PATH, or where Debian
// and the upstream packages install it.
func findSoffice() string {
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	candidates := []string{"/usr/lib/libreoffice/program/soffice", "/usr/local/bin/soffice"}
	if more, _ := filepath.Glob("/opt/libreoffice*/program/soffice"); len(more) > 0 {
		candidates = append(candidates, more...)
	}
	for _, p := range candidates {
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	return ""
}

// sheetsAsCSV converts every sheet of a workbook to CSV with LibreOffice,
// values as shown (the cells' number formats applied), and returns them by
// sheet name.
func sheetsAsCSV(t *testing.T, workbook string) map[string][][]string {
	t.Helper()
	soffice := findSoffice()
	if soffice == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("LibreOffice (soffice) is required under CI=true: apt-get install libreoffice-calc")
		}
		t.Skip("LibreOffice (soffice) is not installed")
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// Token 9 (true) saves cell contents as shown; token 12 (-1) writes every
	// sheet to its own file, BASE-SHEET.csv.
	cmd := exec.CommandContext(ctx, soffice, "--headless", "--norestore",
		"-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1",
		"--outdir", filepath.Join(dir, "csv"), workbook)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	base := strings.TrimSuffix(filepath.Base(workbook), ".xlsx") + "-"
	files, _ := filepath.Glob(filepath.Join(dir, "csv", "*.csv"))
	sheets := map[string][][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(strings.NewReader(string(data)))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		sheets[strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), base), ".csv")] = recs
	}
	if len(sheets) == 0 {
		t.Fatalf("soffice wrote no CSV for %s", workbook)
	}
	return sheets
}

// The workbook as LibreOffice shows it holds exactly the values that
// `parindex score --format csv` prints, unit by unit, on each group's
// summary sheet; each unit's sheet shows its fields' points.
func TestReportWorkbookMatchesScoreCSV(t *testing.T) {
	c, book := demoWorkbook(t)
	sheets := sheetsAsCSV(t, book)
	score := readCSV(t, c.ok("score", "--period", "2025", "--format", "csv"))
	header := score[0]
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	var items []string
	for _, h := range header {
		if strings.HasPrefix(h, "item:") {
			items = append(items, h)
		}
	}
	byGroup := map[string][][]string{}
	for _, rec := range score[1:] {
		byGroup[rec[col["group"]]] = append(byGroup[rec[col["group"]]], rec)
	}
	if len(byGroup) != 2 {
		t.Fatalf("groups in score output: %d", len(byGroup))
	}
	sets := map[string]*scoring.Framework{"SO": demoSet(t, "SO", "2025"), "XA": demoSet(t, "XA", "2025")}
	for group, want := range byGroup {
		sheet, ok := sheets["Tổng hợp "+group]
		if !ok {
			t.Fatalf("no summary sheet for %s; sheets: %v", group, keys(sheets))
		}
		head := -1
		var text []string
		for i, r := range sheet {
			text = append(text, strings.Join(r, " "))
			if len(r) > 0 && r[0] == "STT" && head < 0 {
				head = i
			}
		}
		all := strings.Join(text, "\n")
		for _, w := range []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "PHỤ LỤC", "KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025",
			"(Kèm theo Quyết định số 312/QĐ-UBND ngày 25/03/2026", "Số: 312/QĐ-UBND", "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "PHÓ CHỦ TỊCH"} {
			if !strings.Contains(all, w) {
				t.Errorf("%s lacks %q", group, w)
			}
		}
		if head < 0 {
			t.Fatalf("%s: no header row", group)
		}
		// Two header rows, the column numbers, then the units.
		var rows [][]string
		for _, r := range sheet[head+3:] {
			if len(r) == 0 || r[0] == "" {
				break
			}
			rows = append(rows, r)
		}
		if len(rows) != len(want) {
			t.Fatalf("%s: %d rows in the workbook, %d in score", group, len(rows), len(want))
		}
		fw := sets[group]
		for i, w := range want {
			got := rows[i]
			// stt, unit, name, one column per top-level item (bonus with
			// its +, penalty negative), then points (* when the rounded
			// fields do not add up), max, index, rank, grade, changes.
			exp := []string{itoa(i + 1), w[col["unit"]], w[col["unit_name"]]}
			sum := scoring.NewInt(0)
			for _, it := range fw.Items {
				v := w[col["item:"+it.Code]]
				d, _ := scoring.ParseDecimal(v)
				switch {
				case it.Method == scoring.Penalty && !d.IsZero():
					d, v = d.Neg(), "-"+v
				case it.Method == scoring.Bonus && d.IsPositive():
					v = "+" + v
				}
				sum = sum.Add(d)
				exp = append(exp, v)
			}
			points := w[col["points"]]
			if p, _ := scoring.ParseDecimal(points); !p.Equal(sum) {
				points += "*"
			}
			grade := ""
			for _, g := range fw.Grades {
				if g.Code == w[col["grade"]] {
					grade = g.Name
				}
			}
			signed := func(s string) string {
				if s == "" || strings.HasPrefix(s, "-") || strings.Trim(s, "0.") == "" {
					return s
				}
				return "+" + s
			}
			exp = append(exp, points, w[col["max"]], w[col["index"]], w[col["rank"]], grade, signed(w[col["rank_change"]]), signed(w[col["index_change"]]))
			if strings.Join(got[:len(exp)], "|") != strings.Join(exp, "|") {
				t.Errorf("%s row %d:\n got %v\nwant %v", group, i+1, got[:len(exp)], exp)
			}
		}
	}
	// A unit's sheet: each field's row shows the points score prints.
	first := byGroup["SO"][0]
	unit := sheets[first[col["unit"]]]
	if unit == nil {
		t.Fatalf("no sheet for unit %s", first[col["unit"]])
	}
	fields := map[string]string{}
	for _, r := range unit[3:] {
		if len(r) > 8 {
			fields[r[0]] = r[8]
		}
	}
	for _, it := range items {
		code := strings.TrimPrefix(it, "item:")
		want := first[col[it]]
		if code == "10" && strings.Trim(want, "0.") != "" { // the penalty, shown negative
			want = "-" + want
		}
		if fields[code] != want {
			t.Errorf("unit sheet %s field %s: %q, score prints %q", first[col["unit"]], code, fields[code], first[col[it]])
		}
	}
	if _, ok := sheets["Mục tiêu chương trình"]; !ok {
		t.Errorf("no programme targets sheet; sheets: %v", keys(sheets))
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Reopened with excelize, the workbook has the appendix layout: merged
// title rows, two-decimal formats, frozen panes, A4 landscape with repeated
// header rows, and native charts for the ranking and the grades.
func TestReportWorkbookLayout(t *testing.T) {
	_, book := demoWorkbook(t)
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := "Tổng hợp SO"
	merges, err := f.GetMergeCells(sheet)
	if err != nil {
		t.Fatal(err)
	}
	var ranges []string
	for _, m := range merges {
		ranges = append(ranges, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	// 10 top-level items: columns A..T. The heading's blocks side by
	// side, the title across, the headings of the fixed columns over both
	// header rows and "Điểm đạt theo lĩnh vực" over the fields.
	for _, want := range []string{"A1:C1", "D1:T1", "A2:C2", "D2:T2", "A7:T7", "A8:T8", "A11:A12", "C11:C12", "D11:M11", "N11:N12", "T11:T12"} {
		if !strings.Contains(" "+strings.Join(ranges, " ")+" ", " "+want+" ") {
			t.Errorf("merges %v lack %s", ranges, want)
		}
	}
	for ref, want := range map[string]string{"A1": "ỦY BAN NHÂN DÂN", "D1": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "A11": "STT",
		"P11": "Chỉ số CCHC (%)", "D11": "Điểm đạt theo lĩnh vực", "D12": "1. Chỉ đạo, điều hành\n(tối đa 8)", "A14": "1", "B14": "VPUB"} {
		if v, _ := f.GetCellValue(sheet, ref); v != want {
			t.Errorf("%s = %q, want %q", ref, v, want)
		}
	}
	// Number formats: two decimals; the bonus with its sign; the total of
	// VPUB, whose rounded fields add to 91.73, marked; the changes signed.
	for ref, want := range map[string]string{"D14": "0.00", "M14": "0.00", "O14": "0.00", "P14": "0.00",
		"L14": "+0.00;-0.00;0.00", "N14": `0.00"*"`, "N15": "0.00", "S14": "+0;-0;0", "T14": "+0.00;-0.00;0.00"} {
		id, err := f.GetCellStyle(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if st.CustomNumFmt == nil || *st.CustomNumFmt != want {
			t.Errorf("%s number format = %v, want %s", ref, st.CustomNumFmt, want)
		}
	}
	if v, _ := f.GetCellValue(sheet, "M18", excelize.Options{RawCellValue: true}); v != "-1" {
		t.Errorf("M18 (Sở Nội vụ's penalty) = %q, want -1", v)
	}
	panes, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.XSplit != 3 || panes.YSplit != 13 {
		t.Errorf("panes = %+v, want frozen at D14", panes)
	}
	pl, err := f.GetPageLayout(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if pl.Size == nil || *pl.Size != 9 || pl.Orientation == nil || *pl.Orientation != "landscape" {
		t.Errorf("page layout: size %v orientation %v, want A4 (9) landscape", pl.Size, pl.Orientation)
	}
	var titles bool
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" && dn.Scope == sheet && strings.HasSuffix(dn.RefersTo, "!$11:$13") {
			titles = true
		}
	}
	if !titles {
		t.Errorf("no repeated header rows on %s: %+v", sheet, f.GetDefinedName())
	}
	// The charts: per group a bar chart of the ranking, drawn from the
	// summary sheet, and a column chart of the grade distribution.
	zr, err := zip.OpenReader(book)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var bars, cols int
	chartName := regexp.MustCompile(`^xl/charts/chart\d+\.xml$`)
	for _, zf := range zr.File {
		if !chartName.MatchString(zf.Name) {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		buf := make([]byte, 32<<10)
		for {
			n, err := rc.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		rc.Close()
		x := b.String()
		switch {
		case strings.Contains(x, `<barDir val="bar">`) && strings.Contains(x, "Tổng hợp"):
			bars++
		case strings.Contains(x, `<barDir val="col">`):
			cols++
		}
	}
	if bars != 2 || cols != 2 {
		t.Errorf("charts: %d ranking bar charts, %d grade column charts; want 2 and 2", bars, cols)
	}
}

// Wrong usage exits 2; an unknown period is an error naming it and writes
// no file.
func TestReportUsage(t *testing.T) {
	c := newCLI(t)
	if code, _, _ := c.run("", "report", "--out", "x.xlsx"); code != 2 {
		t.Errorf("without --period: exit %d, want 2", code)
	}
	if code, _, _ := c.run("", "report", "--period", "2025", "--out", "x.csv"); code != 2 {
		t.Errorf("with a .csv file: exit %d, want 2", code)
	}
	out := filepath.Join(t.TempDir(), "none.xlsx")
	code, _, errs := c.run("", "report", "--period", "1999", "--out", out)
	if code != 1 || !strings.Contains(errs, "1999") {
		t.Errorf("unknown period: exit %d, stderr %q", code, errs)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a workbook was written for an unknown period")
	}
}

// surveyDoc is what the tests read of `parindex survey results --format
// json`: per unit and for the province, the main index (the first of
// Indices) with its elements.
type surveyDoc struct {
	Survey   string        `json:"survey"`
	Name     string        `json:"name"`
	Units    []surveyScope `json:"units"`
	Province surveyScope   `json:"province"`
}

// surveyScope is one unit or the province in surveyDoc.
type surveyScope struct {
	Unit         string       `json:"unit"`
	Name         string       `json:"name"`
	Responses    int          `json:"responses"`
	Satisfaction *json.Number `json:"satisfaction"`
	CILow        *json.Number `json:"ci_low"`
	CIHigh       *json.Number `json:"ci_high"`
	Indices      []struct {
		Measure  string `json:"measure"`
		N        int    `json:"n"`
		Elements []struct {
			Section      string       `json:"section"`
			N            int          `json:"n"`
			Satisfaction *json.Number `json:"satisfaction"`
			CILow        *json.Number `json:"ci_low"`
			CIHigh       *json.Number `json:"ci_high"`
		} `json:"elements"`
	} `json:"indices"`
}

// numText is a JSON number as written ("90.82"), or "" for null.
func numText(n *json.Number) string {
	if n == nil {
		return ""
	}
	return n.String()
}

// elementValues maps the scope's main-index elements to their satisfaction
// as written, "" where it is undefined.
func (s surveyScope) elementValues() map[string]string {
	out := map[string]string{}
	if len(s.Indices) > 0 {
		for _, e := range s.Indices[0].Elements {
			out[e.Section] = numText(e.Satisfaction)
		}
	}
	return out
}

// surveyResults runs `parindex survey results` for a campaign in both
// formats: the CSV rows (header first) and the JSON document.
func surveyResults(t *testing.T, c *cli, survey string) ([][]string, surveyDoc) {
	t.Helper()
	rows := readCSV(t, c.ok("survey", "results", "--survey", survey, "--format", "csv"))
	if len(rows) < 2 || strings.Join(rows[0], ",") != "unit,responses,satisfaction,ci_low,ci_high" {
		t.Fatalf("survey results csv: %v", rows)
	}
	var doc surveyDoc
	dec := json.NewDecoder(strings.NewReader(c.ok("survey", "results", "--survey", survey, "--format", "json")))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("survey results json: %v", err)
	}
	if len(doc.Units) != len(rows)-1 {
		t.Fatalf("survey results: %d units in JSON, %d in CSV", len(doc.Units), len(rows)-1)
	}
	return rows, doc
}

// The survey sheet of the 2026 workbook, as LibreOffice shows it, holds
// what `parindex survey results` prints for the demo's SIPAS campaign: per
// unit its responses, satisfaction and 95 % interval (the CSV), and per
// unit and for the province each element of the main index (the JSON).
func TestReportWorkbookSurveyMatchesResults(t *testing.T) {
	c := newCLI(t)
	c.ok("demo")
	book := filepath.Join(t.TempDir(), "chi-so-cchc-2026.xlsx")
	c.ok("report", "--period", "2026", "--out", book)
	const survey = "sipas-2026"
	want, doc := surveyResults(t, c, survey)
	sheets := sheetsAsCSV(t, book)
	// The survey sheets' texts fit their cells too.
	checkCellsFit(t, book)
	sheet, ok := sheets["Khảo sát "+survey]
	if !ok {
		t.Fatalf("no survey sheet %q; sheets: %v", "Khảo sát "+survey, keys(sheets))
	}
	if len(sheet) < 5 {
		t.Fatalf("survey sheet has %d rows", len(sheet))
	}
	if title := sheet[0][0]; title != "KẾT QUẢ KHẢO SÁT SỰ HÀI LÒNG: "+doc.Name {
		t.Errorf("survey sheet title %q, want the campaign's name %q", title, doc.Name)
	}
	// The element columns follow the province's main index, in order.
	if len(doc.Province.Indices) == 0 || len(doc.Province.Indices[0].Elements) == 0 {
		t.Fatalf("survey results json: the province has no main index with elements: %+v", doc.Province)
	}
	var elements []string
	for _, e := range doc.Province.Indices[0].Elements {
		elements = append(elements, e.Section)
	}
	header := sheet[2]
	width := 6 + len(elements)
	for len(header) > width && header[len(header)-1] == "" {
		header = header[:len(header)-1]
	}
	if len(header) != width {
		t.Fatalf("survey sheet header has %d columns, want 6 + %d elements: %q", len(header), len(elements), header)
	}
	for i, h := range header {
		if strings.TrimSpace(h) == "" {
			t.Errorf("survey sheet header column %d is empty: %q", i+1, header)
		}
	}
	rows := sheet[3:]
	for len(rows) > 0 && strings.Join(rows[len(rows)-1], "") == "" {
		rows = rows[:len(rows)-1]
	}
	if len(rows) == 0 {
		t.Fatal("survey sheet has no rows")
	}
	province, rows := rows[len(rows)-1], rows[:len(rows)-1]

	names := map[string]string{}
	elementsOf := map[string]map[string]string{}
	for _, u := range doc.Units {
		names[u.Unit] = u.Name
		elementsOf[u.Unit] = u.elementValues()
	}
	// colNames name the columns in the messages.
	colNames := []string{"code", "name", "responses", "satisfaction", "ci_low", "ci_high"}
	for _, e := range elements {
		colNames = append(colNames, "element "+e)
	}
	// checkRow compares one sheet row with the values expected, column by
	// column, and checks that every element value shown is a percentage.
	checkRow := func(who string, got, exp []string) {
		t.Helper()
		if len(got) < width {
			t.Errorf("%s: %d columns in the sheet, want %d: %q", who, len(got), width, got)
			return
		}
		for i, w := range exp {
			if got[i] != w {
				t.Errorf("%s, column %s: workbook shows %q, survey results print %q", who, colNames[i], got[i], w)
			}
		}
		for i := 6; i < width; i++ {
			if got[i] == "" {
				continue
			}
			v, err := strconv.ParseFloat(got[i], 64)
			if err != nil || v < 0 || v > 100 {
				t.Errorf("%s, column %s: %q is not a percentage between 0 and 100", who, colNames[i], got[i])
			}
		}
	}
	inSheet := map[string]bool{}
	for i, r := range rows {
		if len(r) == 0 || r[0] == "" {
			t.Errorf("survey sheet row %d has no unit code: %q", i+4, r)
			continue
		}
		if inSheet[r[0]] {
			t.Errorf("unit %s has more than one row in the survey sheet", r[0])
		}
		inSheet[r[0]] = true
	}
	byUnit := map[string][]string{}
	for _, r := range rows {
		if len(r) > 0 {
			byUnit[r[0]] = r
		}
	}
	for _, w := range want[1:] {
		unit := w[0]
		got, ok := byUnit[unit]
		if !ok {
			t.Errorf("unit %s: in survey results, not in the survey sheet", unit)
			continue
		}
		exp := []string{unit, names[unit], w[1], w[2], w[3], w[4]}
		for _, e := range elements {
			exp = append(exp, elementsOf[unit][e])
		}
		checkRow("unit "+unit, got, exp)
	}
	for unit := range inSheet {
		if _, ok := names[unit]; !ok {
			t.Errorf("unit %s: in the survey sheet, not in survey results", unit)
		}
	}
	// The province: the JSON's province totals, its elements included.
	p := doc.Province
	exp := []string{"", "Toàn tỉnh", strconv.Itoa(p.Responses), numText(p.Satisfaction), numText(p.CILow), numText(p.CIHigh)}
	for _, e := range elements {
		exp = append(exp, p.elementValues()[e])
	}
	if p.Satisfaction == nil || p.Responses == 0 {
		t.Errorf("survey results json: no province satisfaction: %+v", p)
	}
	checkRow("province", province, exp)
}

// A unit's assessment page computes its totals as the results do: on the
// demo's open period, whose survey leaves read the SIPAS responses, every
// unit's final total on its assessment equals its points in `score`.
func TestDemoAssessmentAgreesWithResults(t *testing.T) {
	c := newCLI(t)
	c.ok("demo")
	ctx := context.Background()
	st := storetest.OpenURL(t, c.db)
	admin, err := auth.NewService(st, nil).User(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	sv := newServices(st, false)
	wf := sv.workflow
	out, err := sv.results.Compute(ctx, demoOpenPeriod, "", scoring.StageFinal)
	if err != nil {
		t.Fatal(err)
	}
	checked, survey := 0, 0
	for _, g := range out.Groups {
		for _, r := range g.Results {
			a, err := wf.Assessment(ctx, admin, demoOpenPeriod, r.Unit)
			if err != nil {
				t.Fatal(err)
			}
			got := a.Totals[scoring.StageFinal]
			if !got.Points.Equal(r.Points) || !got.Max.Equal(r.Max) {
				t.Errorf("%s: assessment total %s / %s, results %s / %s", r.Unit, got.Points, got.Max, r.Points, r.Max)
			}
			for _, it := range g.Framework.Leaves() {
				if it.Method == scoring.Survey && got.Nodes[it.Code].Points.IsPositive() {
					survey++
				}
			}
			checked++
		}
	}
	if checked == 0 || survey == 0 {
		t.Fatalf("checked %d units, %d survey leaves with points: the demo's open period should have both", checked, survey)
	}
}
