package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/shopspring/decimal"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/internal/csvout"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/surveys"
)

// The secretariat's survey pages that collect and check responses: one-time
// codes and dossier numbers, paper entry, imports, review and results.

// adminCodesPage shows fresh one-time codes, ready to print.
type adminCodesPage struct {
	chrome
	CSRF     string
	Campaign *surveys.Campaign
	Tabs     []link
	Unit     string
	UnitName string
	Codes    []string
	Link     string
	Message  string
	Error    string
}

func (s *server) adminCodes(c echo.Context) error {
	camp, err := s.surveys.svc.Campaign(c.Request().Context(), c.Param("survey"))
	if err != nil {
		return err
	}
	l := s.locale(c)
	return s.render(c, http.StatusOK, "survey_admin_codes", adminCodesPage{chrome: s.chrome(c, l, l.T("survey.admin.codes")),
		CSRF: s.csrf(c), Campaign: camp, Tabs: campaignTabs(l, camp.Code, "/codes")})
}

func (s *server) adminCodesCreate(c echo.Context) error {
	ctx := c.Request().Context()
	camp, err := s.surveys.svc.Campaign(ctx, c.Param("survey"))
	if err != nil {
		return err
	}
	l := s.locale(c)
	page := adminCodesPage{chrome: s.chrome(c, l, l.T("survey.admin.codes")), CSRF: s.csrf(c), Campaign: camp,
		Unit: c.FormValue("unit"), Tabs: campaignTabs(l, camp.Code, "/codes")}
	n, _ := strconv.Atoi(strings.TrimSpace(c.FormValue("count")))
	codes, err := s.surveys.svc.NewCodes(ctx, camp.Code, page.Unit, n)
	if err != nil {
		if !errors.Is(err, domain.ErrInvalid) {
			return err
		}
		page.Error = err.Error()
		return s.render(c, http.StatusUnprocessableEntity, "survey_admin_codes", page)
	}
	page.Codes = codes
	if u := camp.Unit(page.Unit); u != nil {
		page.UnitName = u.Name
	}
	page.Link = s.publicBase(c) + surveyPath(doorLink, camp.Code, page.Unit)
	return s.render(c, http.StatusOK, "survey_admin_codes", page)
}

// adminDossiers registers dossier numbers, one a line, as one-time codes.
func (s *server) adminDossiers(c echo.Context) error {
	ctx := c.Request().Context()
	camp, err := s.surveys.svc.Campaign(ctx, c.Param("survey"))
	if err != nil {
		return err
	}
	l := s.locale(c)
	page := adminCodesPage{chrome: s.chrome(c, l, l.T("survey.admin.codes")), CSRF: s.csrf(c), Campaign: camp, Unit: c.FormValue("unit"),
		Tabs: campaignTabs(l, camp.Code, "/codes")}
	n, err := s.surveys.svc.AddDossiers(ctx, camp.Code, page.Unit, strings.Split(c.FormValue("dossiers"), "\n"))
	if err != nil {
		if !errors.Is(err, domain.ErrInvalid) && !errors.Is(err, domain.ErrConflict) {
			return err
		}
		page.Error = err.Error()
		return s.render(c, statusOf(err), "survey_admin_codes", page)
	}
	page.Message = l.T("survey.admin.dossiers_added", n)
	return s.render(c, http.StatusOK, "survey_admin_codes", page)
}

// adminEntry shows the form an operator types a paper questionnaire into.
func (s *server) adminEntry(c echo.Context) error {
	camp, err := s.surveys.svc.Campaign(c.Request().Context(), c.Param("survey"))
	if err != nil {
		return err
	}
	saved, _ := strconv.ParseInt(c.QueryParam("saved"), 10, 64)
	return s.renderEntry(c, http.StatusOK, camp, c.QueryParam("unit"), nil, nil, nil, "", "", saved)
}

