package web

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/shopspring/decimal"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/surveys"
)

// The secretariat's survey pages. They are registered only behind
// SurveyDeps.RequireSecretariat; every handler is thin: read the form, one
// call into the survey service, render.

func adminSurveyURL(survey string) string {
	return "/admin/surveys/campaigns/" + url.PathEscape(survey)
}

// adminSurveysPage lists instruments and campaigns, with the forms to add
// them.
type adminSurveysPage struct {
	chrome
	CSRF        string
	Instruments []surveys.StoredInstrument
	Campaigns   []surveys.Campaign
	Templates   []string
	PeriodCodes []string
	Groups      []link
	Error       string
}

func (s *server) adminSurveys(c echo.Context) error {
	return s.renderAdminSurveys(c, http.StatusOK, "")
}

func (s *server) renderAdminSurveys(c echo.Context, status int, msg string) error {
	ctx := c.Request().Context()
	l := s.locale(c)
	ins, err := s.surveys.svc.Instruments(ctx)
	if err != nil {
		return err
	}
	camps, err := s.surveys.svc.Campaigns(ctx)
	if err != nil {
		return err
	}
	periods, err := s.catalog.Periods(ctx)
	if err != nil {
		return err
	}
	groups, err := s.catalog.Groups(ctx)
	if err != nil {
		return err
	}
	page := adminSurveysPage{chrome: s.chrome(c, l, l.T("survey.admin.title")), CSRF: s.csrf(c),
		Instruments: ins, Campaigns: camps, Templates: surveys.Templates(), Error: msg}
	for _, p := range periods {
		page.PeriodCodes = append(page.PeriodCodes, p.Code)
	}
	for _, g := range groups {
		page.Groups = append(page.Groups, link{Label: nameOr(g.Name, g.Code), URL: g.Code})
	}
	return s.render(c, status, "survey_admin", page)
}

// adminInstrumentPage edits an instrument's file, with a preview of the
// form it makes.
type adminInstrumentPage struct {
	chrome
	CSRF     string
	ID       int64
	Period   string
	Source   string
	Locked   bool
	Problems []string
	Saved    bool
	Preview  []formSection
	Name     string
}

func (s *server) adminInstrumentNew(c echo.Context) error {
	l := s.locale(c)
	page := adminInstrumentPage{chrome: s.chrome(c, l, l.T("survey.admin.instrument")), CSRF: s.csrf(c), Period: c.QueryParam("period")}
	if tpl := c.QueryParam("template"); tpl != "" {
		src, ins, err := surveys.Template(tpl)
		if err != nil {
			return notFound("survey.template_not_found", tpl)
		}
		page.Source, page.Preview, page.Name = string(src), buildSections(l, ins, nil, nil), ins.Name.In(l.code)
	}
	return s.render(c, http.StatusOK, "survey_admin_instrument", page)
}

func (s *server) adminInstrumentEdit(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return notFound("survey.instrument_not_found", c.Param("id"))
	}
	si, err := s.surveys.svc.Instrument(c.Request().Context(), id)
	if errors.Is(err, domain.ErrNotFound) {
		return notFound("survey.instrument_not_found", c.Param("id"))
	}
	if err != nil {
		return err
	}
	l := s.locale(c)
	return s.render(c, http.StatusOK, "survey_admin_instrument", adminInstrumentPage{
		chrome: s.chrome(c, l, l.T("survey.admin.instrument")), CSRF: s.csrf(c), ID: si.ID, Period: si.Period,
		Source: string(si.Source), Locked: si.Locked, Saved: c.QueryParam("saved") != "",
		Preview: buildSections(l, si.Instrument, nil, nil), Name: si.Instrument.Name.In(l.code)})
}

// adminInstrumentSave checks and saves an instrument file; problems are
// shown with their lines and nothing is saved.
func (s *server) adminInstrumentSave(c echo.Context) error {
	l := s.locale(c)
	period, src := strings.TrimSpace(c.FormValue("period")), c.FormValue("source")
	si, err := s.surveys.svc.SaveInstrument(c.Request().Context(), period, []byte(src))
	if err == nil {
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/surveys/instruments/%d?saved=1", si.ID))
	}
	if !errors.Is(err, domain.ErrInvalid) && !errors.Is(err, domain.ErrConflict) {
		return err
	}
	page := adminInstrumentPage{chrome: s.chrome(c, l, l.T("survey.admin.instrument")), CSRF: s.csrf(c),
		Period: period, Source: src, Problems: strings.Split(err.Error(), "\n")}
	return s.render(c, statusOf(err), "survey_admin_instrument", page)
}

