package browsertest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Offline watches a tab: requests to the test server go on, anything else
// is failed and recorded. It also records console errors, uncaught
// exceptions and browser log errors (CSP violations).
type Offline struct {
	mu      sync.Mutex
	blocked []string
	errors  []string
}

// WatchOffline intercepts every request of the browser's tab from now on:
// those to origin (scheme://host:port, no trailing slash) go on, the others
// fail as blocked by the client. Check reports what it saw.
func WatchOffline(t testing.TB, b *Browser, origin string) *Offline {
	t.Helper()
	o := &Offline{}
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

func (o *Offline) add(s string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.errors = append(o.errors, s)
}

// Check fails the test if, since the last check, the tab asked for an
// address other than the server or the browser reported an error; page
// names the page in the message. It then forgets what it saw.
func (o *Offline) Check(t testing.TB, page string) {
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

// Problems returns, as sentences, what Check would fail on since the last
// check — addresses other than the server, browser errors — and forgets
// them.
func (o *Offline) Problems() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []string
	if len(o.blocked) > 0 {
		out = append(out, fmt.Sprintf("asked for addresses other than the server: %v", o.blocked))
	}
	for _, e := range o.errors {
		out = append(out, "browser error: "+e)
	}
	o.blocked, o.errors = nil, nil
	return out
}

// ChartsRendered loads a page and returns how many charts it has (elements
// with data-chart), how many of them ECharts drew on a canvas wider than
// zero, and the text of its h1. It waits up to 20 s for every chart to be
// marked data-rendered="true".
func ChartsRendered(t testing.TB, b *Browser, url string) (total, drawn int, heading string) {
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
