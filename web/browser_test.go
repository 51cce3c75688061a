package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parindex/parindex/internal/browsertest"
)

// TestBrowserShowsRanking opens the public ranking and a unit's page in
// headless Chromium, on a desktop and on a phone, and checks what a reader
// sees.
func TestBrowserShowsRanking(t *testing.T) {
	srv := httptest.NewServer(newFixture(t).server())
	defer srv.Close()
	for _, size := range []struct {
		name          string
		width, height int
	}{{"desktop", 1366, 900}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			b := browsertest.New(t, size.width, size.height, 60*time.Second)
			var heading, firstUnit, unitHeading string
			var rows int
			b.Run(
				chromedp.Navigate(srv.URL+"/"),
				chromedp.WaitVisible("h1", chromedp.ByQuery),
				chromedp.Text("h1", &heading, chromedp.ByQuery),
				chromedp.Evaluate(`document.querySelectorAll("table tbody tr").length`, &rows),
				chromedp.Text("table tbody tr th.unit a", &firstUnit, chromedp.ByQuery),
			)
			b.Screenshot("ranking")
			if !strings.Contains(heading, "2025") || rows < 4 || firstUnit != "Sở Nội vụ" {
				t.Errorf("ranking: heading %q, %d rows, first unit %q", heading, rows, firstUnit)
			}
			b.Run(
				chromedp.Click("table tbody tr th.unit a", chromedp.ByQuery),
				chromedp.WaitVisible("h1", chromedp.ByQuery),
				chromedp.Text("h1", &unitHeading, chromedp.ByQuery),
			)
			b.Screenshot("unit")
			if unitHeading != "Sở Nội vụ" {
				t.Errorf("unit page heading %q", unitHeading)
			}
		})
	}
}
