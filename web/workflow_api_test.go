package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/parindex/parindex/accounts"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/reports"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/web"
	"github.com/parindex/parindex/workflow"
)

// province is a small real province on the real store: one group (SO) of
// three units, a criteria set of four leaves (1.1 needs evidence, 2.1 is
// computed from inputs), and an account per role.
type province struct {
	t     testing.TB
	st    *store.Store
	srv   *echo.Echo
	files string
	clock *fakeClock

	mu       sync.Mutex
	sessions map[string]*client
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

const apiPassword = "mật-khẩu-đủ-dài-2025"

const provinceSet = `period: "2025"
group: SO
name: Bộ chỉ số thử nghiệm
checks:
  - {rule: on_time <= received, message: Số hồ sơ đúng hạn không thể nhiều hơn số hồ sơ tiếp nhận}
grades:
  - {code: T, name: Tốt, min: 80}
  - {code: K, name: Khá, min: 50}
  - {code: Y, name: Yếu, min: 0}
items:
  - code: "1"
    name: Chỉ đạo, điều hành
    items:
      - {code: "1.1", name: Kế hoạch CCHC, max: 10, method: manual, step: 0.5, evidence: required}
      - {code: "1.2", name: Báo cáo CCHC, max: 20, method: manual, step: 0.5}
  - code: "2"
    name: Thủ tục hành chính
    items:
      - {code: "2.1", name: Hồ sơ đúng hạn, max: 30, method: ratio, numerator: on_time, denominator: received}
  - code: "3"
    name: Công vụ
    items:
      - {code: "3.1", name: Kỷ luật, max: 40, method: manual}
`

// users of the province: name → role and unit.
var provinceUsers = []auth.User{
	{Username: "admin", Role: auth.Admin},
	{Username: "officer1", Role: auth.Officer, Unit: "U1"},
	{Username: "officer2", Role: auth.Officer, Unit: "U2"},
	{Username: "appraiser", Role: auth.Appraiser},
	{Username: "appraiser2", Role: auth.Appraiser}, // assigned to U2 only
	{Username: "committee", Role: auth.Committee},
}

func newProvince(t testing.TB) *province {
	t.Helper()
	ctx := context.Background()
	clock := &fakeClock{now: time.Date(2025, 12, 1, 8, 0, 0, 0, time.UTC)}
	st := storetest.OpenWith(t, store.Options{Now: clock.Now})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, _, err := st.ImportUnits(ctx, []domain.Unit{
		{Code: "U1", Name: "Sở Nội vụ", Group: "SO"}, {Code: "U2", Name: "Sở Tư pháp", Group: "SO"}, {Code: "U3", Name: "Sở Y tế", Group: "SO"},
	})
	must(err)
	fw, err := scoring.ParseFramework(strings.NewReader(provinceSet))
	must(err)
	_, err = st.SaveFramework(ctx, fw, []byte(provinceSet), false)
	must(err)
	must(st.RecordInputs(ctx, []domain.Input{
		{Period: "2025", Unit: "U1", Name: "on_time", Value: scoring.NewInt(90)},
		{Period: "2025", Unit: "U1", Name: "received", Value: scoring.NewInt(100)},
	}, "import"))
	must(st.SetPhase(ctx, "2025", domain.PhaseSelfAssessment))
	authSvc := auth.NewService(st, clock.Now)
	ids := map[string]auth.User{}
	for _, u := range provinceUsers {
		created, err := authSvc.CreateUser(ctx, u, apiPassword)
		must(err)
		ids[u.Username] = created
	}
	must(st.SetAssignments(ctx, "2025", ids["appraiser2"].ID, []workflow.Assignment{{UserID: ids["appraiser2"].ID, Period: "2025", Unit: "U2"}}))
	dir := t.TempDir()
	files, err := store.NewFiles(filepath.Join(dir, "files"))
	must(err)
	res := &results.Service{Store: st, Publications: st}
	wf := workflow.NewService(st, res)
	wf.Files, wf.Now, wf.MaxUpload = files, clock.Now, 1<<20
	srv := web.New(web.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, web.Deps{
		Catalog:  st,
		Results:  res,
		Auth:     authSvc,
		Workflow: wf,
		Reports:  &reports.Sources{Results: res, Groups: st, Comments: st, Publications: res},
		Lineage:  st,
		Accounts: &accounts.Service{Store: st},
	})
	return &province{t: t, st: st, srv: srv, files: filepath.Join(dir, "files"), clock: clock, sessions: map[string]*client{}}
}

// client is one logged-in user (or the public, with no cookie).
type client struct {
	p      *province
	cookie *http.Cookie
	csrf   string
}

// as returns a client logged in as the user ("" for the public), logging
// in once per province.
func (p *province) as(username string) *client {
	p.t.Helper()
	if username == "" {
		return &client{p: p}
	}
	p.mu.Lock()
	c := p.sessions[username]
	p.mu.Unlock()
	if c != nil {
		return c
	}
	res, body := p.do(nil, http.MethodPost, "/api/v1/login", "application/json",
		strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, username, apiPassword)), nil)
	if res.StatusCode != http.StatusOK {
		p.t.Fatalf("login %s: %d %s", username, res.StatusCode, body)
	}
	var lr struct {
		CSRF string `json:"csrf_token"`
		Role string `json:"role"`
	}
	if err := json.Unmarshal([]byte(body), &lr); err != nil || lr.CSRF == "" {
		p.t.Fatalf("login %s: %s", username, body)
	}
	c = &client{p: p, csrf: lr.CSRF}
	for _, ck := range res.Cookies() {
		if ck.Name == "parindex_session" {
			c.cookie = ck
		}
	}
	p.mu.Lock()
	p.sessions[username] = c
	p.mu.Unlock()
	return c
}

