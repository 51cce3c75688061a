package web

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/reports"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// openData computes a published period's open data.
func (s *server) openData(c echo.Context) (*results.Output, *reports.OpenData, domain.Period, error) {
	ctx := c.Request().Context()
	period, err := s.publishedPeriod(ctx, c.Param("period"))
	if err != nil {
		return nil, nil, period, err
	}
	out, err := s.results.Compute(ctx, period.Code, "", scoring.StageFinal)
	if err != nil {
		return nil, nil, period, resultsError(err, period.Code, "")
	}
	var pub *domain.Publication
	heads, err := s.results.PublicationHeads(ctx, period.Code)
	if err != nil {
		return nil, nil, period, err
	}
	if len(heads) > 0 {
		latest, err := s.results.Publication(ctx, period.Code, heads[len(heads)-1].Number)
		if err != nil {
			return nil, nil, period, err
		}
		pub = &latest
	}
	od, err := reports.NewOpenData(out, pub)
	return out, od, period, err
}

func (s *server) openDataCSV(c echo.Context) error {
	opt, header, err := s.csvDownload(c)
	if err != nil {
		return err
	}
	out, od, period, err := s.openData(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := od.WriteCSV(&buf, out, opt, header); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="chi-so-cchc-`+period.Code+`.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

func (s *server) openDataJSON(c echo.Context) error {
	_, od, _, err := s.openData(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := od.WriteJSON(&buf); err != nil {
		return err
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSONCharsetUTF8, buf.Bytes())
}

// surveyPage shows a period's survey results with their intervals.
type surveyPage struct {
	chrome
	PeriodName string
	BackURL    string
	Surveys    []surveyCharts
}

// surveyCharts is one campaign: satisfaction per element and per unit.
type surveyCharts struct {
	reports.SurveySheet
	ElementsChart, UnitsChart chartView
	ElementRows               []reports.IntervalRow
	UnitRows                  []reports.IntervalRow
	// Comparison sets the independent channels (codes, interviewers)
	// against the self-run ones (QR code, kiosk), unit by unit, with the
	// pattern flags (survey_channels.go).
	Comparison []comparisonRow
	Flags      []patternView
}

func (s *server) surveyDashboard(c echo.Context) error {
	period, err := s.anyPeriod(c)
	if err != nil {
		return err
	}
	l := s.locale(c)
	page := surveyPage{chrome: s.chrome(c, l, l.T("reports.surveys.title", periodName(period))),
		PeriodName: periodName(period), BackURL: reportURL(period.Code)}
	page.Scripts = chartScripts
	if s.reports == nil || s.reports.Surveys == nil {
		return s.render(c, http.StatusOK, "report_surveys", page)
	}
	sheets, err := reports.SurveySheets(c.Request().Context(), s.reports.Surveys, period.Code, l.code)
	if err != nil {
		return err
	}
	for i, sh := range sheets {
		sc := surveyCharts{SurveySheet: sh}
		for j, e := range sh.Province.Elements {
			e.Label = sh.ElementNames[j]
			sc.ElementRows = append(sc.ElementRows, e)
		}
		for _, u := range sh.Units {
			r := u.Index
			r.Label = u.Name
			sc.UnitRows = append(sc.UnitRows, r)
		}
		id := fmt.Sprintf("chart-survey-%d", i)
		if sc.ElementsChart, err = newChartView(reports.IntervalChart(id+"-elements", l.T("reports.chart.survey_elements", sh.Name), sc.ElementRows, l.T)); err != nil {
			return err
		}
		if sc.UnitsChart, err = newChartView(reports.IntervalChart(id+"-units", l.T("reports.chart.survey_units", sh.Name), sc.UnitRows, l.T)); err != nil {
			return err
		}
		if s.surveys != nil {
			rep, err := s.surveys.svc.Channels(c.Request().Context(), sh.Code)
			if err != nil {
				return err
			}
			names := map[string]string{}
			for _, u := range rep.Campaign.Units {
				names[u.Code] = u.Name
			}
			sc.Comparison, sc.Flags = comparison(l, rep), patternViews(l, rep, names)
		}
		page.Surveys = append(page.Surveys, sc)
	}
	return s.render(c, http.StatusOK, "report_surveys", page)
}
