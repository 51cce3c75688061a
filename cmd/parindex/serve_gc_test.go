package main

import (
	"runtime/debug"
	"testing"
)

// TestTuneGC: the server's collector settings apply unless GOGC or
// GOMEMLIMIT say otherwise.
func TestTuneGC(t *testing.T) {
	percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetGCPercent(percent); debug.SetMemoryLimit(limit) })
	read := func() (int, int64) {
		p := debug.SetGCPercent(100)
		debug.SetGCPercent(p)
		return p, debug.SetMemoryLimit(-1)
	}
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