func (p *province) do(c *client, method, path, contentType string, body io.Reader, header map[string]string) (*http.Response, string) {
	req := httptest.NewRequest(method, path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c != nil && c.cookie != nil {
		req.AddCookie(c.cookie)
		if c.csrf != "" {
			req.Header.Set("X-CSRF-Token", c.csrf)
		}
	}
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	rec := httptest.NewRecorder()
	p.srv.ServeHTTP(rec, req)
	res := rec.Result()
	raw, _ := io.ReadAll(res.Body)
	return res, string(raw)
}

// json sends a JSON request and returns the status and body.
func (c *client) json(method, path string, body any) (int, string) {
	c.p.t.Helper()
	var r io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			c.p.t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	res, out := c.p.do(c, method, path, "application/json", r, nil)
	return res.StatusCode, out
}

// upload sends a file as the multipart field "file".
func (c *client) upload(path, name string, content []byte) (int, string) {
	c.p.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
	h.Set("Content-Type", "application/octet-stream")
	part, err := mw.CreatePart(h)
	if err != nil {
		c.p.t.Fatal(err)
	}
	part.Write(content)
	mw.Close()
	res, out := c.p.do(c, http.MethodPost, path, mw.FormDataContentType(), &buf, nil)
	return res.StatusCode, out
}

// samplePDF is a minimal valid PDF document.
var samplePDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/MediaBox[0 0 200 200]/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

func (p *province) setPhase(phase domain.Phase) {
	p.t.Helper()
	if code, body := p.as("admin").json(http.MethodPost, "/api/v1/periods/2025/phase", map[string]string{"phase": string(phase)}); code != 200 {
		p.t.Fatalf("phase %s: %d %s", phase, code, body)
	}
}

func (p *province) wantStatus(what string, got int, body string, want int) {
	p.t.Helper()
	if got != want {
		p.t.Errorf("%s: status %d, want %d; body %s", what, got, want, body)
	}
}

// evidenceCount counts stored evidence rows and files.
func (p *province) evidenceCount() (rows, files int) {
	ev, err := p.st.Evidence(context.Background(), "2025", "")
	if err != nil {
		p.t.Fatal(err)
	}
	_ = filepath.Walk(p.files, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files++
		}
		return nil
	})
	return len(ev), files
}

func pts(s string) *string { return &s }

