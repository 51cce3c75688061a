package web_test

import (
	"bytes"
	"context"
	"github.com/parindex/parindex/accounts"
	"html"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/web"
	"github.com/parindex/parindex/workflow"
)

// workSet is the small criteria set of the staff-page tests: four leaves,
// one requiring evidence (1.1, in steps of 0.5) and one computed from
// inputs (2.1).
const workSet = `period: "2026"
group: SO
name: Bộ Chỉ số CCHC cấp sở năm 2026
not_applicable: renormalize
checks:
  - {rule: on_time <= received, message: Số hồ sơ đúng hạn không thể nhiều hơn số hồ sơ tiếp nhận}
grades:
  - {code: XS, name: Xuất sắc, min: 90}
  - {code: T, name: Tốt, min: 80}
  - {code: K, name: Khá, min: 70}
  - {code: TB, name: Trung bình, min: 50}
  - {code: Y, name: Yếu, min: 0}
items:
  - code: "1"
    name: Công tác chỉ đạo, điều hành CCHC
    items:
      - code: "1.1"
        name: Ban hành kế hoạch CCHC năm đúng hạn
        guidance: "Ban hành trước ngày 31/12 năm trước: 10 điểm; ban hành chậm: 5 điểm; không ban hành: 0 điểm."
        method: manual
        max: 10
        step: 0.5
        evidence: required
      - code: "1.2"
        name: Báo cáo CCHC định kỳ đầy đủ, đúng hạn
        method: manual
        max: 10
  - code: "2"
    name: Cải cách thủ tục hành chính
    items:
      - code: "2.1"
        name: Tỷ lệ hồ sơ giải quyết đúng hạn
        method: ratio
        numerator: on_time
        denominator: received
        max: 40
      - code: "2.2"
        name: Công khai, cập nhật thủ tục hành chính
        method: manual
        max: 40
`

// testPassword is the password of every test account.
const testPassword = "mat-khau-thu-nghiem-2026"

// workProvince is a province over the real store (SQLite, or PostgreSQL
// with PARINDEX_TEST_DATABASE_URL) with a department group of three units
// in period 2026, in the self-assessment phase, and one account per role:
//
//	canbo      officer of SNV (Sở Nội vụ)
//	canbo.stp  officer of STP (Sở Tư pháp)
//	thamdinh   appraiser, no assignment (every unit)
//	thuongtruc the secretariat (admin)
//	bcd        the steering committee
//
// SNV has inputs on_time 90 / received 100 (2.1 = 36 points); STP has an
// imported self-assessment (1.1 = 5, 1.2 = 5, 2.2 = 20) and inputs 50 / 100
// (2.1 = 20), so 50 points in all.
type workProvince struct {
	st      *store.Store
	auth    *auth.Service
	wf      *workflow.Service
	handler *echo.Echo
	users   map[string]auth.User
}

func newWorkProvince(t testing.TB) *workProvince {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.UpsertGroups(ctx, []domain.Group{{Code: "SO", Name: "Sở, ban, ngành"}}))
	_, _, err := st.ImportUnits(ctx, []domain.Unit{
		{Code: "SNV", Name: "Sở Nội vụ", Group: "SO"},
		{Code: "STP", Name: "Sở Tư pháp", Group: "SO"},
		{Code: "SYT", Name: "Sở Y tế", Group: "SO"},
	})
	must(err)
	fw, err := scoring.ParseFramework(strings.NewReader(workSet))
	must(err)
	_, err = st.SaveFramework(ctx, fw, []byte(workSet), false)
	must(err)
	must(st.SetPhase(ctx, "2026", domain.PhaseSelfAssessment))
	d := func(s string) scoring.Decimal {
		v, err := scoring.ParseDecimal(s)
		must(err)
		return v
	}
	must(st.RecordInputs(ctx, []domain.Input{
		{Period: "2026", Unit: "SNV", Name: "on_time", Value: d("90")},
		{Period: "2026", Unit: "SNV", Name: "received", Value: d("100")},
		{Period: "2026", Unit: "STP", Name: "on_time", Value: d("50")},
		{Period: "2026", Unit: "STP", Name: "received", Value: d("100")},
	}, "test"))
	var scores []domain.Score
	for item, pts := range map[string]string{"1.1": "5", "1.2": "5", "2.2": "20"} {
		scores = append(scores, domain.Score{Period: "2026", Unit: "STP", Item: item, Stage: scoring.StageSelf, Value: scoring.Value{Points: d(pts)}})
	}
	_, err = st.RecordScores(ctx, scores, "import", "import")
	must(err)

	files, err := store.NewFiles(t.TempDir())
	must(err)
	p := &workProvince{st: st, auth: auth.NewService(st, nil), users: map[string]auth.User{}}
	res := &results.Service{Store: st, Publications: st}
	p.wf = workflow.NewService(st, res)
	p.wf.Files, p.wf.MaxUpload = files, 1<<20
	for _, u := range []auth.User{
		{Username: "canbo", Name: "Nguyễn Thị Lan", Role: auth.Officer, Unit: "SNV"},
		{Username: "canbo.stp", Name: "Trần Văn Minh", Role: auth.Officer, Unit: "STP"},
		{Username: "thamdinh", Name: "Lê Hoàng Nam", Role: auth.Appraiser},
		{Username: "thuongtruc", Name: "Phòng CCHC, Sở Nội vụ", Role: auth.Admin},
		{Username: "bcd", Name: "Ban Chỉ đạo CCHC tỉnh", Role: auth.Committee},
	} {
		created, err := p.auth.CreateUser(ctx, u, testPassword)
		must(err)
		p.users[u.Username] = created
	}
	// Server errors go to the test log; request lines are dropped.
	logger := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	p.handler = web.New(web.Config{Logger: logger, Province: "Tỉnh Thử Nghiệm"}, web.Deps{
		Catalog:  st,
		Results:  res,
		Auth:     p.auth,
		Workflow: p.wf,
		Accounts: &accounts.Service{Store: st},
	})
	return p
}

