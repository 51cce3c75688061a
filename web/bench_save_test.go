package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parindex/parindex/domain"
)

// BenchmarkSaveLeafUnderLoad saves one leaf's points end to end — HTTP,
// session and CSRF checks, the workflow's rules, the write and its change
// log entry — from 8 concurrent clients over loopback against a real
// server, and reports requests per second and the 99th-percentile latency.
// Every request changes the value, so every request writes a log entry.
func BenchmarkSaveLeafUnderLoad(b *testing.B) {
	p := newProvince(b)
	srv := httptest.NewServer(p.srv)
	defer srv.Close()
	// One unit and officer per client, as when many units self-assess at
	// once (clients racing on one leaf would get 409s by design).
	const workers = 8
	var units []domain.Unit
	for w := 0; w < workers; w++ {
		units = append(units, domain.Unit{Code: fmt.Sprintf("B%d", w), Name: fmt.Sprintf("Đơn vị %d", w), Group: "SO"})
	}
	if _, _, err := p.st.ImportUnits(context.Background(), units); err != nil {
		b.Fatal(err)
	}
	officers := make([]*client, workers)
	for w := range officers {
		name := fmt.Sprintf("officer-b%d", w)
		if code, body := p.as("admin").json(http.MethodPost, "/api/v1/users", map[string]any{
			"username": name, "role": "officer", "unit": units[w].Code, "password": apiPassword}); code != http.StatusCreated {
			b.Fatalf("create %s: %d %s", name, code, body)
		}
		officers[w] = p.as(name)
	}
	var (
		next      atomic.Int64
		mu        sync.Mutex
		latencies []time.Duration
		failures  atomic.Int64
	)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(officer *client, unit string) {
			defer wg.Done()
			var local []time.Duration
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					break
				}
				// Alternate between two values so that every save is a change.
				body := fmt.Sprintf(`{"points": %d}`, 10+i%2)
				req, _ := http.NewRequest(http.MethodPut, srv.URL+"/api/v1/periods/2025/units/"+unit+"/items/1.2/self", bytes.NewBufferString(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-CSRF-Token", officer.csrf)
				req.AddCookie(officer.cookie)
				t0 := time.Now()
				res, err := hc.Do(req)
				if err != nil || res.StatusCode != http.StatusOK {
					failures.Add(1)
				}
				if res != nil {
					res.Body.Close()
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			latencies = append(latencies, local...)
			mu.Unlock()
		}(officers[w], units[w].Code)
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if failures.Load() > 0 {
		b.Fatalf("%d of %d saves failed", failures.Load(), b.N)
	}
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	p99 := latencies[len(latencies)*99/100]
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
}
