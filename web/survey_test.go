package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/reports"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/surveys"
	"github.com/parindex/parindex/web"
	"github.com/parindex/parindex/workflow"
)

// surveyYAML is a small questionnaire: Q1 (required) and Q2 in element E1,
// Q3 in E2, a yes/no question and a text question.
const surveyYAML = `code: small
name: {vi: Phiếu nhỏ, en: Small form}
intro: {vi: Xin cho biết ý kiến., en: Please tell us.}
scales:
  - code: sat
    satisfied: [4, 5]
    options:
      - {value: 1, label: {vi: Rất không hài lòng, en: Very dissatisfied}}
      - {value: 2, label: {vi: Không hài lòng, en: Dissatisfied}}
      - {value: 3, label: {vi: Bình thường, en: Neutral}}
      - {value: 4, label: {vi: Hài lòng, en: Satisfied}}
      - {value: 5, label: {vi: Rất hài lòng, en: Very satisfied}}
  - code: yn
    options:
      - {value: 1, label: {vi: Có, en: "Yes"}}
      - {value: 2, label: {vi: Không, en: "No"}}
indices:
  - measure: sat
    name: {vi: Chỉ số, en: Index}
    sections: [E1, E2]
sections:
  - code: E1
    title: {vi: Tiếp cận dịch vụ, en: Access}
    questions:
      - {code: Q1, text: {vi: Nơi ngồi chờ, en: Waiting area}, scale: sat, required: true}
      - {code: Q2, text: {vi: Trang thiết bị, en: Equipment}, scale: sat}
  - code: E2
    title: {vi: Kết quả, en: Result}
    questions:
      - {code: Q3, text: {vi: Đúng hẹn, en: On time}, scale: sat}
      - {code: YN, text: {vi: "Có bị phiền hà không?", en: "Were you harassed?"}, scale: yn}
  - code: X
    title: {vi: Góp ý, en: Suggestions}
    questions:
      - {code: T, type: text, text: {vi: Góp ý của Ông/Bà, en: Your suggestion}, max_length: 20}
`

// surveyEnv is a server over a real store with one open survey,
// "khao-sat", over units S1, S2 (group SO) and X1 (XA).
type surveyEnv struct {
	t     *testing.T
	st    *store.Store
	svc   *surveys.Service
	srv   *echo.Echo
	codes []string
	// admin are the headers of the secretariat's logged-in session (with
	// surveyOpts.admin).
	admin map[string]string
}

type surveyOpts struct {
	admin       bool // log the secretariat in (its pages need a session)
	reports     bool // serve the committee's survey page (/reports/P/surveys)
	rate        int
	requireCode bool
	yaml        string
	rules       *surveys.Rules
	dbURL       string // a database of storetest.URL to use, for tests that reach it from outside
}

func newSurveyEnv(t *testing.T, o surveyOpts) *surveyEnv {
	t.Helper()
	ctx := t.Context()
	var st *store.Store
	if o.dbURL != "" {
		st = storetest.OpenURL(t, o.dbURL)
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	} else {
		st = storetest.Open(t)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.UpsertGroups(ctx, []domain.Group{{Code: "SO", Name: "Sở, ban, ngành"}, {Code: "XA", Name: "UBND xã, phường"}}))
	_, _, err := st.ImportUnits(ctx, []domain.Unit{{Code: "S1", Name: "Sở Nội vụ", Group: "SO"}, {Code: "S2", Name: "Sở Tư pháp", Group: "SO"}, {Code: "X1", Name: "UBND xã Tân Thuận", Group: "XA"}})
	must(err)
	svc := surveys.NewService(st)
	if o.rules != nil {
		svc.Rules = *o.rules
	}
	src := o.yaml
	if src == "" {
		src = surveyYAML
	}
	si, err := svc.SaveInstrument(ctx, "2026", []byte(src))
	must(err)
	_, err = svc.CreateCampaign(ctx, surveys.CampaignSpec{Code: "khao-sat", Name: "Khảo sát 2026", Period: "2026", Instrument: si.Code,
		RequireCode: o.requireCode,
		Units:       []surveys.CampaignUnit{{Code: "S1", Transactions: 1000}, {Code: "S2", Transactions: 400}, {Code: "X1", Transactions: 10}}})
	must(err)
	must(svc.SetState(ctx, "khao-sat", surveys.Open))
	codes, err := svc.NewCodes(ctx, "khao-sat", "S1", 3)
	must(err)
	cfg := web.SurveyConfig{RatePerMinute: o.rate, RateBurst: o.rate}
	if o.rate == 0 {
		cfg.RatePerMinute = -1
	}
	logs := slog.New(slog.NewTextHandler(surveyLog{t}, &slog.HandlerOptions{Level: slog.LevelError}))
	deps := web.Deps{Catalog: st, Results: &results.Service{Store: st}, Surveys: svc}
	e := &surveyEnv{t: t, st: st, svc: svc, codes: codes}
	if o.admin {
		// The secretariat logs in, as on the real server.
		deps.Auth = auth.NewService(st, nil)
		deps.Workflow = workflow.NewService(st, nil)
		_, err := deps.Auth.CreateUser(ctx, auth.User{Username: "thuky", Name: "thư ký", Role: auth.Admin}, "mat-khau-thu-ky-2026")
		must(err)
		token, sess, _, err := deps.Auth.Login(ctx, "thuky", "mat-khau-thu-ky-2026", "192.0.2.1")
		must(err)
		e.admin = map[string]string{"Cookie": "parindex_session=" + token, "X-CSRF-Token": sess.CSRF}
	}
	if o.reports {
		deps.Reports = &reports.Sources{Surveys: surveySource{st: st, svc: svc}}
	}
	e.srv = web.New(web.Config{Logger: logs, Province: "Tỉnh Thử Nghiệm", Survey: cfg}, deps)
	return e
}

