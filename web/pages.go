package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
)

// chrome is what the base layout needs on every page.
type chrome struct {
	Lang      string
	Title     string
	Province  string
	LangLinks []link // the other languages, each linking to this page
	Periods   []link // the published periods, for the switcher
	// Nav is the site's menu for the reader's role (nav.go).
	Nav []link
	// User is the header's account menu (nil when the server has no logins);
	// Scripts are extra same-origin scripts (asset names) the page loads.
	User    *userNav
	Scripts []string
}

// link is a navigation entry.
type link struct {
	Label   string
	URL     string
	Lang    string // hreflang of a language link
	Current bool
}

// chrome fills the layout's data. It makes no storage call, so the error
// page can use it when storage is what failed.
func (s *server) chrome(c echo.Context, l *locale, title string) chrome {
	ch := chrome{Lang: l.code, Title: title, Province: s.province, User: s.userNav(c, l), Nav: s.siteNav(c, l)}
	r := c.Request()
	for _, other := range s.langs.order {
		if other == l {
			continue
		}
		q := r.URL.Query()
		q.Set(langParam, other.code)
		u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		ch.LangLinks = append(ch.LangLinks, link{Label: other.T("lang.name"), URL: u.String(), Lang: other.code})
	}
	return ch
}

// periodLinks lists published periods for the switcher, newest first.
func periodLinks(periods []domain.Period, current string) []link {
	links := make([]link, 0, len(periods))
	for i := len(periods) - 1; i >= 0; i-- {
		p := periods[i]
		links = append(links, link{Label: periodName(p), URL: periodURL(p.Code), Current: p.Code == current})
	}
	return links
}

func periodName(p domain.Period) string {
	if p.Name != "" {
		return p.Name
	}
	return p.Code
}

func periodURL(period string) string {
	return "/periods/" + url.PathEscape(period)
}

func groupURL(period, group string) string {
	return periodURL(period) + "?group=" + url.QueryEscape(group)
}

func unitURL(period, unit string) string {
	return periodURL(period) + "/units/" + url.PathEscape(unit)
}

// publishedPeriods lists the periods the public may see, ordered by code.
func (s *server) publishedPeriods(ctx context.Context) ([]domain.Period, error) {
	all, err := s.catalog.Periods(ctx)
	if err != nil {
		return nil, fmt.Errorf("web: list periods: %w", err)
	}
	var out []domain.Period
	for _, p := range all {
		if p.Published() {
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

// unpublishedError is a period that exists but has no publication yet: not
// found for the data, the documents and the API; the public pages say so
// with the period's state (orUnpublished).
type unpublishedError struct {
	error
	period domain.Period
}

func (e *unpublishedError) Unwrap() error { return e.error }

// publishedPeriod returns a period the public may see; an unknown or
// unpublished period is not found.
func (s *server) publishedPeriod(ctx context.Context, code string) (domain.Period, error) {
	p, err := s.catalog.Period(ctx, code)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return domain.Period{}, notFound("error.period_not_found", code)
	case err != nil:
		return domain.Period{}, fmt.Errorf("web: period %s: %w", code, err)
	case !p.Published():
		return domain.Period{}, &unpublishedError{error: notFound("error.period_not_published", code), period: p}
	}
	return p, nil
}

// unpublishedPage says that a period's results are not published yet: where
// the period stands, what comes next, and the periods that are published.
type unpublishedPage struct {
	chrome
	PeriodName string
	Phase      string
	Steps      []phaseStep
	Published  []link
	// StaffURL is where a logged-in reader sees the period's work.
	StaffURL string
}

// orUnpublished answers a public page of a period not published yet with
// that state (200: the page exists and says where the period stands); any
// other error goes on to the central handler.
func (s *server) orUnpublished(c echo.Context, err error) error {
	var ue *unpublishedError
	if !errors.As(err, &ue) {
		return err
	}
	l := s.locale(c)
	p := ue.period
	published, perr := s.publishedPeriods(c.Request().Context())
	if perr != nil {
		return perr
	}
	page := unpublishedPage{chrome: s.chrome(c, l, l.T("pages.unpublished.title", periodName(p))),
		PeriodName: periodName(p), Phase: l.T("work.phase." + string(p.Phase)), Steps: phaseSteps(l, p.Phase)}
	page.Periods = periodLinks(published, p.Code)
	page.Published = periodLinks(published, "")
	switch u := currentUser(c); {
	case u.Role == auth.Admin || u.Role == auth.Committee || u.Role == auth.Appraiser:
		page.StaffURL = reportURL(p.Code)
	case u.Role.Staff():
		page.StaffURL = "/work"
	}
	return s.render(c, http.StatusOK, "unpublished", page)
}

// groupNames maps group codes to their names.
func (s *server) groupNames(ctx context.Context) (map[string]string, error) {
	groups, err := s.catalog.Groups(ctx)
	if err != nil {
		return nil, fmt.Errorf("web: list groups: %w", err)
	}
	names := make(map[string]string, len(groups))
	for _, g := range groups {
		names[g.Code] = g.Name
	}
	return names, nil
}

func nameOr(name, code string) string {
	if name == "" {
		return code
	}
	return name
}

// resultsError turns a failure to compute results into what the reader
// should see: a missing criteria set is "not found", anything else a
// server error.
func resultsError(err error, period, group string) error {
	if !errors.Is(err, domain.ErrNotFound) {
		return fmt.Errorf("web: results of %s: %w", period, err)
	}
	if group != "" {
		return notFound("error.group_not_found", group, period)
	}
	return notFound("error.period_no_results", period)
}

// emptyPage is the home page when nothing is published yet.
type emptyPage struct {
	chrome
}

// home sends the reader to the latest published ranking, or explains how to
// load data when nothing is published.
func (s *server) home(c echo.Context) error {
	periods, err := s.publishedPeriods(c.Request().Context())
	if err != nil {
		return err
	}
	if len(periods) == 0 {
		l := s.locale(c)
		return s.render(c, http.StatusOK, "empty", emptyPage{chrome: s.chrome(c, l, l.T("empty.title"))})
	}
	// 302: the latest period changes when the next one is published.
	return c.Redirect(http.StatusFound, periodURL(periods[len(periods)-1].Code))
}
