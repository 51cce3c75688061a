package web_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	_ "github.com/glebarez/go-sqlite" // database/sql driver "sqlite", to hold the database's write lock

	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
)

// TestSurveyWriterBusy: while the database holds the writer's commit back,
// submissions beyond what its queue holds are refused with 503, a
// Retry-After and a message that says the system is busy (no word of a
// lost database), and nothing of them is stored; the ones queued are
// stored once the database lets them through, and acknowledged then.
func TestSurveyWriterBusy(t *testing.T) {
	dbURL := storetest.URL(t)
	e := newSurveyEnv(t, surveyOpts{dbURL: dbURL})
	e.svc.Batch.Queue, e.svc.Batch.QueueWait = 1, time.Millisecond
	raw := rawConn(t, dbURL)
	before := countResponses(t, raw)

	// Another connection holds what the writer's INSERT needs: on
	// PostgreSQL a lock on the table that reads pass, on SQLite the write
	// lock.
	hold := []string{"BEGIN", "LOCK TABLE survey_responses IN SHARE ROW EXCLUSIVE MODE"}
	if !store.IsPostgresURL(dbURL) {
		hold = []string{"BEGIN IMMEDIATE"}
	}
	for _, q := range hold {
		if _, err := raw.ExecContext(t.Context(), q); err != nil {
			t.Fatal(err)
		}
	}
	released := false
	release := func() {
		if !released {
			released = true
			if _, err := raw.ExecContext(context.Background(), "ROLLBACK"); err != nil {
				t.Fatal(err)
			}
		}
	}
	defer release()

	const n = 8
	type answer struct {
		status     int
		retryAfter string
		body       string
	}
	answers := make(chan answer, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			res, body := e.do(req{method: http.MethodPost, url: "/api/v1/surveys/khao-sat/responses?lang=en",
				body: `{"unit":"S1","answers":{"Q1":4}}`, remote: fmt.Sprintf("192.0.2.%d", i+1)})
			answers <- answer{res.StatusCode, res.Header.Get("Retry-After"), body}
		})
	}
	// At most the batch being committed and the queue's one wait: the
	// others come back while the database is still held.
	var early []answer
	deadline := time.After(8 * time.Second)
	for len(early) < n-3 {
		select {
		case a := <-answers:
			early = append(early, a)
		case <-deadline:
			release()
			t.Fatalf("%d of %d submissions answered while the writer was held back", len(early), n)
		}
	}
	release()
	wg.Wait()
	close(answers)
	all := early
	for a := range answers {
		all = append(all, a)
	}
	created, busy := 0, 0
	for i, a := range all {
		switch a.status {
		case http.StatusCreated:
			if i < len(early) {
				t.Errorf("a submission was acknowledged while its commit was held back: %s", a.body)
			}
			created++
		case http.StatusServiceUnavailable:
			busy++
			var msg struct {
				Error string `json:"error"`
			}
			if err := json.Unmarshal([]byte(a.body), &msg); err != nil || a.retryAfter != "5" ||
				msg.Error != "The system is receiving a great many survey answers at once, so yours was not saved yet. Please send it again in a moment." {
				t.Errorf("refused: Retry-After %q, %s", a.retryAfter, a.body)
			}
		default:
			t.Errorf("status %d: %s", a.status, a.body)
		}
	}
	if created < 1 || busy < n-3 {
		t.Errorf("%d acknowledged, %d refused as busy", created, busy)
	}
	if got := countResponses(t, raw) - before; got != int64(created) {
		t.Errorf("%d responses stored, %d acknowledged", got, created)
	}
}

// rawConn is a connection of its own to the test's database.
func rawConn(t *testing.T, dbURL string) *sql.Conn {
	t.Helper()
	driver := "sqlite"
	if store.IsPostgresURL(dbURL) {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func countResponses(t *testing.T, conn *sql.Conn) int64 {
	t.Helper()
	var n int64
	if err := conn.QueryRowContext(context.Background(), "SELECT count(*) FROM survey_responses").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
