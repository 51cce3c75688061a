package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/reports"
	"github.com/parindex/parindex/scoring"
)

// overviewPage is a period's province overview with its charts.
type overviewPage struct {
	chrome
	Period     domain.Period
	PeriodName string
	Staff      bool
	// Links to the other outputs of the period.
	RankingURL, PrintURL, CSVURL, JSONURL, WorkbookURL, SurveysURL string
	// AppendixURL downloads the decision appendix (PDF); Draft marks the
	// appendix and print page of a period not yet published.
	AppendixURL string
	Draft       bool
	Overview    *reports.Overview
	Means       chartView
	Groups      []groupCharts
}

// groupCharts is one group's part of the overview.
type groupCharts struct {
	reports.GroupOverview
	Anchor                                                string
	RankingChart, GradesChart, HeatmapChart, WeakestChart chartView
	UnitURLs                                              map[string]string
	// Honesty is the group's self-assessment against the final points
	// (nil when no unit assessed itself), with its charts.
	Honesty                     *reports.Honesty
	HonestyFields, HonestyUnits chartView
}

func (s *server) publicOverview(c echo.Context) error {
	p, err := s.publishedPeriod(c.Request().Context(), c.Param("period"))
	if err != nil {
		return s.orUnpublished(c, err)
	}
	return s.overview(c, p, false)
}

func (s *server) staffOverview(c echo.Context) error {
	p, err := s.anyPeriod(c)
	if err != nil {
		return err
	}
	return s.overview(c, p, true)
}

func (s *server) overview(c echo.Context, period domain.Period, staff bool) error {
	ctx := c.Request().Context()
	names, err := s.groupNames(ctx)
	if err != nil {
		return err
	}
	ov, err := reports.BuildOverview(ctx, s.resultsFor(c), period.Code, names)
	if err != nil {
		return resultsError(err, period.Code, "")
	}
	l := s.locale(c)
	page := overviewPage{
		chrome:     s.chrome(c, l, l.T("reports.overview.title", periodName(period))),
		Period:     period,
		PeriodName: periodName(period),
		Staff:      staff,
		Overview:   ov,
	}
	page.Scripts = chartScripts
	if period.Published() {
		page.RankingURL, page.PrintURL = periodURL(period.Code), periodURL(period.Code)+"/print"
		page.CSVURL, page.JSONURL = periodURL(period.Code)+"/results.csv", periodURL(period.Code)+"/results.json"
		page.AppendixURL = periodURL(period.Code) + "/appendix.pdf"
		published, err := s.publishedPeriods(ctx)
		if err != nil {
			return err
		}
		if !staff {
			page.Periods = periodLinks(published, period.Code)
		}
	}
	if staff && period.Phase != domain.PhasePublished {
		page.PrintURL, page.AppendixURL, page.Draft = reportURL(period.Code)+"/print", reportURL(period.Code)+"/appendix.pdf", true
	}
	if staff {
		if s.reports != nil {
			page.WorkbookURL = reportURL(period.Code) + "/workbook.xlsx"
			if s.reports.Surveys != nil {
				page.SurveysURL = reportURL(period.Code) + "/surveys"
			}
		}
	}
	if page.Means, err = newChartView(reports.MeansChart("chart-means", ov, l.T)); err != nil {
		return err
	}
	// The self-assessment against the council's points: every role of
	// this page may see the council's rounds (the public only once the
	// period is published).
	honesty, err := s.honesty(c, period)
	if err != nil {
		return err
	}
	for _, g := range ov.Groups {
		gc := groupCharts{GroupOverview: g, Anchor: "group-" + g.Code, UnitURLs: map[string]string{}}
		id := "chart-" + g.Code
		if gc.RankingChart, err = newChartView(reports.RankingChart(id+"-ranking", g, l.T)); err != nil {
			return err
		}
		if gc.GradesChart, err = newChartView(reports.GradeChart(id+"-grades", g, l.T)); err != nil {
			return err
		}
		if gc.HeatmapChart, err = newChartView(reports.HeatmapChart(id+"-heatmap", g, l.T)); err != nil {
			return err
		}
		if gc.WeakestChart, err = newChartView(reports.WeakFieldsChart(id+"-weakest", g, l.T)); err != nil {
			return err
		}
		if h := honesty[g.Code]; h != nil && h.Leaves > 0 {
			gc.Honesty = h
			if gc.HonestyFields, err = newChartView(reports.HonestyFieldsChart(id+"-honesty-fields", g.Name, h, l.T)); err != nil {
				return err
			}
			if gc.HonestyUnits, err = newChartView(reports.HonestyUnitsChart(id+"-honesty-units", g.Name, h, l.T)); err != nil {
				return err
			}
		}
		for _, u := range g.Units {
			if staff {
				gc.UnitURLs[u.Unit] = reportUnitURL(period.Code, u.Unit)
			} else {
				gc.UnitURLs[u.Unit] = scorecardURL(period.Code, u.Unit)
			}
		}
		page.Groups = append(page.Groups, gc)
	}
	return s.render(c, http.StatusOK, "report_overview", page)
}

