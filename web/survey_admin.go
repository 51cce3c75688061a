package web

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/shopspring/decimal"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/surveys"
)

// The secretariat's survey pages, behind the secretariat's login (routes.go);
// every handler is thin: read the form, one call into the survey service,
// render.

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
	// Choices are the periods a campaign may be for (not the chrome's
	// Periods, the links to other periods of the same page).
	Choices  []link
	ByPeriod []instrumentGroup
	Groups   []unitPickGroup
	Form     campaignForm
	Hours    string
	Error    string
}

// instrumentGroup lists a period's questionnaires for the picker.
type instrumentGroup struct {
	Period string
	Items  []link
}

// campaignForm is what the secretariat typed into the new survey's form,
// shown again when something must be corrected.
type campaignForm struct {
	ID, Name, Period, Instrument, Margin, Formula, Hours string
	RequireCode                                          bool
	Whole                                                map[string]bool
}

func (s *server) adminSurveys(c echo.Context) error {
	return s.renderAdminSurveys(c, http.StatusOK, campaignForm{Margin: "0,05"}, nil, "")
}

func (s *server) renderAdminSurveys(c echo.Context, status int, form campaignForm, picked map[string]string, msg string) error {
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
	page := adminSurveysPage{chrome: s.chrome(c, l, l.T("survey.admin.title")), CSRF: s.csrf(c),
		Instruments: ins, Campaigns: camps, Templates: surveys.Templates(), Form: form, Hours: s.surveys.svc.Hours, Error: msg}
	if page.Hours == "" {
		page.Hours = surveys.DefaultHours
	}
	if page.Form.Period == "" && len(periods) > 0 {
		page.Form.Period = periods[len(periods)-1].Code // a new campaign: the latest period
	}
	for i := len(periods) - 1; i >= 0; i-- {
		p := periods[i]
		page.Choices = append(page.Choices, link{Label: periodName(p), URL: p.Code, Current: p.Code == page.Form.Period})
	}
	byPeriod := map[string]int{}
	for _, si := range ins {
		i, ok := byPeriod[si.Period]
		if !ok {
			i = len(page.ByPeriod)
			byPeriod[si.Period] = i
			page.ByPeriod = append(page.ByPeriod, instrumentGroup{Period: si.Period})
		}
		value := si.Period + "/" + si.Code
		page.ByPeriod[i].Items = append(page.ByPeriod[i].Items, link{Label: si.Name + " (" + si.Code + ", v" + strconv.FormatInt(si.Version, 10) + ")",
			URL: value, Current: value == form.Instrument})
	}
	if page.Groups, err = s.unitPicker(ctx, picked, page.Form.Period); err != nil {
		return err
	}
	return s.render(c, status, "survey_admin", page)
}

// unitPicker lists by group every unit taking part in the period (the
// unit lineage keeps out those merged into others before it and those
// formed after it), those picked checked.
func (s *server) unitPicker(ctx context.Context, picked map[string]string, period string) ([]unitPickGroup, error) {
	ul, ok := s.catalog.(unitLister)
	if !ok {
		return nil, errors.New("web: the catalog cannot list units")
	}
	groups, err := s.catalog.Groups(ctx)
	if err != nil {
		return nil, err
	}
	lin, err := s.lineageOf(ctx)
	if err != nil {
		return nil, err
	}
	var out []unitPickGroup
	for _, g := range groups {
		units, err := ul.Units(ctx, g.Code)
		if err != nil {
			return nil, err
		}
		pg := unitPickGroup{Name: nameOr(g.Name, g.Code), Code: g.Code}
		for _, u := range units {
			if !lin.Exists(u.Code, period) {
				continue
			}
			_, checked := picked[u.Code]
			pg.Units = append(pg.Units, unitPick{Code: u.Code, Name: nameOr(u.Name, u.Code), Checked: checked})
		}
		out = append(out, pg)
	}
	return out, nil
}