func TestLoginLogoutAndLimit(t *testing.T) {
	p := newProvince(t)
	login := func(user, pass string, header map[string]string) *http.Response {
		res, _ := p.do(nil, http.MethodPost, "/api/v1/login", "application/json",
			strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, user, pass)), header)
		return res
	}
	res := login("officer1", apiPassword, nil)
	if res.StatusCode != 200 {
		t.Fatalf("login: %d", res.StatusCode)
	}
	var ck *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "parindex_session" {
			ck = c
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || len(ck.Value) < 40 {
		t.Fatalf("session cookie = %+v", ck)
	}
	if login("officer1", "wrong password!", nil).StatusCode != http.StatusUnauthorized {
		t.Error("a wrong password must give 401")
	}
	if login("nobody", apiPassword, nil).StatusCode != http.StatusUnauthorized {
		t.Error("an unknown user must give 401")
	}
	// Five failures for one user name, then even the right password waits.
	for i := 0; i < 5; i++ {
		login("officer2", "wrong password!", nil)
	}
	if got := login("officer2", apiPassword, nil).StatusCode; got != http.StatusTooManyRequests {
		t.Errorf("after 5 failures: %d, want 429", got)
	}
	p.clock.Add(16 * time.Minute)
	if got := login("officer2", apiPassword, nil).StatusCode; got != http.StatusOK {
		t.Errorf("after the window: %d, want 200", got)
	}
	// Logout ends the session on the server.
	c := p.as("admin")
	if code, _ := c.json(http.MethodGet, "/api/v1/me", nil); code != 200 {
		t.Fatalf("me: %d", code)
	}
	if code, body := c.json(http.MethodPost, "/api/v1/logout", nil); code != http.StatusNoContent {
		t.Fatalf("logout: %d %s", code, body)
	}
	if code, _ := c.json(http.MethodGet, "/api/v1/me", nil); code != http.StatusUnauthorized {
		t.Errorf("the session still works after logout: %d", code)
	}
	// A session unused past the idle timeout ends.
	c2 := p.as("committee")
	p.clock.Add(9 * time.Hour)
	if code, _ := c2.json(http.MethodGet, "/api/v1/me", nil); code != http.StatusUnauthorized {
		t.Errorf("an idle session still works: %d", code)
	}
}

func TestPasswordsAreHashedWithArgon2id(t *testing.T) {
	p := newProvince(t)
	u, err := p.st.UserByUsername(context.Background(), "officer1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$") || strings.Contains(u.PasswordHash, apiPassword) {
		t.Errorf("stored hash %q", u.PasswordHash)
	}
}

func TestCSRFAndOrigin(t *testing.T) {
	p := newProvince(t)
	c := p.as("officer1")
	put := func(header map[string]string) int {
		res, _ := p.do(c, http.MethodPut, "/api/v1/periods/2025/units/U1/items/1.2/self", "application/json",
			strings.NewReader(`{"points": 10}`), header)
		return res.StatusCode
	}
	if got := put(map[string]string{"X-CSRF-Token": ""}); got != http.StatusForbidden {
		t.Errorf("without the CSRF token: %d, want 403", got)
	}
	if got := put(map[string]string{"X-CSRF-Token": "forged"}); got != http.StatusForbidden {
		t.Errorf("with a wrong CSRF token: %d, want 403", got)
	}
	if got := put(map[string]string{"Origin": "https://evil.example"}); got != http.StatusForbidden {
		t.Errorf("from another origin: %d, want 403", got)
	}
	if got := put(map[string]string{"Origin": "http://example.com"}); got != http.StatusOK {
		t.Errorf("same origin with the token: %d, want 200", got)
	}
	changes, _ := p.st.Changes(context.Background(), "2025", "U1")
	if len(changes) != 1 {
		t.Errorf("refused requests wrote: %d changes", len(changes))
	}
}