// scorecardPage is one unit's dashboard and scorecard.
type scorecardPage struct {
	chrome
	Period                               domain.Period
	PeriodName                           string
	Staff                                bool
	GroupName                            string
	BackURL, BackLabel                   string
	Card                                 *reports.Scorecard
	Radar, Lost, Trend, Ranks, SelfFinal chartView
	// Honesty is the unit's self-assessment against the final points, for
	// those who may see the council's rounds (nil otherwise, or when the
	// unit assessed nothing itself).
	Honesty *reports.HonestyUnit
	// HonestyFields are the set's regular fields, in Honesty.Fields order.
	HonestyFields []reports.HonestyField
	// CompareNote says what a renamed, merged or split unit's previous
	// result is.
	CompareNote string
}

func (s *server) publicScorecard(c echo.Context) error {
	p, err := s.publishedPeriod(c.Request().Context(), c.Param("period"))
	if err != nil {
		return s.orUnpublished(c, err)
	}
	return s.scorecard(c, p, false)
}

// staffScorecard shows a unit's dashboard with every round to the staff who
// may see the unit: an officer their own, an appraiser their assigned
// units, the secretariat and the committee every unit.
func (s *server) staffScorecard(c echo.Context) error {
	p, err := s.anyPeriod(c)
	if err != nil {
		return err
	}
	sees, err := s.workflow.UnitsSeen(c.Request().Context(), currentUser(c), p.Code)
	if err != nil {
		return err
	}
	if !sees(c.Param("unit")) {
		return forbidden("pub.error.unit_not_seen")
	}
	return s.scorecard(c, p, true)
}

func (s *server) scorecard(c echo.Context, period domain.Period, staff bool) error {
	ctx := c.Request().Context()
	code := c.Param("unit")
	unit, err := s.catalog.Unit(ctx, code)
	if errors.Is(err, domain.ErrNotFound) {
		return notFound("error.unit_not_found", code)
	}
	if err != nil {
		return fmt.Errorf("web: unit %s: %w", code, err)
	}
	var periods []string
	if staff {
		all, err := s.catalog.Periods(ctx)
		if err != nil {
			return fmt.Errorf("web: list periods: %w", err)
		}
		for _, p := range all {
			periods = append(periods, p.Code)
		}
	} else {
		published, err := s.publishedPeriods(ctx)
		if err != nil {
			return err
		}
		for _, p := range published {
			periods = append(periods, p.Code)
		}
	}
	lin, err := s.lineageOf(ctx)
	if err != nil {
		return err
	}
	card, err := reports.BuildScorecard(ctx, s.resultsFor(c), reports.ScorecardInput{Period: period.Code, Group: unit.Group,
		Unit: unit.Code, Periods: periods, WithSelf: staff, Lineage: lin})
	if errors.Is(err, domain.ErrNotFound) {
		return notFound("error.unit_no_result", nameOr(unit.Name, unit.Code), periodName(period))
	}
	if err != nil {
		return err
	}
	names, err := s.groupNames(ctx)
	if err != nil {
		return err
	}
	l := s.locale(c)
	page := scorecardPage{
		chrome:     s.chrome(c, l, l.T("reports.unit.title", card.UnitName, periodName(period))),
		Period:     period,
		PeriodName: periodName(period),
		Staff:      staff,
		GroupName:  nameOr(names[unit.Group], unit.Group),
		Card:       card,
	}
	page.Scripts = chartScripts
	if c := card.Compared; c != nil && c.Kind != scoring.SameUnit {
		page.CompareNote = comparisonNote(l, c)
	}
	// Back to where the reader came from and may go: the province's
	// overview for the board, the work page for an officer (who may not
	// open the overview), the unit's public page for the public.
	switch u := currentUser(c); {
	case staff && u.Role == auth.Officer:
		page.BackURL, page.BackLabel = "/work", l.T("work.nav.back_work")
	case staff:
		page.BackURL, page.BackLabel = reportURL(period.Code), l.T("reports.unit.back")
	default:
		page.BackURL, page.BackLabel = unitURL(period.Code, unit.Code), l.T("pages.scorecard.back", card.UnitName)
	}
	if page.Radar, err = newChartView(reports.RadarChart("chart-radar", card, l.T)); err != nil {
		return err
	}
	if page.Lost, err = newChartView(reports.LostChart("chart-lost", card, l.T)); err != nil {
		return err
	}
	if page.Trend, err = newChartView(reports.TrendChart("chart-trend", card, l.T)); err != nil {
		return err
	}
	if page.Ranks, err = newChartView(reports.RankHistoryChart("chart-ranks", card, l.T)); err != nil {
		return err
	}
	if staff {
		if page.SelfFinal, err = newChartView(reports.SelfFinalChart("chart-self-final", card, l.T)); err != nil {
			return err
		}
	}
	{
		honesty, err := s.honesty(c, period)
		if err != nil {
			return err
		}
		if h := honesty[unit.Group]; h != nil {
			if u := h.Unit(unit.Code); u != nil && u.Leaves > 0 {
				page.Honesty, page.HonestyFields = u, h.Fields
			}
		}
	}
	return s.render(c, http.StatusOK, "report_unit", page)
}
