package web_test

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/web"
)

// fixture is a province with a department group (SO) scored in 2024 and
// 2025, a commune group (XA) with a criteria set but no units in 2025, and a
// period 2026 that is not published. The 2025 department results, worked
// out by hand from testdata/so.yaml (max 100 unless a leaf is "na"):
//
//	unit  field 1          field 2          bonus  points  max  index  rank  grade
//	SNV   18+9.5+7.1=34.6  28.5+27=55.5     0      90.1    100  90.10  1     XS
//	STC   20+5.5+na=25.5   27+24=51         0      76.5     90  85.00  2     T
//	STP   14+10+10=34      24+27=51         0      85      100  85.00  2     T
//	SXD   10+5+0=15        0+15=15          2      32      100  32.00  4     Y
//
// 2024 ranks: STP 97 (1), SNV 85 (2), SXD 50 (3); STC has no 2024 result.
// Group mean index 2025: (90.1+85+85+32)/4 = 73.025 → 73.03.
type fixture struct {
	catalog     *fakeCatalog
	store       *fakeResultsStore
	logs        *bytes.Buffer
	defaultLang string
}

// scriptTag matches a script element's opening tag.
var scriptTag = regexp.MustCompile(`<script[^>]*>`)

// hasInlineScript reports a script element that is neither a same-origin
// file (src="/static/…") nor a JSON data block.
func hasInlineScript(body string) bool {
	for _, tag := range scriptTag.FindAllString(body, -1) {
		if !strings.Contains(tag, `src="/static/`) && !strings.Contains(tag, `type="application/json"`) {
			return true
		}
	}
	return false
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	so24 := loadFramework(t, "so.yaml", "2024")
	so25 := loadFramework(t, "so.yaml", "2025")
	so26 := loadFramework(t, "so.yaml", "2026")
	xa25 := loadFramework(t, "xa.yaml", "2025")
	u := func(code, name string, points, inputs, surveys map[string]string) scoring.UnitData {
		return unitData(t, code, name, points, inputs, surveys)
	}
	type m = map[string]string

	snv25 := u("SNV", "Sở Nội vụ", m{"1.1": "18", "1.2.1": "9.5", "1.2.2": "7.1"}, m{"on_time": "95", "received": "100"}, m{"sipas": "0.9"})
	// The self-assessment was higher; stage final must use the final points.
	snv25.SetPoints("1.1", scoring.StageSelf, scoring.Value{Points: scoring.NewInt(20)})

	store := &fakeResultsStore{
		frameworks: map[[2]string]*scoring.Framework{
			{"2024", "SO"}: so24, {"2025", "SO"}: so25, {"2026", "SO"}: so26, {"2025", "XA"}: xa25,
		},
		data: map[[2]string][]scoring.UnitData{
			{"2024", "SO"}: {
				u("STP", "Sở Tư pháp", m{"1.1": "20", "1.2.1": "10", "1.2.2": "10"}, m{"on_time": "100", "received": "100"}, m{"sipas": "0.9"}),
				u("SNV", "Sở Nội vụ", m{"1.1": "18", "1.2.1": "9", "1.2.2": "7"}, m{"on_time": "90", "received": "100"}, m{"sipas": "0.8"}),
				u("SXD", "Sở Xây dựng", m{"1.1": "10", "1.2.1": "5", "1.2.2": "5"}, m{"on_time": "50", "received": "100"}, m{"sipas": "0.5"}),
			},
			{"2025", "SO"}: {
				snv25,
				u("STP", "Sở Tư pháp", m{"1.1": "14", "1.2.1": "10", "1.2.2": "10"}, m{"on_time": "80", "received": "100"}, m{"sipas": "0.9"}),
				u("STC", "Sở Tài chính", m{"1.1": "20", "1.2.1": "5.5", "1.2.2": "na"}, m{"on_time": "90", "received": "100"}, m{"sipas": "0.8"}),
				// No points for 1.2.2 and no on_time count: the page shows why.
				u("SXD", "Sở Xây dựng", m{"1.1": "10", "1.2.1": "5", "9": "2"}, m{"received": "50"}, m{"sipas": "0.5"}),
			},
			{"2026", "SO"}: {
				u("SNV", "Sở Nội vụ", m{"1.1": "20"}, nil, nil),
			},
		},
	}
	catalog := &fakeCatalog{
		periods: []domain.Period{
			{Code: "2024", Name: "Năm 2024", Phase: domain.PhasePublished},
			{Code: "2025", Name: "Năm 2025", Phase: domain.PhasePublished},
			{Code: "2026", Name: "Năm 2026", Phase: domain.PhaseSelfAssessment},
		},
		groups: []domain.Group{
			{Code: "SO", Name: "Sở, ban, ngành"},
			{Code: "XA", Name: "UBND xã, phường"},
		},
		units: map[string]domain.Unit{
			"SNV": {Code: "SNV", Name: "Sở Nội vụ", Group: "SO"},
			"STP": {Code: "STP", Name: "Sở Tư pháp", Group: "SO"},
			"STC": {Code: "STC", Name: "Sở Tài chính", Group: "SO"},
			"SXD": {Code: "SXD", Name: "Sở Xây dựng", Group: "SO"},
			"SYT": {Code: "SYT", Name: "Sở Y tế", Group: "SO"}, // no results anywhere
		},
	}
	return &fixture{catalog: catalog, store: store, logs: &bytes.Buffer{}}
}

