package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/surveys"
)

// exportRows is the number of responses of the export benchmark.
const exportRows = 1_000_000

// BenchmarkSurveyExport runs `parindex survey export` as a process of its
// own on a survey of 1,000,000 SIPAS responses (100 units, every channel,
// a comment on one in twelve, a flagged one in fifty), to CSV and to XLSX,
// and reports each one's wall time and peak resident memory (the kernel's
// maxrss, read through the launcher of report_bench_test.go), beside the
// floor: the database's own command-line client writing the same rows as
// CSV (`sqlite3 -csv`, or psql's `\copy (SELECT …) TO STDOUT CSV`).
//
//	go test -run '^$' -bench SurveyExport -benchtime 1x ./cmd/parindex/
//
// (with PARINDEX_TEST_DATABASE_URL for PostgreSQL).
func BenchmarkSurveyExport(b *testing.B) {
	bin := parindexBinary(b)
	db := storetest.URL(b)
	exportSetup(b, db)
	dir := b.TempDir()
	csvOut, xlsxOut := filepath.Join(dir, "x.csv"), filepath.Join(dir, "x.xlsx")
	var csvRun, xlsxRun measured
	var floor time.Duration
	b.ResetTimer()
	for b.Loop() {
		floor = exportFloor(b, db)
		csvRun = measure(b, bin, "survey", "export", "--db", db, "--survey", "sipas-x", "--out", csvOut)
		xlsxRun = measure(b, bin, "survey", "export", "--db", db, "--survey", "sipas-x", "--out", xlsxOut)
	}
	b.StopTimer()
	b.ReportMetric(floor.Seconds(), "floor-s")
	b.ReportMetric(csvRun.Wall.Seconds(), "csv-s")
	b.ReportMetric(float64(csvRun.MaxRSS)/(1<<20), "csv-peak-RSS-MB")
	b.ReportMetric(xlsxRun.Wall.Seconds(), "xlsx-s")
	b.ReportMetric(float64(xlsxRun.MaxRSS)/(1<<20), "xlsx-peak-RSS-MB")
	for _, f := range []string{csvOut, xlsxOut} {
		if fi, err := os.Stat(f); err == nil {
			b.ReportMetric(float64(fi.Size())/(1<<20), filepath.Ext(f)[1:]+"-MB")
		}
	}
	// The CSV holds every response.
	if n := countLines(b, csvOut); n != exportRows+1 {
		b.Errorf("the CSV has %d lines, want %d", n, exportRows+1)
	}
}

// exportColumns are the columns the export reads, for the floor's query.
const exportColumns = "id, unit_code, channel, submitted_at, status, flags, answers, texts"

// exportFloor writes the same rows as CSV with the database's own client
// and returns how long it took.
func exportFloor(b *testing.B, db string) time.Duration {
	b.Helper()
	query := "SELECT " + exportColumns + " FROM survey_responses WHERE campaign_id = 1 ORDER BY campaign_id, id"
	var cmd *exec.Cmd
	if store.IsPostgresURL(db) {
		cmd = exec.Command("psql", db, "-q", "-c", `\copy (`+query+`) TO STDOUT CSV`)
	} else {
		cmd = exec.Command("sqlite3", "-csv", db, query)
	}
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer null.Close()
	cmd.Stdout, cmd.Stderr = null, os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("floor %v: %v", cmd.Args, err)
	}
	return time.Since(start)
}

