package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/surveys"
	"github.com/parindex/parindex/web"
	"github.com/parindex/parindex/workflow"
)

// communeSet is a commune set of two fields: a manual leaf (60) and a
// SIPAS survey leaf (40).
func communeSet(period string) string {
	return fmt.Sprintf(`period: %q
group: XA
name: Bộ chỉ số xã %s
grades:
  - {code: T, name: Tốt, min: 80}
  - {code: K, name: Khá, min: 0}
inputs:
  - {name: sipas, label: SIPAS}
  - {name: sipas_sample, label: Số phiếu SIPAS}
items:
  - code: "1"
    name: Chỉ đạo, điều hành
    items:
      - {code: "1.1", name: Kế hoạch, max: 60, method: manual}
  - code: "2"
    name: Sự hài lòng
    items:
      - {code: "2.1", name: SIPAS, max: 40, method: survey, survey: sipas}
`, period, period)
}

// communes is a province whose 2025 commune M was formed from A and B of
// 2024; C keeps its code. Both periods are published.
//
//	2024  A 50 + 36 = 86 (self 55), B 40 + 36 = 76, C 30 + 36 = 66
//	2025  M 45 + 36 = 81 (self 60), C 50 + 36 = 86
//
// M is compared with (86 + 76)/2 = 81: +0.00; C with 66: +20.00, up 2.
type communes struct {
	st      *store.Store
	surveys *surveys.Service
	handler http.Handler
}

func newCommunes(t *testing.T) *communes {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.UpsertGroups(ctx, []domain.Group{{Code: "XA", Name: "UBND xã, phường"}}))
	_, _, err := st.ImportUnits(ctx, []domain.Unit{
		{Code: "A", Name: "UBND xã An", Group: "XA"}, {Code: "B", Name: "UBND xã Bình", Group: "XA"},
		{Code: "C", Name: "UBND xã Châu", Group: "XA"}, {Code: "M", Name: "UBND xã Mới", Group: "XA"},
	})
	must(err)
	var scores []domain.Score
	var inputs []domain.Input
	for period, units := range map[string]map[string][2]string{
		"2024": {"A": {"50", "55"}, "B": {"40", "40"}, "C": {"30", "30"}},
		"2025": {"M": {"45", "60"}, "C": {"50", "50"}},
	} {
		fw, err := scoring.ParseFramework(strings.NewReader(communeSet(period)))
		must(err)
		_, err = st.SaveFramework(ctx, fw, []byte(communeSet(period)), false)
		must(err)
		for u, pts := range units {
			final, _ := scoring.ParseDecimal(pts[0])
			self, _ := scoring.ParseDecimal(pts[1])
			scores = append(scores,
				domain.Score{Period: period, Unit: u, Item: "1.1", Stage: scoring.StageFinal, Value: scoring.Value{Points: final}},
				domain.Score{Period: period, Unit: u, Item: "1.1", Stage: scoring.StageSelf, Value: scoring.Value{Points: self}})
			sipas, _ := scoring.ParseDecimal("0.9")
			inputs = append(inputs, domain.Input{Period: period, Unit: u, Name: "sipas", Value: sipas},
				domain.Input{Period: period, Unit: u, Name: "sipas_sample", Value: scoring.NewInt(200)})
		}
	}
	_, err = st.RecordScores(ctx, scores, "import", "import")
	must(err)
	must(st.RecordInputs(ctx, inputs, "import"))
	must(st.SetPhase(ctx, "2024", domain.PhasePublished))
	must(st.SetPhase(ctx, "2025", domain.PhasePublished))
	authSvc := auth.NewService(st, nil)
	for _, u := range []auth.User{{Username: "thuky", Role: auth.Admin}, {Username: "canbo.c", Role: auth.Officer, Unit: "C"},
		{Username: "thamdinh", Role: auth.Appraiser}} {
		_, err := authSvc.CreateUser(ctx, u, testPassword)
		must(err)
	}
	res := &results.Service{Store: st, Publications: st}
	sv := surveys.NewService(st)
	h := web.New(web.Config{Logger: slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))}, web.Deps{
		Catalog: st, Results: res, Auth: authSvc, Workflow: workflow.NewService(st, res), Lineage: st, Surveys: sv,
	})
	return &communes{st: st, surveys: sv, handler: h}
}

