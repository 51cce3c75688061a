package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/parindex/parindex/scoring"
)

func TestPages(t *testing.T) {
	scenarios := []scenario{
		{
			name:    "home redirects to the latest published period",
			url:     "/",
			status:  http.StatusFound,
			headers: map[string]string{"Location": "/periods/2025"},
		},
		{
			name: "home explains how to load data when nothing is published",
			url:  "/",
			setup: func(f *fixture) {
				for i := range f.catalog.periods {
					f.catalog.periods[i].Phase = "final_appraisal"
				}
			},
			status:   http.StatusOK,
			contains: []string{"Chưa có kết quả được công bố", "parindex demo", "parindex import units"},
		},
		{
			name:   "ranking of every group",
			url:    "/periods/2025",
			status: http.StatusOK,
			contains: []string{
				`<html lang="vi">`, "Kết quả Chỉ số CCHC Năm 2025", "Tỉnh Thử Nghiệm",
				"Sở, ban, ngành", "UBND xã, phường", "Bộ Chỉ số CCHC cấp sở",
				`<a href="/periods/2025/units/SNV">Sở Nội vụ</a>`,
				">90,10<", ">85,00<", ">32,00<", // indices, Vietnamese decimal comma
				">34,60<", ">55,50<", // SNV's points per field
				">73,03<",               // mean index
				">▲1<", ">▼1<", ">mới<", // rank changes: SNV up, STP down, STC new
				">+5,10<", ">−12,00<", ">−18,00<", // index changes
				`class="badge grade-0" title="Xuất sắc">XS<`, `class="badge grade-4" title="Yếu">Y<`,
				"Chưa có đơn vị nào của nhóm này", // XA has no units
				`href="/periods/2024"`,            // period switcher
			},
			notContains: []string{`href="/periods/2026"`, "90.10"},
			check: func(t *testing.T, f *fixture, res *http.Response, body string) {
				if got := ranks(body); strings.Join(got, ",") != "1,2,2,4" {
					t.Errorf("ranks %v, want 1,2,2,4", got)
				}
			},
		},
		{
			name:        "one group",
			url:         "/periods/2025?group=SO",
			status:      http.StatusOK,
			contains:    []string{"Sở Nội vụ", `aria-current="page">Sở, ban, ngành<`},
			notContains: []string{"Chưa có đơn vị nào của nhóm này"},
		},
		{
			name:     "a group with no units renders",
			url:      "/periods/2025?group=XA",
			status:   http.StatusOK,
			contains: []string{"Bộ Chỉ số CCHC cấp xã", "Chưa có đơn vị nào của nhóm này", ">0<"},
		},
		{
			name:     "an earlier published period",
			url:      "/periods/2024",
			status:   http.StatusOK,
			contains: []string{"Kết quả Chỉ số CCHC Năm 2024", ">97,00<", `aria-current="page">Năm 2024<`},
		},
		{
			name:     "unknown group",
			url:      "/periods/2025?group=NOPE",
			status:   http.StatusNotFound,
			contains: []string{"Nhóm đơn vị NOPE không có bộ chỉ số trong kỳ 2025."},
		},
		{
			// Not a "page not found": the period exists, and the page says
			// where it stands and where the published results are.
			name:        "unpublished period",
			url:         "/periods/2026",
			status:      http.StatusOK,
			contains:    []string{"chưa được công bố</h1>", "đang ở giai đoạn: Tự đánh giá", `aria-current="step">Tự đánh giá<`, `href="/periods/2025"`},
			notContains: []string{"Sở Nội vụ", "404"},
		},
		{
			name:     "unknown period",
			url:      "/periods/1999",
			status:   http.StatusNotFound,
			contains: []string{"Không có kỳ đánh giá 1999."},
		},
		{
			name:   "unit breakdown",
			url:    "/periods/2025/units/SNV",
			status: http.StatusOK,
			contains: []string{
				"<h1>Sở Nội vụ</h1>", "1 / 4", ">90,10<", "90,10 / 100,00", ">▲1<", ">+5,10<",
				"Thay đổi được tính so với kỳ 2024.",
				">86,50<", // field 1 sub-index 34.6/40
				">73,50<", // the group's mean sub-index of field 1: (86.5+85+85+37.5)/4
				">5,40<",  // points lost in field 1
				">92,50<", // field 2 sub-index 55.5/60
				`<line class="mean" x1="73.50"`, `width="86.50"`,
				"Ban hành kế hoạch CCHC năm đúng hạn", ">18,00<", // the final points, not the self-assessment's 20
				"<details class=\"field\" open>", `class="node depth-0"`, `class="leaf depth-1"`,
				"Chấm điểm", "Tỷ lệ", "Điều tra xã hội học", "Điểm thưởng, ngoài thang 100 điểm",
			},
		},
		{
			name:     "not applicable leaves",
			url:      "/periods/2025/units/STC",
			status:   http.StatusOK,
			contains: []string{"không áp dụng", "76,50 / 90,00", ">mới<", "2 / 4"},
		},
		{
			name:     "notes explain missing data",
			url:      "/periods/2025/units/SXD",
			status:   http.StatusOK,
			contains: []string{"Chưa có điểm", "Thiếu số liệu on_time", "Điểm thưởng: 2,00"},
		},
		{
			name:     "unknown unit",
			url:      "/periods/2025/units/NOPE",
			status:   http.StatusNotFound,
			contains: []string{"Không có đơn vị mã NOPE."},
		},
		{
			name:     "unit without a result in the period",
			url:      "/periods/2025/units/SYT",
			status:   http.StatusNotFound,
			contains: []string{"Sở Y tế không có kết quả trong kỳ Năm 2025."},
		},
		{
			name:        "unit in an unpublished period",
			url:         "/periods/2026/units/SNV",
			status:      http.StatusOK,
			contains:    []string{"chưa được công bố</h1>"},
			notContains: []string{"Sở Nội vụ"},
		},
		{
			name:     "unknown page",
			url:      "/nope",
			status:   http.StatusNotFound,
			contains: []string{"Không tìm thấy trang", "404"},
		},
		{
			name:     "wrong method",
			method:   http.MethodPost,
			url:      "/periods/2025",
			status:   http.StatusMethodNotAllowed,
			contains: []string{"Thao tác không được hỗ trợ"},
		},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, sc.run)
	}
}

