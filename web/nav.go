package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
)

// The site's menu: every area a role may use, and none it may not (the
// every-page browser test follows each link shown and fails on a 4xx). It
// is built from the request alone, with no storage call, so that the error
// page shows it too: a link stays in the period of the page (the route's
// :period), and elsewhere goes through a short address (/reports,
// /work/dashboard…) that sends the reader to the latest period.

// errorPageKey marks a request answered by the error page.
const errorPageKey = "web.error_page"

// navEntry is one area of the menu: who sees it, where it goes in a
// period, where it goes without one, and which paths it covers.
type navEntry struct {
	key      string
	roles    []auth.Role // nil: everyone, the public included
	staff    bool        // only logged-in staff (any role) when roles is nil
	inPeriod func(period string, u auth.User) string
	latest   string
	covers   []string
}

func (e navEntry) admits(u auth.User) bool {
	if e.roles == nil {
		return !e.staff || u.Role.Staff()
	}
	for _, r := range e.roles {
		if u.Role == r {
			return true
		}
	}
	return false
}

var (
	board     = []auth.Role{auth.Admin, auth.Appraiser, auth.Committee}
	directors = []auth.Role{auth.Admin, auth.Committee}
)

// navEntries are the menu's areas in their order.
var navEntries = []navEntry{
	{key: "pages.nav.work", staff: true, latest: "/work", covers: []string{"/work"}},
	{key: "pages.nav.my_unit", roles: []auth.Role{auth.Officer}, latest: "/reports/mine",
		inPeriod: func(p string, u auth.User) string { return reportUnitURL(p, u.Unit) }, covers: []string{"/reports/mine"}},
	{key: "pages.nav.dashboard", roles: directors, latest: "/work/dashboard",
		inPeriod: func(p string, _ auth.User) string { return workPeriodURL(p) + "/dashboard" }, covers: []string{"/work/dashboard"}},
	{key: "pages.nav.reports", roles: board, latest: "/reports",
		inPeriod: func(p string, _ auth.User) string { return reportURL(p) }, covers: []string{"/reports"}},
	{key: "pages.nav.survey_results", roles: board, latest: "/reports/surveys",
		inPeriod: func(p string, _ auth.User) string { return reportURL(p) + "/surveys" }, covers: []string{"/reports/surveys"}},
	{key: "pages.nav.publish", roles: directors, latest: "/work/publish",
		inPeriod: func(p string, _ auth.User) string { return workPeriodURL(p) + "/publish" }, covers: []string{"/work/publish"}},
	{key: "pages.nav.surveys", roles: []auth.Role{auth.Admin}, latest: "/admin/surveys", covers: []string{"/admin/surveys"}},
	{key: "pages.nav.users", roles: []auth.Role{auth.Admin}, latest: "/admin/users", covers: []string{"/admin/users"}},
	{key: "lineage.nav", roles: []auth.Role{auth.Admin}, latest: lineageURL, covers: []string{lineageURL}},
	{key: "pages.nav.ranking", latest: "/", covers: []string{"/periods/"}},
	{key: "pages.nav.charts", latest: "/charts",
		inPeriod: func(p string, _ auth.User) string { return periodURL(p) + "/charts" }, covers: []string{"/charts"}},
	{key: "pages.nav.targets", latest: "/targets", covers: []string{"/targets"}},
}

// siteNav is the menu for the request's user. A link is marked current
// when the page is in its area: the longest matching path wins, so that
// /reports/P/surveys is "survey results", not "reports".
func (s *server) siteNav(c echo.Context, l *locale) []link {
	u := currentUser(c)
	path := c.Request().URL.Path
	period := c.Param("period")
	if c.Get(errorPageKey) != nil {
		// An error page's period may not exist: no link into it.
		period = ""
	}
	var out []link
	best, bestLen := -1, 0
	for _, e := range navEntries {
		if mustChange(c) && (e.staff || e.roles != nil) {
			continue // nothing of the staff's until the password is theirs
		}
		if !e.admits(u) || (s.auth == nil && (e.staff || e.roles != nil)) {
			continue
		}
		if e.key == "pages.nav.surveys" && s.surveys == nil {
			continue
		}
		if (e.key == "pages.nav.survey_results") && (s.reports == nil || s.reports.Surveys == nil) {
			continue
		}
		if e.key == "pages.nav.targets" && s.targets == nil {
			continue
		}
		if e.key == "lineage.nav" && s.lineage == nil {
			continue
		}
		target := e.latest
		// A public page of a period stays in it; a staff page of a period
		// too. The public's charts of an unpublished period do not exist,
		// so the charts link follows the period only on public pages.
		if period != "" && e.inPeriod != nil && (e.roles != nil || strings.HasPrefix(path, "/periods/")) {
			target = e.inPeriod(period, u)
		}
		covered := []string{target}
		covered = append(covered, e.covers...)
		if e.inPeriod != nil && period != "" {
			covered = append(covered, e.inPeriod(period, u))
		}
		for _, p := range covered {
			if inArea(path, p) && len(p) > bestLen {
				best, bestLen = len(out), len(p)
			}
		}
		out = append(out, link{Label: l.T(e.key), URL: target})
	}
	if best >= 0 {
		out[best].Current = true
	}
	return out
}

// inArea reports whether path is area or below it.
func inArea(path, area string) bool {
	if area == "/" {
		return path == "/"
	}
	area = strings.TrimSuffix(area, "/")
	return path == area || strings.HasPrefix(path, area+"/")
}

// latestPeriod is the newest period (by code) that keep admits, or
// not found.
func (s *server) latestPeriod(ctx context.Context, keep func(domain.Period) bool) (domain.Period, error) {
	all, err := s.catalog.Periods(ctx)
	if err != nil {
		return domain.Period{}, err
	}
	for i := len(all) - 1; i >= 0; i-- {
		if keep(all[i]) {
			return all[i], nil
		}
	}
	return domain.Period{}, notFound("pages.error.no_period")
}

func anyPeriodOK(domain.Period) bool { return true }

// toLatest answers a menu's short address by sending the reader to the
// same area in the latest period; with no period at all, to none, which
// says why: the home page (nothing published yet) or the work page (no
// period yet).
func (s *server) toLatest(keep func(domain.Period) bool, where func(period string, u auth.User) string) echo.HandlerFunc {
	return func(c echo.Context) error {
		p, err := s.latestPeriod(c.Request().Context(), keep)
		if errors.Is(err, domain.ErrNotFound) {
			if currentUser(c).Role.Staff() {
				return c.Redirect(http.StatusFound, "/work")
			}
			return c.Redirect(http.StatusFound, "/")
		}
		if err != nil {
			return err
		}
		return c.Redirect(http.StatusFound, where(p.Code, currentUser(c)))
	}
}