// surveySource gives the committee's page the store's campaigns and the
// service's results, as `serve` does.
type surveySource struct {
	st  *store.Store
	svc *surveys.Service
}

func (s surveySource) Campaigns(ctx context.Context) ([]surveys.Campaign, error) {
	return s.st.Campaigns(ctx)
}

func (s surveySource) Results(ctx context.Context, code string) (*surveys.Campaign, *surveys.Results, error) {
	return s.svc.Results(ctx, code)
}

// req is one request to the survey server.
type req struct {
	method, url string
	body        string
	form        url.Values
	header      map[string]string
	remote      string
}

func (e *surveyEnv) do(r req) (*http.Response, string) {
	e.t.Helper()
	if r.method == "" {
		r.method = http.MethodGet
	}
	var body io.Reader
	if r.form != nil {
		body = strings.NewReader(r.form.Encode())
	} else if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr := httptest.NewRequest(r.method, r.url, body)
	if r.form != nil {
		hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else if r.body != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	if r.remote != "" {
		hr.RemoteAddr = r.remote + ":1234"
	}
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, hr)
	res := rec.Result()
	raw, _ := io.ReadAll(res.Body)
	text := string(raw)
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		text = html.UnescapeString(text)
		if strings.Contains(text, "⟦") {
			e.t.Errorf("%s %s shows a missing catalogue key:\n%s", r.method, r.url, clip(text))
		}
		// The CSP allows scripts and styles only from files of the site.
		if regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]`).MatchString(text) || strings.Contains(text, " style=") || strings.Contains(text, "<style") {
			e.t.Errorf("%s %s has an inline script or style", r.method, r.url)
		}
	}
	return res, text
}

func (e *surveyEnv) expect(r req, status int, contains ...string) string {
	e.t.Helper()
	res, body := e.do(r)
	if res.StatusCode != status {
		e.t.Errorf("%s %s: status %d, want %d\n%s", r.method, r.url, res.StatusCode, status, clip(body))
	}
	for _, s := range contains {
		if !strings.Contains(body, s) {
			e.t.Errorf("%s %s: body lacks %q\n%s", r.method, r.url, s, clip(body))
		}
	}
	return body
}

// responses lists the survey's responses with the statuses, newest first.
func (e *surveyEnv) responses(statuses ...surveys.Status) []surveys.Response {
	e.t.Helper()
	c, err := e.svc.Campaign(e.t.Context(), "khao-sat")
	if err != nil {
		e.t.Fatal(err)
	}
	if len(statuses) == 0 {
		statuses = []surveys.Status{surveys.Valid, surveys.Flagged, surveys.Rejected}
	}
	var out []surveys.Response
	for _, st := range statuses {
		list, err := e.st.Responses(e.t.Context(), c.ID, st, 1000)
		if err != nil {
			e.t.Fatal(err)
		}
		out = append(out, list...)
	}
	return out
}

// count counts the survey's responses that match.
func (e *surveyEnv) count(match func(surveys.Response) bool, statuses ...surveys.Status) int {
	n := 0
	for _, r := range e.responses(statuses...) {
		if match == nil || match(r) {
			n++
		}
	}
	return n
}

func TestSurveyAPI(t *testing.T) {
	e := newSurveyEnv(t, surveyOpts{})
	e.expect(req{url: "/api/v1/surveys"}, 200, `"id":"khao-sat"`, `"units":["S1","S2","X1"]`, `"period":"2026"`)
	e.expect(req{url: "/api/v1/surveys?unit=X1"}, 200, `"id":"khao-sat"`)
	if body := e.expect(req{url: "/api/v1/surveys?unit=NOPE"}, 200); strings.TrimSpace(body) != "[]" {
		t.Errorf("surveys of an unknown unit: %s", body)
	}
	e.expect(req{url: "/api/v1/surveys/khao-sat"}, 200,
		`"id":"khao-sat"`, `"name":"Khảo sát 2026"`,
		`{"code":"Q1","text":"Nơi ngồi chờ","required":true,"type":"choice","section":"E1","answers":[{"value":1,"label":"Rất không hài lòng"}`,
		`{"value":5,"label":"Rất hài lòng"}`, `{"code":"T","text":"Góp ý của Ông/Bà","required":false,"type":"text","section":"X","max_length":20,"answers":[]}`)
	e.expect(req{url: "/api/v1/surveys/khao-sat?lang=en"}, 200, `"text":"Waiting area"`, `"label":"Very satisfied"`)
	e.expect(req{url: "/api/v1/surveys/nope"}, 404, `"error":"Không có cuộc khảo sát nope."`)

	post := func(body string) req {
		return req{method: http.MethodPost, url: "/api/v1/surveys/khao-sat/responses", body: body}
	}
	body := e.expect(post(`{"unit":"S1","answers":{"Q1":5,"Q2":"4","Q3":null,"YN":2,"T":"Nhanh gọn"}}`), 201, `"survey":"khao-sat"`, `"unit":"S1"`)
	var created struct{ ID int64 }
	if err := json.Unmarshal([]byte(body), &created); err != nil || created.ID == 0 {
		t.Fatalf("201 body %s", body)
	}
	e.expect(post(`{"unit":"S1","code":"`+e.codes[0]+`","answers":{"Q1":4}}`), 201)
	e.expect(post(`{"unit":"S1","code":"`+strings.ToLower(e.codes[0])+`","answers":{"Q1":4}}`), 409, `"error":"the one-time code has already been used"`)
	e.expect(post(`{"unit":"S2","code":"`+e.codes[1]+`","answers":{"Q1":4}}`), 422, "another unit")
	e.expect(post(`{"unit":"S1","answers":{"Q1":6,"Q9":1,"YN":true}}`), 422, "YN: an answer must be a number")
	e.expect(post(`{"unit":"S1","answers":{"Q1":6,"Q9":1}}`), 422, `Q1: \"6\" is not one of 1, 2, 3, 4, 5`, "Q9: no such question")
	e.expect(post(`{"unit":"S1","answers":{"Q2":4}}`), 422, "Q1: an answer is required")
	e.expect(post(`{"unit":"NOPE","answers":{"Q1":4}}`), 422, "the survey does not cover this unit")
	e.expect(post(`{"unit":"S1","answers":`), 400)
	e.expect(post(`{"unit":"S1","answers":{"Q1":4},"extra":1}`), 400)
	e.expect(req{method: http.MethodPost, url: "/api/v1/surveys/nope/responses", body: `{"unit":"S1","answers":{"Q1":4}}`}, 404)
	// The honeypot: the bot is told nothing, the response is kept but rejected.
	e.expect(post(`{"unit":"S1","answers":{"Q1":1},"website":"http://spam.example"}`), 201)
	if n := e.count(func(r surveys.Response) bool { return strings.Join(r.Flags, ",") == "honeypot" }, surveys.Rejected); n != 1 {
		t.Errorf("%d honeypot responses kept", n)
	}
	if n := e.count(nil, surveys.Valid); n != 2 {
		t.Errorf("%d valid responses, want 2", n)
	}
	// Closed: 409.
	if err := e.svc.SetState(t.Context(), "khao-sat", surveys.Closed); err != nil {
		t.Fatal(err)
	}
	e.expect(post(`{"unit":"S1","answers":{"Q1":4}}`), 409, "the survey is not open")
	e.expect(req{url: "/api/v1/surveys"}, 200, "[]")
	// Without the secretariat's guard, its routes do not exist.
	e.expect(req{url: "/api/v1/surveys/khao-sat/results"}, 404)
	e.expect(req{url: "/admin/surveys"}, 404)
}

func TestSurveyRateLimit(t *testing.T) {
	e := newSurveyEnv(t, surveyOpts{rate: 3})
	post := func(remote string) *http.Response {
		res, _ := e.do(req{method: http.MethodPost, url: "/api/v1/surveys/khao-sat/responses", body: `{"unit":"S1","answers":{"Q1":4}}`, remote: remote})
		return res
	}
	for i := range 3 {
		if res := post("192.0.2.1"); res.StatusCode != 201 {
			t.Fatalf("submission %d: %d", i+1, res.StatusCode)
		}
	}
	res := post("192.0.2.1")
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "20" {
		t.Errorf("fourth: %d, Retry-After %q; want 429 after 20 s (3 a minute)", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if res := post("192.0.2.2"); res.StatusCode != 201 {
		t.Errorf("another client: %d", res.StatusCode)
	}
	// The form answers 429 with a page, and spoofed headers do not help.
	r, body := e.do(req{method: http.MethodPost, url: "/s/khao-sat/S1", form: url.Values{"q_Q1": {"4"}}, remote: "192.0.2.1",
		header: map[string]string{"X-Forwarded-For": "198.51.100.7"}})
	if r.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Xin thử lại sau") {
		t.Errorf("form over the limit: %d\n%s", r.StatusCode, clip(body))
	}
	if n := e.count(nil); n != 4 {
		t.Errorf("%d responses stored, want 4", n)
	}
}

func TestSurveyForm(t *testing.T) {
	e := newSurveyEnv(t, surveyOpts{rules: &surveys.Rules{}})
	page := e.expect(req{url: "/s/khao-sat/S1"}, 200,
		`<html lang="vi">`, "Phiếu nhỏ", "Sở Nội vụ", "Xin cho biết ý kiến.",
		`<fieldset class="sv-q" id="q-Q1">`, `<legend class="sv-legend">Nơi ngồi chờ <span class="req" aria-hidden="true">*</span><span class="sr">(bắt buộc)</span></legend>`,
		`<input type="radio" id="q-Q1-5" name="q_Q1" value="5"><label for="q-Q1-5">Rất hài lòng</label>`,
		`<label for="q-T-in" class="sv-legend">Góp ý của Ông/Bà</label>`, `maxlength="20"`,
		`name="website" tabindex="-1"`, `<button type="submit" class="sv-submit">Gửi ý kiến</button>`,
		`hreflang="en"`, `name="t" value="`)
	// One script, the offline queue, which the form does without; no
	// refresh.
	if scripts := regexp.MustCompile(`<script src="([^"?]+)`).FindAllStringSubmatch(page, -1); len(scripts) != 1 || scripts[0][1] != "/static/survey-offline.js" || strings.Contains(page, "http-equiv") {
		t.Errorf("the public form's scripts %v (want the offline queue alone), or a refresh", scripts)
	}
	for _, w := range []string{`<link rel="manifest" href="/s/khao-sat/S1/app.webmanifest">`, `data-worker="/survey-sw.js" data-scope="/s/"`,
		`data-offline="s" data-survey="khao-sat" data-unit="S1"`, `name="key" value="`, `id="sv-device"`} {
		if !strings.Contains(page, w) {
			t.Errorf("the public form lacks %s", w)
		}
	}
	e.expect(req{url: "/s/khao-sat/S1?lang=en"}, 200, `<html lang="en">`, "Small form", "Waiting area", "Very satisfied", "Send")
	e.expect(req{url: "/s/khao-sat/NOPE"}, 404)
	e.expect(req{url: "/s/nope/S1"}, 404)
	e.expect(req{url: "/s/khao-sat"}, 200, `<a href="/s/khao-sat/S1">Sở Nội vụ</a>`, "UBND xã, phường")

	token := regexp.MustCompile(`name="t" value="([^"]+)"`).FindStringSubmatch(page)[1]
	// Missing and wrong answers: the form again, every problem named.
	bad := e.expect(req{method: http.MethodPost, url: "/s/khao-sat/S1", form: url.Values{"t": {token}, "q_Q2": {"9"}, "q_T": {strings.Repeat("x", 21)}}}, 422,
		`<div class="sv-errors" role="alert"`, `<a href="#q-Q1">Nơi ngồi chờ: Xin chọn một câu trả lời.</a>`,
		`<a href="#q-Q2">Trang thiết bị: Câu trả lời không hợp lệ.</a>`, "Nội dung dài quá 20 ký tự.",
		`<fieldset class="sv-q sv-invalid" id="q-Q1" aria-describedby="q-Q1-err">`)
	if !strings.Contains(bad, strings.Repeat("x", 21)+"</textarea>") {
		t.Error("the text typed was lost")
	}
	if n := e.count(nil); n != 0 {
		t.Fatalf("an invalid form stored %d responses", n)
	}
	// A good one: 303 to the thank-you page.
	res, _ := e.do(req{method: http.MethodPost, url: "/s/khao-sat/S1", form: url.Values{"t": {token}, "q_Q1": {"5"}, "q_Q3": {"4"}, "q_T": {"Tốt"}}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/s/khao-sat/S1/thanks" {
		t.Fatalf("submit: %d → %s", res.StatusCode, res.Header.Get("Location"))
	}
	e.expect(req{url: "/s/khao-sat/S1/thanks"}, 200, "Cảm ơn Ông/Bà đã góp ý!", "Sở Nội vụ")
	_, out, err := e.svc.Results(t.Context(), "khao-sat")
	if err != nil {
		t.Fatal(err)
	}
	if u := out.Unit("S1"); u.Responses != 1 || u.Main().Value.StringFixed(2) != "1.00" {
		t.Errorf("S1 after the form: %d responses, %s", u.Responses, u.Main().Value)
	}
	if rs := e.responses(surveys.Valid); len(rs) != 1 || rs[0].Duration <= 0 {
		t.Errorf("the time taken was not kept: %+v", rs)
	}
	// A used code: 409 with the form again.
	form := url.Values{"q_Q1": {"4"}, "code": {e.codes[0]}}
	e.expect(req{method: http.MethodPost, url: "/s/khao-sat/S1", form: form}, 303)
	e.expect(req{method: http.MethodPost, url: "/s/khao-sat/S1", form: form}, 409, "Mã này đã được dùng để gửi phiếu.", `aria-invalid="true"`)
	// The honeypot looks like a success.
	res, _ = e.do(req{method: http.MethodPost, url: "/s/khao-sat/S1", form: url.Values{"q_Q1": {"1"}, "website": {"x"}}})
	if res.StatusCode != http.StatusSeeOther || e.count(nil, surveys.Rejected) != 1 {
		t.Errorf("honeypot: %d, %d rejected", res.StatusCode, e.count(nil, surveys.Rejected))
	}
	// Closed: the form says so.
	if err := e.svc.SetState(t.Context(), "khao-sat", surveys.Closed); err != nil {
		t.Fatal(err)
	}
	e.expect(req{url: "/s/khao-sat/S1"}, 410, "Cuộc khảo sát không mở")
	e.expect(req{method: http.MethodPost, url: "/s/khao-sat/S1", form: url.Values{"q_Q1": {"4"}}}, 409, "Cuộc khảo sát không mở")
}

func TestSurveyKiosk(t *testing.T) {
	e := newSurveyEnv(t, surveyOpts{rules: &surveys.Rules{}})
	e.expect(req{url: "/k/khao-sat/X1"}, 200,
		`<noscript><meta http-equiv="refresh" content="120; url=/k/khao-sat/X1"></noscript>`,
		`<script src="/static/survey-kiosk.js?v=`, `class="kiosk" data-idle="120" data-reset="/k/khao-sat/X1"`,
		`action="/k/khao-sat/X1"`)
	res, _ := e.do(req{method: http.MethodPost, url: "/k/khao-sat/X1", form: url.Values{"q_Q1": {"4"}}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/k/khao-sat/X1/thanks" {
		t.Fatalf("kiosk submit: %d → %s", res.StatusCode, res.Header.Get("Location"))
	}
	e.expect(req{url: "/k/khao-sat/X1/thanks"}, 200, `<meta http-equiv="refresh" content="8; url=/k/khao-sat/X1">`, "Người tiếp theo")
	if n := e.count(func(r surveys.Response) bool { return r.Channel == surveys.Kiosk }); n != 1 {
		t.Errorf("%d kiosk responses", n)
	}
	// The script is served from the site itself.
	e.expect(req{url: "/static/survey-kiosk.js"}, 200, "window.location.replace(target)")
}

func TestSurveyQR(t *testing.T) {
	e := newSurveyEnv(t, surveyOpts{})
	res, body := e.do(req{url: "/s/khao-sat/S1/qr.png", header: map[string]string{"Host": "khaosat.example.vn"}})
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("PNG: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	img, err := png.Decode(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	// A QR code has 21 + 4k modules a side, plus 4 of quiet zone each way,
	// 10 pixels a module.
	side := img.Bounds().Dx()
	if side != img.Bounds().Dy() || side%10 != 0 || (side/10-8-21)%4 != 0 || side/10 < 29 {
		t.Errorf("PNG of %d×%d pixels is not a QR code's shape", side, img.Bounds().Dy())
	}
	if r, _, _, _ := img.At(0, 0).RGBA(); r != 0xffff {
		t.Error("the quiet zone is not white")
	}
	if r, _, _, _ := img.At(45, 45).RGBA(); r != 0 {
		t.Error("the finder pattern's corner is not dark")
	}
	svg := e.expect(req{url: "/s/khao-sat/S1/qr.svg"}, 200, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 `, `<path fill="#000" d="M4 4h7v1h-7z`)
	if n := regexp.MustCompile(`viewBox="0 0 (\d+) `).FindStringSubmatch(svg); n == nil || n[1] != strconv.Itoa(side/10) {
		t.Errorf("the SVG (%v modules) and the PNG (%d) differ", n, side/10)
	}
	e.expect(req{url: "/s/khao-sat/S1/poster"}, 200, `<img class="sv-qr" src="/s/khao-sat/S1/qr.svg"`, "http://example.com/s/khao-sat/S1", "Sở Nội vụ")
	e.expect(req{url: "/s/khao-sat/NOPE/qr.svg"}, 404)
}

// TestSurveyFormWeight: the public form of the real SIPAS questionnaire,
// with its stylesheet (and the kiosk's script), stays under 60 KB.
func TestSurveyFormWeight(t *testing.T) {
	src, _, err := surveys.Template("sipas")
	if err != nil {
		t.Fatal(err)
	}
	e := newSurveyEnv(t, surveyOpts{yaml: string(src)})
	for _, path := range []string{"/s/khao-sat/S1", "/k/khao-sat/S1", "/s/khao-sat/S1?lang=en"} {
		res, page := e.do(req{url: path})
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		total := len(page)
		for _, m := range regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllStringSubmatch(page, -1) {
			r, body := e.do(req{url: html.UnescapeString(m[1])})
			if r.StatusCode != 200 {
				t.Fatalf("%s: %d", m[1], r.StatusCode)
			}
			total += len(body)
		}
		t.Logf("%s: %d bytes with its assets", path, total)
		if total >= 60*1024 {
			t.Errorf("%s weighs %d bytes with its assets, over 60 KB", path, total)
		}
		if n := strings.Count(page, "<fieldset"); n != 34 {
			t.Errorf("%s: only %d fieldsets", path, n)
		}
	}
}

func TestSurveyAdmin(t *testing.T) {
	e := newSurveyEnv(t, surveyOpts{admin: true, rules: &surveys.Rules{Window: 600e9, MaxPerWindow: 1}})
	admin := e.admin
	// Without the secretariat's login: the login page, or 401 for the API.
	e.expect(req{url: "/admin/surveys"}, 303)
	e.expect(req{url: "/api/v1/surveys/khao-sat/results"}, 401)
	adminPage := e.expect(req{url: "/admin/surveys", header: admin}, 200, "Khảo sát 2026", `<a href="/admin/surveys/campaigns/khao-sat">Khảo sát 2026</a>`, "Đang mở",
		`href="/admin/surveys/instruments/new?template=sipas"`, `<option value="2026/small">Phiếu nhỏ (small, v1)</option>`,
		`<input type="checkbox" name="groups" value="XA"> Toàn bộ UBND xã, phường (1 đơn vị)`, `name="units" value="S2"`)
	// The campaign form's periods are choices, not links to other periods.
	if strings.Contains(adminPage, `class="period-switch"`) {
		t.Errorf("the surveys page links to periods:\n%s", clip(adminPage))
	}

	// Instruments: a template in the builder and as YAML, a broken file
	// (nothing saved), a good one.
	body := e.expect(req{url: "/admin/surveys/instruments/new?template=sipas", header: admin}, 200, "Soạn bảng hỏi",
		`value="Nơi ngồi chờ tại Bộ phận Một cửa có đủ chỗ ngồi"`, `name="s0.q0.code" value="TC1"`, `<option value="2026" selected>`)
	// The periods are choices of the form, not links to other periods.
	if strings.Contains(body, `href="2026"`) || strings.Contains(body, `class="period-switch"`) {
		t.Errorf("the builder links to periods:\n%s", clip(body))
	}
	e.expect(req{url: "/admin/surveys/instruments/new?template=sipas&view=yaml", header: admin}, 200, "code: sipas", "Nơi ngồi chờ tại Bộ phận Một cửa")
	e.expect(req{method: http.MethodPost, url: "/admin/surveys/instruments", header: admin,
		form: url.Values{"period": {"2026"}, "source": {"code: x\nname: {vi: X}\nsections:\n  - code: A\n    title: {vi: A}\n    questions:\n      - {code: Q, text: {vi: Q}, scale: none}\n"}}},
		422, "line 7: Q: scale none is not defined")
	e.expect(req{method: http.MethodPost, url: "/admin/surveys/instruments", header: admin, form: url.Values{"period": {"2026"}, "source": {surveyYAML}}},
		409, "can no longer change")
	res, _ := e.do(req{method: http.MethodPost, url: "/admin/surveys/instruments", header: admin,
		form: url.Values{"period": {"2027"}, "source": {surveyYAML}}})
	if res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/admin/surveys/instruments/") {
		t.Fatalf("save instrument: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	e.expect(req{url: res.Header.Get("Location"), header: admin}, 200, "Đã lưu phiếu khảo sát.", "Nơi ngồi chờ")

	// A new survey: the questionnaire of another period is refused with
	// both named; then over group XA, its transactions, opening it.
	e.expect(req{method: http.MethodPost, url: "/admin/surveys/campaigns", header: admin,
		form: url.Values{"id": {"xa-2027"}, "name": {"Khảo sát cấp xã"}, "period": {"2027"}, "instrument": {"2026/small"}, "groups": {"XA"}}},
		422, "Bảng hỏi small được lưu cho kỳ 2026, không phải kỳ 2027")
	e.expect(req{method: http.MethodPost, url: "/admin/surveys/campaigns", header: admin,
		form: url.Values{"id": {"xa-2027"}, "name": {"Khảo sát cấp xã"}, "period": {"2027"}, "instrument": {"2027/small"}, "hours": {"T9 07:00-11:00"}}},
		422, "the survey covers no units", `is not a day or a range of days`)
	res, _ = e.do(req{method: http.MethodPost, url: "/admin/surveys/campaigns", header: admin,
		form: url.Values{"id": {"xa-2027"}, "name": {"Khảo sát cấp xã"}, "period": {"2027"}, "instrument": {"2027/small"}, "groups": {"XA"}, "units": {"S2"}, "margin": {"0,05"}}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/admin/surveys/campaigns/xa-2027" {
		t.Fatalf("create campaign: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if c, err := e.svc.Campaign(t.Context(), "xa-2027"); err != nil || len(c.Units) != 2 || c.Units[0].Code != "S2" || c.Units[1].Code != "X1" {
		t.Fatalf("the new survey's units: %+v, %v", c, err)
	}
	e.expect(req{method: http.MethodPost, url: "/admin/surveys/campaigns", header: admin,
		form: url.Values{"id": {"xa-2027"}, "name": {"x"}, "period": {"2027"}, "instrument": {"2027/small"}, "groups": {"XA"}}}, 409, "survey xa-2027 already exists")
	e.expect(req{method: http.MethodPost, url: "/admin/surveys/campaigns/xa-2027/transactions", header: admin,
		form: url.Values{"transactions": {"unit,transactions\nX1,1000\nS1,5\nX1,abc"}}}, 422, `line 4: "X1,abc" is not UNIT,NUMBER`)
	e.expect(req{method: http.MethodPost, url: "/admin/surveys/campaigns/xa-2027/transactions", header: admin,
		form: url.Values{"transactions": {"X1,1000"}}}, 303)
	e.expect(req{method: http.MethodPost, url: "/admin/surveys/campaigns/xa-2027/state", header: admin, form: url.Values{"state": {"open"}}}, 303)
	e.expect(req{url: "/admin/surveys/campaigns/xa-2027", header: admin}, 200, "UBND xã Tân Thuận", ">1.000<", ">286<", "Đang mở",
		`href="/s/xa-2027/X1/poster"`, `href="/admin/surveys/campaigns/xa-2027/export.xlsx"`)
	e.expect(req{method: http.MethodPost, url: "/admin/surveys/campaigns/xa-2027/state", header: admin, form: url.Values{"state": {"draft"}}}, 409)
	// Opening hours of the survey: a wrong one is refused, a good one kept.
	e.expect(req{method: http.MethodPost, url: "/admin/surveys/campaigns/xa-2027/hours", header: admin, form: url.Values{"hours": {"T2-T6 7h-17h"}}}, 422, "is not a span of time")
	e.expect(req{method: http.MethodPost, url: "/admin/surveys/campaigns/xa-2027/hours", header: admin, form: url.Values{"hours": {"T2-T7 07:00-11:30"}}}, 303)
	if c, _ := e.svc.Campaign(t.Context(), "xa-2027"); c.OpeningHours != "T2-T7 07:00-11:30" {
		t.Errorf("opening hours %q", c.OpeningHours)
	}

	// Codes, printed once; dossier numbers.
	body = e.expect(req{method: http.MethodPost, url: "/admin/surveys/campaigns/khao-sat/codes", header: admin, form: url.Values{"unit": {"S2"}, "count": {"4"}}},
		200, "Mã mới cho Sở Tư pháp")
	codes := regexp.MustCompile(`<li><span class="code">([A-Z0-9]{5}-[A-Z0-9]{5})</span></li>`).FindAllStringSubmatch(body, -1)
	if len(codes) != 4 {
		t.Fatalf("%d codes shown", len(codes))
	}
	e.expect(req{method: http.MethodPost, url: "/admin/surveys/campaigns/khao-sat/codes", header: admin, form: url.Values{"unit": {"S2"}, "count": {"0"}}}, 422)
	e.expect(req{method: http.MethodPost, url: "/admin/surveys/campaigns/khao-sat/dossiers", header: admin,
		form: url.Values{"unit": {"S2"}, "dossiers": {"H12.1-0001\nH12.1-0002\n"}}}, 200, "Đã đăng ký 2 số hồ sơ.")

	// Typing in a paper form with a printed code.
	e.expect(req{url: "/admin/surveys/campaigns/khao-sat/entry?unit=S2", header: admin}, 200, `<option value="S2" selected>S2 · Sở Tư pháp</option>`, "Nhập phiếu giấy")
	res, _ = e.do(req{method: http.MethodPost, url: "/admin/surveys/campaigns/khao-sat/entry", header: admin,
		form: url.Values{"unit": {"S2"}, "code": {codes[0][1]}, "q_Q1": {"4"}, "q_Q2": {"5"}}})
	if res.StatusCode != 303 || !strings.Contains(res.Header.Get("Location"), "/entry?unit=S2&saved=") {
		t.Fatalf("paper entry: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	e.expect(req{method: http.MethodPost, url: "/admin/surveys/campaigns/khao-sat/entry", header: admin,
		form: url.Values{"unit": {"S2"}, "code": {codes[0][1]}, "q_Q1": {"4"}}}, 409, "Mã này đã được dùng")
	e.expect(req{method: http.MethodPost, url: "/admin/surveys/campaigns/khao-sat/entry", header: admin,
		form: url.Values{"unit": {"S2"}, "q_Q2": {"4"}}}, 422, "Nơi ngồi chờ: Xin chọn một câu trả lời.")
	if n := e.count(func(r surveys.Response) bool { return r.Channel == surveys.Paper && r.Author == "thuky" }); n != 1 {
		t.Errorf("%d paper responses by the operator", n)
	}

	// Import: a file with a bad row changes nothing; a good one is stored.
	upload := func(name, content string) (*http.Response, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write([]byte(content))
		mw.Close()
		hr := httptest.NewRequest(http.MethodPost, "/admin/surveys/campaigns/khao-sat/import", &buf)
		hr.Header.Set("Content-Type", mw.FormDataContentType())
		for k, v := range e.admin {
			hr.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, hr)
		return rec.Result(), html.UnescapeString(rec.Body.String())
	}
	before := e.count(nil)
	r, page := upload("phieu.csv", "unit,Q1,Q2\nS1,5,4\nS1,,4\nX9,4,\n")
	if r.StatusCode != 422 || !strings.Contains(page, "phieu.csv:3: Q1: an answer is required") || !strings.Contains(page, `phieu.csv:4: unit: unit "X9" is not covered`) {
		t.Errorf("bad import: %d\n%s", r.StatusCode, clip(page))
	}
	if e.count(nil) != before {
		t.Fatal("a refused import stored responses")
	}
	if r, _ = upload("phieu.csv", "unit,Q1,Q2\nS1,5,4\nS2,3,\n"); r.StatusCode != 303 {
		t.Errorf("good import: %d", r.StatusCode)
	}
	if n := e.count(func(r surveys.Response) bool { return r.Channel == surveys.Import }); n != 2 {
		t.Errorf("%d imported", n)
	}
	e.expect(req{url: "/admin/surveys/campaigns/khao-sat/import/template.csv", header: admin}, 200, "unit,code,Q1,Q2,Q3,YN,T")

	// Review: a burst from one client is flagged, then accepted with a reason.
	for range 2 {
		e.do(req{method: http.MethodPost, url: "/api/v1/surveys/khao-sat/responses", body: `{"unit":"X1","answers":{"Q1":2}}`, remote: "203.0.113.9"})
	}
	flagged := e.responses(surveys.Flagged)
	if len(flagged) != 1 {
		t.Fatalf("%d flagged responses, want 1", len(flagged))
	}
	flaggedID := flagged[0].ID
	e.expect(req{url: "/admin/surveys/campaigns/khao-sat/review", header: admin}, 200, "Trùng câu trả lời", "1 câu trả lời: Không hài lòng ×1",
		"<dt><span class=\"code\">Q1</span> Nơi ngồi chờ</dt><dd>Không hài lòng</dd>", "API")
	e.expect(req{method: http.MethodPost, url: "/admin/surveys/campaigns/khao-sat/responses/" + strconv.FormatInt(flaggedID, 10) + "/review", header: admin,
		form: url.Values{"status": {"valid"}, "reason": {""}}}, 422, "a review needs a reason")
	e.expect(req{method: http.MethodPost, url: "/admin/surveys/campaigns/khao-sat/responses/" + strconv.FormatInt(flaggedID, 10) + "/review", header: admin,
		form: url.Values{"status": {"valid"}, "reason": {"Hai người dùng chung máy"}}}, 303)
	e.expect(req{url: "/admin/surveys/campaigns/khao-sat/review", header: admin}, 200, "Hai người dùng chung máy", "Cần xem xét → Hợp lệ", "thuky")

	// Results: page, CSV and JSON.
	e.expect(req{url: "/admin/surveys/campaigns/khao-sat/results", header: admin}, 200, "Sở Nội vụ", "chưa đủ mẫu", "Toàn tỉnh")
	e.expect(req{url: "/admin/surveys/campaigns/khao-sat/results?format=csv", header: admin}, 200, "unit,responses,satisfaction,ci_low,ci_high\nS1,1,100.00,20.65,100.00\nS2,2,75.00,19.79,97.33\nX1,2,0.00,0.00,65.76\n")
	e.expect(req{url: "/api/v1/surveys/khao-sat/results", header: admin}, 200, `"survey": "khao-sat"`, `"unit": "S1"`, `"satisfaction": 100.00`)
	e.expect(req{url: "/api/v1/surveys/khao-sat/progress", header: admin}, 200, `"unit":"S1"`, `"target":286`)
}

// testLog sends the server's error log to the test's.
type surveyLog struct{ t *testing.T }

func (w surveyLog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// TestDeviceQueueJSON is the protocol of a device's queue: an answer sent
// as JSON to the form's own address is acknowledged with its id and a
// fresh form token; a repeat of its key gets the same id and stores
// nothing; refusals say what became of the answer.
func TestDeviceQueueJSON(t *testing.T) {
	e := newSurveyEnv(t, surveyOpts{rules: &surveys.Rules{}})
	post := func(path, body string) req {
		return req{method: http.MethodPost, url: path, body: body, header: map[string]string{"Accept": "application/json"}}
	}
	answered := time.Now().Add(-27 * time.Hour).Truncate(time.Second)
	first := e.expect(post("/s/khao-sat/S1", `{"key":"4b7d0c2e-0001","code":"`+e.codes[0]+`","answers":{"Q1":"5","T":"Tốt"},"answered_at":"`+answered.Format(time.RFC3339)+`"}`),
		201, `"survey":"khao-sat"`, `"unit":"S1"`, `"form_token":"`)
	again := e.expect(post("/s/khao-sat/S1", `{"key":"4b7d0c2e-0001","code":"`+e.codes[0]+`","answers":{"Q1":"5","T":"Tốt"}}`), 201)
	id := func(s string) string { return regexp.MustCompile(`"id":(\d+)`).FindStringSubmatch(s)[1] }
	if id(first) != id(again) {
		t.Errorf("a repeat got id %s, the first %s", id(again), id(first))
	}
	e.expect(post("/s/khao-sat/S1", `{"key":"4b7d0c2e-0002","code":"`+e.codes[0]+`","answers":{"Q1":"4"}}`), 409, `"outcome":"code_used"`)
	e.expect(post("/s/khao-sat/S1", `{"key":"4b7d0c2e-0003","code":"ZZZZZ-ZZZZZ","answers":{"Q1":"4"}}`), 422, `"outcome":"code_unknown"`)
	e.expect(post("/s/khao-sat/S1", `{"key":"4b7d0c2e-0004","answers":{"Q2":"4"}}`), 422, `"outcome":"invalid"`, "Q1: an answer is required")
	e.expect(post("/s/khao-sat/S1", `{"key":"4b7d0c2e-0005","answers":{"Q1":"4"},"answered_at":"hôm qua"}`), 422, "answered_at")
	e.expect(post("/s/khao-sat/S1", `{"key":"ngắn","answers":{"Q1":"4"}}`), 422, "key")
	e.expect(post("/k/khao-sat/S2", `{"key":"4b7d0c2e-0006","answers":{"Q1":"4"}}`), 201)
	if err := e.svc.SetState(t.Context(), "khao-sat", surveys.Closed); err != nil {
		t.Fatal(err)
	}
	e.expect(post("/s/khao-sat/S1", `{"key":"4b7d0c2e-0007","answers":{"Q1":"4"}}`), 409, `"outcome":"closed"`)
	// The acknowledged answer arrived once, with the device's time.
	byKey := map[string]surveys.Response{}
	for _, r := range e.responses() {
		byKey[r.Key] = r
	}
	if len(byKey) != 2 || byKey["4b7d0c2e-0001"].Channel != surveys.Coded || byKey["4b7d0c2e-0006"].Channel != surveys.Kiosk ||
		!byKey["4b7d0c2e-0001"].AnsweredAt.Equal(answered) {
		t.Errorf("stored by key: %+v", byKey)
	}
	// The contract's API takes the key too: a repeat answers as the first.
	a := e.expect(req{method: http.MethodPost, url: "/api/v1/surveys/khao-sat/responses", body: `{"unit":"S1","key":"api-key-00001","answers":{"Q1":5}}`}, 409)
	b := e.expect(req{method: http.MethodPost, url: "/api/v1/surveys/khao-sat/responses", body: `{"unit":"S1","key":"api-key-00001","answers":{"Q1":5}}`}, 409)
	if a != b {
		t.Errorf("the API's repeat answered %q, the first %q", b, a)
	}
}
