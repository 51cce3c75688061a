package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/targets"
)

// Targets reports a period's programme targets; *targets.Service
// implements it.
type Targets interface {
	Report(ctx context.Context, period string) (*targets.Report, error)
}

// targetsPage is the programme targets of a published period.
type targetsPage struct {
	chrome
	PeriodName string
	Year       int
	Tabs       []link // the published periods
	Programmes []programmeSection
}

// programmeSection is one programme's table.
type programmeSection struct {
	Name, Decision                string
	Rows                          []targetRow
	OnTrack, Behind, NoData, Rest int
}

// targetRow is one target's line, every value already written in the
// reader's language.
type targetRow struct {
	Code, Name string
	Target     string // "50 %", or "–"
	TargetNote string // "on the path to 80 % in 2030", "target for 2025"
	Actual     string // "42,5 %", or ""
	Basis      string // how the actual was obtained
	Status     string // on_track, behind, no_data
	StatusText string
}

// targetsURL is the targets page of a period.
func targetsURL(period string) string { return "/targets?period=" + url.QueryEscape(period) }

// targetsOverview shows each programme target of a published period (the
// latest one without ?period=) with its actual value and whether it is on
// track.
func (s *server) targetsOverview(c echo.Context) error {
	if s.targets == nil {
		return notFound("targets.error.none")
	}
	ctx := c.Request().Context()
	published, err := s.publishedPeriods(ctx)
	if err != nil {
		return err
	}
	code := c.QueryParam("period")
	if code == "" {
		if len(published) == 0 {
			return notFound("targets.error.no_period")
		}
		code = published[len(published)-1].Code
	}
	period, err := s.publishedPeriod(ctx, code)
	if err != nil {
		return err
	}
	rep, err := s.targets.Report(ctx, period.Code)
	if err != nil {
		return err
	}
	l := s.locale(c)
	page := targetsPage{
		chrome:     s.chrome(c, l, l.T("targets.title", periodName(period))),
		PeriodName: periodName(period),
		Year:       rep.Year,
	}
	for i := len(published) - 1; i >= 0; i-- {
		p := published[i]
		page.Tabs = append(page.Tabs, link{Label: periodName(p), URL: targetsURL(p.Code), Current: p.Code == period.Code})
	}
	for _, pr := range rep.Programmes {
		sec := programmeSection{Name: pr.Programme.Name, Decision: pr.Programme.Decision}
		for _, r := range pr.Rows {
			sec.Rows = append(sec.Rows, newTargetRow(l, r))
			switch r.Status {
			case targets.OnTrack:
				sec.OnTrack++
			case targets.Behind:
				sec.Behind++
			default:
				sec.NoData++
			}
		}
		page.Programmes = append(page.Programmes, sec)
	}
	return s.render(c, http.StatusOK, "targets", page)
}

func newTargetRow(l *locale, r targets.Row) targetRow {
	t := r.Target
	row := targetRow{Code: t.Code, Name: t.Name, Target: "–", Status: string(r.Status)}
	if r.Value != nil {
		row.Target = quantity(l, *r.Value, t.Unit)
		switch {
		case r.Interpolated:
			row.TargetNote = l.T("targets.note.path", quantity(l, t.Years[r.Milestone], t.Unit), r.Milestone)
		case r.Milestone != r.Year:
			row.TargetNote = l.T("targets.note.milestone", r.Milestone)
		}
	}
	if r.Actual != nil {
		row.Actual = quantity(l, *r.Actual, t.Unit)
	}
	switch r.Status {
	case targets.OnTrack:
		row.StatusText = l.T("targets.status.on_track")
	case targets.Behind:
		row.StatusText = l.T("targets.status.behind")
	default:
		row.StatusText = l.T("targets.status.no_data")
	}
	m := t.Measure
	switch m.Source {
	case targets.Statistics:
		scope := l.T("targets.scope.province")
		if m.Scope != "" {
			scope = l.T("targets.scope.group", m.Scope)
		}
		switch {
		case r.Numerator != nil:
			row.Basis = l.T("targets.basis.ratio", l.plain(*r.Numerator), l.plain(*r.Denominator), r.Units, scope)
		case r.Units > 0:
			row.Basis = l.T("targets.basis.mean", r.Units, scope)
		default:
			row.Basis = l.T("targets.basis.no_statistics", scope)
		}
	case targets.Index:
		row.Basis = l.T("targets.basis.index", m.Group)
	case targets.Survey:
		row.Basis = l.T("targets.basis.survey")
	case targets.External:
		row.Basis = l.T("targets.basis.external")
	}
	if m.Note != "" {
		row.Basis += " " + m.Note
	}
	return row
}

// quantity writes a value with at most two decimals and its unit: "42,5 %",
// "25 hạng".
func quantity(l *locale, d scoring.Decimal, unit string) string {
	s := l.plain(d)
	if unit != "" {
		s += " " + unit
	}
	return s
}

// plain writes a number as published (two decimals, half up) without the
// trailing zeros: 42,50 → 42,5; 850,00 → 850.
func (l *locale) plain(d scoring.Decimal) string {
	s := l.Number(d)
	if i := strings.LastIndex(s, l.decimal); i >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, l.decimal)
	}
	return s
}

// Compile-time check that the targets service fits.
var _ Targets = (*targets.Service)(nil)
