package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/surveys"
)

// The public form: one page per survey and unit, plain HTML that works
// without JavaScript, one fieldset per question.

type formOption struct {
	ID      string
	Value   int
	Label   string
	Checked bool
}

type formQuestion struct {
	Code      string
	ID        string
	Name      string
	Text      string
	Help      string
	Required  bool
	IsText    bool
	MaxLength int
	Value     string
	Options   []formOption
	Error     string
}

type formSection struct {
	Code      string
	Title     string
	Intro     string
	Questions []formQuestion
}

type formError struct {
	Href string
	Text string
}

// surveyFormPage is the data of the form, public or typed in by an
// operator.
type surveyFormPage struct {
	surveyChrome
	Survey     string
	SurveyName string
	Heading    string
	Unit       string
	UnitName   string
	Intro      string
	Action     string
	Sections   []formSection
	Errors     []formError
	Token      string
	Code       string
	CodeError  string
	// RequireCode shows the code field first and marks it required.
	RequireCode bool
	Message     string
	// Operator pages choose the unit and carry the CSRF token.
	Operator bool
	Units    []link
	CSRF     string
	Saved    int64
}

// questionField is the form field of a question.
func questionField(code string) string { return "q_" + code }

// buildSections turns the instrument into the form's sections in the
// reader's language, with the values given and the problems found.
func buildSections(l *locale, ins *surveys.Instrument, values, problems map[string]string) []formSection {
	out := make([]formSection, 0, len(ins.Sections))
	for _, sec := range ins.Sections {
		fs := formSection{Code: sec.Code, Title: sec.Title.In(l.code), Intro: sec.Intro.In(l.code)}
		for _, q := range sec.Questions {
			fq := formQuestion{Code: q.Code, ID: "q-" + q.Code, Name: questionField(q.Code), Text: q.Text.In(l.code),
				Help: q.Help.In(l.code), Required: q.Required, IsText: q.Type == surveys.FreeText, MaxLength: q.MaxLength,
				Value: values[q.Code], Error: problems[q.Code]}
			if !fq.IsText {
				for _, o := range q.Scale.Options {
					v := strconv.Itoa(o.Value)
					fq.Options = append(fq.Options, formOption{ID: fq.ID + "-" + v, Value: o.Value, Label: o.Label.In(l.code), Checked: values[q.Code] == v})
				}
			}
			fs.Questions = append(fs.Questions, fq)
		}
		out = append(out, fs)
	}
	return out
}

// formProblems says, per question, what is wrong, in the reader's language.
func formProblems(l *locale, ins *surveys.Instrument, values map[string]string, err error) (map[string]string, []formError) {
	var ve *surveys.ValidationError
	if !errors.As(err, &ve) {
		return nil, nil
	}
	problems := map[string]string{}
	var summary []formError
	for _, p := range ve.Problems {
		q := ins.Question(p.Code)
		if q == nil {
			continue // a field the form does not have: nothing to show
		}
		var msg string
		switch {
		case values[q.Code] == "":
			msg = l.T("survey.err.required")
		case q.Type == surveys.FreeText:
			msg = l.T("survey.err.too_long", q.MaxLength)
		default:
			msg = l.T("survey.err.choice")
		}
		problems[q.Code] = msg
		summary = append(summary, formError{Href: "#q-" + q.Code, Text: q.Text.In(l.code) + ": " + msg})
	}
	return problems, summary
}

// publicCampaign returns a campaign and unit the public may answer.
func (s *server) publicCampaign(ctx context.Context, survey, unit string) (*surveys.Campaign, *surveys.CampaignUnit, error) {
	c, err := s.surveys.svc.Campaign(ctx, survey)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, nil, notFound("survey.not_found", survey)
	}
	if err != nil {
		return nil, nil, err
	}
	if c.State == surveys.Draft {
		return nil, nil, notFound("survey.not_found", survey)
	}
	u := c.Unit(unit)
	if u == nil {
		return nil, nil, notFound("survey.unit_not_found", unit)
	}
	return c, u, nil
}