var rankCell = regexp.MustCompile(`<td class="num rank">(\d+)</td>`)

func ranks(body string) []string {
	var out []string
	for _, m := range rankCell.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestLanguage(t *testing.T) {
	enCookie := &http.Cookie{Name: "lang", Value: "en"}
	scenarios := []scenario{
		{
			name:        "Vietnamese by default",
			url:         "/periods/2025",
			status:      http.StatusOK,
			contains:    []string{`<html lang="vi">`, "Tổng điểm", "Xếp loại", `href="/periods/2025?lang=en"`, ">English<"},
			notContains: []string{"Grade distribution"},
			headers:     map[string]string{"Content-Language": "vi"},
		},
		{
			name:     "English on request, remembered in a cookie",
			url:      "/periods/2025?lang=en",
			status:   http.StatusOK,
			contains: []string{`<html lang="en">`, "PAR Index results Năm 2025", "Grade distribution", ">90.10<", ">−12.00<", ">Tiếng Việt<"},
			headers:  map[string]string{"Content-Language": "en"},
			check: func(t *testing.T, f *fixture, res *http.Response, body string) {
				var found bool
				for _, c := range res.Cookies() {
					if c.Name == "lang" && c.Value == "en" && c.HttpOnly && c.Path == "/" && c.MaxAge > 0 {
						found = true
					}
				}
				if !found {
					t.Errorf("no lang=en cookie in %v", res.Header["Set-Cookie"])
				}
			},
		},
		{
			name:     "the cookie alone",
			url:      "/periods/2025/units/SNV",
			cookies:  []*http.Cookie{enCookie},
			status:   http.StatusOK,
			contains: []string{`<html lang="en">`, "Results by field", "1 of 4", ">86.50<"},
		},
		{
			name:     "the query wins over the cookie",
			url:      "/periods/2025?lang=vi",
			cookies:  []*http.Cookie{enCookie},
			status:   http.StatusOK,
			contains: []string{`<html lang="vi">`},
		},
		{
			name:     "an unsupported language is ignored",
			url:      "/periods/2025?lang=fr",
			status:   http.StatusOK,
			contains: []string{`<html lang="vi">`},
		},
		{
			name:     "the configured default",
			url:      "/periods/2025",
			setup:    func(f *fixture) { f.defaultLang = "en" },
			status:   http.StatusOK,
			contains: []string{`<html lang="en">`},
		},
		{
			name:     "English error page",
			url:      "/periods/1999?lang=en",
			status:   http.StatusNotFound,
			contains: []string{"There is no assessment period 1999."},
		},
		{
			name:     "English page of an unpublished period",
			url:      "/periods/2026?lang=en",
			status:   http.StatusOK,
			contains: []string{"The results of Năm 2026 are not published yet", "is at this stage: Self-assessment"},
		},
		{
			name:     "English empty state",
			url:      "/?lang=en",
			setup:    func(f *fixture) { f.catalog.periods = nil },
			status:   http.StatusOK,
			contains: []string{"No results published yet", "parindex demo"},
		},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, sc.run)
	}
}