func (s *server) renderEntry(c echo.Context, status int, camp *surveys.Campaign, unit string, values, problems map[string]string,
	summary []formError, code, codeErr string, saved int64) error {
	l := s.locale(c)
	page := surveyFormPage{surveyChrome: s.surveyChrome(c, l.T("survey.admin.entry")+" · "+camp.Name),
		Survey: camp.Code, SurveyName: camp.Name, Unit: unit, Action: adminSurveyURL(camp.Code) + "/entry",
		Sections: buildSections(l, camp.Instrument, values, problems), Errors: summary, Code: code, CodeError: codeErr,
		RequireCode: camp.RequireCode, Operator: true, Saved: saved, Key: newKey()}
	for _, u := range camp.Units {
		page.Units = append(page.Units, link{Label: u.Code + " · " + u.Name, URL: u.Code, Current: u.Code == unit})
	}
	return s.render(c, status, "survey_form", page)
}

// adminEntrySave stores a typed-in paper questionnaire (channel paper).
func (s *server) adminEntrySave(c echo.Context) error {
	ctx := c.Request().Context()
	camp, err := s.surveys.svc.Campaign(ctx, c.Param("survey"))
	if err != nil {
		return err
	}
	l := s.locale(c)
	unit := c.FormValue("unit")
	values := map[string]string{}
	for _, q := range camp.Instrument.Questions {
		values[q.Code] = c.FormValue(questionField(q.Code))
	}
	code := c.FormValue("code")
	r, err := s.surveys.svc.Submit(ctx, surveys.Submission{Campaign: camp.Code, Unit: unit, Code: code, Answers: values,
		Channel: surveys.Paper, Author: s.actor(c), Key: c.FormValue("key")})
	switch {
	case err == nil:
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("%s/entry?unit=%s&saved=%d", adminSurveyURL(camp.Code), url.QueryEscape(unit), r.ID))
	case errors.Is(err, surveys.ErrCodeUsed):
		return s.renderEntry(c, http.StatusConflict, camp, unit, values, nil, []formError{{Href: "#code", Text: l.T("survey.err.code_used")}}, code, l.T("survey.err.code_used"), 0)
	case errors.Is(err, surveys.ErrCodeUnknown), errors.Is(err, surveys.ErrCodeOtherUnit), errors.Is(err, surveys.ErrCodeRequired):
		return s.renderEntry(c, http.StatusUnprocessableEntity, camp, unit, values, nil, []formError{{Href: "#code", Text: l.T("survey.err.code_unknown")}}, code, l.T("survey.err.code_unknown"), 0)
	case errors.Is(err, surveys.ErrUnitNotCovered):
		return s.renderEntry(c, http.StatusUnprocessableEntity, camp, unit, values, nil, []formError{{Href: "#unit", Text: l.T("survey.err.unit")}}, code, "", 0)
	case errors.Is(err, domain.ErrConflict):
		return s.renderEntry(c, http.StatusConflict, camp, unit, values, nil, []formError{{Href: "#main", Text: l.T("survey.closed.text")}}, code, "", 0)
	}
	problems, summary := formProblems(l, camp.Instrument, values, err)
	if problems == nil {
		return err
	}
	return s.renderEntry(c, http.StatusUnprocessableEntity, camp, unit, values, problems, summary, code, "", 0)
}

// maxImport bounds an uploaded questionnaire file.
const maxImport = 20 << 20

