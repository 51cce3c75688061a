package main

import (
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/parindex/parindex/internal/browsertest"
)

// roleTour is the pages one reader visits: the public, or a demo account.
type roleTour struct {
	user  string // "" for the public
	pages []string
}

// everyPage lists every page of every role on the demo province: each
// menu area, and the pages those areas lead to.
var everyPage = []roleTour{
	{"", []string{
		"/", "/periods/2025", "/periods/2025?group=XA", "/periods/2024", "/periods/2026",
		"/periods/2025/units/STP", "/periods/2025/units/P-LYVANLAM", "/periods/2025/units/STP/scorecard",
		"/periods/2025/charts", "/periods/2024/charts", "/periods/2025/print", "/periods/2025/publications/1",
		"/targets", "/targets?period=2024", "/login", "/nope",
		"/s/sipas-2026", "/s/sipas-2026/STP",
	}},
	{"admin", []string{
		"/work", "/work/periods/2026/dashboard", "/work/periods/2025/dashboard",
		"/work/periods/2026/units/STP", "/work/periods/2025/units/STP",
		"/work/periods/2026/units/STP/audit", "/work/periods/2025/units/STP/audit",
		"/work/periods/2026/publish", "/work/periods/2025/publish",
		"/reports/2026", "/reports/2025", "/reports/2026/surveys", "/reports/2026/units/STP", "/reports/2026/print",
		"/admin/users", "/admin/users/thamdinh", "/admin/users/stp", "/admin/users/import", "/account/password",
		"/admin/surveys", "/admin/surveys/instruments/new", "/admin/surveys/instruments/1",
		"/admin/surveys/campaigns/sipas-2026", "/admin/surveys/campaigns/sipas-2026/codes",
		"/admin/surveys/campaigns/sipas-2026/entry", "/admin/surveys/campaigns/sipas-2026/review",
		"/admin/surveys/campaigns/sipas-2026/results", "/admin/surveys/campaigns/sipas-2026/kiosks",
		"/periods/2025", "/targets",
	}},
	{"stp", []string{
		"/work", "/work/periods/2026/units/STP", "/work/periods/2025/units/STP",
		"/work/periods/2026/units/STP/audit", "/reports/2026/units/STP", "/reports/2025/units/STP",
		"/account/password", "/periods/2025", "/targets",
	}},
	{"thamdinh", []string{
		"/work", "/work/periods/2026/units/STP", "/work/periods/2025/units/P-LYVANLAM",
		"/work/periods/2025/units/STP/audit", "/reports/2026", "/reports/2026/surveys",
		"/reports/2026/units/STP", "/reports/2025/print", "/account/password", "/periods/2025",
	}},
	{"bcd", []string{
		"/work", "/work/periods/2026/dashboard", "/work/periods/2026/publish", "/work/periods/2025/publish",
		"/reports/2026", "/reports/2025", "/reports/2026/surveys", "/reports/2025/units/STP",
		"/work/periods/2026/units/STP", "/account/password", "/periods/2025", "/targets",
	}},
}

// errorPages are pages the tour visits to see an error page: their status
// is the point, so the browser's report of it is no failure, and their
// links (to themselves, in another language) are not followed.
var errorPages = map[string]bool{"/nope": true}

// sizes are the two windows of the tour: a laptop and a phone.
var sizes = []struct {
	name          string
	width, height int
}{{"desktop", 1366, 900}, {"phone", 390, 844}}