func TestAPI(t *testing.T) {
	const snv = `{"period":"2025","group":"SO","unit":"SNV","unit_name":"Sở Nội vụ","points":90.10,"max":100.00,` +
		`"index":90.10,"rank":1,"grade":"XS","grade_name":"Xuất sắc","rank_change":1,"index_change":5.10,` +
		`"items":{"1":34.60,"2":55.50,"9":0.00}}`
	const stc = `{"period":"2025","group":"SO","unit":"STC","unit_name":"Sở Tài chính","points":76.50,"max":90.00,` +
		`"index":85.00,"rank":2,"grade":"T","grade_name":"Tốt","rank_change":null,"index_change":null,` +
		`"items":{"1":25.50,"2":51.00,"9":0.00}}`
	const soSummary = `"SO":{"framework":"Bộ Chỉ số CCHC cấp sở","count":4,"mean_index":73.03,` +
		`"grades":{"K":0,"T":2,"TB":0,"XS":1,"Y":1},"previous_period":"2024"}`
	errorBody := regexp.MustCompile(`^\{"error":"[^"]+"\}$`)
	jsonError := func(t *testing.T, f *fixture, res *http.Response, body string) {
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Errorf("Content-Type %q, want JSON", res.Header.Get("Content-Type"))
		}
		if !errorBody.MatchString(body) {
			t.Errorf("error body %s, want {\"error\": \"message\"}", body)
		}
	}

	scenarios := []scenario{
		{
			name:        "results of one group",
			url:         "/api/v1/periods/2025/results?group=SO",
			status:      http.StatusOK,
			contains:    []string{`{"period":"2025","stage":"final","results":[` + snv + `,` + stc, soSummary},
			notContains: []string{`"XA"`},
			check: func(t *testing.T, f *fixture, res *http.Response, body string) {
				// Byte for byte what `parindex score --format json` prints.
				out, err := f.service().Compute(context.Background(), "2025", "SO", scoring.StageFinal)
				if err != nil {
					t.Fatal(err)
				}
				var want bytes.Buffer
				if err := out.WriteJSON(&want); err != nil {
					t.Fatal(err)
				}
				_, raw := f.do(http.MethodGet, "/api/v1/periods/2025/results?group=SO", nil)
				if raw != want.String() {
					t.Errorf("API document differs from the CLI's:\n%s\nwant:\n%s", raw, want.String())
				}
				var doc struct {
					Results []struct {
						Unit string `json:"unit"`
						Rank int    `json:"rank"`
					} `json:"results"`
				}
				if err := json.Unmarshal([]byte(body), &doc); err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, r := range doc.Results {
					got = append(got, r.Unit+":"+string(rune('0'+r.Rank)))
				}
				if strings.Join(got, " ") != "SNV:1 STC:2 STP:2 SXD:4" {
					t.Errorf("ranks %v", got)
				}
			},
		},
		{
			name:     "results of every group",
			url:      "/api/v1/periods/2025/results",
			status:   http.StatusOK,
			contains: []string{snv, soSummary, `"XA":{"framework":"Bộ Chỉ số CCHC cấp xã","count":0,"mean_index":0.00,"grades":{"A":0,"B":0,"C":0}}`},
		},
		{
			name:     "unpublished period",
			url:      "/api/v1/periods/2026/results?group=SO",
			status:   http.StatusNotFound,
			contains: []string{`{"error":"Kết quả kỳ đánh giá 2026 chưa được công bố."}`},
			check:    jsonError,
		},
		{
			name:     "unknown period, in English",
			url:      "/api/v1/periods/1999/results?lang=en",
			status:   http.StatusNotFound,
			contains: []string{`{"error":"There is no assessment period 1999."}`},
			check:    jsonError,
		},
		{
			name:     "unknown group",
			url:      "/api/v1/periods/2025/results?group=NOPE",
			status:   http.StatusNotFound,
			contains: []string{"NOPE"},
			check:    jsonError,
		},
		{
			name:   "unknown API route",
			url:    "/api/v1/nope",
			status: http.StatusNotFound,
			check:  jsonError,
		},
		{
			name:   "OpenAPI document",
			url:    "/api/v1/openapi.json",
			status: http.StatusOK,
			contains: []string{`"openapi":"3.0.3"`, `"/api/v1/periods/{period}/results"`, `"/healthz"`,
				`"/api/v1/openapi.json"`, `"ResultsDocument"`},
			check: func(t *testing.T, f *fixture, res *http.Response, body string) {
				var doc struct {
					OpenAPI string         `json:"openapi"`
					Paths   map[string]any `json:"paths"`
				}
				if err := json.Unmarshal([]byte(body), &doc); err != nil {
					t.Fatalf("not JSON: %v", err)
				}
				if !strings.HasPrefix(doc.OpenAPI, "3.0") || len(doc.Paths) < 3 {
					t.Errorf("openapi %q with %d paths", doc.OpenAPI, len(doc.Paths))
				}
			},
		},
		{
			name:     "healthy",
			url:      "/healthz",
			status:   http.StatusOK,
			contains: []string{`{"status":"ok"}`},
			headers:  map[string]string{"Cache-Control": "no-store"},
		},
		{
			name:     "storage down",
			url:      "/healthz",
			setup:    func(f *fixture) { f.catalog.pingErr = errors.New("connection refused") },
			status:   http.StatusServiceUnavailable,
			contains: []string{`{"status":"unavailable"}`},
		},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, sc.run)
	}
}