// adminCampaignCreate creates a campaign in draft over the units picked:
// whole groups, or units one by one.
func (s *server) adminCampaignCreate(c echo.Context) error {
	ctx, l := c.Request().Context(), s.locale(c)
	if err := c.Request().ParseForm(); err != nil {
		return domain.Invalidf("%v", err)
	}
	form := c.Request().Form
	in := campaignForm{ID: strings.TrimSpace(form.Get("id")), Name: form.Get("name"), Period: strings.TrimSpace(form.Get("period")),
		Instrument: form.Get("instrument"), Margin: strings.TrimSpace(form.Get("margin")), Formula: form.Get("formula"),
		Hours: strings.TrimSpace(form.Get("hours")), RequireCode: form.Get("require_code") != "", Whole: map[string]bool{}}
	picked := map[string]string{}
	for _, u := range form["units"] {
		picked[u] = ""
	}
	for _, g := range form["groups"] {
		in.Whole[g] = true
		units, err := s.surveyUnitsOf(c, g, in.Period)
		if err != nil {
			return err
		}
		for _, u := range units {
			picked[u.Code] = ""
		}
	}
	var problems []string
	insPeriod, insCode, _ := strings.Cut(in.Instrument, "/")
	if in.Instrument != "" && insPeriod != in.Period {
		problems = append(problems, l.T("survey.admin.err_period", insCode, insPeriod, in.Period))
	}
	spec := surveys.CampaignSpec{Code: in.ID, Name: in.Name, Period: in.Period, Instrument: insCode,
		Formula: surveys.Formula(in.Formula), RequireCode: in.RequireCode, OpeningHours: in.Hours}
	if in.Margin != "" {
		d, err := decimal.NewFromString(strings.Replace(in.Margin, ",", ".", 1))
		if err != nil {
			problems = append(problems, l.T("survey.admin.err_margin", in.Margin))
		}
		spec.Margin = d
	}
	for code := range picked {
		spec.Units = append(spec.Units, surveys.CampaignUnit{Code: code})
	}
	slices.SortFunc(spec.Units, func(a, b surveys.CampaignUnit) int { return strings.Compare(a.Code, b.Code) })
	status := http.StatusUnprocessableEntity
	if len(problems) == 0 {
		_, err := s.surveys.svc.CreateCampaign(ctx, spec)
		if err == nil {
			return c.Redirect(http.StatusSeeOther, adminSurveyURL(spec.Code))
		}
		if !errors.Is(err, domain.ErrInvalid) && !errors.Is(err, domain.ErrConflict) {
			return err
		}
		problems, status = append(problems, err.Error()), statusOf(err)
	}
	return s.renderAdminSurveys(c, status, in, picked, strings.Join(problems, "\n"))
}

// unitLister lists a group's units; the store implements it, and the
// survey pages use it to cover whole groups.
type unitLister interface {
	Units(ctx context.Context, group string) ([]domain.Unit, error)
}

// surveyUnitsOf lists a group's units taking part in the period.
func (s *server) surveyUnitsOf(c echo.Context, group, period string) ([]surveys.CampaignUnit, error) {
	ul, ok := s.catalog.(unitLister)
	if !ok {
		return nil, errors.New("web: the catalog cannot list units")
	}
	units, err := ul.Units(c.Request().Context(), group)
	if err != nil {
		return nil, err
	}
	lin, err := s.lineageOf(c.Request().Context())
	if err != nil {
		return nil, err
	}
	out := make([]surveys.CampaignUnit, 0, len(units))
	for _, u := range units {
		if lin.Exists(u.Code, period) {
			out = append(out, surveys.CampaignUnit{Code: u.Code})
		}
	}
	return out, nil
}

// adminOpeningHours sets the desks' opening hours of a campaign.
func (s *server) adminOpeningHours(c echo.Context) error {
	err := s.surveys.svc.SetOpeningHours(c.Request().Context(), c.Param("survey"), c.FormValue("hours"))
	if errors.Is(err, domain.ErrInvalid) {
		return s.renderCampaign(c, http.StatusUnprocessableEntity, "", err.Error())
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, adminSurveyURL(c.Param("survey"))+"?msg=hours")
}

// adminCampaignPage shows a campaign's progress and its actions.
type adminCampaignPage struct {
	chrome
	CSRF         string
	Campaign     *surveys.Campaign
	Tabs         []link
	Progress     []surveys.UnitProgress
	Total        surveys.UnitProgress
	TotalPercent int
	Hours        string
	Base         string
	Message      string
	Error        string
}

// campaignTabs are the links between a campaign's pages, current marked.
func campaignTabs(l *locale, code, current string) []link {
	base := adminSurveyURL(code)
	var out []link
	for _, t := range []struct{ page, key string }{
		{"", "survey.tabs.progress"}, {"/results", "survey.tabs.results"}, {"/channels", "survey.tabs.channels"},
		{"/review", "survey.tabs.review"}, {"/interviewers", "survey.tabs.interviewers"}, {"/codes", "survey.tabs.codes"},
		{"/kiosks", "survey.tabs.kiosks"}, {"/entry", "survey.tabs.entry"},
	} {
		out = append(out, link{Label: l.T(t.key), URL: base + t.page, Current: t.page == current})
	}
	return out
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
		Tabs: campaignTabs(l, camp.Code, ""), Base: s.publicBase(c), Error: problem, Hours: s.surveys.svc.Hours}
	if page.Hours == "" {
		page.Hours = surveys.DefaultHours
	}
	if msg != "" {
		if _, ok := l.msgs["survey.admin.msg."+msg]; ok {
			page.Message = l.T("survey.admin.msg." + msg)
		}
	}
	for _, p := range progress {
		page.Total.Target += p.Target
		page.Total.Valid += p.Valid
		page.Total.Flagged += p.Flagged
		page.Total.Rejected += p.Rejected
		page.Total.Transactions += p.Transactions
	}
	page.TotalPercent = page.Total.Percent()
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