type testLog struct{ t testing.TB }

func (w testLog) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// pageClient is a browser without JavaScript: it keeps cookies and the
// session's CSRF token, and sends requests through the handler.
type pageClient struct {
	t       testing.TB
	h       http.Handler
	cookies map[string]*http.Cookie
	csrf    string
}

func (p *workProvince) client(t testing.TB) *pageClient {
	return &pageClient{t: t, h: p.handler, cookies: map[string]*http.Cookie{}}
}

var csrfPattern = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// login logs a user in through the login form and reads the CSRF token
// from the page it lands on.
func (p *workProvince) login(t testing.TB, username string) *pageClient {
	t.Helper()
	c := p.client(t)
	res, body := c.post("/login", url.Values{"username": {username}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: status %d\n%s", username, res.StatusCode, clip(body))
	}
	res, body = c.get(res.Header.Get("Location"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("after login %s: status %d\n%s", username, res.StatusCode, clip(body))
	}
	m := csrfPattern.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("after login %s: no CSRF token on the page", username)
	}
	c.csrf = m[1]
	return c
}

// do sends a request and returns the response and its body, HTML-unescaped
// for HTML pages so tests match what the reader sees.
func (c *pageClient) do(method, target string, body io.Reader, ctype string) (*http.Response, string) {
	c.t.Helper()
	req := httptest.NewRequest(method, target, body)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for _, ck := range c.cookies {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	res := rec.Result()
	for _, ck := range res.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck
		}
	}
	raw, _ := io.ReadAll(res.Body)
	out := string(raw)
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		out = html.UnescapeString(out)
	}
	return res, out
}

func (c *pageClient) get(target string) (*http.Response, string) {
	c.t.Helper()
	return c.do(http.MethodGet, target, nil, "")
}

// post sends a form with the session's CSRF token (unless the form sets
// csrf_token itself).
func (c *pageClient) post(target string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	if _, ok := form["csrf_token"]; !ok && c.csrf != "" {
		form.Set("csrf_token", c.csrf)
	}
	return c.do(http.MethodPost, target, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
}

// upload is a file of a multipart form.
type upload struct {
	field, name string
	content     []byte
}

// postMultipart sends a multipart form with files and the CSRF token.
func (c *pageClient) postMultipart(target string, form url.Values, files ...upload) (*http.Response, string) {
	c.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if _, ok := form["csrf_token"]; !ok && c.csrf != "" {
		form.Set("csrf_token", c.csrf)
	}
	for k, vs := range form {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	for _, f := range files {
		fw, err := w.CreateFormFile(f.field, f.name)
		if err != nil {
			c.t.Fatal(err)
		}
		_, _ = fw.Write(f.content)
	}
	_ = w.Close()
	return c.do(http.MethodPost, target, &buf, w.FormDataContentType())
}

// tinyPDF is a minimal valid one-page PDF.
func tinyPDF(title string) []byte {
	return []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
		"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n% " + title + "\ntrailer<</Root 1 0 R>>\n%%EOF\n")
}

// fieldForm is what the assessment page's form of a field sends for some
// leaves: item → typed points (or "na"), comment, and the version and
// original values as the page showed them.
type leafTyped struct {
	points, comment string
	version         string
	origPoints      string
	origNA          bool
	origComment     string
}

func fieldForm(stage string, leaves map[string]leafTyped) url.Values {
	f := url.Values{"stage": {stage}}
	for code, l := range leaves {
		f.Add("item", code)
		if l.points == "na" {
			f.Set("na."+code, "1")
		} else {
			f.Set("points."+code, l.points)
		}
		f.Set("comment."+code, l.comment)
		if l.version == "" {
			l.version = "0"
		}
		f.Set("version."+code, l.version)
		f.Set("orig_points."+code, l.origPoints)
		if l.origNA {
			f.Set("orig_na."+code, "1")
		}
		f.Set("orig_comment."+code, l.origComment)
	}
	return f
}

// mustContain fails when the body lacks any of the strings.
func mustContain(t testing.TB, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, clip(body))
		}
	}
}

func mustNotContain(t testing.TB, what, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("%s has %q", what, w)
		}
	}
}