func (p *communes) login(t *testing.T, username string) *pageClient {
	t.Helper()
	c := &pageClient{t: t, h: p.handler, cookies: map[string]*http.Cookie{}}
	res, body := c.post("/login", url.Values{"username": {username}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d\n%s", username, res.StatusCode, clip(body))
	}
	_, body = c.get(res.Header.Get("Location"))
	m := csrfPattern.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token after login")
	}
	c.csrf = m[1]
	return c
}

func (c *pageClient) postFile(target, name, content string) (*http.Response, string) {
	c.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("csrf_token", c.csrf)
	fw, _ := w.CreateFormFile("file", name)
	_, _ = io.WriteString(fw, content)
	_ = w.Close()
	return c.do(http.MethodPost, target, &buf, w.FormDataContentType())
}

// TestLineagePage: the secretariat adds, refuses, imports and deletes
// links, each refusal naming what is wrong and changing nothing.
func TestLineagePage(t *testing.T) {
	p := newCommunes(t)
	// 2025 is being appraised: its comparison may still change.
	if err := p.st.SetPhase(context.Background(), "2025", domain.PhaseFinalAppraisal); err != nil {
		t.Fatal(err)
	}
	admin := p.login(t, "thuky")
	res, body := admin.get("/admin/lineage")
	if res.StatusCode != 200 {
		t.Fatalf("page: %d", res.StatusCode)
	}
	mustContain(t, "empty page", body, "Quan hệ kế thừa giữa các đơn vị", "Chưa có quan hệ kế thừa nào", "Kế thừa đơn vị")

	res, _ = admin.post("/admin/lineage", url.Values{"from_period": {"2024"}, "from_unit": {"A"}, "to_period": {"2025"}, "to_unit": {"M"}, "weight": {"2"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d", res.StatusCode)
	}
	_, body = admin.get(res.Header.Get("Location"))
	mustContain(t, "after adding", body, "Đã lưu quan hệ kế thừa.", "UBND xã Mới", "UBND xã An", "2,00")

	// B without a weight while A has one: refused, with the reason.
	res, body = admin.post("/admin/lineage", url.Values{"from_period": {"2024"}, "from_unit": {"B"}, "to_period": {"2025"}, "to_unit": {"M"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("partial weights: %d", res.StatusCode)
	}
	mustContain(t, "partial weights", body, "Không lưu được", "2024 · B → 2025 · M — Trọng số: đơn vị M có trọng số cho một số đơn vị hợp thành vào kỳ 2025 nhưng không có cho B")
	res, body = admin.post("/admin/lineage", url.Values{"from_period": {"2024"}, "from_unit": {"ZZ"}, "to_period": {"2024"}, "to_unit": {"M"}, "weight": {"1,5"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad link: %d", res.StatusCode)
	}
	mustContain(t, "bad link", body, "Đơn vị trước sắp xếp: không có đơn vị ZZ", "Kỳ sau sắp xếp: kỳ 2024 không sau kỳ trước sắp xếp 2024")
	res, body = admin.post("/admin/lineage", url.Values{"from_period": {"2024"}, "from_unit": {"B"}, "to_period": {"2025"}, "to_unit": {"M"}, "weight": {"một"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Trọng số “một” không phải là số.") {
		t.Errorf("a weight in words: %d", res.StatusCode)
	}

	// A file with a bad line is refused whole, by line.
	res, body = admin.postFile("/admin/lineage/import", "ln.csv", "from_period,from_unit,to_period,to_unit,weight\n2024,B,2025,M,1\n2024,C,2025,M,abc\n")
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad file: %d", res.StatusCode)
	}
	mustContain(t, "bad file", body, "Tệp không được nhập vì có lỗi", "Dòng 3, Trọng số: \"abc\" is not a number")
	if recs, _ := p.st.LineageRecords(context.Background()); len(recs) != 1 {
		t.Fatalf("a refused file wrote links: %v", recs)
	}
	// Equal weights from a file: A's weight of 2 goes too.
	res, _ = admin.postFile("/admin/lineage/import", "ln.csv", "from_period,from_unit,to_period,to_unit\n2024,A,2025,M\n2024,B,2025,M\n")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("import: %d", res.StatusCode)
	}
	_, body = admin.get(res.Header.Get("Location"))
	mustContain(t, "after the import", body, "Đã nhập tệp: 2 quan hệ được thêm hoặc sửa.", "sáp nhập từ 2 đơn vị", "bằng nhau", "Sửa trọng số")

	// Published 2025: the link cannot change any more.
	if err := p.st.SetPhase(context.Background(), "2025", domain.PhasePublished); err != nil {
		t.Fatal(err)
	}
	res, body = admin.post("/admin/lineage/delete", url.Values{"from_period": {"2024"}, "from_unit": {"B"}, "to_period": {"2025"}, "to_unit": {"M"}})
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("delete in a published period: %d", res.StatusCode)
	}
	mustContain(t, "published", body, "Kỳ 2025 đã được công bố", "hãy mở lại kỳ để đính chính trước")
	// The page says so instead of offering to delete; its search ignores
	// diacritics.
	_, body = admin.get("/admin/lineage?q=binh")
	mustContain(t, "search", body, "UBND xã Bình", "Kỳ đã công bố")
	mustNotContain(t, "search", body, "/admin/lineage/delete")
	code, out := apiGet(p, admin, "/api/v1/lineage")
	if code != 200 || !strings.Contains(out, `"from_unit":"B"`) || !strings.Contains(out, `"weight":null`) {
		t.Errorf("API: %d %s", code, out)
	}
	// An officer sees nothing of it.
	officer := p.login(t, "canbo.c")
	if res, _ := officer.get("/admin/lineage"); res.StatusCode != http.StatusForbidden {
		t.Errorf("officer: %d", res.StatusCode)
	}
}

func apiGet(p *communes, c *pageClient, path string) (int, string) {
	res, body := c.get(path)
	return res.StatusCode, body
}

// TestPagesFollowLineage: the ranking, the unit pages, the API and the
// dashboard of a province whose commune M was formed from A and B.
func TestPagesFollowLineage(t *testing.T) {
	p := newCommunes(t)
	// The lineage is stored before 2025 was published.
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(p.st.SetPhase(context.Background(), "2025", domain.PhaseFinalAppraisal))
	_, _, err := p.st.SaveLineage(context.Background(), []scoring.Link{
		{FromPeriod: "2024", FromUnit: "A", ToPeriod: "2025", ToUnit: "M"}, {FromPeriod: "2024", FromUnit: "B", ToPeriod: "2025", ToUnit: "M"},
	}, "thuky", "import")
	must(err)
	must(p.st.SetPhase(context.Background(), "2025", domain.PhasePublished))
	public := &pageClient{t: t, h: p.handler, cookies: map[string]*http.Cookie{}}

	_, body := public.get("/periods/2025")
	// M: no change of rank, +0.00 against the mean of A and B, marked SN.
	mustContain(t, "ranking", body, `<span class="change none" title="So với bình quân chỉ số kỳ 2024 của 2 đơn vị trước sắp xếp (UBND xã An; UBND xã Bình): 81,00.">–</span>`,
		`0,00 <abbr class="mark"`, ">SN</abbr>", "SN: sáp nhập", "Xem độ tin cậy của thứ hạng")
	mustContain(t, "ranking", body, `<span class="change up">▲2</span>`, "+20,00")

	res, body := public.get("/periods/2025?uncertainty=400&seed=3")
	if res.StatusCode != 200 {
		t.Fatalf("uncertainty: %d", res.StatusCode)
	}
	mustContain(t, "ranking with intervals", body, "Thứ hạng và độ tin cậy", "Khoảng hạng 90 %", `<td class="num interval">`, "400 lần", "hạt giống ngẫu nhiên 3")
	for _, bad := range []string{"?uncertainty=0", "?uncertainty=abc", "?uncertainty=10&weights=1", "?uncertainty=10&seed=-1"} {
		if res, _ := public.get("/periods/2025" + bad); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", bad, res.StatusCode)
		}
	}

	_, body = public.get("/periods/2025/units/M")
	mustContain(t, "merged unit", body, "So sánh với kỳ 2024", "bình quân chỉ số kỳ 2024 của 2 đơn vị này", "UBND xã An", "50,00 %",
		"Khoảng hạng 90 %", "Kết quả qua các năm", "bình quân 2 đơn vị trước sắp xếp: UBND xã An; UBND xã Bình", "81,00")
	_, body = public.get("/periods/2024/units/A")
	mustContain(t, "predecessor", body, "Sau sắp xếp đơn vị hành chính", "Từ kỳ 2025, đơn vị được sắp xếp vào", `href="/periods/2025/units/M"`)
	_, body = public.get("/periods/2025/units/C")
	mustNotContain(t, "same unit", body, "So sánh với kỳ 2024")

	// The API: the comparison and, on demand, the rank intervals.
	_, body = public.get("/api/v1/periods/2025/results?uncertainty=300")
	var doc struct {
		Results []struct {
			Unit       string
			RankLow    *int `json:"rank_low"`
			Comparison *struct {
				Kind     string
				Previous json.Number `json:"previous_index"`
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	for _, r := range doc.Results {
		if r.RankLow == nil || (r.Unit == "M") != (r.Comparison != nil) || (r.Comparison != nil && (r.Comparison.Kind != "merged" || r.Comparison.Previous != "81.00")) {
			t.Errorf("API result %+v", r)
		}
	}

	// The public dashboard and scorecard of a published period show the
	// self-assessment: M claimed 60 of the 60 manual points and got 45.
	_, body = public.get("/periods/2025/charts")
	mustContain(t, "dashboard", body, "Tự chấm so với kết quả thẩm định — UBND xã, phường", "Hội đồng thẩm định đã hạ điểm 50,00 % số tiêu chí")
	_, body = public.get("/periods/2025/units/M/scorecard")
	mustContain(t, "scorecard", body, "Chỉ số tự chấm 96,00, sau thẩm định 81,00 (chênh lệch +15,00 điểm)", "bình quân 2 đơn vị trước sắp xếp")
}

// TestHonestyRespectsHiddenRounds: a unit's officer does not see the
// council's points while the council's round is on; the secretariat does.
func TestHonestyRespectsHiddenRounds(t *testing.T) {
	p := newCommunes(t)
	ctx := context.Background()
	if err := p.st.SetPhase(ctx, "2025", domain.PhaseFinalAppraisal); err != nil {
		t.Fatal(err)
	}
	officer, admin := p.login(t, "canbo.c"), p.login(t, "thuky")
	_, body := officer.get("/reports/2025/units/C")
	mustNotContain(t, "officer in final appraisal", body, "Tự chấm so với kết quả thẩm định")
	_, body = admin.get("/reports/2025/units/C")
	mustContain(t, "secretariat", body, "Tự chấm so với kết quả thẩm định")
	if err := p.st.SetPhase(ctx, "2025", domain.PhaseExplanation); err != nil {
		t.Fatal(err)
	}
	_, body = officer.get("/reports/2025/units/C")
	mustContain(t, "officer in explanation", body, "Tự chấm so với kết quả thẩm định")
	// The public sees nothing of an unpublished period.
	public := &pageClient{t: t, h: p.handler, cookies: map[string]*http.Cookie{}}
	// The public sees the period's state, none of its points.
	res, body := public.get("/periods/2025/units/C/scorecard")
	if res.StatusCode != http.StatusOK {
		t.Errorf("public scorecard of an unpublished period: %d", res.StatusCode)
	}
	mustContain(t, "public, unpublished", body, "chưa được công bố</h1>")
	mustNotContain(t, "public, unpublished", body, "Tự chấm so với kết quả thẩm định", "Chỉ số tự chấm")
}

// TestWorkFollowsLineage: in a period the lineage keeps a unit out of, the
// unit is on no one's list and its assessment cannot be opened.
func TestWorkFollowsLineage(t *testing.T) {
	p := newCommunes(t)
	ctx := context.Background()
	if err := p.st.SetPhase(ctx, "2025", domain.PhaseAppraisal); err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.st.SaveLineage(ctx, []scoring.Link{
		{FromPeriod: "2024", FromUnit: "A", ToPeriod: "2025", ToUnit: "M"}, {FromPeriod: "2024", FromUnit: "B", ToPeriod: "2025", ToUnit: "M"},
	}, "thuky", "import"); err != nil {
		t.Fatal(err)
	}
	_, body := p.login(t, "thamdinh").get("/work")
	mustContain(t, "appraiser", body, `href="/work/periods/2025/units/M"`, `href="/work/periods/2025/units/C"`, `href="/reports/2024"`)
	mustNotContain(t, "appraiser", body, `href="/work/periods/2025/units/A"`, `href="/work/periods/2024/units/M"`)
	admin := p.login(t, "thuky")
	_, body = admin.get("/work/periods/2025/dashboard")
	mustNotContain(t, "dashboard", body, `/work/periods/2025/units/A"`, `/work/periods/2025/units/B"`)
	mustContain(t, "dashboard", body, `/work/periods/2025/units/M"`)
	res, body := admin.get("/work/periods/2025/units/A")
	if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "không tham gia kỳ 2025") {
		t.Errorf("A in 2025: %d", res.StatusCode)
	}
}

// TestSurveysFollowLineage: a satisfaction survey of 2025 covers the
// communes of 2025: the picker offers M and C, not A and B, merged into M;
// "every commune" means those of the campaign's period.
func TestSurveysFollowLineage(t *testing.T) {
	p := newCommunes(t)
	ctx := context.Background()
	if err := p.st.SetPhase(ctx, "2025", domain.PhaseFinalAppraisal); err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.st.SaveLineage(ctx, []scoring.Link{
		{FromPeriod: "2024", FromUnit: "A", ToPeriod: "2025", ToUnit: "M"}, {FromPeriod: "2024", FromUnit: "B", ToPeriod: "2025", ToUnit: "M"},
	}, "thuky", "import"); err != nil {
		t.Fatal(err)
	}
	src, _, err := surveys.Template("sipas")
	if err != nil {
		t.Fatal(err)
	}
	for _, period := range []string{"2024", "2025"} {
		if _, err := p.surveys.SaveInstrument(ctx, period, src); err != nil {
			t.Fatal(err)
		}
	}
	admin := p.login(t, "thuky")
	_, body := admin.get("/admin/surveys")
	mustContain(t, "picker", body, `name="units" value="M"`, `name="units" value="C"`, "(2 đơn vị)", `<option value="2025" selected>`)
	mustNotContain(t, "picker", body, `name="units" value="A"`, `name="units" value="B"`)
	for period, want := range map[string]string{"2025": "C M", "2024": "A B C"} {
		res, body := admin.post("/admin/surveys/campaigns", url.Values{"id": {"sipas-" + period}, "name": {"SIPAS " + period}, "period": {period},
			"instrument": {period + "/sipas"}, "margin": {"0,05"}, "groups": {"XA"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create %s: %d\n%s", period, res.StatusCode, clip(body))
		}
		c, err := p.surveys.Campaign(ctx, "sipas-"+period)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, u := range c.Units {
			got = append(got, u.Code)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("the %s campaign covers %q, want %s", period, got, want)
		}
	}
}
