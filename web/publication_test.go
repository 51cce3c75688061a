package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/parindex/parindex/domain"
)

// unitsOf lists the units of a results document.
func unitsOf(t *testing.T, body string) map[string]string {
	t.Helper()
	var doc struct {
		Results []struct {
			Unit   string
			Points json.Number
		}
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("results: %v\n%s", err, body)
	}
	out := map[string]string{}
	for _, r := range doc.Results {
		out[r.Unit] = r.Points.String()
	}
	return out
}

// TestHiddenRoundsInEveryReader reproduces issue 10: with the period in
// appraisal and appraisal points saved, the unit's officer saw the
// council's round through the results API and the staff scorecard, and an
// appraiser assigned to one unit read another's through the reports and
// the workbook. Every reader now applies the workflow's rules.
func TestHiddenRoundsInEveryReader(t *testing.T) {
	p := newProvince(t)
	officer1, officer2 := p.as("officer1"), p.as("officer2")
	for item, pts := range map[string]int{"1.1": 8, "1.2": 20, "3.1": 30} {
		if code, body := officer1.json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/"+item+"/self", map[string]any{"points": pts}); code != 200 {
			t.Fatalf("self %s: %d %s", item, code, body)
		}
	}
	if code, body := officer2.json(http.MethodPut, "/api/v1/periods/2025/units/U2/items/1.2/self", map[string]any{"points": 10}); code != 200 {
		t.Fatalf("U2: %d %s", code, body)
	}
	p.setPhase(domain.PhaseAppraisal)
	if code, body := p.as("appraiser").json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/3.1/appraisal",
		map[string]any{"points": 10, "comment": "Vi phạm kỷ luật công vụ"}); code != 200 {
		t.Fatalf("appraisal: %d %s", code, body)
	}
	// U1: self 8 + 20 + 27 (90 % of 30) + 30 = 85; with the appraisal, 65.
	code, body := officer1.json(http.MethodGet, "/api/v1/periods/2025/results", nil)
	p.wantStatus("the officer's results", code, body, 200)
	if got := unitsOf(t, body); len(got) != 1 || got["U1"] != "85.00" {
		t.Errorf("the officer reads %v, want only U1 at its self-assessment 85.00", got)
	}
	res, page := p.do(officer1, http.MethodGet, "/reports/2025/units/U1", "", nil, nil)
	if res.StatusCode != 200 || strings.Contains(page, "65,00") || !strings.Contains(page, "85,00") {
		t.Errorf("the officer's scorecard: %d, shows 65,00 %v, 85,00 %v", res.StatusCode, strings.Contains(page, "65,00"), strings.Contains(page, "85,00"))
	}
	if res, _ := p.do(officer1, http.MethodGet, "/reports/2025/units/U2", "", nil, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("the officer on another unit's scorecard: %d", res.StatusCode)
	}
	// The appraiser assigned to U2 only.
	a2 := p.as("appraiser2")
	code, body = a2.json(http.MethodGet, "/api/v1/periods/2025/results", nil)
	if got := unitsOf(t, body); code != 200 || len(got) != 1 || got["U2"] == "" {
		t.Errorf("appraiser2 reads %d %v, want only U2", code, got)
	}
	if res, _ := p.do(a2, http.MethodGet, "/reports/2025/units/U1", "", nil, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("appraiser2 on U1's scorecard: %d", res.StatusCode)
	}
	if res, page := p.do(a2, http.MethodGet, "/reports/2025", "", nil, nil); res.StatusCode != 200 || strings.Contains(page, "Sở Nội vụ") {
		t.Errorf("appraiser2's overview: %d, names U1: %v", res.StatusCode, strings.Contains(page, "Sở Nội vụ"))
	}
	sheets, cells := workbook(t, p, a2)
	if slices.Contains(sheets, "U1") || strings.Contains(cells, "Sở Nội vụ") || strings.Contains(cells, "Vi phạm kỷ luật") {
		t.Errorf("appraiser2's workbook holds U1: sheets %v", sheets)
	}
	// The appraiser without assignment sees every unit, and the round.
	sheets, cells = workbook(t, p, p.as("appraiser"))
	if !slices.Contains(sheets, "U1") || !strings.Contains(cells, "Vi phạm kỷ luật") || !strings.Contains(cells, "65") {
		t.Errorf("the appraiser's workbook lacks U1's round: sheets %v", sheets)
	}
}

// workbook downloads the 2025 workbook as a user and returns its sheet
// names and every cell's text.
func workbook(t *testing.T, p *province, c *client) ([]string, string) {
	t.Helper()
	res, body := p.do(c, http.MethodGet, "/reports/2025/workbook.xlsx", "", nil, nil)
	if res.StatusCode != 200 {
		t.Fatalf("workbook: %d %s", res.StatusCode, body)
	}
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var all strings.Builder
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			all.WriteString(strings.Join(r, "|") + "\n")
		}
	}
	return f.GetSheetList(), all.String()
}