// exportSetup creates survey sipas-x (campaign 1) over 100 units and fills
// it with exportRows responses, generated in the database by its own
// client: one statement, so that building the benchmark takes seconds.
func exportSetup(b *testing.B, db string) {
	b.Helper()
	units := "code,name,group\n"
	for i := range 100 {
		units += fmt.Sprintf("U%03d,Đơn vị %d,G\n", i, i)
	}
	file := filepath.Join(b.TempDir(), "units.csv")
	if err := os.WriteFile(file, []byte(units), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, args := range [][]string{
		{"import", "units", file},
		{"survey", "instrument", "--period", "2026", "--template", "sipas"},
		{"survey", "create", "--survey", "sipas-x", "--name", "SIPAS", "--period", "2026", "--instrument", "sipas", "--groups", "G"},
		{"survey", "open", "--survey", "sipas-x"},
	} {
		if code := run(context.Background(), append(args, "--db", db), noEnv, nil, io.Discard, os.Stderr); code != 0 {
			b.Fatalf("%v: exit %d", args, code)
		}
	}
	_, ins, err := surveys.Template("sipas")
	if err != nil {
		b.Fatal(err)
	}
	// Answer patterns: satisfied mostly, some questions skipped ('0').
	pattern := strings.Repeat("5445340354453045441234530542", 3)
	n := len(ins.Questions)
	var sql string
	if store.IsPostgresURL(db) {
		sql = fmt.Sprintf(`INSERT INTO survey_responses (campaign_id, unit_code, channel, answers, texts, client_hash, status, flags, author, submitted_at, answered_at)
SELECT 1, 'U' || lpad((i %% 100)::text, 3, '0'),
  (ARRAY['web','kiosk','code','dossier','interviewer','paper','import'])[1 + i %% 7],
  substr('%[1]s', 1 + i %% 29, %[2]d),
  CASE WHEN i %% 12 = 0 THEN '{"GY1":"Cán bộ hướng dẫn nhiệt tình, chu đáo."}' ELSE '' END,
  '', CASE WHEN i %% 50 = 0 THEN 'flagged' ELSE 'valid' END, CASE WHEN i %% 50 = 0 THEN 'burst,duplicate' ELSE '' END, '',
  TIMESTAMPTZ '2026-08-01 01:00:00+00' + ((i * 13) %% 7776000) * INTERVAL '1 second',
  CASE WHEN i %% 7 = 4 THEN TIMESTAMPTZ '2026-08-01 01:00:00+00' + ((i * 13) %% 7776000 - 3600) * INTERVAL '1 second' END
FROM generate_series(0, %[3]d) AS i; ANALYZE survey_responses;`, pattern, n, exportRows-1)
		cmd := exec.Command("psql", db, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql)
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			b.Fatalf("psql: %v", err)
		}
		return
	}
	sql = fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %[3]d)
INSERT INTO survey_responses (campaign_id, unit_code, channel, answers, texts, client_hash, status, flags, author, submitted_at, answered_at)
SELECT 1, printf('U%%03d', i %% 100),
  CASE i %% 7 WHEN 0 THEN 'web' WHEN 1 THEN 'kiosk' WHEN 2 THEN 'code' WHEN 3 THEN 'dossier' WHEN 4 THEN 'interviewer' WHEN 5 THEN 'paper' ELSE 'import' END,
  substr('%[1]s', 1 + i %% 29, %[2]d),
  CASE WHEN i %% 12 = 0 THEN '{"GY1":"Cán bộ hướng dẫn nhiệt tình, chu đáo."}' ELSE '' END,
  '', CASE WHEN i %% 50 = 0 THEN 'flagged' ELSE 'valid' END, CASE WHEN i %% 50 = 0 THEN 'burst,duplicate' ELSE '' END, '',
  datetime('2026-08-01 01:00:00', '+' || ((i * 13) %% 7776000) || ' seconds'),
  CASE WHEN i %% 7 = 4 THEN datetime('2026-08-01 00:00:00', '+' || ((i * 13) %% 7776000) || ' seconds') END
FROM n; ANALYZE;`, pattern, n, exportRows-1)
	cmd := exec.Command("sqlite3", db)
	cmd.Stdin = strings.NewReader("PRAGMA foreign_keys = ON;\n" + sql + "\n")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		b.Fatalf("sqlite3: %v", err)
	}
}

// countLines counts a file's lines.
func countLines(b *testing.B, path string) int {
	b.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	n := 0
	for {
		k, err := f.Read(buf)
		for _, c := range buf[:k] {
			if c == '\n' {
				n++
			}
		}
		if err != nil {
			return n
		}
	}
}