func TestAppraisersConflict(t *testing.T) {
	p := newProvince(t)
	officer := p.as("officer1")
	code, body := officer.json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/1.2/self", map[string]any{"points": 18})
	p.wantStatus("self", code, body, 200)
	p.setPhase(domain.PhaseAppraisal)
	a, b := p.as("appraiser"), p.as("admin")
	// Both read the leaf: no appraisal yet (version 0).
	zero := int64(0)
	code, body = a.json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/1.2/appraisal",
		map[string]any{"points": 15, "comment": "Báo cáo quý III nộp trễ", "version": zero})
	p.wantStatus("first appraiser", code, body, 200)
	code, body = b.json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/1.2/appraisal",
		map[string]any{"points": 12, "comment": "Thiếu báo cáo quý IV", "version": zero})
	p.wantStatus("second appraiser with a stale version", code, body, http.StatusConflict)
	if !strings.Contains(body, "changed by appraiser") {
		t.Errorf("the conflict must say who changed it: %s", body)
	}
	// Without a version, another person's value is not overwritten either.
	code, body = b.json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/1.2/appraisal",
		map[string]any{"points": 12, "comment": "Thiếu báo cáo quý IV"})
	p.wantStatus("second appraiser without a version", code, body, http.StatusConflict)
	recs, _ := p.st.ScoreRecords(context.Background(), "2025", "U1")
	for _, r := range recs {
		if r.Item == "1.2" && r.Stage == scoring.StageAppraisal && (!r.Value.Points.Equal(scoring.NewInt(15)) || r.Author != "appraiser") {
			t.Errorf("the appraisal was overwritten: %+v", r)
		}
	}
	// With the current version the second appraiser may change it.
	code, body = b.json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/1.2/appraisal",
		map[string]any{"points": 12, "comment": "Thiếu báo cáo quý IV", "version": 1})
	p.wantStatus("second appraiser with the current version", code, body, 200)
	changes, _ := p.st.Changes(context.Background(), "2025", "U1")
	var log []string
	for _, ch := range changes {
		log = append(log, fmt.Sprintf("%s %s %s→%s %s", ch.Item, ch.Stage, valueOf(ch.Old), valueOf(ch.New), ch.Author))
	}
	want := "1.2 self –→18 officer1|1.2 appraisal –→15 appraiser|1.2 appraisal 15→12 admin"
	if strings.Join(log, "|") != want {
		t.Errorf("change log:\n%s\nwant:\n%s", strings.Join(log, "|"), want)
	}
}

func valueOf(v *scoring.Value) string {
	switch {
	case v == nil:
		return "–"
	case v.NA:
		return "na"
	}
	return v.Points.String()
}

func TestPhasesGateEveryStage(t *testing.T) {
	p := newProvince(t)
	officer, appraiser, admin := p.as("officer1"), p.as("appraiser"), p.as("admin")
	steps := []struct {
		name  string
		phase domain.Phase
		c     *client
		stage string
		body  map[string]any
		want  int
	}{
		{"self in self-assessment", domain.PhaseSelfAssessment, officer, "self", map[string]any{"points": 20}, 200},
		{"invalid points", domain.PhaseSelfAssessment, officer, "self", map[string]any{"points": 20.25}, 422},
		{"above max", domain.PhaseSelfAssessment, officer, "self", map[string]any{"points": 21}, 422},
		{"points missing", domain.PhaseSelfAssessment, officer, "self", map[string]any{"comment": "x"}, 422},
		{"appraisal too early", domain.PhaseSelfAssessment, appraiser, "appraisal", map[string]any{"points": 10, "comment": "x"}, 409},
		{"self after its phase", domain.PhaseAppraisal, officer, "self", map[string]any{"points": 19}, 409},
		{"appraisal lower without reason", domain.PhaseAppraisal, appraiser, "appraisal", map[string]any{"points": 10}, 422},
		{"appraisal equal needs no reason", domain.PhaseAppraisal, appraiser, "appraisal", map[string]any{"points": 20}, 200},
		{"appraisal with reason", domain.PhaseAppraisal, appraiser, "appraisal", map[string]any{"points": 10, "comment": "Thiếu minh chứng", "version": 1}, 200},
		{"explanation needs text", domain.PhaseExplanation, officer, "explanation", map[string]any{"points": 20}, 422},
		{"explanation", domain.PhaseExplanation, officer, "explanation", map[string]any{"points": 20, "comment": "Đã bổ sung báo cáo"}, 200},
		{"appraisal after its phase", domain.PhaseExplanation, appraiser, "appraisal", map[string]any{"points": 12, "comment": "x", "version": 2}, 409},
		{"final", domain.PhaseFinalAppraisal, appraiser, "final", map[string]any{"points": 18, "comment": "Chấp nhận giải trình một phần"}, 200},
		{"officer cannot write final", domain.PhaseFinalAppraisal, officer, "final", map[string]any{"points": 20, "comment": "x"}, 403},
		{"unknown stage", domain.PhaseFinalAppraisal, appraiser, "draft", map[string]any{"points": 1}, 422},
		{"unknown item", domain.PhaseFinalAppraisal, appraiser, "final", map[string]any{"points": 1}, 404},
	}
	for _, s := range steps {
		p.setPhase(s.phase)
		path := "/api/v1/periods/2025/units/U1/items/1.2/" + s.stage
		if s.name == "unknown item" {
			path = "/api/v1/periods/2025/units/U1/items/9.9/final"
		}
		code, body := s.c.json(http.MethodPut, path, s.body)
		p.wantStatus(s.name, code, body, s.want)
	}
	// Publishing is the committee's decision, not a phase change.
	code, body := admin.json(http.MethodPost, "/api/v1/periods/2025/phase", map[string]string{"phase": "published"})
	p.wantStatus("phase published by the secretariat", code, body, 409)
	code, body = admin.json(http.MethodPost, "/api/v1/periods/2025/phase", map[string]string{"phase": "finished"})
	p.wantStatus("unknown phase", code, body, 422)
}

