package web_test

import (
	"database/sql"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", to terminate connections

	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/surveys"
)

// TestDatabaseConnectionLossUnderLoad reproduces issue 11's item 8:
// with the server's PostgreSQL connections terminated five times under
// load, 30 of 1,795 reads and 15 of 216 writes answered 500. Now a read is
// retried once on a fresh connection, and a write that cannot be is a 503
// that says nothing was saved; an acknowledged response is never lost.
//
// Losing connections is a PostgreSQL matter (SQLite has none to lose), so
// this test runs on PostgreSQL in both suites: on the SQLite run it takes
// the server of CI (and, as every PostgreSQL test, it skips when no server
// answers, except under CI=true, where it fails).
func TestDatabaseConnectionLossUnderLoad(t *testing.T) {
	storetest.UsePostgres(t)
	dbURL := storetest.URL(t)
	e := newSurveyEnv(t, surveyOpts{rules: &surveys.Rules{}, dbURL: dbURL})
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	dbName := strings.TrimPrefix(u.Path, "/")
	u.Path = "/postgres" // the maintenance database, whose connection is not terminated
	admin, err := sql.Open("pgx", u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()

	var (
		reads, writes    atomic.Int64
		bad              sync.Map // "METHOD status: body" → count of unexpected answers
		created, refused atomic.Int64
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				var r *http.Request
				write := (w+i)%4 == 0
				if write {
					r = httptest.NewRequest(http.MethodPost, "/api/v1/surveys/khao-sat/responses", strings.NewReader(`{"unit":"S1","answers":{"Q1":5}}`))
					r.Header.Set("Content-Type", "application/json")
				} else {
					r = httptest.NewRequest(http.MethodGet, "/api/v1/surveys?unit=S1", nil)
				}
				rec := httptest.NewRecorder()
				e.srv.ServeHTTP(rec, r)
				body := rec.Body.String()
				switch {
				case !write && rec.Code == http.StatusOK:
					reads.Add(1)
				case write && rec.Code == http.StatusCreated:
					writes.Add(1)
					created.Add(1)
				case write && rec.Code == http.StatusServiceUnavailable && strings.Contains(body, "chưa được lưu") && rec.Header().Get("Retry-After") != "":
					writes.Add(1)
					refused.Add(1)
				default:
					key := r.Method + " " + http.StatusText(rec.Code) + ": " + clip(body)
					v, _ := bad.LoadOrStore(key, new(atomic.Int64))
					v.(*atomic.Int64).Add(1)
				}
			}
		})
	}
	// Five times, terminate every connection of the server's database.
	terminated := 0
	for range 5 {
		time.Sleep(400 * time.Millisecond)
		var n int
		if err := admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
WHERE datname = $1 AND pid <> pg_backend_pid()`, dbName).Scan(&n); err != nil {
			t.Fatal(err)
		}
		terminated += n
	}
	time.Sleep(400 * time.Millisecond)
	close(stop)
	wg.Wait()

	bad.Range(func(k, v any) bool {
		t.Errorf("%d × %s", v.(*atomic.Int64).Load(), k)
		return true
	})
	t.Logf("%d connections terminated; %d reads answered 200; %d writes: %d stored (201), %d refused (503)",
		terminated, reads.Load(), writes.Load(), created.Load(), refused.Load())
	if terminated < 5 || reads.Load() < 100 || created.Load() < 20 {
		t.Errorf("too little load to judge: %d terminated, %d reads, %d stored", terminated, reads.Load(), created.Load())
	}
	// Every acknowledged response was kept.
	camp, err := e.svc.Campaign(t.Context(), "khao-sat")
	if err != nil {
		t.Fatal(err)
	}
	counts, err := e.st.CountResponses(t.Context(), camp.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, byStatus := range counts {
		for _, c := range byStatus {
			n += c
		}
	}
	if int64(n) != created.Load() {
		t.Errorf("%d responses stored, %d acknowledged with 201", n, created.Load())
	}
}
