package web_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/targets"
	"github.com/parindex/parindex/web"
)

// fakeTargetsStore holds one programme and the 2025 statistics of the
// fixture's departments.
type fakeTargetsStore struct{ sources [][]byte }

func (f fakeTargetsStore) TargetsSources(context.Context) ([][]byte, error) { return f.sources, nil }

func (fakeTargetsStore) Units(context.Context, string) ([]domain.Unit, error) {
	return []domain.Unit{{Code: "SNV", Group: "SO"}, {Code: "STP", Group: "SO"}, {Code: "X1", Group: "XA"}}, nil
}

func (fakeTargetsStore) Inputs(_ context.Context, period, _ string) ([]domain.Input, error) {
	if period != "2025" {
		return nil, nil
	}
	in := func(unit, name string, v int64) domain.Input {
		return domain.Input{Period: period, Unit: unit, Name: name, Value: scoring.NewInt(v)}
	}
	// online: (450 + 300 + 100) / (1000 + 500 + 500) = 42.5 %
	return []domain.Input{
		in("SNV", "online", 450), in("SNV", "received", 1000),
		in("STP", "online", 300), in("STP", "received", 500),
		in("X1", "online", 100), in("X1", "received", 500),
	}, nil
}

const webProgramme = `
code: TN
name: Chương trình CCHC tỉnh Thử Nghiệm 2021 - 2030
decision: Quyết định 1/QĐ-UBND
targets:
  - code: online
    name: Tỷ lệ hồ sơ trực tuyến
    unit: "%"
    measure: {source: statistics, numerator: online, denominator: received}
    years: {"2024": 40, "2026": 60}
  - code: index-so
    name: Chỉ số CCHC bình quân cấp sở
    measure: {source: index, group: SO}
    years: {"2025": 70}
  - code: rank
    name: Xếp hạng Chỉ số CCHC của tỉnh
    unit: hạng
    better: lower
    measure: {source: external, note: Bộ Nội vụ công bố.}
    actual: {"2024": 30}
    years: {"2030": 10}
  - code: sat
    name: Mức độ hài lòng
    unit: "%"
    measure: {source: survey, survey: sipas}
    years: {"2025": 90}
`

func targetsServer(t *testing.T, f *fixture, svc web.Targets) http.Handler {
	t.Helper()
	return web.New(web.Config{Province: "Tỉnh Thử Nghiệm"}, web.Deps{Catalog: f.catalog, Results: f.service(), Targets: svc})
}

func get(t *testing.T, h http.Handler, url string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, html.UnescapeString(string(body))
}

func TestTargetsPage(t *testing.T) {
	f := newFixture(t)
	svc := &targets.Service{Store: fakeTargetsStore{sources: [][]byte{[]byte(webProgramme)}}, Results: f.service()}
	h := targetsServer(t, f, svc)
	cases := []struct {
		name, url   string
		status      int
		contains    []string
		notContains []string
	}{
		{"the latest published period, in Vietnamese", "/targets", http.StatusOK, []string{
			"Mục tiêu chương trình cải cách hành chính – kỳ Năm 2025",
			"Chương trình CCHC tỉnh Thử Nghiệm 2021 - 2030", "Quyết định 1/QĐ-UBND",
			// online 2025: halfway from 40 % (2024) to 60 % (2026) = 50 %; actual 42.5 % → behind.
			"Tỷ lệ hồ sơ trực tuyến", ">50 %<", "trên lộ trình đạt 60 % năm 2026", ">42,5 %<",
			"Số liệu thống kê: 850 / 2.000, 3 đơn vị (toàn tỉnh).",
			// The fixture's SO mean index in 2025 is 73.03 ≥ 70 → on track.
			">73,03<", "Chỉ số CCHC bình quân của nhóm SO.",
			// The rank has no 2025 value; the target is the 2030 milestone.
			">10 hạng<", "mục tiêu năm 2030", "Số liệu ngoài hệ thống. Bộ Nội vụ công bố.",
			"Khảo sát mức độ hài lòng",
			`class="badge target-behind">Chưa đạt<`, `class="badge target-on_track">Đúng lộ trình<`,
			`class="badge target-no_data">Chưa có số liệu<`,
			`href="/targets?period=2024"`, // the other published period
		}, []string{`href="/targets?period=2026"`}},
		{"an earlier period", "/targets?period=2024", http.StatusOK, []string{
			// 2024: online target 40 %, no statistics; rank 30 > 10 → behind.
			">40 %<", "Số liệu thống kê (toàn tỉnh): chưa có số liệu kỳ này.", ">30 hạng<",
		}, []string{">42,5 %<"}},
		{"in English", "/targets?period=2025&lang=en", http.StatusOK, []string{
			"Reform programme targets – period Năm 2025", ">42.5 %<", "on the path to 60 % in 2026",
			"Service statistics: 850 / 2,000, 3 units (whole province).", ">On track<", ">Behind<", ">No data yet<",
		}, nil},
		{"an unpublished period is not found", "/targets?period=2026", http.StatusNotFound, nil, []string{"Tỷ lệ hồ sơ trực tuyến"}},
		{"an unknown period is not found", "/targets?period=1999", http.StatusNotFound, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := get(t, h, c.url)
			if status != c.status {
				t.Fatalf("status %d, want %d:\n%s", status, c.status, clip(body))
			}
			for _, s := range c.contains {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %q:\n%s", s, clip(body))
				}
			}
			for _, s := range c.notContains {
				if strings.Contains(body, s) {
					t.Errorf("body has %q", s)
				}
			}
			if strings.Contains(body, "⟦") {
				t.Errorf("a catalogue key is missing:\n%s", clip(body))
			}
		})
	}

	// No programme imported: the page says so.
	empty := targetsServer(t, f, &targets.Service{Store: fakeTargetsStore{}})
	if status, body := get(t, empty, "/targets"); status != http.StatusOK || !strings.Contains(body, "Chưa có chương trình mục tiêu nào") {
		t.Errorf("no programme: %d\n%s", status, clip(body))
	}
	// A server without the targets service answers 404, not 500.
	none := targetsServer(t, f, nil)
	if status, _ := get(t, none, "/targets"); status != http.StatusNotFound {
		t.Errorf("no service: status %d, want 404", status)
	}
}
