package web

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/workflow"
)

// publicationURL is the public page of one publication of a period.
func publicationURL(period string, number int) string {
	return periodURL(period) + "/publications/" + strconv.Itoa(number)
}

// readinessView is a period's readiness to publish as shown.
type readinessView struct {
	Ready  bool
	Groups []readinessGroup
}

// readinessGroup is one group's readiness as shown.
type readinessGroup struct {
	Name                                     string
	Units, Submitted, Appraised1, Appraised2 int
	LeavesWithoutFinal                       int
	Shortfalls                               []string
	Ready                                    bool
}

func newReadinessView(l *locale, r workflow.Readiness, names map[string]string) *readinessView {
	v := &readinessView{Ready: r.Ready}
	for _, g := range r.Groups {
		rg := readinessGroup{Name: nameOr(names[g.Group], g.Group), Units: g.Units, Submitted: g.Submitted,
			Appraised1: g.AppraisedRound1, Appraised2: g.AppraisedRound2, LeavesWithoutFinal: g.LeavesWithoutFinal, Ready: g.Ready()}
		for _, sf := range g.SurveysBelowTarget {
			rg.Shortfalls = append(rg.Shortfalls, l.T("pub.ready.shortfall", sf.Survey, sf.Unit, l.Int(sf.Valid), l.Int(int(sf.Target))))
		}
		v.Groups = append(v.Groups, rg)
	}
	return v
}

// changeRow is what a correction changed for one unit, as shown.
type changeRow struct {
	Group, Unit, Name          string
	Points, Index, Rank, Grade changeCell
}

// Cells are the row's values in the order of the table's columns.
func (r changeRow) Cells() []changeCell { return []changeCell{r.Points, r.Index, r.Rank, r.Grade} }

// changeCell is one value before and after a correction.
type changeCell struct {
	Before, After string
	Changed       bool
}

func changeRows(l *locale, changes []results.UnitChange) []changeRow {
	out := make([]changeRow, 0, len(changes))
	cell := func(ch results.UnitChange, f func(results.Standing) string) changeCell {
		c := changeCell{Before: "–", After: "–"}
		if ch.Before != nil {
			c.Before = f(*ch.Before)
		}
		if ch.After != nil {
			c.After = f(*ch.After)
		}
		c.Changed = c.Before != c.After
		return c
	}
	for _, ch := range changes {
		out = append(out, changeRow{Group: ch.Group, Unit: ch.Unit, Name: nameOr(ch.UnitName, ch.Unit),
			Points: cell(ch, func(s results.Standing) string { return l.Number(s.Points.Decimal) }),
			Index:  cell(ch, func(s results.Standing) string { return l.Number(s.Index.Decimal) }),
			Rank:   cell(ch, func(s results.Standing) string { return l.Int(s.Rank) }),
			Grade:  cell(ch, func(s results.Standing) string { return s.Grade }),
		})
	}
	return out
}

// publicationPage is one publication of a period, readable at its own
// address after a correction: its ranking, its decision and what it
// changed against the publication before it.
type publicationPage struct {
	chrome
	Period       domain.Period
	PeriodName   string
	Publication  publicationView
	Previous     *publicationView
	Latest       bool
	LatestURL    string
	Changes      []changeRow
	Publications []publicationView
	Groups       []groupSection
}

// publicationNumber reads the publication number of the URL.
func publicationNumber(c echo.Context) (int, error) {
	n, err := strconv.Atoi(c.Param("number"))
	if err != nil || n < 1 {
		return 0, notFound("pub.error.no_publication", c.Param("number"), c.Param("period"))
	}
	return n, nil
}

// publicationPageHandler shows one publication of a published period.
func (s *server) publicationPage(c echo.Context) error {
	ctx, l := c.Request().Context(), s.locale(c)
	period, err := s.publishedPeriod(ctx, c.Param("period"))
	if err != nil {
		return err
	}
	number, err := publicationNumber(c)
	if err != nil {
		return err
	}
	pubs, err := s.publications(ctx, l, period.Code)
	if err != nil {
		return err
	}
	page := publicationPage{chrome: s.chrome(c, l, l.T("pub.page.title", number, periodName(period))), Period: period,
		PeriodName: periodName(period), Publications: pubs, LatestURL: periodURL(period.Code)}
	found := false
	for i, p := range pubs { // newest first
		if p.Number == number {
			page.Publication, page.Latest, found = p, i == 0, true
			if i+1 < len(pubs) {
				prev := pubs[i+1]
				page.Previous = &prev
			}
		}
	}
	if !found {
		return notFound("pub.error.no_publication", strconv.Itoa(number), period.Code)
	}
	out, err := s.results.ComputePublication(ctx, period.Code, number, "", scoring.StageFinal)
	if err != nil {
		return resultsError(err, period.Code, "")
	}
	changes, err := s.results.Changes(ctx, period.Code, number)
	if err != nil {
		return err
	}
	page.Changes = changeRows(l, changes)
	names, err := s.groupNames(ctx)
	if err != nil {
		return err
	}
	for _, g := range out.Groups {
		sec := newGroupSection(period.Code, nameOr(names[g.Code], g.Code), g)
		if !page.Latest {
			// A unit's page shows the publication in force; an earlier
			// publication's rows stay on this page.
			for i := range sec.Rows {
				sec.Rows[i].URL = ""
			}
		}
		page.Groups = append(page.Groups, sec)
	}
	return s.render(c, http.StatusOK, "publication", page)
}

