package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/surveys"
)

// The public form: one page per survey and unit, plain HTML that works
// without JavaScript, one fieldset per question. With JavaScript, the form
// keeps each answer in the device's queue and sends it (survey_offline.go).

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

// surveyFormPage is the data of the form, public, at a kiosk, an
// interviewer's or typed in by an operator.
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
	// Key makes the submission of this page idempotent: pressing the
	// button twice, or sending the page again, stores it once.
	Key       string
	Code      string
	CodeError string
	// RequireCode shows the code field first and marks it required.
	RequireCode bool
	Message     string
	// Door is s (the QR code's link), k (kiosk) or i (interviewer).
	Door string
	// Interviewer is the name of the interviewer whose form it is; Back
	// their home.
	Interviewer string
	Back        string
	// Operator pages choose the unit.
	Operator bool
	Units    []link
	Saved    int64
	Minutes  int
	// ResetSeconds is how long a kiosk shows its thanks.
	ResetSeconds int
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

// errSurveyClosed answers a form of a survey that is not open: 410, it is
// gone for good unless the secretariat opens it again.
var errSurveyClosed = domain.Keyed(echo.NewHTTPError(http.StatusGone), "survey.closed.text")

// errSurveyRefused answers a form sent to a survey that has closed since it
// was shown: 409, the submission conflicts with the survey's state.
var errSurveyRefused = domain.Keyed(domain.ErrConflict, "survey.closed.text")

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
		return errSurveyClosed
	}
	return s.renderForm(c, http.StatusOK, formState{camp: camp, unit: u})
}

// formState is what a form shows: the survey and unit, and after a refused
// submission the values, the problems and the code given.
type formState struct {
	camp        *surveys.Campaign
	unit        *surveys.CampaignUnit
	interviewer *surveys.Interviewer
	values      map[string]string
	problems    map[string]string
	summary     []formError
	code        string
	codeErr     string
	saved       int64
}

// newKey makes a submission key for a page.
func newKey() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// minutesFor is the time a person needs for a questionnaire, in whole
// minutes: about six seconds a choice, half a minute a text, rounded up.
func minutesFor(ins *surveys.Instrument) int {
	secs := 0
	for _, q := range ins.Questions {
		if q.Type == surveys.FreeText {
			secs += 30
		} else {
			secs += 6
		}
	}
	return max(1, (secs+59)/60)
}

func (s *server) renderForm(c echo.Context, status int, f formState) error {
	l := s.locale(c)
	door := doorOf(c)
	camp, u := f.camp, f.unit
	action := surveyPath(door, camp.Code, u.Code)
	page := surveyFormPage{
		surveyChrome: s.surveyChrome(c, camp.Instrument.Name.In(l.code)+" · "+u.Name),
		Survey:       camp.Code, SurveyName: camp.Name, Heading: camp.Instrument.Name.In(l.code), Unit: u.Code, UnitName: u.Name,
		Intro: camp.Instrument.Intro.In(l.code), Action: action,
		Sections: buildSections(l, camp.Instrument, f.values, f.problems), Errors: f.summary,
		Token: s.surveys.formToken(time.Now()), Key: newKey(), Code: f.code, CodeError: f.codeErr, RequireCode: camp.RequireCode,
		Door: string(door), Saved: f.saved, Minutes: minutesFor(camp.Instrument),
	}
	page.Offline, page.Manifest = true, manifestPath(door, camp.Code, u.Code)
	page.Scope = "/" + string(door) + "/"
	switch door {
	case doorKiosk:
		page.Kiosk = true
		page.IdleSeconds = int(s.surveys.cfg.KioskIdle.Seconds())
		page.Refresh, page.RefreshURL, page.RefreshNoScript = page.IdleSeconds, action, true
		page.ResetSeconds = int(s.surveys.cfg.KioskReset.Seconds())
	case doorInterviewer:
		page.Interviewer = f.interviewer.Name
		page.Back = interviewerHomePath(camp.Code)
	}
	return s.render(c, status, "survey_form", page)
}

