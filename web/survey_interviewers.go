package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/surveys"
)

// Interviewers (điều tra viên): an account kind of a survey. The secretariat
// registers an interviewer with the units they survey and a quota in each,
// and hands them a personal sign-in link (shown once, as a link and a QR
// code). Opening it on their phone keeps the token in a cookie of the
// survey's /i/ path and comes back to their home: their units, their
// progress against their quotas and each unit's against its target sample,
// and a form per unit that works offline. Their answers are of channel
// "interviewer" and name them.

const interviewerCookie = "parindex_interviewer"

// errInterviewerLink answers /i/ without a valid sign-in: the link was
// never opened on this device, or it was revoked or replaced.
var errInterviewerLink = domain.Keyed(domain.ErrForbidden, "survey.interviewer.link_invalid")

// errNotYourUnit answers an interviewer's form of a unit not given to them.
var errNotYourUnit = domain.Keyed(domain.ErrForbidden, "survey.interviewer.not_your_unit")

// signedInterviewer returns the interviewer signed in on this device for
// the campaign, by their cookie.
func (s *server) signedInterviewer(c echo.Context, camp *surveys.Campaign) (*surveys.Interviewer, error) {
	ck, err := c.Cookie(interviewerCookie)
	if err != nil || ck.Value == "" {
		return nil, errInterviewerLink
	}
	iv, err := s.surveys.svc.InterviewerFor(c.Request().Context(), camp, ck.Value)
	if err != nil {
		return nil, err
	}
	if iv == nil {
		return nil, errInterviewerLink
	}
	return iv, nil
}

// interviewerCampaign returns a campaign an interviewer may work in: any
// that is not a draft (answers collected before the close may still be
// sent after it).
func (s *server) interviewerCampaign(c echo.Context) (*surveys.Campaign, error) {
	camp, err := s.surveys.svc.Campaign(c.Request().Context(), c.Param("survey"))
	if errors.Is(err, domain.ErrNotFound) || (err == nil && camp.State == surveys.Draft) {
		return nil, notFound("survey.not_found", c.Param("survey"))
	}
	return camp, err
}

// interviewerHomePage is an interviewer's home.
type interviewerHomePage struct {
	surveyChrome
	SurveyName string
	Survey     string
	Name       string
	Closed     bool
	Progress   surveys.InterviewerProgress
	Forms      []interviewerUnitView
}

// interviewerUnitView is one of an interviewer's units.
type interviewerUnitView struct {
	surveys.InterviewerUnitProgress
	URL string
}

// interviewerHome signs an interviewer in with ?token= (then comes back
// without it) and shows their units and progress.
func (s *server) interviewerHome(c echo.Context) error {
	camp, err := s.interviewerCampaign(c)
	if err != nil {
		return err
	}
	if token := c.QueryParam("token"); token != "" {
		iv, err := s.surveys.svc.InterviewerFor(c.Request().Context(), camp, token)
		if err != nil {
			return err
		}
		if iv == nil {
			return errInterviewerLink
		}
		c.SetCookie(&http.Cookie{
			Name: interviewerCookie, Value: token, Path: interviewerHomePath(camp.Code), HttpOnly: true,
			Secure: s.secureCookies || c.Scheme() == "https", SameSite: http.SameSiteLaxMode, MaxAge: int((365 * 24 * time.Hour).Seconds()),
		})
		target := interviewerHomePath(camp.Code)
		if lang := c.QueryParam(langParam); lang != "" {
			target += "?lang=" + url.QueryEscape(lang)
		}
		return c.Redirect(http.StatusSeeOther, target)
	}
	iv, err := s.signedInterviewer(c, camp)
	if err != nil {
		return err
	}
	_, list, err := s.surveys.svc.Interviewers(c.Request().Context(), camp.Code, iv.ID)
	if err != nil {
		return err
	}
	if len(list) != 1 {
		return errInterviewerLink
	}
	l := s.locale(c)
	page := interviewerHomePage{surveyChrome: s.surveyChrome(c, l.T("survey.interviewer.title", iv.Name)), SurveyName: camp.Name,
		Survey: camp.Code, Name: iv.Name, Closed: camp.State != surveys.Open, Progress: list[0]}
	page.Offline, page.Manifest, page.Scope = true, manifestPath(doorInterviewer, camp.Code, ""), "/i/"
	for _, u := range list[0].Units {
		page.Forms = append(page.Forms, interviewerUnitView{InterviewerUnitProgress: u, URL: surveyPath(doorInterviewer, camp.Code, u.Unit)})
	}
	return s.render(c, http.StatusOK, "survey_interviewer", page)
}

// interviewerForm shows an interviewer's form of one of their units.
func (s *server) interviewerForm(c echo.Context) error {
	camp, err := s.interviewerCampaign(c)
	if err != nil {
		return err
	}
	iv, err := s.signedInterviewer(c, camp)
	if err != nil {
		return err
	}
	u := camp.Unit(c.Param("unit"))
	if u == nil || !iv.Covers(u.Code) {
		return errNotYourUnit
	}
	saved, _ := strconv.ParseInt(c.QueryParam("saved"), 10, 64)
	return s.renderForm(c, http.StatusOK, formState{camp: camp, unit: u, interviewer: iv, saved: saved})
}

// adminInterviewersPage lists a campaign's interviewers with their progress
// and registers new ones; a new link is shown once.
type adminInterviewersPage struct {
	chrome
	CSRF        string
	Campaign    *surveys.Campaign
	Tabs        []link
	Progress    []surveys.InterviewerProgress
	Groups      []unitPickGroup
	Name, Phone string
	Link        string
	LinkName    string
	QR          template.HTML
	Message     string
	Problems    []string
}