func TestDeadlineAndSubmission(t *testing.T) {
	p := newProvince(t)
	officer, admin := p.as("officer1"), p.as("admin")
	due := p.clock.Now().Add(48 * time.Hour).Format(time.RFC3339)
	code, body := admin.json(http.MethodPut, "/api/v1/periods/2025/deadlines/self_assessment", map[string]any{"due_at": due})
	p.wantStatus("deadline", code, body, 204)
	// Missing items block the submission and are named.
	code, body = officer.json(http.MethodPost, "/api/v1/periods/2025/units/U1/submission", nil)
	p.wantStatus("submit with missing items", code, body, 422)
	for _, item := range []string{"1.1", "1.2", "3.1"} {
		if !strings.Contains(body, item) {
			t.Errorf("the refusal does not name %s: %s", item, body)
		}
	}
	for item, points := range map[string]any{"1.2": 20, "3.1": 35} {
		code, body = officer.json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/"+item+"/self", map[string]any{"points": points})
		p.wantStatus("self "+item, code, body, 200)
	}
	// 1.1 requires evidence: points alone are not enough, an explanation is.
	code, body = officer.json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/1.1/self", map[string]any{"points": 10})
	p.wantStatus("self 1.1", code, body, 200)
	code, body = officer.json(http.MethodPost, "/api/v1/periods/2025/units/U1/submission", nil)
	p.wantStatus("submit without evidence for 1.1", code, body, 422)
	code, body = officer.upload("/api/v1/periods/2025/units/U1/items/1.1/evidence", "ke-hoach-cchc-2025.pdf", samplePDF)
	p.wantStatus("upload", code, body, 201)
	code, body = officer.json(http.MethodPost, "/api/v1/periods/2025/units/U1/submission", nil)
	p.wantStatus("submit", code, body, 200)
	// Submitted: locked until withdrawn.
	code, body = officer.json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/1.2/self", map[string]any{"points": 19.5})
	p.wantStatus("edit after submission", code, body, 409)
	code, body = officer.json(http.MethodDelete, "/api/v1/periods/2025/units/U1/submission", nil)
	p.wantStatus("withdraw", code, body, 200)
	code, body = officer.json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/1.2/self", map[string]any{"points": 19.5})
	p.wantStatus("edit after withdrawal", code, body, 200)
	code, body = officer.json(http.MethodPost, "/api/v1/periods/2025/units/U1/submission", nil)
	p.wantStatus("resubmit", code, body, 200)
	if !strings.Contains(body, `"count":2`) {
		t.Errorf("the second submission must be counted: %s", body)
	}
	// After the deadline nothing moves. (Sessions idle that long have
	// ended: log in again.)
	p.clock.Add(49 * time.Hour)
	p.sessions = map[string]*client{}
	officer, admin = p.as("officer1"), p.as("admin")
	code, body = officer.json(http.MethodDelete, "/api/v1/periods/2025/units/U1/submission", nil)
	p.wantStatus("withdraw after the deadline", code, body, 409)
	code, body = p.as("officer2").json(http.MethodPut, "/api/v1/periods/2025/units/U2/items/1.2/self", map[string]any{"points": 5})
	p.wantStatus("edit after the deadline", code, body, 409)
	// The dashboard shows U1 submitted in time and U2 late.
	code, body = admin.json(http.MethodGet, "/api/v1/periods/2025/dashboard", nil)
	p.wantStatus("dashboard", code, body, 200)
	var d struct {
		Units []struct {
			Unit struct {
				Code string `json:"code"`
			} `json:"unit"`
			Submission struct {
				Status string `json:"status"`
			} `json:"submission"`
			Late     bool `json:"late"`
			SelfDone int  `json:"self_done"`
			Leaves   int  `json:"leaves"`
		} `json:"units"`
	}
	if err := json.Unmarshal([]byte(body), &d); err != nil || len(d.Units) != 3 {
		t.Fatalf("dashboard %s", body)
	}
	got := fmt.Sprintf("%s %s %v %d/%d; %s %s %v %d/%d", d.Units[0].Unit.Code, d.Units[0].Submission.Status, d.Units[0].Late, d.Units[0].SelfDone, d.Units[0].Leaves,
		d.Units[1].Unit.Code, d.Units[1].Submission.Status, d.Units[1].Late, d.Units[1].SelfDone, d.Units[1].Leaves)
	if got != "U1 submitted false 3/3; U2 draft true 0/3" {
		t.Errorf("dashboard = %s", got)
	}
}

