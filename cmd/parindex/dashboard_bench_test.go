package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/workflow"
)

// BenchmarkDashboard measures the province dashboard of 200 units × 120
// leaves served by a real `parindex serve` over loopback: the public page of
// a published period (/periods/2025/charts, computed from the frozen
// snapshots of 2025 and 2024) and the staff page of a period still being
// assessed (/reports/2026, live data compared with the published 2025).
// Each page is requested dashboardRequests times by one client at a time,
// then by four at once, and the latency percentiles are reported.
func BenchmarkDashboard(b *testing.B) {
	bin := parindexBinary(b)
	db := benchProvincePeriods(b, 200, 120, "2024", "2025", "2026")
	publishForBench(b, db, "2024", "2025")
	srv := startServer(b, bin, db)
	committee := loginForBench(b, srv.base, "bcd")
	admin := loginForBench(b, srv.base, "admin")
	pages := []struct{ name, path string }{
		{"public", "/periods/2025/charts"},
		{"staff", "/reports/2026"},
	}
	report := func(name string, lat []time.Duration) {
		p := func(q int) float64 { return float64(lat[len(lat)*q/100].Microseconds()) / 1000 }
		b.ReportMetric(p(50), name+"-p50-ms")
		b.ReportMetric(p(95), name+"-p95-ms")
	}
	b.ResetTimer()
	for b.Loop() {
		for _, pg := range pages {
			for _, workers := range []int{1, 4} {
				report(fmt.Sprintf("%s-c%d", pg.name, workers), loadPage(b, srv.base+pg.path, committee.cookie, workers, dashboardRequests, nil))
			}
		}
		// The staff page just after each change to the period's data (the
		// secretariat correcting an input): computed afresh every time.
		i, version := 0, int64(1) // the import wrote version 1
		change := func() error {
			i++
			body, _ := json.Marshal(map[string]any{"value": 50 + i%40, "reason": "đo tải", "version": version})
			req, _ := http.NewRequest(http.MethodPut, srv.base+"/api/v1/periods/2026/units/U0000/inputs/n1_4", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-CSRF-Token", admin.csrf)
			req.AddCookie(admin.cookie)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			msg, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				return fmt.Errorf("change an input: %d %s", res.StatusCode, msg)
			}
			version++
			return nil
		}
		report("staff-after-change", loadPage(b, srv.base+"/reports/2026", committee.cookie, 1, dashboardRequests/3, change))
	}
}

// dashboardRequests is how many requests each page and concurrency gets.
const dashboardRequests = 300

// publishForBench publishes periods through the steering committee's
// decision, as the workflow does, and creates the accounts bcd (committee)
// and admin (secretariat).
func publishForBench(b *testing.B, db string, periods ...string) {
	b.Helper()
	ctx := context.Background()
	st := storetest.OpenURL(b, db)
	defer st.Close()
	accounts := auth.NewService(st, nil)
	committee, err := accounts.CreateUser(ctx, auth.User{Username: "bcd", Name: "Ban Chỉ đạo", Role: auth.Committee}, benchPassword)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := accounts.CreateUser(ctx, auth.User{Username: "admin", Name: "Văn phòng thường trực", Role: auth.Admin}, benchPassword); err != nil {
		b.Fatal(err)
	}
	wf := newServices(st, false).workflow
	for i, p := range periods {
		if err := st.SetPhase(ctx, p, domain.PhaseFinalAppraisal); err != nil {
			b.Fatal(err)
		}
		if _, err := wf.Publish(ctx, committee, workflow.PublishRequest{Period: p, DecisionNo: fmt.Sprintf("%d/QĐ-UBND", 100+i),
			DecisionDate: time.Date(2026, 3, 1+i, 0, 0, 0, 0, time.UTC), Override: "số liệu đo tải"}); err != nil {
			b.Fatal(err)
		}
	}
}

const benchPassword = "mat-khau-do-tai-2026"

// benchSession is a logged-in client: its cookie and CSRF token.
type benchSession struct {
	cookie *http.Cookie
	csrf   string
}

// loginForBench logs in through the API and returns the session.
func loginForBench(b *testing.B, base, username string) benchSession {
	b.Helper()
	body, _ := json.Marshal(map[string]string{"username": username, "password": benchPassword})
	res, err := http.Post(base+"/api/v1/login", "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(res.Body)
		b.Fatalf("login: %d %s", res.StatusCode, msg)
	}
	var answer struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&answer); err != nil {
		b.Fatal(err)
	}
	for _, c := range res.Cookies() {
		if c.Value != "" {
			return benchSession{cookie: c, csrf: answer.CSRF}
		}
	}
	b.Fatal("login: no session cookie")
	return benchSession{}
}

// loadPage requests a page n times from `workers` clients at once and
// returns the latencies, sorted; before each request (not timed) it calls
// before when set. Every answer must be a 200 page with charts.
func loadPage(b *testing.B, url string, cookie *http.Cookie, workers, n int, before func() error) []time.Duration {
	b.Helper()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}, Timeout: 30 * time.Second}
	get := func() (time.Duration, error) {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.AddCookie(cookie)
		t0 := time.Now()
		res, err := hc.Do(req)
		if err != nil {
			return 0, err
		}
		page, err := io.ReadAll(res.Body)
		res.Body.Close()
		d := time.Since(t0)
		if err != nil {
			return 0, err
		}
		if res.StatusCode != http.StatusOK || !strings.Contains(string(page), "data-chart") {
			return 0, fmt.Errorf("%s: status %d, %d bytes without charts", url, res.StatusCode, len(page))
		}
		return d, nil
	}
	for range 5 { // warm up: connections, caches
		if _, err := get(); err != nil {
			b.Fatal(err)
		}
	}
	var (
		next     atomic.Int64
		mu       sync.Mutex
		all      []time.Duration
		firstErr error
		wg       sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []time.Duration
			for next.Add(1) <= int64(n) {
				var err error
				if before != nil {
					err = before()
				}
				var d time.Duration
				if err == nil {
					d, err = get()
				}
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				local = append(local, d)
			}
			mu.Lock()
			all = append(all, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if firstErr != nil {
		b.Fatal(firstErr)
	}
	slices.Sort(all)
	return all
}