// TestRemindersAreBounded reproduces issue 11's item 5: one request
// naming a unit over and over stored a reminder per name. A reminder now
// names each unit once, a request is bounded, and a refused one stores
// nothing; the officer's home shows the latest reminders and a count.
func TestRemindersAreBounded(t *testing.T) {
	p := newProvince(t)
	admin := p.as("admin")
	count := func() int {
		t.Helper()
		n, err := p.st.ReminderCounts(t.Context(), "2025")
		if err != nil {
			t.Fatal(err)
		}
		return n["U1"] + n["U2"] + n["U3"]
	}
	many := make([]string, 40_000)
	for i := range many {
		many[i] = "U1"
	}
	code, body := admin.json(http.MethodPost, "/api/v1/periods/2025/reminders", map[string]any{"units": many, "message": "Đề nghị hoàn thành tự đánh giá"})
	p.wantStatus("one unit named 40,000 times", code, body, 201)
	if body != `{"sent":1}`+"\n" || count() != 1 {
		t.Errorf("one unit named 40,000 times: %s, %d stored", body, count())
	}
	huge := make([]string, 3_000_001)
	for i := range huge {
		huge[i] = "U1"
	}
	code, body = admin.json(http.MethodPost, "/api/v1/periods/2025/reminders", map[string]any{"units": huge, "message": "x"})
	p.wantStatus("one unit named 3,000,001 times", code, body, 413)
	code, body = admin.json(http.MethodPost, "/api/v1/periods/2025/reminders", map[string]any{"units": []string{"U2", "NOPE"}, "message": "x"})
	p.wantStatus("an unknown unit", code, body, 404)
	if count() != 1 {
		t.Errorf("refused requests stored reminders: %d", count())
	}
	for range 14 {
		if code, body := admin.json(http.MethodPost, "/api/v1/periods/2025/reminders", map[string]any{"units": []string{"U1"}, "message": "Nhắc lại"}); code != 201 {
			t.Fatalf("remind: %d %s", code, body)
		}
	}
	res, page := p.do(p.as("officer1"), http.MethodGet, "/work", "", nil, nil)
	if res.StatusCode != 200 || strings.Count(page, `class="reminder"`) != 10 || !strings.Contains(page, "và 5 nhắc nhở cũ hơn.") {
		t.Errorf("the officer's home: %d, %d reminders shown", res.StatusCode, strings.Count(page, `class="reminder"`))
	}
}