func TestBadUploadsStoreNothing(t *testing.T) {
	p := newProvince(t)
	officer := p.as("officer1")
	path := "/api/v1/periods/2025/units/U1/items/1.1/evidence"
	big := append(append([]byte{}, samplePDF...), bytes.Repeat([]byte("0"), 1<<20)...)
	cases := []struct {
		name, file string
		content    []byte
		want       int
		msg        string
	}{
		{"too large", "lon.pdf", big, 413, "larger than the limit"},
		{"not an accepted type", "virus.exe", []byte("MZ\x90\x00binary"), 415, "not an accepted document"},
		{"content does not match the extension", "fake.pdf", []byte("<html><script>alert(1)</script></html>"), 415, "not an accepted document"},
		{"path separators", "../../etc/passwd.pdf", samplePDF, 422, "path separator"},
		{"backslash separators", `C:\temp\ke-hoach.pdf`, samplePDF, 422, "path separator"},
		{"empty file", "rong.pdf", nil, 422, "is empty"},
		{"no name", "", samplePDF, 422, ""},
	}
	for _, c := range cases {
		code, body := officer.upload(path, c.file, c.content)
		p.wantStatus(c.name, code, body, c.want)
		if !strings.Contains(body, c.msg) || !strings.HasPrefix(body, `{"error":`) {
			t.Errorf("%s: message %s", c.name, body)
		}
	}
	if rows, files := p.evidenceCount(); rows != 0 || files != 0 {
		t.Errorf("refused uploads left %d rows and %d files", rows, files)
	}
	// A good upload is stored once, and downloads only as an attachment.
	code, body := officer.upload(path, "Kế hoạch CCHC 2025.pdf", samplePDF)
	p.wantStatus("good upload", code, body, 201)
	var ev struct {
		ID     int64  `json:"id"`
		Size   int64  `json:"size"`
		SHA256 string `json:"sha256"`
	}
	if err := json.Unmarshal([]byte(body), &ev); err != nil || ev.Size != int64(len(samplePDF)) || len(ev.SHA256) != 64 {
		t.Fatalf("upload answer %s", body)
	}
	res, raw := p.do(officer, http.MethodGet, fmt.Sprintf("/api/v1/evidence/%d", ev.ID), "", nil, nil)
	if res.StatusCode != 200 || raw != string(samplePDF) {
		t.Fatalf("download: %d", res.StatusCode)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=utf-8''K%E1%BA%BF") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/octet-stream" {
		t.Errorf("Content-Type = %q", ct)
	}
	if !strings.Contains(res.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("CSP = %q", res.Header.Get("Content-Security-Policy"))
	}
}

func TestPublicationIsFrozen(t *testing.T) {
	p := newProvince(t)
	officer, appraiser, committee := p.as("officer1"), p.as("appraiser"), p.as("committee")
	for item, points := range map[string]any{"1.1": 8, "1.2": 20, "3.1": 30} {
		if code, body := officer.json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/"+item+"/self", map[string]any{"points": points}); code != 200 {
			t.Fatalf("self %s: %d %s", item, code, body)
		}
	}
	p.setPhase(domain.PhaseAppraisal)
	if code, body := appraiser.json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/3.1/appraisal", map[string]any{"points": 25, "comment": "Có cán bộ vi phạm kỷ luật"}); code != 200 {
		t.Fatalf("appraisal: %d %s", code, body)
	}
	// Not yet publishable, and the public sees nothing.
	code, body := committee.json(http.MethodPost, "/api/v1/periods/2025/publication", map[string]string{"decision_no": "45/QĐ-UBND", "decision_date": "2025-11-20"})
	p.wantStatus("publish during appraisal", code, body, 409)
	code, body = p.as("").json(http.MethodGet, "/api/v1/periods/2025/results", nil)
	p.wantStatus("public results before publication", code, body, 404)
	p.setPhase(domain.PhaseFinalAppraisal)
	code, body = committee.json(http.MethodPost, "/api/v1/periods/2025/publication", map[string]string{"decision_no": "", "decision_date": "2025-11-20"})
	p.wantStatus("publish without a decision number", code, body, 422)
	// U2 and U3 never submitted: not ready, so only with an override.
	code, body = committee.json(http.MethodPost, "/api/v1/periods/2025/publication", map[string]string{"decision_no": "45/QĐ-UBND", "decision_date": "2025-11-20"})
	p.wantStatus("publish a period that is not ready", code, body, 409)
	code, body = committee.json(http.MethodPost, "/api/v1/periods/2025/publication", map[string]string{"decision_no": "45/QĐ-UBND", "decision_date": "2025-11-20",
		"override": "Hai đơn vị không tham gia kỳ này"})
	p.wantStatus("publish", code, body, 201)
	if !strings.Contains(body, `"decision_no":"45/QĐ-UBND"`) || !strings.Contains(body, `"number":1`) || !strings.Contains(body, `"decision_date":"2025-11-20"`) ||
		!strings.Contains(body, `"override":"Hai đơn vị không tham gia kỳ này"`) {
		t.Errorf("publication answer %s", body)
	}
	// U1: 8 + 20 + 27 (90 % of 30) + 25 = 80 → rank 1, grade T.
	code, public := p.as("").json(http.MethodGet, "/api/v1/periods/2025/results", nil)
	p.wantStatus("public results", code, public, 200)
	var compact bytes.Buffer
	_ = json.Compact(&compact, []byte(public))
	if !strings.Contains(compact.String(), `"unit":"U1","unit_name":"Sở Nội vụ","points":80.00,"max":100.00,"index":80.00,"rank":1,"grade":"T"`) {
		t.Errorf("public results: %s", public)
	}
	// Nothing changes the published result: not the API...
	code, body = p.as("admin").json(http.MethodPost, "/api/v1/periods/2025/phase", map[string]string{"phase": "final_appraisal"})
	p.wantStatus("reopening a published period", code, body, 409)
	code, body = appraiser.json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/3.1/final", map[string]any{"points": 40, "comment": "x"})
	p.wantStatus("editing a published period", code, body, 409)
	code, body = committee.json(http.MethodPost, "/api/v1/periods/2025/publication", map[string]string{"decision_no": "46/QĐ-UBND", "decision_date": "2025-11-21"})
	p.wantStatus("publishing twice", code, body, 409)
	// ...nor an import behind the workflow's back: the store refuses it,
	// naming the publication.
	_, err := p.st.RecordScores(context.Background(), []domain.Score{{Period: "2025", Unit: "U1", Item: "3.1", Stage: scoring.StageFinal, Value: scoring.Value{Points: scoring.NewInt(40)}}}, "import", "import")
	if !errors.Is(err, domain.ErrConflict) || !strings.Contains(err.Error(), "publication 1, decision 45/QĐ-UBND of 20/11/2025") {
		t.Errorf("an import into the published period: %v, want a conflict naming the publication", err)
	}
	if code, after := p.as("").json(http.MethodGet, "/api/v1/periods/2025/results", nil); code != 200 || after != public {
		t.Errorf("the published result changed:\n%s\nwas:\n%s", after, public)
	}
	if code, staff := p.as("admin").json(http.MethodGet, "/api/v1/periods/2025/results", nil); code != 200 || staff != public {
		t.Errorf("staff see a different published result")
	}
	pubs, err := p.st.Publications(context.Background(), "2025")
	if err != nil || len(pubs) != 1 || string(pubs[0].Document) != public+"\n" && string(pubs[0].Document) != public {
		t.Errorf("the stored publication document differs from what is served (%v)", err)
	}
	// The public ranking page shows the unit's rank and grade.
	res, page := p.do(nil, http.MethodGet, "/periods/2025", "", nil, nil)
	if res.StatusCode != 200 || !strings.Contains(page, "Sở Nội vụ") || !strings.Contains(page, "80,00") {
		t.Errorf("public page: %d", res.StatusCode)
	}
}

