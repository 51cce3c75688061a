package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/workflow"
)

// publishPage is the steering committee's approval of a period's result:
// how ready it is, the final ranking as it stands (and, for a correction,
// what it changes), the decision that publishes it, and the publications
// so far with their signed decisions.
type publishPage struct {
	chrome
	Period       domain.Period
	PeriodName   string
	PhaseName    string
	Committee    bool
	CanPublish   bool
	CanAttach    bool
	Published    bool
	Correction   bool
	Readiness    *readinessView
	Changes      []changeRow
	Groups       []groupSection
	Publications []publicationView
	PublicURL    string
	// PrintURL and AppendixURL show the decision appendix: the draft the
	// committee signs before publication, the published one after.
	PrintURL, AppendixURL string
	DecisionNo            string
	DecisionDate          string
	Reason                string
	Override              string
	Today                 string
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
	Reason, Override         string
	// Reopened is the secretariat's reason for the correction this
	// publication ends (number 2 and later).
	Reopened string
	// URL is the publication's public page; DecisionURL its signed
	// decision (a PDF), when attached.
	URL, DecisionURL, DecisionName string
	AttachURL                      string
	Latest                         bool
}

// publications lists a period's publications, newest first; a server
// without the results of publications has none.
func (s *server) publications(ctx context.Context, l *locale, period string) ([]publicationView, error) {
	heads, reopened, err := s.publicationHeads(ctx, period)
	if err != nil {
		return nil, err
	}
	out := make([]publicationView, 0, len(heads))
	for i := len(heads) - 1; i >= 0; i-- {
		p := heads[i]
		v := publicationView{Number: p.Number, DecisionNo: p.DecisionNo, DecisionDate: formatDate(l, p.DecisionDate),
			ApprovedBy: p.ApprovedBy, PublishedAt: formatTime(l, p.PublishedAt), Reason: p.Reason, Override: p.Override,
			Reopened: reopened[p.Number], URL: publicationURL(period, p.Number), Latest: i == len(heads)-1,
			AttachURL: workPeriodURL(period) + "/publications/" + strconv.Itoa(p.Number) + "/decision"}
		if p.Decision != nil {
			v.DecisionURL, v.DecisionName = publicationURL(period, p.Number)+"/decision.pdf", p.Decision.FileName
		}
		out = append(out, v)
	}
	return out, nil
}

// publicationHeads reads a period's publications, oldest first, and the
// reason each correction was reopened for, by the publication that ended
// it (none on a server without the workflow).
func (s *server) publicationHeads(ctx context.Context, period string) ([]domain.Publication, map[int]string, error) {
	reopened := map[int]string{}
	if s.workflow == nil {
		heads, err := s.results.PublicationHeads(ctx, period)
		return heads, reopened, err
	}
	heads, corrections, err := s.workflow.Publications(ctx, period)
	for _, c := range corrections {
		reopened[c.Publication+1] = c.Reason
	}
	return heads, reopened, err
}

// publishForm shows the readiness, the ranking preview and the
// publication form.
func (s *server) publishForm(c echo.Context) error {
	page, err := s.publishView(c, "", publishInput{})
	if err != nil {
		return err
	}
	page.Notice = doneMessage(s.locale(c), c)
	return s.render(c, http.StatusOK, "publish", page)
}

// publishInput is what the committee typed, kept when the page is shown
// again with an error.
type publishInput struct{ no, date, reason, override string }

