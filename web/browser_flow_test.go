package web_test

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/parindex/parindex/internal/browsertest"
)

// flow drives the staff and public pages of a province in headless
// Chromium, one person at a time, as they would: log in, fill in, press,
// read what the page says.
type flow struct {
	t    *testing.T
	b    *browsertest.Browser
	base string
}

// newFlow serves the province and opens a browser on it, accepting the
// confirmation dialogs of irreversible actions as the user would.
func newFlow(t *testing.T, p *workProvince, timeout time.Duration) *flow {
	srv := httptest.NewServer(p.handler)
	t.Cleanup(srv.Close)
	b := browsertest.New(t, 1366, 900, timeout)
	chromedp.ListenTarget(b.Ctx, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			go func() { _ = chromedp.Run(b.Ctx, page.HandleJavaScriptDialog(true)) }()
		}
	})
	return &flow{t: t, b: b, base: srv.URL}
}

// after runs actions that load a new page and waits until it has.
func (f *flow) after(actions ...chromedp.Action) {
	f.t.Helper()
	f.b.Run(chromedp.Evaluate(`window.__stale = true`, nil))
	f.b.Run(actions...)
	// Evaluating fails while the old page's context goes away: retry.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var loaded bool
		err := chromedp.Run(f.b.Ctx, chromedp.Evaluate(`!window.__stale && document.readyState === "complete"`, &loaded))
		if err == nil && loaded {
			return
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("the next page did not load (%v)", err)
		}
	}
}

// open loads a page of the server.
func (f *flow) open(path string) {
	f.t.Helper()
	f.after(chromedp.Navigate(f.base + path))
}

// text is an element's text, spaces collapsed ("" when absent).
func (f *flow) text(sel string) string {
	f.t.Helper()
	var s string
	f.b.Run(chromedp.Evaluate(`(function(){var e=document.querySelector(`+jsString(sel)+`);return e?e.textContent.replace(/\s+/g," "):""})()`, &s))
	return s
}

// expect checks that an element shows every text.
func (f *flow) expect(step, sel string, want ...string) {
	f.t.Helper()
	got := f.text(sel)
	for _, w := range want {
		if !strings.Contains(got, w) {
			f.t.Errorf("%s: %s lacks %q; it shows:\n%s", step, sel, w, got)
		}
	}
}

func (f *flow) login(user string) {
	f.t.Helper()
	f.b.Run(chromedp.Navigate(f.base+"/login"), chromedp.WaitVisible(`#username`, chromedp.ByQuery))
	f.after(chromedp.SendKeys(`#username`, user, chromedp.ByQuery), chromedp.SendKeys(`#password`, testPassword, chromedp.ByQuery),
		chromedp.Click(`form[action="/login"] button[type=submit]`, chromedp.ByQuery))
	f.expect("login "+user, "header", "Đăng xuất")
}

func (f *flow) logout() {
	f.t.Helper()
	f.after(chromedp.Click(`form.logout button`, chromedp.ByQuery))
	f.expect("logout", "main", "Bạn đã đăng xuất.")
}

// typeInto replaces an input's value by typing, first unfolding the
// assessment's field that holds it (the fields start folded), as a reader
// would by choosing the field's name, and emptying the box (chromedp's
// SetValue fails on a text box, for a reason not found).
func typeInto(sel, value string) chromedp.Action {
	prepare := fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return false;
		const d = e.closest('details'); if (d) d.open = true; e.value = ''; return true; })()`, sel)
	return chromedp.Tasks{chromedp.Evaluate(prepare, nil), chromedp.SendKeys(sel, value, chromedp.ByQuery)}
}