// adminImport stores every questionnaire of an Excel or CSV file, or none.
func (s *server) adminImport(c echo.Context) error {
	fh, err := c.FormFile("file")
	if err != nil {
		return s.renderCampaign(c, http.StatusUnprocessableEntity, "", s.locale(c).T("survey.admin.import_nofile"))
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxImport+1))
	if err != nil {
		return err
	}
	if len(data) > maxImport {
		return s.renderCampaign(c, http.StatusRequestEntityTooLarge, "", fmt.Sprintf("%s: larger than %d MB", fh.Filename, maxImport>>20))
	}
	n, err := s.surveys.svc.Import(c.Request().Context(), c.Param("survey"), fh.Filename, data, s.actor(c))
	if err != nil {
		if !errors.Is(err, domain.ErrInvalid) && !errors.Is(err, domain.ErrConflict) {
			return err
		}
		var ve *surveys.ValidationError
		msg := err.Error()
		if errors.As(err, &ve) {
			lines := make([]string, len(ve.Problems))
			for i, p := range ve.Problems {
				lines[i] = fh.Filename + ":" + p.String()
				if p.Line > 0 {
					lines[i] = fmt.Sprintf("%s:%d: %s", fh.Filename, p.Line, strings.TrimPrefix(p.String(), fmt.Sprintf("line %d: ", p.Line)))
				}
			}
			msg = strings.Join(lines, "\n")
		}
		return s.renderCampaign(c, statusOf(err), "", msg)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("%s?msg=imported&n=%d", adminSurveyURL(c.Param("survey")), n))
}