// downloadDecision sends a publication's signed decision as an
// attachment, never inline.
func (s *server) downloadDecision(c echo.Context) error {
	ctx := c.Request().Context()
	period, err := s.publishedPeriod(ctx, c.Param("period"))
	if err != nil {
		return err
	}
	number, err := publicationNumber(c)
	if err != nil {
		return err
	}
	if s.workflow == nil {
		return notFound("pub.error.no_publication", strconv.Itoa(number), period.Code)
	}
	doc, rc, err := s.workflow.OpenDecision(ctx, period.Code, number)
	if err != nil {
		return err
	}
	defer rc.Close()
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": doc.FileName}))
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set(echo.HeaderContentLength, strconv.FormatInt(doc.Size, 10))
	return c.Stream(http.StatusOK, "application/pdf", rc)
}

// publicationJSON is a publication in the API.
type publicationJSON struct {
	Period       string               `json:"period"`
	Number       int                  `json:"number"`
	DecisionNo   string               `json:"decision_no"`
	DecisionDate string               `json:"decision_date"`
	ApprovedBy   string               `json:"approved_by"`
	PublishedAt  string               `json:"published_at"`
	Reason       string               `json:"reason,omitempty"`
	Override     string               `json:"override,omitempty"`
	Reopened     string               `json:"reopened_reason,omitempty"`
	Decision     *string              `json:"decision_url"`
	URL          string               `json:"url"`
	Results      string               `json:"results_url"`
	Changes      []results.UnitChange `json:"changes,omitempty"`
}

func newPublicationJSON(p domain.Publication, reopened string) publicationJSON {
	out := publicationJSON{Period: p.Period, Number: p.Number, DecisionNo: p.DecisionNo, DecisionDate: p.DecisionDate.Format("2006-01-02"),
		ApprovedBy: p.ApprovedBy, PublishedAt: p.PublishedAt.UTC().Format("2006-01-02T15:04:05Z"), Reason: p.Reason,
		Override: p.Override, Reopened: reopened, URL: publicationURL(p.Period, p.Number),
		Results: fmt.Sprintf("/api/v1/periods/%s/publications/%d", url.PathEscape(p.Period), p.Number)}
	if p.Decision != nil {
		u := publicationURL(p.Period, p.Number) + "/decision.pdf"
		out.Decision = &u
	}
	return out
}

// apiPublications lists a published period's publications, oldest first,
// each after the first with what it changed.
func (s *server) apiPublications(c echo.Context) error {
	ctx := c.Request().Context()
	period, err := s.visiblePublished(c)
	if err != nil {
		return err
	}
	heads, reopened, err := s.publicationHeads(ctx, period.Code)
	if err != nil {
		return err
	}
	out := make([]publicationJSON, 0, len(heads))
	for _, h := range heads {
		pj := newPublicationJSON(h, reopened[h.Number])
		if h.Number > 1 {
			if pj.Changes, err = s.results.Changes(ctx, period.Code, h.Number); err != nil {
				return err
			}
		}
		out = append(out, pj)
	}
	return c.JSON(http.StatusOK, map[string]any{"period": period.Code, "publications": out})
}

// apiPublicationResults serves one publication's results, as the results
// of the period were served while it was in force, with what it changed.
func (s *server) apiPublicationResults(c echo.Context) error {
	ctx := c.Request().Context()
	period, err := s.visiblePublished(c)
	if err != nil {
		return err
	}
	number, err := publicationNumber(c)
	if err != nil {
		return err
	}
	out, err := s.results.ComputePublication(ctx, period.Code, number, c.QueryParam("group"), scoring.StageFinal)
	if err != nil {
		return resultsError(err, period.Code, c.QueryParam("group"))
	}
	changes, err := s.results.Changes(ctx, period.Code, number)
	if err != nil {
		return err
	}
	pub, err := s.results.Publication(ctx, period.Code, number)
	if err != nil {
		return err
	}
	pub.Snapshot, pub.Document = nil, nil
	return c.JSON(http.StatusOK, struct {
		results.Document
		Publication publicationJSON      `json:"publication"`
		Changes     []results.UnitChange `json:"changes"`
	}{out.Document(), newPublicationJSON(pub, ""), changes})
}

// visiblePublished is a published period (one with a publication in
// force), for the public and staff alike.
func (s *server) visiblePublished(c echo.Context) (domain.Period, error) {
	return s.publishedPeriod(c.Request().Context(), c.Param("period"))
}
