package surveys_test

import (
	"testing"
	"time"

	"github.com/parindex/parindex/surveys"
)

func TestCodeGuard(t *testing.T) {
	g := surveys.NewCodeGuard()
	now := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
	// Valid codes give their slots back: any number from one client.
	for i := range 500 {
		tk, ok, _ := g.Reserve("desk", "s", now)
		if !ok {
			t.Fatalf("valid code %d refused", i+1)
		}
		g.Settle(tk, false)
	}
	// Failures are kept: five, then one a minute.
	for i := range surveys.ClientCodeFailures {
		tk, ok, _ := g.Reserve("guess", "s", now)
		if !ok {
			t.Fatalf("failure %d refused", i+1)
		}
		g.Settle(tk, true)
	}
	if _, ok, wait := g.Reserve("guess", "s", now); ok || wait != time.Minute {
		t.Errorf("sixth: ok %v, wait %v; want refused for a minute", ok, wait)
	}
	if _, ok, _ := g.Reserve("guess", "s", now.Add(time.Minute)); !ok {
		t.Error("a minute later: still refused")
	}
	// Reservations count before they settle.
	var held []surveys.Ticket
	for range surveys.ClientCodeFailures {
		tk, ok, _ := g.Reserve("burst", "s", now)
		if !ok {
			t.Fatal("refused within the burst")
		}
		held = append(held, tk)
	}
	if _, ok, _ := g.Reserve("burst", "s", now); ok {
		t.Error("a sixth check in flight was allowed")
	}
	for _, tk := range held {
		g.Settle(tk, false)
	}
	if _, ok, _ := g.Reserve("burst", "s", now); !ok {
		t.Error("after valid codes settled: refused")
	}
}