// adminImportTemplate is an empty import file with the campaign's columns.
func (s *server) adminImportTemplate(c echo.Context) error {
	camp, err := s.surveys.svc.Campaign(c.Request().Context(), c.Param("survey"))
	if err != nil {
		return err
	}
	opt, _, err := s.csvDownload(c)
	if err != nil {
		return err
	}
	// The import reads these column names back, so they are never
	// translated; the byte-order mark (which the import skips) lets a
	// spreadsheet open the file filled in Vietnamese.
	var buf bytes.Buffer
	cw := csvout.NewWriter(&buf, opt)
	_ = cw.Header(surveys.ImportHeader(camp.Instrument)...)
	_ = cw.Flush()
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.csv"`, camp.Code))
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// adminReviewPage lists flagged responses and the decisions taken.
type adminReviewPage struct {
	chrome
	CSRF      string
	Campaign  *surveys.Campaign
	Tabs      []link
	Status    string
	Responses []reviewRow
	Trail     []reviewTrailRow
	Error     string
}

// reviewRow is one response to review: its answers by label, its times in
// the province's time.
type reviewRow struct {
	surveys.Response
	UnitName string
	Channel  string
	When     string
	Answered string
	Summary  string
	Answers  []reviewAnswer
}

// reviewAnswer is one answer of a response under review.
type reviewAnswer struct {
	Code, Question, Answer string
}

// reviewTrailRow is one decision of the trail.
type reviewTrailRow struct {
	surveys.Review
	When string
}

func (s *server) adminReview(c echo.Context) error { return s.renderReview(c, http.StatusOK, "") }

// reviewAnswers writes a response's answers by their labels, with a summary
// of how often each label was given ("Rất hài lòng ×4").
func reviewAnswers(l *locale, ins *surveys.Instrument, r surveys.Response) (string, []reviewAnswer) {
	values := ins.Decode(r.Answers)
	var out []reviewAnswer
	counts := map[string]int{}
	var order []string
	for _, q := range ins.Questions {
		v := values[q.Code]
		if v == "" {
			continue
		}
		answer := v
		if q.Type != surveys.FreeText {
			n, _ := strconv.Atoi(v)
			for _, o := range q.Scale.Options {
				if o.Value == n {
					answer = o.Label.In(l.code)
				}
			}
			if counts[answer] == 0 {
				order = append(order, answer)
			}
			counts[answer]++
		}
		out = append(out, reviewAnswer{Code: q.Code, Question: q.Text.In(l.code), Answer: answer})
	}
	parts := make([]string, len(order))
	for i, a := range order {
		parts[i] = fmt.Sprintf("%s ×%d", a, counts[a])
	}
	return strings.Join(parts, " · "), out
}

func (s *server) renderReview(c echo.Context, status int, problem string) error {
	ctx := c.Request().Context()
	camp, err := s.surveys.svc.Campaign(ctx, c.Param("survey"))
	if err != nil {
		return err
	}
	st := surveys.Flagged
	if v, err := surveys.ParseStatus(c.QueryParam("status")); err == nil {
		st = v
	}
	list, err := s.surveys.svc.Responses(ctx, camp.Code, st, 200)
	if err != nil {
		return err
	}
	trail, err := s.surveys.svc.Reviews(ctx, camp.Code, 100)
	if err != nil {
		return err
	}
	l := s.locale(c)
	page := adminReviewPage{chrome: s.chrome(c, l, l.T("survey.admin.review")), CSRF: s.csrf(c), Campaign: camp,
		Tabs: campaignTabs(l, camp.Code, "/review"), Status: string(st), Error: problem}
	for _, r := range list {
		row := reviewRow{Response: r, Channel: l.T("survey.channel." + string(r.Channel)), When: formatTime(l, r.SubmittedAt)}
		if !r.AnsweredAt.IsZero() {
			row.Answered = formatTime(l, r.AnsweredAt)
		}
		if u := camp.Unit(r.Unit); u != nil {
			row.UnitName = u.Name
		}
		row.Summary, row.Answers = reviewAnswers(l, camp.Instrument, r)
		page.Responses = append(page.Responses, row)
	}
	for _, v := range trail {
		page.Trail = append(page.Trail, reviewTrailRow{Review: v, When: formatTime(l, v.At)})
	}
	return s.render(c, status, "survey_admin_review", page)
}

func (s *server) adminReviewSave(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return notFound("survey.response_not_found", c.Param("id"))
	}
	to, err := surveys.ParseStatus(c.FormValue("status"))
	if err != nil {
		return domain.Invalidf("%v", err)
	}
	err = s.surveys.svc.Review(c.Request().Context(), c.Param("survey"), id, to, c.FormValue("reason"), s.actor(c))
	if err != nil {
		if errors.Is(err, domain.ErrInvalid) || errors.Is(err, domain.ErrConflict) {
			return s.renderReview(c, statusOf(err), err.Error())
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, adminSurveyURL(c.Param("survey"))+"/review")
}

// adminResultsPage shows every index of a campaign.
type adminResultsPage struct {
	chrome
	Campaign *surveys.Campaign
	Tabs     []link
	Results  *surveys.Results
	Names    map[string]string
	Sections map[string]string
	Measures map[string]string
	l        *locale
}

// PctD writes a ratio as a percentage in the reader's number style.
func (p adminResultsPage) PctD(v scoring.Decimal) string { return p.l.Number(v.Shift(2)) }

// PctF writes an interval bound as a percentage.
func (p adminResultsPage) PctF(v float64) string { return p.l.Number(decimal.NewFromFloat(v).Shift(2)) }

func (s *server) adminResults(c echo.Context) error {
	camp, res, err := s.surveys.svc.Results(c.Request().Context(), c.Param("survey"))
	if err != nil {
		return err
	}
	l := s.locale(c)
	page := adminResultsPage{chrome: s.chrome(c, l, l.T("survey.admin.results")+" · "+camp.Name), Campaign: camp, Results: res,
		Tabs:  campaignTabs(l, camp.Code, "/results"),
		Names: map[string]string{}, Sections: map[string]string{}, Measures: map[string]string{}, l: l}
	for _, u := range camp.Units {
		page.Names[u.Code] = u.Name
	}
	for _, sec := range camp.Instrument.Sections {
		page.Sections[sec.Code] = sec.Title.In(l.code)
	}
	for _, ix := range camp.Instrument.Indices {
		page.Measures[ix.Measure] = ix.Name.In(l.code)
	}
	if c.QueryParam("format") == "csv" {
		opt, header, err := s.csvDownload(c)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := surveys.WriteCSVWith(&buf, camp, res, opt, header); err != nil {
			return err
		}
		c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s-results.csv"`, camp.Code))
		return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
	}
	return s.render(c, http.StatusOK, "survey_admin_results", page)
}