// surveyForm shows the form of a unit (or, under /k/, the kiosk's).
func (s *server) surveyForm(c echo.Context) error {
	camp, u, err := s.publicCampaign(c.Request().Context(), c.Param("survey"), c.Param("unit"))
	if err != nil {
		return err
	}
	if camp.State != surveys.Open {
		return s.surveyMessage(c, http.StatusGone, "survey.closed.title", "survey.closed.text")
	}
	return s.renderForm(c, http.StatusOK, camp, u, nil, nil, nil, "", "", "")
}

func (s *server) renderForm(c echo.Context, status int, camp *surveys.Campaign, u *surveys.CampaignUnit,
	values, problems map[string]string, summary []formError, code, codeErr, message string) error {
	l := s.locale(c)
	kiosk := isKioskPath(c.Request().URL.Path)
	action := surveyPath(kiosk, camp.Code, u.Code)
	page := surveyFormPage{
		surveyChrome: s.surveyChrome(c, camp.Instrument.Name.In(l.code)+" · "+u.Name),
		Survey:       camp.Code, SurveyName: camp.Name, Heading: camp.Instrument.Name.In(l.code), Unit: u.Code, UnitName: u.Name,
		Intro: camp.Instrument.Intro.In(l.code), Action: action,
		Sections: buildSections(l, camp.Instrument, values, problems), Errors: summary,
		Token: s.surveys.formToken(time.Now()), Code: code, CodeError: codeErr, RequireCode: camp.RequireCode,
		Message: message,
	}
	if kiosk {
		page.Kiosk = true
		page.IdleSeconds = int(s.surveys.deps.KioskIdle.Seconds())
		page.Refresh, page.RefreshURL, page.RefreshNoScript = page.IdleSeconds, action, true
	}
	return s.renderSurvey(c, status, "survey_form", page)
}

// surveySubmitForm takes a submitted form: the thank-you page on success,
// the form again with every problem marked otherwise.
func (s *server) surveySubmitForm(c echo.Context) error {
	ctx := c.Request().Context()
	camp, u, err := s.publicCampaign(ctx, c.Param("survey"), c.Param("unit"))
	if err != nil {
		return err
	}
	kiosk := isKioskPath(c.Request().URL.Path)
	values := map[string]string{}
	for _, q := range camp.Instrument.Questions {
		values[q.Code] = c.FormValue(questionField(q.Code))
	}
	channel := surveys.Web
	if kiosk {
		channel = surveys.Kiosk
	}
	code := c.FormValue("code")
	var device *surveys.Device
	if kiosk {
		if device, err = s.kioskDevice(c, camp, u.Code); err != nil {
			return err
		}
	}
	adm, err := s.admitSubmission(c, camp.Code, code, device)
	if adm == nil {
		return err
	}
	_, err = s.surveys.svc.Submit(ctx, surveys.Submission{
		Campaign: camp.Code, Unit: u.Code, Code: code, Answers: values, Channel: channel,
		Client: submissionClient(s.clientIP(c), device), Shown: s.surveys.shownAt(c.FormValue("t")), Honeypot: c.FormValue("website"),
	})
	adm.done(err)
	l := s.locale(c)
	switch {
	case err == nil:
		return c.Redirect(http.StatusSeeOther, surveyPath(kiosk, camp.Code, u.Code)+"/thanks")
	case errors.Is(err, surveys.ErrNotOpen):
		return s.surveyMessage(c, http.StatusConflict, "survey.closed.title", "survey.closed.text")
	case errors.Is(err, surveys.ErrCodeUsed):
		return s.renderForm(c, http.StatusConflict, camp, u, values, nil, []formError{{Href: "#code", Text: l.T("survey.err.code_used")}}, code, l.T("survey.err.code_used"), "")
	case errors.Is(err, surveys.ErrCodeUnknown), errors.Is(err, surveys.ErrCodeOtherUnit), errors.Is(err, surveys.ErrCodeRequired):
		key := "survey.err.code_unknown"
		if errors.Is(err, surveys.ErrCodeRequired) {
			key = "survey.err.code_required"
		}
		return s.renderForm(c, http.StatusUnprocessableEntity, camp, u, values, nil, []formError{{Href: "#code", Text: l.T(key)}}, code, l.T(key), "")
	}
	problems, summary := formProblems(l, camp.Instrument, values, err)
	if problems == nil {
		return err
	}
	return s.renderForm(c, http.StatusUnprocessableEntity, camp, u, values, problems, summary, code, "", "")
}

