package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// publishPage is the steering committee's approval of a period's result:
// the final ranking as it stands, and the decision that publishes it.
type publishPage struct {
	chrome
	Period       domain.Period
	PeriodName   string
	PhaseName    string
	Committee    bool
	CanPublish   bool
	Published    bool
	Groups       []groupSection
	Publications []publicationView
	PublicURL    string
	// PrintURL and AppendixURL show the decision appendix: the draft the
	// committee signs before publication, the published one after.
	PrintURL, AppendixURL string
	DecisionNo            string
	DecisionDate          string
	Notice                string
	Error                 string
	CSRF                  string
	Action                string
}

// publicationView is a publication as shown.
type publicationView struct {
	Number                   int
	DecisionNo, DecisionDate string
	ApprovedBy, PublishedAt  string
}

// publications lists a period's publications, newest first; a server
// without the workflow has none.
func (s *server) publications(ctx context.Context, l *locale, period string) ([]publicationView, error) {
	if s.workflow == nil {
		return nil, nil
	}
	pubs, err := s.workflow.Store.PublicationHeads(ctx, period)
	if err != nil {
		return nil, err
	}
	out := make([]publicationView, 0, len(pubs))
	for i := len(pubs) - 1; i >= 0; i-- {
		p := pubs[i]
		out = append(out, publicationView{Number: p.Number, DecisionNo: p.DecisionNo, DecisionDate: formatDate(l, p.DecisionDate),
			ApprovedBy: p.ApprovedBy, PublishedAt: formatTime(l, p.PublishedAt)})
	}
	return out, nil
}

// publishForm shows the ranking preview and the publication form.
func (s *server) publishForm(c echo.Context) error {
	page, err := s.publishView(c, "", "", "")
	if err != nil {
		return err
	}
	page.Notice = doneMessage(s.locale(c), c)
	return s.render(c, http.StatusOK, "publish", page)
}

func (s *server) publishView(c echo.Context, errMsg, no, date string) (publishPage, error) {
	ctx, l, u := c.Request().Context(), s.locale(c), currentUser(c)
	p, err := s.workflow.Store.Period(ctx, c.Param("period"))
	if err != nil {
		return publishPage{}, err
	}
	page := publishPage{
		chrome: s.chrome(c, l, l.T("work.publish.title", periodName(p))), Period: p, PeriodName: periodName(p),
		PhaseName: l.T("work.phase." + string(p.Phase)), Committee: u.Role == auth.Committee,
		Published: p.Phase == domain.PhasePublished, PublicURL: periodURL(p.Code),
		DecisionNo: no, DecisionDate: date, Error: errMsg, CSRF: csrfToken(c),
		Action:   workPeriodURL(p.Code) + "/publish",
		PrintURL: reportURL(p.Code) + "/print", AppendixURL: reportURL(p.Code) + "/appendix.pdf",
	}
	page.Scripts = []string{"work.js"}
	page.CanPublish = page.Committee && p.Phase == domain.PhaseFinalAppraisal
	if page.Publications, err = s.publications(ctx, l, p.Code); err != nil {
		return publishPage{}, err
	}
	out, err := s.results.Compute(ctx, p.Code, "", scoring.StageFinal)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return page, nil
	case err != nil:
		return publishPage{}, resultsError(err, p.Code, "")
	}
	names, err := s.groupNames(ctx)
	if err != nil {
		return publishPage{}, err
	}
	for _, g := range out.Groups {
		sec := newGroupSection(p.Code, nameOr(names[g.Code], g.Code), g)
		// Before publication the units link to their assessment, not to the
		// public page, which does not exist yet.
		for i := range sec.Rows {
			if !page.Published {
				sec.Rows[i].URL = workUnitURL(p.Code, sec.Rows[i].Unit)
			}
		}
		page.Groups = append(page.Groups, sec)
	}
	return page, nil
}

// publishSubmit publishes the period by the committee's decision.
func (s *server) publishSubmit(c echo.Context) error {
	ctx, l := c.Request().Context(), s.locale(c)
	no, date := c.FormValue("decision_no"), c.FormValue("decision_date")
	fail := func(err error) error {
		msg, ok := userError(l, err)
		if !ok {
			return err
		}
		page, verr := s.publishView(c, msg, no, date)
		if verr != nil {
			return verr
		}
		return s.render(c, statusOf(err), "publish", page)
	}
	when, err := parseDate(date)
	if err != nil {
		return fail(&msgError{kind: domain.ErrInvalid, key: "work.publish.bad_date"})
	}
	if _, err := s.workflow.Publish(ctx, currentUser(c), c.Param("period"), no, when); err != nil {
		return fail(err)
	}
	return c.Redirect(http.StatusSeeOther, workPeriodURL(c.Param("period"))+"/publish?"+url.Values{"done": {"published"}}.Encode())
}