func (f *fixture) service() *results.Service { return &results.Service{Store: f.store} }

func (f *fixture) server() *echo.Echo {
	logger := slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return web.New(web.Config{Logger: logger, DefaultLang: f.defaultLang, Province: "Tỉnh Thử Nghiệm"}, web.Deps{Catalog: f.catalog, Results: f.service()})
}

// scenario is one request and what its response must look like.
type scenario struct {
	name    string
	method  string // GET when empty
	url     string
	header  map[string]string
	cookies []*http.Cookie
	setup   func(f *fixture)

	status      int
	contains    []string // in the body; JSON bodies are compacted first
	notContains []string
	headers     map[string]string // response headers that must have these values
	check       func(t *testing.T, f *fixture, res *http.Response, body string)
}

func (sc scenario) run(t *testing.T) {
	t.Helper()
	f := newFixture(t)
	if sc.setup != nil {
		sc.setup(f)
	}
	res, body := f.do(sc.method, sc.url, sc.header, sc.cookies...)
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		var buf bytes.Buffer
		if err := json.Compact(&buf, []byte(body)); err == nil {
			body = buf.String()
		}
	}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		// Match what the reader sees: html/template writes + as &#43;.
		body = html.UnescapeString(body)
	}

	if res.StatusCode != sc.status {
		t.Errorf("status %d, want %d; body:\n%s", res.StatusCode, sc.status, clip(body))
	}
	for _, s := range sc.contains {
		if !strings.Contains(body, s) {
			t.Errorf("body lacks %q:\n%s", s, clip(body))
		}
	}
	for _, s := range sc.notContains {
		if strings.Contains(body, s) {
			t.Errorf("body has %q:\n%s", s, clip(body))
		}
	}
	for k, v := range sc.headers {
		if got := res.Header.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	// Every response carries the security headers.
	for k, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
		"X-Frame-Options":        "DENY",
	} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'self'") {
		t.Errorf("Content-Security-Policy = %q, want default-src 'self' first", csp)
	}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		if strings.Contains(body, "⟦") {
			t.Errorf("page shows a missing catalogue key:\n%s", clip(body))
		}
		// Scripts come from the server's own files (src=); a JSON data
		// block is never run. Anything else is inline, which the CSP
		// forbids.
		for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAllString(body, -1) {
			if !strings.Contains(tag, ` src="/static/`) && !strings.Contains(tag, `type="application/json"`) {
				t.Errorf("page has an inline script %s, which the CSP forbids", tag)
			}
		}
		if strings.Contains(body, "style=") {
			t.Errorf("page has an inline style, which the CSP forbids")
		}
	}
	if sc.check != nil {
		sc.check(t, f, res, body)
	}
}

// do sends one request to a fresh server and returns the response and its
// body.
func (f *fixture) do(method, url string, header map[string]string, cookies ...*http.Cookie) (*http.Response, string) {
	if method == "" {
		method = http.MethodGet
	}
	req := httptest.NewRequest(method, url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	f.server().ServeHTTP(rec, req)
	res := rec.Result()
	raw, _ := io.ReadAll(res.Body)
	return res, string(raw)
}

func clip(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "…"
	}
	return s
}