// TestUnitDoesNotSeeRunningRound: while the council appraises, the unit's
// officer sees neither the appraisal values, nor their log entries, nor a
// total computed from them; once the round is over, it sees all three.
func TestUnitDoesNotSeeRunningRound(t *testing.T) {
	p := newProvince(t)
	officer, appraiser := p.as("officer1"), p.as("appraiser")
	if code, body := officer.json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/3.1/self", map[string]any{"points": 40}); code != 200 {
		t.Fatalf("self: %d %s", code, body)
	}
	p.setPhase(domain.PhaseAppraisal)
	if code, body := appraiser.json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/3.1/appraisal", map[string]any{"points": 20, "comment": "Lý do thẩm định"}); code != 200 {
		t.Fatalf("appraisal: %d %s", code, body)
	}
	seen := func(c *client) (assessment, audit string) {
		_, a := c.json(http.MethodGet, "/api/v1/periods/2025/units/U1/assessment", nil)
		_, l := c.json(http.MethodGet, "/api/v1/periods/2025/units/U1/audit", nil)
		return a, l
	}
	a, l := seen(officer)
	if strings.Contains(a, "Lý do thẩm định") || strings.Contains(l, "Lý do thẩm định") || strings.Contains(a, `"appraisal":{`) {
		t.Errorf("the officer sees the running round:\n%s\n%s", a, l)
	}
	if !strings.Contains(a, `"final":{"points":67,`) { // 27 (ratio) + 40 (self): the appraisal is not counted
		t.Errorf("the officer's final total leaks the round: %s", a)
	}
	if a, l := seen(appraiser); !strings.Contains(a, "Lý do thẩm định") || !strings.Contains(l, "Lý do thẩm định") {
		t.Errorf("the appraiser must see the round")
	}
	p.setPhase(domain.PhaseExplanation)
	if a, l := seen(officer); !strings.Contains(a, "Lý do thẩm định") || !strings.Contains(l, "Lý do thẩm định") {
		t.Errorf("after the round the officer must see it")
	}
}

// TestForwardedForCannotDodgeLoginLimit: without a trusted proxy, the
// client's address is the connection's, whatever X-Forwarded-For says.
func TestForwardedForCannotDodgeLoginLimit(t *testing.T) {
	p := newProvince(t)
	for i := 0; i <= auth.AddressFailures; i++ {
		// A different user name each time, so only the address limit
		// (20 failures across user names) applies.
		res, _ := p.do(nil, http.MethodPost, "/api/v1/login", "application/json",
			strings.NewReader(fmt.Sprintf(`{"username":"guess%d","password":"x"}`, i)),
			map[string]string{"X-Forwarded-For": fmt.Sprintf("10.0.0.%d", i)})
		want := http.StatusUnauthorized
		if i == auth.AddressFailures {
			want = http.StatusTooManyRequests
		}
		if res.StatusCode != want {
			t.Errorf("attempt %d: %d, want %d", i+1, res.StatusCode, want)
		}
	}
}
