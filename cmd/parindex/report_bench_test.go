package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// BenchmarkReportWorkbook runs `parindex report` end to end for 2,000 units
// × 120 leaves (one group: a summary sheet, a chart sheet and 2,000 unit
// sheets) and reports the heap in use at its peak sampling point and the
// bytes allocated per workbook.
func BenchmarkReportWorkbook(b *testing.B) {
	db := benchProvince(b, 2000, 120)
	out := filepath.Join(b.TempDir(), "r.xlsx")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	peak := uint64(0)
	done := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-done:
				return
			default:
			}
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			runtime.Gosched()
		}
	}()
	b.ResetTimer()
	for b.Loop() {
		if code := run(context.Background(), []string{"report", "--db", db, "--period", "2025", "--out", out}, noEnv, nil, io.Discard, os.Stderr); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
	b.StopTimer()
	close(done)
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "alloc-MB/op")
	if fi, err := os.Stat(out); err == nil {
		b.ReportMetric(float64(fi.Size())/(1<<20), "file-MB")
	}
}