// surveyThanksPage is the thank-you page.
type surveyThanksPage struct {
	surveyChrome
	UnitName string
	Again    string
}

func (s *server) surveyThanks(c echo.Context) error {
	camp, u, err := s.publicCampaign(c.Request().Context(), c.Param("survey"), c.Param("unit"))
	if err != nil {
		return err
	}
	l := s.locale(c)
	kiosk := isKioskPath(c.Request().URL.Path)
	page := surveyThanksPage{surveyChrome: s.surveyChrome(c, l.T("survey.thanks.title")), UnitName: u.Name,
		Again: surveyPath(kiosk, camp.Code, u.Code)}
	if kiosk {
		// The kiosk comes back to an empty form by itself, with or
		// without JavaScript.
		page.Kiosk = true
		page.Refresh, page.RefreshURL = int(s.surveys.deps.KioskReset.Seconds()), page.Again
	}
	return s.renderSurvey(c, http.StatusOK, "survey_thanks", page)
}

// surveyMessagePage is a short page with a heading and a text.
type surveyMessagePage struct {
	surveyChrome
	Heading string
	Text    string
}

func (s *server) surveyMessage(c echo.Context, status int, heading, text string) error {
	l := s.locale(c)
	return s.renderSurvey(c, status, "survey_message", surveyMessagePage{
		surveyChrome: s.surveyChrome(c, l.T(heading)), Heading: l.T(heading), Text: l.T(text)})
}

func (s *server) surveyTooMany(c echo.Context) error {
	return s.surveyMessage(c, http.StatusTooManyRequests, "survey.too_many.title", "survey.too_many")
}

// surveyUnitsPage lists a survey's units, each linking to its form.
type surveyUnitsPage struct {
	surveyChrome
	SurveyName string
	Groups     []unitGroupLinks
}

type unitGroupLinks struct {
	Name  string
	Units []link
}

// surveyUnits lets a person pick the unit they were served by.
func (s *server) surveyUnits(c echo.Context) error {
	ctx := c.Request().Context()
	camp, err := s.surveys.svc.Campaign(ctx, c.Param("survey"))
	if errors.Is(err, domain.ErrNotFound) || (err == nil && camp.State == surveys.Draft) {
		return notFound("survey.not_found", c.Param("survey"))
	}
	if err != nil {
		return err
	}
	if camp.State != surveys.Open {
		return s.surveyMessage(c, http.StatusGone, "survey.closed.title", "survey.closed.text")
	}
	names, err := s.groupNames(ctx)
	if err != nil {
		return err
	}
	page := surveyUnitsPage{surveyChrome: s.surveyChrome(c, camp.Name), SurveyName: camp.Name}
	idx := map[string]int{}
	for _, u := range camp.Units {
		i, ok := idx[u.Group]
		if !ok {
			i = len(page.Groups)
			idx[u.Group] = i
			page.Groups = append(page.Groups, unitGroupLinks{Name: nameOr(names[u.Group], u.Group)})
		}
		page.Groups[i].Units = append(page.Groups[i].Units, link{Label: u.Name, URL: surveyPath(false, camp.Code, u.Code)})
	}
	return s.renderSurvey(c, http.StatusOK, "survey_units", page)
}

// surveyPosterPage is the printable sheet for the one-stop desk.
type surveyPosterPage struct {
	surveyChrome
	SurveyName string
	UnitName   string
	Link       string
	QR         string
}

func (s *server) surveyPoster(c echo.Context) error {
	camp, u, err := s.publicCampaign(c.Request().Context(), c.Param("survey"), c.Param("unit"))
	if err != nil {
		return err
	}
	l := s.locale(c)
	path := surveyPath(false, camp.Code, u.Code)
	return s.renderSurvey(c, http.StatusOK, "survey_poster", surveyPosterPage{
		surveyChrome: s.surveyChrome(c, l.T("survey.poster.title")+" · "+u.Name),
		SurveyName:   camp.Name, UnitName: u.Name, Link: s.publicBase(c) + path, QR: path + "/qr.svg"})
}