func (s *server) publishView(c echo.Context, errMsg string, in publishInput) (publishPage, error) {
	ctx, l, u := c.Request().Context(), s.locale(c), currentUser(c)
	p, err := s.anyPeriod(c)
	if err != nil {
		return publishPage{}, err
	}
	page := publishPage{
		chrome: s.chrome(c, l, l.T("work.publish.title", periodName(p))), Period: p, PeriodName: periodName(p),
		PhaseName: l.T("work.phase." + string(p.Phase)), Committee: u.Role == auth.Committee,
		Published: p.Published(), Correction: p.Phase == domain.PhaseCorrection, PublicURL: periodURL(p.Code),
		DecisionNo: in.no, DecisionDate: in.date, Reason: in.reason, Override: in.override, Error: errMsg, CSRF: csrfToken(c),
		Action: workPeriodURL(p.Code) + "/publish", Today: s.now().In(l.zone).Format("02/01/2006"),
		PrintURL: reportURL(p.Code) + "/print", AppendixURL: reportURL(p.Code) + "/appendix.pdf",
	}
	page.Scripts = []string{"work.js"}
	page.CanPublish = page.Committee && (p.Phase == domain.PhaseFinalAppraisal || p.Phase == domain.PhaseCorrection)
	page.CanAttach = u.Role == auth.Committee || u.Role == auth.Admin
	if page.Publications, err = s.publications(ctx, l, p.Code); err != nil {
		return publishPage{}, err
	}
	if !p.Published() || page.Correction {
		r, err := s.workflow.Readiness(ctx, u, p.Code)
		if err != nil {
			return publishPage{}, err
		}
		names, err := s.groupNames(ctx)
		if err != nil {
			return publishPage{}, err
		}
		page.Readiness = newReadinessView(l, r, names)
	}
	// Before publication, and during a correction, the ranking as it
	// stands now; once published, the publication in force.
	compute := s.results.ComputeLive
	if p.Phase == domain.PhasePublished {
		compute = s.results.Compute
	}
	out, err := compute(ctx, p.Code, "", scoring.StageFinal)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return page, nil
	case err != nil:
		return publishPage{}, resultsError(err, p.Code, "")
	}
	if page.Correction {
		inForce, err := s.results.Compute(ctx, p.Code, "", scoring.StageFinal)
		if err != nil {
			return publishPage{}, resultsError(err, p.Code, "")
		}
		page.Changes = changeRows(l, results.Diff(inForce.Rows(), out.Rows()))
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
			if !page.Published || page.Correction {
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
	in := publishInput{no: c.FormValue("decision_no"), date: c.FormValue("decision_date"), reason: c.FormValue("reason"),
		override: c.FormValue("override")}
	fail := func(err error) error {
		msg, ok := userError(l, err)
		if !ok {
			return err
		}
		page, verr := s.publishView(c, msg, in)
		if verr != nil {
			return verr
		}
		return s.render(c, statusOf(err), "publish", page)
	}
	when, err := parseTypedDate(in.date)
	if err != nil {
		return fail(invalid("work.publish.bad_date"))
	}
	if _, err := s.workflow.Publish(ctx, currentUser(c), workflow.PublishRequest{Period: c.Param("period"), DecisionNo: in.no,
		DecisionDate: when, Reason: in.reason, Override: in.override}); err != nil {
		return fail(err)
	}
	return c.Redirect(http.StatusSeeOther, workPeriodURL(c.Param("period"))+"/publish?"+url.Values{"done": {"published"}}.Encode())
}

// attachDecision stores the signed decision (PDF) of a publication.
func (s *server) attachDecision(c echo.Context) error {
	number, err := strconv.Atoi(c.Param("number"))
	if err != nil || number < 1 {
		return notFound("pub.error.no_publication", c.Param("number"), c.Param("period"))
	}
	fh, err := c.FormFile("file")
	if err == nil {
		f, ferr := fh.Open()
		if ferr != nil {
			return ferr
		}
		defer f.Close()
		_, err = s.workflow.AttachDecision(c.Request().Context(), currentUser(c), c.Param("period"), number,
			workflow.Upload{FileName: fh.Filename, Content: f})
	} else {
		err = invalid("pub.decision.choose")
	}
	if err != nil {
		msg, ok := userError(s.locale(c), err)
		if !ok {
			return err
		}
		page, verr := s.publishView(c, msg, publishInput{})
		if verr != nil {
			return verr
		}
		return s.render(c, statusOf(err), "publish", page)
	}
	return c.Redirect(http.StatusSeeOther, workPeriodURL(c.Param("period"))+"/publish?"+url.Values{"done": {"decision_attached"}}.Encode())
}
