package web_test

import (
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/parindex/parindex/internal/browsertest"
)

// offlineTab intercepts every request of the tab: those to the test server
// go on, anything else is failed and recorded. It also records console
// errors, uncaught exceptions and browser log errors (CSP violations).
type offlineTab struct {
	mu      sync.Mutex
	blocked []string
	errors  []string
}

func watchOffline(t *testing.T, b *browsertest.Browser, origin string) *offlineTab {
	t.Helper()
	o := &offlineTab{}
	chromedp.ListenTarget(b.Ctx, func(ev any) {
		switch e := ev.(type) {
		case *fetch.EventRequestPaused:
			id, url := e.RequestID, e.Request.URL
			go func() {
				ctx := b.Ctx
				if strings.HasPrefix(url, origin+"/") || url == origin {
					_ = chromedp.Run(ctx, fetch.ContinueRequest(id))
					return
				}
				o.mu.Lock()
				o.blocked = append(o.blocked, url)
				o.mu.Unlock()
				_ = chromedp.Run(ctx, fetch.FailRequest(id, network.ErrorReasonBlockedByClient))
			}()
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.APITypeError || e.Type == runtime.APITypeAssert {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				o.add("console: " + strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			o.add("exception: " + e.ExceptionDetails.Error())
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.LevelError {
				o.add("log: " + e.Entry.Text + " " + e.Entry.URL)
			}
		}
	})
	b.Run(fetch.Enable().WithPatterns([]*fetch.RequestPattern{{URLPattern: "*"}}), runtime.Enable(), cdplog.Enable())
	return o
}

func (o *offlineTab) add(s string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.errors = append(o.errors, s)
}

func (o *offlineTab) check(t *testing.T, page string) {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.blocked) > 0 {
		t.Errorf("%s asked for addresses other than the server: %v", page, o.blocked)
	}
	if len(o.errors) > 0 {
		t.Errorf("%s: browser errors: %v", page, o.errors)
	}
	o.blocked, o.errors = nil, nil
}

// chartsRendered loads a page and returns how many charts it has and how
// many of them ECharts drew on a canvas.
func chartsRendered(t *testing.T, b *browsertest.Browser, url string) (total, drawn int, heading string) {
	t.Helper()
	var counts []int
	b.Run(
		chromedp.Navigate(url),
		chromedp.WaitVisible("h1", chromedp.ByQuery),
		chromedp.Text("h1", &heading, chromedp.ByQuery),
		chromedp.Poll(`document.querySelectorAll('[data-chart]').length === document.querySelectorAll('[data-chart][data-rendered="true"]').length`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Evaluate(`(() => { const all = [...document.querySelectorAll('[data-chart]')];
			return [all.length, all.filter(e => e.querySelector('canvas') && e.querySelector('canvas').width > 0).length]; })()`, &counts),
	)
	return counts[0], counts[1], heading
}

// Every dashboard renders all its charts with nothing reachable but the
// server: ECharts and the chart script are served by the server itself.
func TestBrowserDashboardsOffline(t *testing.T) {
	t.Run("public", func(t *testing.T) {
		srv := httptest.NewServer(newFixture(t).server())
		defer srv.Close()
		b := browsertest.New(t, 1366, 900, 90*time.Second)
		o := watchOffline(t, b, srv.URL)
		for _, p := range []struct{ name, path, heading string }{
			{"overview", "/periods/2025/charts", "2025"},
			{"overview-en", "/periods/2025/charts?lang=en", "overview"},
			{"scorecard", "/periods/2025/units/STP/scorecard", "Sở Tư pháp"},
		} {
			total, drawn, heading := chartsRendered(t, b, srv.URL+p.path)
			b.Screenshot(p.name)
			if total == 0 || drawn != total {
				t.Errorf("%s: %d of %d charts drawn", p.name, drawn, total)
			}
			if !strings.Contains(heading, p.heading) {
				t.Errorf("%s: heading %q", p.name, heading)
			}
			o.check(t, p.name)
		}
	})
	t.Run("staff", func(t *testing.T) {
		p := newWorkProvince(t)
		srv := httptest.NewServer(p.handler)
		defer srv.Close()
		b := browsertest.New(t, 1366, 900, 90*time.Second)
		o := watchOffline(t, b, srv.URL)
		b.Run(
			chromedp.Navigate(srv.URL+"/login"),
			chromedp.WaitVisible(`input[name="username"]`, chromedp.ByQuery),
			chromedp.SendKeys(`input[name="username"]`, "bcd", chromedp.ByQuery),
			chromedp.SendKeys(`input[name="password"]`, testPassword, chromedp.ByQuery),
			chromedp.Submit(`input[name="password"]`, chromedp.ByQuery),
			// Logged in once the page after the redirect shows the logout button.
			chromedp.WaitVisible("form.logout", chromedp.ByQuery),
		)
		for _, pg := range []struct{ name, path string }{
			{"staff-overview", "/reports/2026"},
			{"staff-unit", "/reports/2026/units/STP"},
		} {
			total, drawn, _ := chartsRendered(t, b, srv.URL+pg.path)
			b.Screenshot(pg.name)
			if total == 0 || drawn != total {
				t.Errorf("%s: %d of %d charts drawn", pg.name, drawn, total)
			}
			o.check(t, pg.name)
		}
	})
}