// unitPickGroup is a group of units to pick from, with a quota each.
type unitPickGroup struct {
	Name, Code string
	Units      []unitPick
}

type unitPick struct {
	Code, Name string
	Checked    bool
	Quota      string
}

func (s *server) adminInterviewers(c echo.Context) error {
	page := adminInterviewersPage{}
	if c.QueryParam("msg") == "revoked" {
		page.Message = s.locale(c).T("survey.interviewer.revoked")
	}
	return s.renderInterviewers(c, http.StatusOK, page, nil)
}

// renderInterviewers fills the page's campaign, list and unit picker.
func (s *server) renderInterviewers(c echo.Context, status int, page adminInterviewersPage, picked map[string]string) error {
	ctx, l := c.Request().Context(), s.locale(c)
	camp, list, err := s.surveys.svc.Interviewers(ctx, c.Param("survey"), 0)
	if err != nil {
		return err
	}
	names, err := s.groupNames(ctx)
	if err != nil {
		return err
	}
	page.chrome, page.CSRF, page.Campaign, page.Progress = s.chrome(c, l, l.T("survey.interviewer.admin_title")+" · "+camp.Name), s.csrf(c), camp, list
	page.Tabs = campaignTabs(l, camp.Code, "/interviewers")
	idx := map[string]int{}
	for _, u := range camp.Units {
		i, ok := idx[u.Group]
		if !ok {
			i = len(page.Groups)
			idx[u.Group] = i
			page.Groups = append(page.Groups, unitPickGroup{Name: nameOr(names[u.Group], u.Group)})
		}
		q, checked := picked[u.Code]
		page.Groups[i].Units = append(page.Groups[i].Units, unitPick{Code: u.Code, Name: u.Name, Checked: checked, Quota: q})
	}
	return s.render(c, status, "survey_admin_interviewers", page)
}

// adminInterviewerRegister registers an interviewer and shows their link.
func (s *server) adminInterviewerRegister(c echo.Context) error {
	ctx, l := c.Request().Context(), s.locale(c)
	if err := c.Request().ParseForm(); err != nil {
		return domain.Invalidf("%v", err)
	}
	form := c.Request().Form
	picked := map[string]string{}
	var units []surveys.InterviewerUnit
	var problems []string
	for _, code := range form["unit"] {
		q := strings.TrimSpace(form.Get("quota_" + code))
		picked[code] = q
		n, err := strconv.Atoi(q)
		if q == "" {
			n, err = 0, nil
		}
		if err != nil {
			problems = append(problems, l.T("survey.interviewer.bad_quota", code, q))
			continue
		}
		units = append(units, surveys.InterviewerUnit{Unit: code, Quota: n})
	}
	page := adminInterviewersPage{Name: form.Get("name"), Phone: form.Get("phone")}
	if len(problems) == 0 {
		token, iv, err := s.surveys.svc.RegisterInterviewer(ctx, c.Param("survey"), page.Name, page.Phone, units, s.actor(c))
		if err == nil {
			return s.showInterviewerLink(c, http.StatusCreated, iv.Name, token, l.T("survey.interviewer.registered", iv.Name))
		}
		var ve *surveys.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		for _, p := range ve.Problems {
			problems = append(problems, interviewerProblem(l, p))
		}
	}
	page.Problems = problems
	return s.renderInterviewers(c, http.StatusUnprocessableEntity, page, picked)
}

// interviewerProblem says a registration problem in the reader's language.
func interviewerProblem(l *locale, p surveys.Problem) string {
	switch p.Code {
	case "name":
		return l.T("survey.interviewer.need_name")
	case "units":
		return l.T("survey.interviewer.need_units")
	case "phone":
		return l.T("survey.interviewer.long_phone")
	}
	return p.Code + ": " + p.Msg
}

// showInterviewerLink renders the page with a sign-in link, once.
func (s *server) showInterviewerLink(c echo.Context, status int, name, token, msg string) error {
	link := s.publicBase(c) + interviewerHomePath(c.Param("survey")) + "?token=" + url.QueryEscape(token)
	m, err := qrModules(link)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return s.renderInterviewers(c, status, adminInterviewersPage{Link: link, LinkName: name, QR: template.HTML(qrSVG(m)), Message: msg}, nil)
}

// adminInterviewerLink gives an interviewer a new link: the old one stops
// working (a lost or changed phone).
func (s *server) adminInterviewerLink(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return notFound("survey.interviewer.not_found", c.Param("id"))
	}
	token, err := s.surveys.svc.NewInterviewerLink(c.Request().Context(), c.Param("survey"), id)
	if errors.Is(err, domain.ErrNotFound) {
		return notFound("survey.interviewer.not_found", c.Param("id"))
	}
	if err != nil {
		return err
	}
	_, list, err := s.surveys.svc.Interviewers(c.Request().Context(), c.Param("survey"), id)
	if err != nil || len(list) != 1 {
		return err
	}
	return s.showInterviewerLink(c, http.StatusOK, list[0].Name, token, s.locale(c).T("survey.interviewer.new_link", list[0].Name))
}

// adminInterviewerRevoke revokes an interviewer: their link stops working;
// their answers stay.
func (s *server) adminInterviewerRevoke(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return notFound("survey.interviewer.not_found", c.Param("id"))
	}
	if err := s.surveys.svc.RevokeInterviewer(c.Request().Context(), c.Param("survey"), id); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return notFound("survey.interviewer.not_found", c.Param("id"))
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, adminSurveyURL(c.Param("survey"))+"/interviewers?msg=revoked")
}
