package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"testing"
	"time"

	"github.com/parindex/parindex/internal/loadgen"
	"github.com/parindex/parindex/store/storetest"
)

// BenchmarkSurveySubmissions measures sustained public submissions to a
// real `parindex serve` process (SQLite, or PostgreSQL with
// PARINDEX_TEST_DATABASE_URL) from the load generator on the same machine:
// each op is one POST /api/v1/surveys/{survey}/responses acknowledged with
// 201, every simulated citizen a client of its own (X-Forwarded-For behind
// --trust-proxy, so that the rate limits and the burst rules run as in
// production). Run with a fixed count, e.g. -benchtime 20000x.
func BenchmarkSurveySubmissions(b *testing.B) {
	for _, workers := range []int{16, 64} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			db := storetest.URL(b)
			benchSurveySetup(b, db)
			srv := startServer(b, parindexBinary(b), db, "--trust-proxy")
			ctx := context.Background()
			survey, err := loadgen.Fetch(ctx, srv.base, "sipas-t")
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			res, err := loadgen.Run(ctx, loadgen.Config{BaseURL: srv.base, Survey: survey, Workers: workers,
				Duration: 5 * time.Minute, MaxRequests: b.N, ForwardedFor: true, Seed: 3})
			b.StopTimer()
			if err != nil {
				b.Fatal(err)
			}
			if len(res.Acks) != b.N {
				b.Fatalf("%d of %d acknowledged: %v, %d failed\n%s", len(res.Acks), b.N, res.Statuses, res.Failed, srv.out)
			}
			b.ReportMetric(res.Rate(), "submissions/s")
			b.ReportMetric(float64(res.Percentile(0.5).Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(res.Percentile(0.99).Microseconds())/1000, "p99-ms")
		})
	}
}

// benchSurveySetup is surveySetup for a benchmark: 100 units.
func benchSurveySetup(b *testing.B, db string) {
	b.Helper()
	units := "code,name,group\n"
	tx := "unit,transactions\n"
	for i := range 100 {
		units += fmt.Sprintf("U%03d,Đơn vị %d,G\n", i, i)
		tx += fmt.Sprintf("U%03d,5000\n", i)
	}
	dir := b.TempDir()
	write := func(name, content string) string {
		p := dir + "/" + name
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			b.Fatal(err)
		}
		return p
	}
	for _, args := range [][]string{
		{"import", "units", write("units.csv", units)},
		{"survey", "instrument", "--period", "2026", "--template", "sipas"},
		{"survey", "create", "--survey", "sipas-t", "--name", "SIPAS", "--period", "2026", "--instrument", "sipas"},
		{"survey", "transactions", "--survey", "sipas-t", write("tx.csv", tx)},
		{"survey", "open", "--survey", "sipas-t"},
	} {
		if code := run(context.Background(), append(args, "--db", db), noEnv, nil, io.Discard, os.Stderr); code != 0 {
			b.Fatalf("%v: exit %d", args, code)
		}
	}
}