// surveySubmitForm takes a submitted form — posted by the page without
// JavaScript, or sent as JSON from the device's queue (survey_offline.go):
// the thank-you page (or a 201 with the response's id) on success; the form
// again with every problem marked (or the error) otherwise.
func (s *server) surveySubmitForm(c echo.Context) error {
	ctx := c.Request().Context()
	camp, u, err := s.publicCampaign(ctx, c.Param("survey"), c.Param("unit"))
	if err != nil {
		return err
	}
	door := doorOf(c)
	sub := surveys.Submission{Campaign: camp.Code, Unit: u.Code, Channel: surveys.Web}
	var device *surveys.Device
	switch door {
	case doorKiosk:
		sub.Channel = surveys.Kiosk
		if device, err = s.kioskDevice(c, camp, u.Code); err != nil {
			return err
		}
	case doorInterviewer:
		if sub.Interviewer, err = s.signedInterviewer(c, camp); err != nil {
			return err
		}
		if !sub.Interviewer.Covers(u.Code) {
			return errNotYourUnit
		}
	}
	isJSON := jsonBody(c)
	var values map[string]string
	if isJSON {
		req, answers, err := decodeSubmission(http.MaxBytesReader(c.Response(), c.Request().Body, maxResponseBody))
		if err != nil {
			return err
		}
		if sub.AnsweredAt, err = parseAnsweredAt(req.AnsweredAt); err != nil {
			return err
		}
		values, sub.Code, sub.Key, sub.Honeypot = answers, req.Code, req.Key, req.Website
		sub.Shown = s.surveys.shownAt(req.FormToken)
	} else {
		values = map[string]string{}
		for _, q := range camp.Instrument.Questions {
			values[q.Code] = c.FormValue(questionField(q.Code))
		}
		sub.Code, sub.Key, sub.Honeypot = c.FormValue("code"), c.FormValue("key"), c.FormValue("website")
		sub.Shown = s.surveys.shownAt(c.FormValue("t"))
	}
	sub.Answers = values
	sub.Client = submissionClient(s.clientIP(c), device, sub.Interviewer)
	adm, err := s.admitSubmission(c, camp.Code, sub.Code, device, sub.Interviewer)
	if adm == nil {
		return err
	}
	r, err := s.surveys.svc.Submit(ctx, sub)
	adm.done(err)
	if isJSON {
		if err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, deviceAck{ID: r.ID, Survey: camp.Code, Unit: r.Unit, FormToken: s.surveys.formToken(time.Now())})
	}
	l := s.locale(c)
	again := formState{camp: camp, unit: u, interviewer: sub.Interviewer, values: values, code: sub.Code}
	switch {
	case err == nil && door == doorInterviewer:
		return c.Redirect(http.StatusSeeOther, surveyPath(door, camp.Code, u.Code)+"?saved="+strconv.FormatInt(r.ID, 10))
	case err == nil:
		return c.Redirect(http.StatusSeeOther, surveyPath(door, camp.Code, u.Code)+"/thanks")
	case errors.Is(err, surveys.ErrCodeUsed):
		again.summary, again.codeErr = []formError{{Href: "#code", Text: l.T("survey.err.code_used")}}, l.T("survey.err.code_used")
		return s.renderForm(c, http.StatusConflict, again)
	case errors.Is(err, surveys.ErrCodeUnknown), errors.Is(err, surveys.ErrCodeOtherUnit), errors.Is(err, surveys.ErrCodeRequired):
		key := "survey.err.code_unknown"
		if errors.Is(err, surveys.ErrCodeRequired) {
			key = "survey.err.code_required"
		}
		again.summary, again.codeErr = []formError{{Href: "#code", Text: l.T(key)}}, l.T(key)
		return s.renderForm(c, http.StatusUnprocessableEntity, again)
	case errors.Is(err, surveys.ErrNotOpen):
		return errSurveyRefused
	}
	again.problems, again.summary = formProblems(l, camp.Instrument, values, err)
	if again.problems == nil {
		return err
	}
	return s.renderForm(c, http.StatusUnprocessableEntity, again)
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
	door := doorOf(c)
	page := surveyThanksPage{surveyChrome: s.surveyChrome(c, l.T("survey.thanks.title")), UnitName: u.Name,
		Again: surveyPath(door, camp.Code, u.Code)}
	if door == doorKiosk {
		// The kiosk comes back to an empty form by itself, with or
		// without JavaScript.
		page.Kiosk = true
		page.Refresh, page.RefreshURL = int(s.surveys.cfg.KioskReset.Seconds()), page.Again
	}
	return s.render(c, http.StatusOK, "survey_thanks", page)
}

// surveyMessagePage is a short page with a heading and a text: what the
// central error handler shows on the public survey pages.
type surveyMessagePage struct {
	surveyChrome
	Heading string
	Text    string
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
		return errSurveyClosed
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
		page.Groups[i].Units = append(page.Groups[i].Units, link{Label: u.Name, URL: surveyPath(doorLink, camp.Code, u.Code)})
	}
	return s.render(c, http.StatusOK, "survey_units", page)
}
