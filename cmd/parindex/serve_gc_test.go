package main

import (
	"runtime/debug"
	"testing"
)

// TestTuneGC: the server's collector settings apply unless GOGC or
// GOMEMLIMIT say otherwise.
func TestTuneGC(t *testing.T) {
	read := gcSettings(t)
	tuneGC(func(string) string { return "" })
	if p, l := read(); p != serverGCPercent || l != serverMemoryLimit {
		t.Errorf("GOGC and GOMEMLIMIT unset: %d%%, %d bytes; want %d%%, %d", p, l, serverGCPercent, serverMemoryLimit)
	}
	debug.SetGCPercent(100)
	debug.SetMemoryLimit(1 << 40)
	tuneGC(func(k string) string { return map[string]string{"GOGC": "50", "GOMEMLIMIT": "1GiB"}[k] })
	if p, l := read(); p != 100 || l != 1<<40 {
		t.Errorf("GOGC and GOMEMLIMIT set: the server changed them to %d%%, %d bytes", p, l)
	}
}

// TestTuneCommandGC: every command but serve runs with the commands'
// collector settings unless GOGC or GOMEMLIMIT say otherwise; serve is
// left to tuneGC.
func TestTuneCommandGC(t *testing.T) {
	read := gcSettings(t)
	none := func(string) string { return "" }
	for _, c := range []struct {
		args    []string
		getenv  func(string) string
		percent int
		limit   int64
	}{
		{[]string{"score", "--period", "2025"}, none, commandGCPercent, commandMemoryLimit},
		{nil, none, commandGCPercent, commandMemoryLimit},
		{[]string{"serve", "--demo"}, none, 100, 1 << 40},
		{[]string{"report"}, func(k string) string { return map[string]string{"GOGC": "50", "GOMEMLIMIT": "1GiB"}[k] }, 100, 1 << 40},
	} {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(1 << 40)
		tuneCommandGC(c.args, c.getenv)
		if p, l := read(); p != c.percent || l != c.limit {
			t.Errorf("%v: %d%%, %d bytes; want %d%%, %d", c.args, p, l, c.percent, c.limit)
		}
	}
}

// gcSettings restores the collector's settings when the test ends and
// returns a function that reads them.
func gcSettings(t *testing.T) func() (int, int64) {
	percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
	debug.SetGCPercent(percent)
	t.Cleanup(func() { debug.SetGCPercent(percent); debug.SetMemoryLimit(limit) })
	return func() (int, int64) {
		p := debug.SetGCPercent(100)
		debug.SetGCPercent(p)
		return p, debug.SetMemoryLimit(-1)
	}
}
