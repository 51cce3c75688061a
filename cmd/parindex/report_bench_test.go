package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// BenchmarkReportWorkbook runs the `parindex report` binary end to end for
// 2,000 units × 120 leaves (one group: a summary sheet, a chart sheet and
// 2,000 unit sheets) as a process of its own, and reports its wall time and
// its peak resident memory (the kernel's maxrss), so that the figure covers
// everything the command holds: the Go heap, the runtime and SQLite's page
// cache alike. Sampling the heap from inside the process would stop the
// world at every sample and slow the work it measures.
//
// The kernel's maxrss of a process counts the peak of the process it was
// forked from before exec, and this benchmark's own process is large once
// the province is built. So the command is started by a small launcher (this
// test binary started afresh, see launchMeasured), whose child's maxrss is
// the command's own.
func BenchmarkReportWorkbook(b *testing.B) {
	bin := parindexBinary(b)
	db := benchProvince(b, 2000, 120)
	out := filepath.Join(b.TempDir(), "r.xlsx")
	var peak int64
	var wall time.Duration
	b.ResetTimer()
	for b.Loop() {
		m := measure(b, bin, "report", "--db", db, "--period", "2025", "--out", out)
		wall += m.Wall
		peak = max(peak, m.MaxRSS)
	}
	b.StopTimer()
	b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MB")
	b.ReportMetric(wall.Seconds()/float64(b.N), "s/workbook")
	if fi, err := os.Stat(out); err == nil {
		b.ReportMetric(float64(fi.Size())/(1<<20), "file-MB")
	}
}

// measured is what the launcher reports of the command it ran.
type measured struct {
	Wall   time.Duration
	MaxRSS int64 // bytes
}

// launcherEnv, set in the environment of this test binary, makes it run
// the command in its arguments and print a measured value as JSON instead
// of running tests.
const launcherEnv = "PARINDEX_BENCH_LAUNCHER"

func TestMain(m *testing.M) {
	if os.Getenv(launcherEnv) == "1" {
		os.Exit(launchMeasured(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// launchMeasured runs args as a command, its output to standard error, and
// prints its wall time and peak resident memory.
func launchMeasured(args []string) int {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "launcher:", err)
		return 1
	}
	m := measured{Wall: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.MaxRSS = ru.Maxrss << 10 // kilobytes on Linux
	}
	if err := json.NewEncoder(os.Stdout).Encode(m); err != nil {
		return 1
	}
	return 0
}

// measure runs a command through the launcher.
func measure(b *testing.B, args ...string) measured {
	b.Helper()
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(self, args...)
	cmd.Env = append(os.Environ(), launcherEnv+"=1")
	cmd.Stderr = os.Stderr
	raw, err := cmd.Output()
	if err != nil {
		b.Fatalf("%v: %v", args, err)
	}
	var m measured
	if err := json.Unmarshal(raw, &m); err != nil {
		b.Fatalf("launcher output %q: %v", raw, err)
	}
	return m
}