func TestServerErrors(t *testing.T) {
	boom := errors.New("disk on fire")
	logged := func(s string) func(*testing.T, *fixture, *http.Response, string) {
		return func(t *testing.T, f *fixture, res *http.Response, body string) {
			if n := strings.Count(f.logs.String(), s); n != 1 {
				t.Errorf("%q logged %d times, want once:\n%s", s, n, f.logs.String())
			}
		}
	}
	scenarios := []scenario{
		{
			name:        "page",
			url:         "/periods/2025",
			setup:       func(f *fixture) { f.store.failWith = boom },
			status:      http.StatusInternalServerError,
			contains:    []string{"Lỗi hệ thống", "Máy chủ gặp lỗi khi xử lý yêu cầu"},
			notContains: []string{"disk on fire"},
			check:       logged("disk on fire"),
		},
		{
			name:        "API",
			url:         "/api/v1/periods/2025/results",
			setup:       func(f *fixture) { f.store.failWith = boom },
			status:      http.StatusInternalServerError,
			contains:    []string{`{"error":"Máy chủ gặp lỗi khi xử lý yêu cầu.`},
			notContains: []string{"disk on fire"},
			check:       logged("disk on fire"),
		},
		{
			name:        "catalog",
			url:         "/periods/2025/units/SNV",
			setup:       func(f *fixture) { f.catalog.failWith = boom },
			status:      http.StatusInternalServerError,
			notContains: []string{"disk on fire"},
			check:       logged("disk on fire"),
		},
		{
			name:     "panic",
			url:      "/",
			setup:    func(f *fixture) { f.catalog.panicOn = true },
			status:   http.StatusInternalServerError,
			contains: []string{"Lỗi hệ thống"},
			check:    logged("fake catalog: boom"),
		},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, sc.run)
	}
}

func TestStatic(t *testing.T) {
	scenarios := []scenario{
		{
			name:     "stylesheet",
			url:      "/static/style.css",
			status:   http.StatusOK,
			contains: []string{"@media print", ".badge.grade-0"},
			headers:  map[string]string{"Content-Type": "text/css; charset=utf-8", "Cache-Control": "public, max-age=3600"},
		},
		{
			name:     "favicon",
			url:      "/static/favicon.svg",
			status:   http.StatusOK,
			contains: []string{"<svg"},
			headers:  map[string]string{"Content-Type": "image/svg+xml"},
		},
		{
			name:   "old favicon address",
			url:    "/favicon.ico",
			status: http.StatusMovedPermanently,
			check: func(t *testing.T, f *fixture, res *http.Response, body string) {
				if !strings.HasPrefix(res.Header.Get("Location"), "/static/favicon.svg?v=") {
					t.Errorf("Location %q", res.Header.Get("Location"))
				}
			},
		},
		{
			name:   "missing asset",
			url:    "/static/nope.js",
			status: http.StatusNotFound,
		},
		{
			name:   "versioned asset from a page",
			url:    "/periods/2025",
			status: http.StatusOK,
			check: func(t *testing.T, f *fixture, res *http.Response, body string) {
				m := regexp.MustCompile(`href="(/static/style\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(body)
				if m == nil {
					t.Fatal("no versioned stylesheet link")
				}
				res, _ = f.do(http.MethodGet, m[1], nil)
				if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
					t.Errorf("Cache-Control %q", cc)
				}
				etag := res.Header.Get("ETag")
				res, _ = f.do(http.MethodGet, m[1], map[string]string{"If-None-Match": etag})
				if res.StatusCode != http.StatusNotModified {
					t.Errorf("revalidation status %d, want 304", res.StatusCode)
				}
			},
		},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, sc.run)
	}
}
