package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/web"
)

// TestRealStoreAnswersLikeTheFixture copies the fixture's province into a
// real database (SQLite, or PostgreSQL when PARINDEX_TEST_DATABASE_URL is
// set) and checks that a server over the store answers every page and API
// request exactly as the server over the hand-checked in-memory fixture.
func TestRealStoreAnswersLikeTheFixture(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	st := storetest.Open(t)

	if err := st.UpsertGroups(ctx, f.catalog.groups); err != nil {
		t.Fatal(err)
	}
	var units []domain.Unit
	for _, u := range f.catalog.units {
		units = append(units, u)
	}
	sort.Slice(units, func(i, j int) bool { return units[i].Code < units[j].Code })
	if _, _, err := st.ImportUnits(ctx, units); err != nil {
		t.Fatal(err)
	}
	for key, fw := range f.store.frameworks {
		file := map[string]string{"SO": "so.yaml", "XA": "xa.yaml"}[key[1]]
		src, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		src = []byte(strings.Replace(string(src), `period: "2025"`, `period: "`+key[0]+`"`, 1))
		parsed, err := scoring.ParseFramework(strings.NewReader(string(src)))
		if err != nil || parsed.Period != key[0] || parsed.Group != fw.Group {
			t.Fatalf("testdata %s for %v: %v", file, key, err)
		}
		if _, err := st.SaveFramework(ctx, parsed, src, false); err != nil {
			t.Fatal(err)
		}
	}
	for key, list := range f.store.data {
		var scores []domain.Score
		var inputs []domain.Input
		for _, u := range list {
			for item, byStage := range u.Points {
				for stage, v := range byStage.All() {
					scores = append(scores, domain.Score{Period: key[0], Unit: u.Code, Item: item, Stage: stage, Value: v})
				}
			}
			// Until survey campaigns exist, a survey measure is read from the
			// input of the same name.
			for name, v := range u.Inputs {
				inputs = append(inputs, domain.Input{Period: key[0], Unit: u.Code, Name: name, Value: v})
			}
			for name, v := range u.Surveys {
				inputs = append(inputs, domain.Input{Period: key[0], Unit: u.Code, Name: name, Value: v})
			}
		}
		if _, err := st.RecordScores(ctx, scores, "test", "test"); err != nil {
			t.Fatal(err)
		}
		if len(inputs) > 0 {
			if err := st.RecordInputs(ctx, inputs, "test"); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, p := range f.catalog.periods {
		if err := st.SetPhase(ctx, p.Code, p.Phase); err != nil {
			t.Fatal(err)
		}
		// The store names a period by its code.
		f.catalog.periods[i].Name = p.Code
	}

	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := web.Config{Logger: quiet, Province: "Tỉnh Thử Nghiệm"}
	real := web.New(cfg, web.Deps{Catalog: st, Results: &results.Service{Store: st}})
	fake := web.New(cfg, web.Deps{Catalog: f.catalog, Results: f.service()})
	get := func(h http.Handler, url string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
		return rec.Code, rec.Body.String()
	}
	for _, url := range []string{
		"/",
		"/periods/2025",
		"/periods/2025?group=SO&lang=en",
		"/periods/2024",
		"/periods/2025/units/SNV",
		"/periods/2025/units/STC?lang=en",
		"/periods/2025/units/SXD",
		"/periods/2026",
		"/periods/2025/units/SYT",
		"/api/v1/periods/2025/results",
		"/api/v1/periods/2025/results?group=SO",
		"/api/v1/periods/2024/results",
		"/api/v1/periods/2026/results",
		"/api/v1/periods/1999/results",
		"/healthz",
	} {
		wantCode, wantBody := get(fake, url)
		code, body := get(real, url)
		if code != wantCode || body != wantBody {
			t.Errorf("%s: real store gives %d, fixture %d; bodies equal: %v\nreal: %s", url, code, wantCode, body == wantBody, clip(body))
		}
	}
	// The API's numbers are the hand-computed ones of the fixture.
	_, body := get(real, "/api/v1/periods/2025/results?group=SO")
	for _, w := range []string{`"unit": "SNV"`, `"index": 90.10`, `"mean_index": 73.03`} {
		if !strings.Contains(body, w) {
			t.Errorf("API lacks %s", w)
		}
	}
}