// adminCampaignCreate creates a campaign in draft over every unit of the
// chosen groups.
func (s *server) adminCampaignCreate(c echo.Context) error {
	ctx := c.Request().Context()
	if err := c.Request().ParseForm(); err != nil {
		return domain.Invalidf("%v", err)
	}
	form := c.Request().Form
	spec := surveys.CampaignSpec{Code: strings.TrimSpace(form.Get("id")), Name: form.Get("name"),
		Period: strings.TrimSpace(form.Get("period")), Instrument: strings.TrimSpace(form.Get("instrument")),
		Formula: surveys.Formula(form.Get("formula")), RequireCode: form.Get("require_code") != ""}
	if m := strings.TrimSpace(form.Get("margin")); m != "" {
		d, err := decimal.NewFromString(m)
		if err != nil {
			return s.renderAdminSurveys(c, http.StatusUnprocessableEntity, fmt.Sprintf("margin %q is not a number", m))
		}
		spec.Margin = d
	}
	for _, g := range form["groups"] {
		units, err := s.surveyUnitsOf(c, g)
		if err != nil {
			return err
		}
		spec.Units = append(spec.Units, units...)
	}
	if _, err := s.surveys.svc.CreateCampaign(ctx, spec); err != nil {
		if errors.Is(err, domain.ErrInvalid) || errors.Is(err, domain.ErrConflict) {
			return s.renderAdminSurveys(c, statusOf(err), err.Error())
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, adminSurveyURL(spec.Code))
}

// unitLister lists a group's units; the store implements it, and the
// survey pages use it to cover whole groups.
type unitLister interface {
	Units(ctx context.Context, group string) ([]domain.Unit, error)
}

func (s *server) surveyUnitsOf(c echo.Context, group string) ([]surveys.CampaignUnit, error) {
	ul, ok := s.catalog.(unitLister)
	if !ok {
		return nil, errors.New("web: the catalog cannot list units")
	}
	units, err := ul.Units(c.Request().Context(), group)
	if err != nil {
		return nil, err
	}
	out := make([]surveys.CampaignUnit, len(units))
	for i, u := range units {
		out[i] = surveys.CampaignUnit{Code: u.Code}
	}
	return out, nil
}

// adminCampaignPage shows a campaign's progress and its actions.
type adminCampaignPage struct {
	chrome
	CSRF     string
	Campaign *surveys.Campaign
	Progress []surveys.UnitProgress
	Total    surveys.UnitProgress
	Base     string
	Message  string
	Error    string
}

func (s *server) adminCampaign(c echo.Context) error {
	return s.renderCampaign(c, http.StatusOK, c.QueryParam("msg"), "")
}

func (s *server) renderCampaign(c echo.Context, status int, msg, problem string) error {
	camp, progress, err := s.surveys.svc.Progress(c.Request().Context(), c.Param("survey"))
	if err != nil {
		return err
	}
	l := s.locale(c)
	page := adminCampaignPage{chrome: s.chrome(c, l, camp.Name), CSRF: s.csrf(c), Campaign: camp, Progress: progress,
		Base: s.publicBase(c), Error: problem}
	if msg != "" {
		page.Message = l.T("survey.admin.msg." + msg)
	}
	for _, p := range progress {
		page.Total.Target += p.Target
		page.Total.Valid += p.Valid
		page.Total.Flagged += p.Flagged
		page.Total.Rejected += p.Rejected
		page.Total.Transactions += p.Transactions
	}
	return s.render(c, status, "survey_admin_campaign", page)
}

func (s *server) adminCampaignState(c echo.Context) error {
	st, err := surveys.ParseState(c.FormValue("state"))
	if err != nil {
		return domain.Invalidf("%v", err)
	}
	if err := s.surveys.svc.SetState(c.Request().Context(), c.Param("survey"), st); err != nil {
		if errors.Is(err, domain.ErrConflict) {
			return s.renderCampaign(c, http.StatusConflict, "", err.Error())
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, adminSurveyURL(c.Param("survey"))+"?msg=state")
}

// adminTransactions records units' numbers of transactions, one
// "UNIT,N" a line.
func (s *server) adminTransactions(c echo.Context) error {
	tx := map[string]int64{}
	var problems []string
	sc := bufio.NewScanner(strings.NewReader(c.FormValue("transactions")))
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(strings.ToLower(text), "unit,") {
			continue
		}
		unit, n, ok := strings.Cut(text, ",")
		v, err := strconv.ParseInt(strings.TrimSpace(n), 10, 64)
		if !ok || err != nil {
			problems = append(problems, fmt.Sprintf("line %d: %q is not UNIT,NUMBER", line, text))
			continue
		}
		tx[strings.TrimSpace(unit)] = v
	}
	if len(problems) == 0 {
		if err := s.surveys.svc.SetTransactions(c.Request().Context(), c.Param("survey"), tx); err != nil {
			if !errors.Is(err, domain.ErrInvalid) {
				return err
			}
			problems = append(problems, err.Error())
		}
	}
	if len(problems) > 0 {
		return s.renderCampaign(c, http.StatusUnprocessableEntity, "", strings.Join(problems, "\n"))
	}
	return c.Redirect(http.StatusSeeOther, adminSurveyURL(c.Param("survey"))+"?msg=transactions")
}