// TestCorrectionThroughTheAPI: publish, reopen with a reason, correct,
// publish number 2 with a reason; the public API serves the latest
// publication, lists both with the changes, and keeps number 1 readable;
// the signed decision is attached and downloaded.
func TestCorrectionThroughTheAPI(t *testing.T) {
	p := newProvince(t)
	officer, appraiser, committee, admin, public := p.as("officer1"), p.as("appraiser"), p.as("committee"), p.as("admin"), p.as("")
	for item, pts := range map[string]int{"1.1": 8, "1.2": 20, "3.1": 30} {
		if code, body := officer.json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/"+item+"/self", map[string]any{"points": pts}); code != 200 {
			t.Fatalf("self %s: %d %s", item, code, body)
		}
	}
	p.setPhase(domain.PhaseFinalAppraisal)
	code, body := committee.json(http.MethodGet, "/api/v1/periods/2025/readiness", nil)
	p.wantStatus("readiness", code, body, 200)
	if !strings.Contains(body, `"ready":false`) || !strings.Contains(body, `"units":3,"submitted":0`) {
		t.Errorf("readiness: %s", body)
	}
	if code, _ := officer.json(http.MethodGet, "/api/v1/periods/2025/readiness", nil); code != 403 {
		t.Errorf("an officer reads the readiness: %d", code)
	}
	publish := func(body map[string]string, want int) string {
		t.Helper()
		code, out := committee.json(http.MethodPost, "/api/v1/periods/2025/publication", body)
		p.wantStatus("publish "+body["decision_no"], code, out, want)
		return out
	}
	publish(map[string]string{"decision_no": "45/QĐ-UBND", "decision_date": "2025-12-02"}, 422) // after the clock's today
	publish(map[string]string{"decision_no": "45/QĐ-UBND", "decision_date": "2025-11-20"}, 409) // not ready
	publish(map[string]string{"decision_no": "45/QĐ-UBND", "decision_date": "2025-11-20", "override": "Hai đơn vị chưa tham gia"}, 201)
	_, first := public.json(http.MethodGet, "/api/v1/periods/2025/results", nil)
	if got := unitsOf(t, first); got["U1"] != "85.00" {
		t.Fatalf("published U1: %v", got)
	}

	// Reopened, with a reason; the final round is corrected.
	code, body = admin.json(http.MethodPost, "/api/v1/periods/2025/phase", map[string]string{"phase": "correction"})
	p.wantStatus("reopen without a reason", code, body, 422)
	code, body = admin.json(http.MethodPost, "/api/v1/periods/2025/phase", map[string]string{"phase": "correction", "reason": "Sai điểm kỷ luật của Sở Nội vụ"})
	p.wantStatus("reopen", code, body, 200)
	if !strings.Contains(body, `"phase":"correction"`) {
		t.Errorf("reopen: %s", body)
	}
	code, body = appraiser.json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/3.1/final", map[string]any{"points": 20, "comment": "Đính chính"})
	p.wantStatus("a final value during the correction", code, body, 200)
	code, body = officer.json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/3.1/self", map[string]any{"points": 40})
	p.wantStatus("self during the correction", code, body, 409)
	if _, now := public.json(http.MethodGet, "/api/v1/periods/2025/results", nil); now != first {
		t.Errorf("the public results changed before the correction was published")
	}
	if _, staff := admin.json(http.MethodGet, "/api/v1/periods/2025/results", nil); staff != first {
		t.Errorf("staff read a result not published")
	}

	publish(map[string]string{"decision_no": "46/QĐ-UBND", "decision_date": "2025-11-28", "override": "x"}, 422) // no reason
	out := publish(map[string]string{"decision_no": "46/QĐ-UBND", "decision_date": "2025-11-28", "override": "x",
		"reason": "Đính chính điểm kỷ luật"}, 201)
	if !strings.Contains(out, `"number":2`) || !strings.Contains(out, `"reason":"Đính chính điểm kỷ luật"`) {
		t.Errorf("publication 2: %s", out)
	}
	_, second := public.json(http.MethodGet, "/api/v1/periods/2025/results", nil)
	if got := unitsOf(t, second); got["U1"] != "75.00" { // 8 + 20 + 27 + 20
		t.Errorf("after the correction U1: %v", got)
	}
	code, body = public.json(http.MethodGet, "/api/v1/periods/2025/publications", nil)
	p.wantStatus("publications", code, body, 200)
	var list struct {
		Publications []struct {
			Number   int
			Reason   string
			Reopened string `json:"reopened_reason"`
			Changes  []struct {
				Unit          string
				Before, After struct{ Points, Index json.Number }
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil || len(list.Publications) != 2 {
		t.Fatalf("publications: %v %s", err, body)
	}
	two := list.Publications[1]
	if two.Number != 2 || two.Reopened != "Sai điểm kỷ luật của Sở Nội vụ" || len(two.Changes) != 1 || two.Changes[0].Unit != "U1" ||
		two.Changes[0].Before.Points.String() != "85.00" || two.Changes[0].After.Points.String() != "75.00" {
		t.Errorf("publication 2 in the list: %+v", two)
	}
	code, body = public.json(http.MethodGet, "/api/v1/periods/2025/publications/1", nil)
	if got := unitsOf(t, body); code != 200 || got["U1"] != "85.00" {
		t.Errorf("publication 1: %d %v", code, got)
	}
	if code, _ := public.json(http.MethodGet, "/api/v1/periods/2025/publications/3", nil); code != 404 {
		t.Errorf("publication 3: %d", code)
	}

	// The signed decision: a PDF, by the committee or the secretariat,
	// downloaded by anyone as an attachment.
	code, body = committee.upload("/api/v1/periods/2025/publications/2/decision", "quyet-dinh-46.pdf", samplePDF)
	p.wantStatus("attach the decision", code, body, 201)
	code, body = committee.upload("/api/v1/periods/2025/publications/2/decision", "quyet-dinh.pdf", []byte("not a pdf at all"))
	p.wantStatus("attach a file that is not a PDF", code, body, 415)
	code, body = officer.upload("/api/v1/periods/2025/publications/2/decision", "quyet-dinh.pdf", samplePDF)
	p.wantStatus("an officer attaches a decision", code, body, 403)
	res, pdf := p.do(nil, http.MethodGet, "/periods/2025/publications/2/decision.pdf", "", nil, nil)
	if res.StatusCode != 200 || !bytes.Equal([]byte(pdf), samplePDF) || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") ||
		res.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("download the decision: %d %q %q", res.StatusCode, res.Header.Get("Content-Disposition"), res.Header.Get("Content-Type"))
	}
	if res, _ := p.do(nil, http.MethodGet, "/periods/2025/publications/1/decision.pdf", "", nil, nil); res.StatusCode != 404 {
		t.Errorf("publication 1 has no decision attached: %d", res.StatusCode)
	}
	res, page := p.do(nil, http.MethodGet, "/periods/2025", "", nil, nil)
	for _, w := range []string{"Đính chính (lần công bố 2):", "Đính chính điểm kỷ luật", "/periods/2025/publications/2/decision.pdf",
		`href="/periods/2025/publications/1"`, "46/QĐ-UBND"} {
		if res.StatusCode != 200 || !strings.Contains(page, w) {
			t.Errorf("public ranking lacks %q", w)
		}
	}
}
