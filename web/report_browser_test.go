package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parindex/parindex/internal/browsertest"
)

// Every dashboard renders all its charts with nothing reachable but the
// server: ECharts and the chart script are served by the server itself.
func TestBrowserDashboardsOffline(t *testing.T) {
	t.Run("public", func(t *testing.T) {
		srv := httptest.NewServer(newFixture(t).server())
		defer srv.Close()
		b := browsertest.New(t, 1366, 900, 90*time.Second)
		o := browsertest.WatchOffline(t, b, srv.URL)
		for _, p := range []struct{ name, path, heading string }{
			{"overview", "/periods/2025/charts", "2025"},
			{"overview-en", "/periods/2025/charts?lang=en", "overview"},
			{"scorecard", "/periods/2025/units/STP/scorecard", "Sở Tư pháp"},
		} {
			total, drawn, heading := browsertest.ChartsRendered(t, b, srv.URL+p.path)
			b.Screenshot(p.name)
			if total == 0 || drawn != total {
				t.Errorf("%s: %d of %d charts drawn", p.name, drawn, total)
			}
			if !strings.Contains(heading, p.heading) {
				t.Errorf("%s: heading %q", p.name, heading)
			}
			o.Check(t, p.name)
		}
	})
	t.Run("staff", func(t *testing.T) {
		p := newWorkProvince(t)
		srv := httptest.NewServer(p.handler)
		defer srv.Close()
		b := browsertest.New(t, 1366, 900, 90*time.Second)
		o := browsertest.WatchOffline(t, b, srv.URL)
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
			total, drawn, _ := browsertest.ChartsRendered(t, b, srv.URL+pg.path)
			b.Screenshot(pg.name)
			if total == 0 || drawn != total {
				t.Errorf("%s: %d of %d charts drawn", pg.name, drawn, total)
			}
			o.Check(t, pg.name)
		}
	})
}
