package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/reports"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/workflow"
)

// echartsAsset is the vendored ECharts build (see static/vendor/README.md).
const echartsAsset = "vendor/echarts-5.6.0.min.js"

// chartScripts are the scripts of every page with charts: ECharts, then
// the same-origin file that draws each chart from its JSON data block.
var chartScripts = []string{echartsAsset, "charts.js"}

// chartView is one chart on a page: its container and its options.
type chartView struct {
	ID    string
	Rows  int
	Label string
	JSON  template.JS
}

func newChartView(c reports.Chart, err error) (chartView, error) {
	if err != nil {
		return chartView{}, err
	}
	// The options are marshalled with HTML escaping, so they cannot end the
	// data block; the block is JSON, never executed.
	return chartView{ID: c.ID, Rows: c.Rows, Label: c.Title, JSON: template.JS(c.JSON)}, nil
}

func reportURL(period string) string { return "/reports/" + url.PathEscape(period) }

func reportUnitURL(period, unit string) string {
	return reportURL(period) + "/units/" + url.PathEscape(unit)
}

func scorecardURL(period, unit string) string {
	return unitURL(period, unit) + "/scorecard"
}

// anyPeriod returns a period staff may see: any that exists.
func (s *server) anyPeriod(c echo.Context) (domain.Period, error) {
	code := c.Param("period")
	p, err := s.catalog.Period(c.Request().Context(), code)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return domain.Period{}, notFound("error.period_not_found", code)
	case err != nil:
		return domain.Period{}, fmt.Errorf("web: period %s: %w", code, err)
	}
	return p, nil
}

// downloadWorkbook sends the period's Excel workbook.
func (s *server) downloadWorkbook(c echo.Context) error {
	if s.reports == nil {
		return notFound("error.period_not_found", c.Param("period"))
	}
	p, err := s.anyPeriod(c)
	if err != nil {
		return err
	}
	// The workbook is read as the user may see it: an unpublished period
	// narrowed to their units and rounds, and, published or not, no sheet
	// of a unit they may not see nor its comments.
	ctx, u := c.Request().Context(), currentUser(c)
	src := *s.reports
	src.Results = s.resultsFor(c)
	src.Comments = commentsFor{s.workflow, u}
	wd, err := src.Workbook(ctx, p.Code)
	if err != nil {
		return resultsError(err, p.Code, "")
	}
	sees, err := s.workflow.UnitsSeen(ctx, u, p.Code)
	if err != nil {
		return err
	}
	for _, g := range wd.Output.Groups {
		for _, r := range g.Results {
			if !sees(r.Unit) {
				if wd.HiddenUnits == nil {
					wd.HiddenUnits = map[string]bool{}
				}
				wd.HiddenUnits[r.Unit] = true
			}
		}
	}
	// Built in memory first, so that a failure is a clean error page
	// rather than half a file.
	var buf bytes.Buffer
	if err := reports.WriteWorkbook(&buf, wd); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="chi-so-cchc-%s.xlsx"`, url.PathEscape(p.Code)))
	return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}

// commentsFor reads the comments a user may see (reports.CommentStore).
type commentsFor struct {
	wf   *workflow.Service
	user auth.User
}

func (c commentsFor) Comments(ctx context.Context, period string) (map[string]map[string]map[scoring.Stage]string, error) {
	return c.wf.Comments(ctx, c.user, period)
}