// TestBrowserEveryPage visits every page of every role of the demo at
// 1366×900 and 390×844 and fails on a page wider than the window, a table
// whose columns do not all show, a console error, a link shown to the role
// that answers 4xx or 5xx, and an accessibility violation of serious or
// critical impact (axe-core). The screenshots are written to
// $PARINDEX_SCREENSHOTS/TestBrowserEveryPage (one per page, role and size).
//
// PARINDEX_TOUR=REGEXP visits only the pages whose "role path" matches.
func TestBrowserEveryPage(t *testing.T) {
	if testing.Short() {
		t.Skip("the tour of every page takes minutes")
	}
	c := newCLI(t)
	c.ok("demo")
	srv := startServer(t, parindexBinary(t), c.db)
	var only *regexp.Regexp
	if re := os.Getenv("PARINDEX_TOUR"); re != "" {
		only = regexp.MustCompile(re)
	}
	links := map[string]map[string]string{} // role → link → the page that showed it
	for _, size := range sizes {
		b := browsertest.New(t, size.width, size.height, 20*time.Minute)
		o := browsertest.WatchOffline(t, b, srv.base)
		for _, tour := range everyPage {
			role := tour.user
			if role == "" {
				role = "public"
			}
			if links[role] == nil {
				links[role] = map[string]string{}
			}
			b.Run(network.ClearBrowserCookies())
			if tour.user != "" {
				browserLogin(t, b, srv.base, tour.user)
				o.Check(t, role+" login")
			}
			for _, path := range tour.pages {
				name := role + " " + path
				if only != nil && !only.MatchString(name) {
					continue
				}
				seen := links[role]
				if errorPages[path] {
					seen = map[string]string{}
				}
				problems := visitPage(t, b, o, srv.base+path, fmt.Sprintf("%s-%s-%s", size.name, role, path), seen)
				if errorPages[path] {
					problems = slices.DeleteFunc(problems, func(p string) bool { return strings.Contains(p, "status of 404") })
				}
				for _, p := range problems {
					t.Errorf("%s at %s: %s", name, size.name, p)
				}
			}
		}
	}
	for _, tour := range everyPage {
		role := tour.user
		if role == "" {
			role = "public"
		}
		checkLinks(t, srv.base, tour.user, links[role])
	}
}

// browserLogin signs in through the login form.
func browserLogin(t *testing.T, b *browsertest.Browser, base, user string) {
	t.Helper()
	b.Run(
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(`input[name="username"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="username"]`, user, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="password"]`, demoPassword, chromedp.ByQuery),
		chromedp.Submit(`input[name="password"]`, chromedp.ByQuery),
		chromedp.WaitVisible("form.logout", chromedp.ByQuery),
	)
}

// visitPage loads a page, waits for its charts, saves a screenshot and
// returns what is wrong with it; the links it shows are added to seen.
func visitPage(t *testing.T, b *browsertest.Browser, o *browsertest.Offline, url, shot string, seen map[string]string) []string {
	t.Helper()
	b.Run(
		chromedp.Navigate(url),
		chromedp.WaitReady("body", chromedp.ByQuery),
		chromedp.Poll(`document.querySelectorAll('[data-chart]').length === document.querySelectorAll('[data-chart][data-rendered="true"]').length`, nil,
			chromedp.WithPollingTimeout(30*time.Second)),
	)
	var problems []string
	layout := browsertest.ReadLayout(t, b)
	problems = append(problems, layout.Problems()...)
	for _, v := range browsertest.Axe(t, b) {
		problems = append(problems, "accessibility: "+v.String())
	}
	problems = append(problems, o.Problems()...)
	b.Screenshot(shot)
	for _, l := range layout.Links {
		if _, ok := seen[l]; !ok {
			seen[l] = url
		}
	}
	return problems
}

// checkLinks asks for every link a role was shown, as that role, and
// fails on an answer of 4xx or 5xx, or a redirect to the login page. A
// link to another site fails too: every page works offline.
func checkLinks(t *testing.T, base, user string, links map[string]string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 2 * time.Minute,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if req.URL.Path == "/login" {
				return fmt.Errorf("redirected to the login page")
			}
			return nil
		}}
	if user != "" {
		res, err := client.Post(base+"/api/v1/login", "application/json",
			strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, user, demoPassword)))
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("login %s: %v %v", user, err, res)
		}
		res.Body.Close()
	}
	role := user
	if role == "" {
		role = "public"
	}
	var all []string
	for l := range links {
		all = append(all, l)
	}
	slices.Sort(all)
	for _, l := range all {
		u, err := url.Parse(l)
		if err != nil {
			t.Errorf("%s: link %q on %s: %v", role, l, links[l], err)
			continue
		}
		if u.Fragment != "" && u.Path == "" {
			continue
		}
		if !strings.HasPrefix(l, base+"/") && l != base {
			t.Errorf("%s: link %q on %s leaves the server", role, l, links[l])
			continue
		}
		u.Fragment = ""
		res, err := client.Get(u.String())
		if err != nil {
			t.Errorf("%s: link %s on %s: %v", role, strings.TrimPrefix(u.String(), base), strings.TrimPrefix(links[l], base), err)
			continue
		}
		res.Body.Close()
		if res.StatusCode >= 400 {
			t.Errorf("%s: link %s on %s answers %d", role, strings.TrimPrefix(u.String(), base), strings.TrimPrefix(links[l], base), res.StatusCode)
		}
	}
}
