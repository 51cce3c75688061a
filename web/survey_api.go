package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/surveys"
)

// The survey API of contract.md, plus what the secretariat's pages need.

type apiSurveySummary struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Period     string   `json:"period"`
	Instrument string   `json:"instrument"`
	Units      []string `json:"units"`
}

// apiSurveys lists the open surveys, those covering ?unit= only.
func (s *server) apiSurveys(c echo.Context) error {
	list, err := s.surveys.svc.OpenCampaigns(c.Request().Context(), strings.TrimSpace(c.QueryParam("unit")))
	if err != nil {
		return err
	}
	out := make([]apiSurveySummary, 0, len(list))
	for _, camp := range list {
		sum := apiSurveySummary{ID: camp.Code, Name: camp.Name, Period: camp.Period, Instrument: camp.InstrumentCode, Units: []string{}}
		for _, u := range camp.Units {
			sum.Units = append(sum.Units, u.Code)
		}
		out = append(out, sum)
	}
	return c.JSON(http.StatusOK, out)
}

type apiAnswer struct {
	Value int    `json:"value"`
	Label string `json:"label"`
}

type apiQuestion struct {
	Code      string      `json:"code"`
	Text      string      `json:"text"`
	Required  bool        `json:"required"`
	Type      string      `json:"type"`
	Section   string      `json:"section"`
	MaxLength int         `json:"max_length,omitempty"`
	Answers   []apiAnswer `json:"answers"`
}

type apiSection struct {
	Code  string `json:"code"`
	Title string `json:"title"`
}

type apiUnit struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type apiSurveyDoc struct {
	ID          string        `json:"id"`
	Name        string        `json:"name"`
	Title       string        `json:"title"`
	State       string        `json:"state"`
	Period      string        `json:"period"`
	RequireCode bool          `json:"require_code"`
	Sections    []apiSection  `json:"sections"`
	Questions   []apiQuestion `json:"questions"`
	Units       []apiUnit     `json:"units"`
}

// apiSurvey describes a survey's instrument in the reader's language.
func (s *server) apiSurvey(c echo.Context) error {
	camp, err := s.surveys.svc.Campaign(c.Request().Context(), c.Param("survey"))
	if errors.Is(err, domain.ErrNotFound) || (err == nil && camp.State == surveys.Draft) {
		return notFound("survey.not_found", c.Param("survey"))
	}
	if err != nil {
		return err
	}
	l := s.locale(c)
	ins := camp.Instrument
	doc := apiSurveyDoc{ID: camp.Code, Name: camp.Name, Title: ins.Name.In(l.code), State: string(camp.State),
		Period: camp.Period, RequireCode: camp.RequireCode, Sections: []apiSection{}, Questions: []apiQuestion{}, Units: []apiUnit{}}
	for _, sec := range ins.Sections {
		doc.Sections = append(doc.Sections, apiSection{Code: sec.Code, Title: sec.Title.In(l.code)})
	}
	for _, q := range ins.Questions {
		aq := apiQuestion{Code: q.Code, Text: q.Text.In(l.code), Required: q.Required, Type: string(q.Type),
			Section: q.Section, Answers: []apiAnswer{}}
		if q.Type == surveys.FreeText {
			aq.MaxLength = q.MaxLength
		} else {
			for _, o := range q.Scale.Options {
				aq.Answers = append(aq.Answers, apiAnswer{Value: o.Value, Label: o.Label.In(l.code)})
			}
		}
		doc.Questions = append(doc.Questions, aq)
	}
	for _, u := range camp.Units {
		doc.Units = append(doc.Units, apiUnit{Code: u.Code, Name: u.Name})
	}
	return c.JSON(http.StatusOK, doc)
}

// apiResponseRequest is the body of a submission.
type apiResponseRequest struct {
	Unit    string                     `json:"unit"`
	Code    string                     `json:"code"`
	Answers map[string]json.RawMessage `json:"answers"`
	// Website is the honeypot: people never fill it in.
	Website string `json:"website"`
	// FormToken is the token of GET /s/…, when a form page was shown.
	FormToken string `json:"form_token"`
	// Key is the id the device made for the answer: a repeat with the same
	// key stores nothing new and answers as the first time did.
	Key string `json:"key"`
	// AnsweredAt is when the device says the answer was given (RFC 3339),
	// for an answer sent late from an offline queue.
	AnsweredAt string `json:"answered_at"`
}

type apiResponseCreated struct {
	ID     int64  `json:"id"`
	Survey string `json:"survey"`
	Unit   string `json:"unit"`
}

// maxResponseBody bounds a submission's body.
const maxResponseBody = 64 << 10

// apiSubmitResponse stores a response and answers 201 once it is
// committed; 409 for a used code or a survey that is not open, 422 for
// invalid answers, a unit the survey does not cover or a bad code.
func (s *server) apiSubmitResponse(c echo.Context) error {
	req, answers, err := decodeSubmission(http.MaxBytesReader(c.Response(), c.Request().Body, maxResponseBody))
	if err != nil {
		return err
	}
	answeredAt, err := parseAnsweredAt(req.AnsweredAt)
	if err != nil {
		return err
	}
	adm, err := s.admitSubmission(c, c.Param("survey"), req.Code, nil, nil)
	if adm == nil {
		return err
	}
	r, err := s.surveys.svc.Submit(c.Request().Context(), surveys.Submission{
		Campaign: c.Param("survey"), Unit: strings.TrimSpace(req.Unit), Code: req.Code, Answers: answers,
		Channel: surveys.API, Client: s.clientIP(c), Shown: s.surveys.shownAt(req.FormToken), Honeypot: req.Website,
		Key: req.Key, AnsweredAt: answeredAt,
	})
	adm.done(err)
	if err != nil {
		return err
	}
	created := apiResponseCreated{ID: r.ID, Survey: c.Param("survey"), Unit: r.Unit}
	if body, ok := created.appendJSON(make([]byte, 0, 96)); ok {
		return c.JSONBlob(http.StatusCreated, body)
	}
	return c.JSON(http.StatusCreated, created)
}

// appendJSON appends the acknowledgement as json.Marshal writes it, less
// its escaping of <, >, &, U+2028 and U+2029 (this is no page's script):
// written by hand, for the
// reflection of encoding/json cost a twentieth of the server's work per
// submission (issue 16). ok is false for a text that is not UTF-8.
func (a apiResponseCreated) appendJSON(b []byte) ([]byte, bool) {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, a.ID, 10)
	b = append(b, `,"survey":`...)
	b, err := jsontext.AppendQuote(b, a.Survey)
	if err != nil {
		return nil, false
	}
	b = append(b, `,"unit":`...)
	if b, err = jsontext.AppendQuote(b, a.Unit); err != nil {
		return nil, false
	}
	return append(b, '}'), true
}

// decodeSubmission reads a submission's JSON body and its answers as the
// form would send them: 400 for a body that is not the object, 422 naming
// each answer that is not a number, a text or null.
func decodeSubmission(body io.Reader) (apiResponseRequest, map[string]string, error) {
	req, err := readSubmission(body)
	if err != nil {
		return req, nil, echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("the body must be a JSON object {\"unit\", \"code\", \"answers\"}: %v", err))
	}
	answers := make(map[string]string, len(req.Answers))
	var problems []string
	for code, raw := range req.Answers {
		v, err := answerValue(raw)
		if err != nil {
			problems = append(problems, code+": "+err.Error())
			continue
		}
		answers[code] = v
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return req, nil, domain.Invalidf("%s", strings.Join(problems, "\n"))
	}
	return req, answers, nil
}

// answerValue reads an answer: a number, a string, or null for none.
func answerValue(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", nil
	case raw[0] == '"':
		// The decoder checked the body: a text with no escape and valid
		// UTF-8 is its bytes between the quotes, as Unmarshal would give.
		if len(raw) >= 2 {
			if inner := raw[1 : len(raw)-1]; bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
				return string(inner), nil
			}
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err
		}
		return s, nil
	case raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9'):
		// A number the decoder checked is its text (json.Number's).
		return string(raw), nil
	}
	return "", errors.New("an answer must be a number, a text or null")
}

type apiProgress struct {
	Unit         string `json:"unit"`
	Name         string `json:"name"`
	Group        string `json:"group"`
	Transactions int64  `json:"transactions"`
	Target       int64  `json:"target"`
	Valid        int    `json:"valid"`
	Flagged      int    `json:"flagged"`
	Rejected     int    `json:"rejected"`
	Percent      int    `json:"percent"`
}

// apiSurveyProgress reports each unit's responses against its target.
func (s *server) apiSurveyProgress(c echo.Context) error {
	_, progress, err := s.surveys.svc.Progress(c.Request().Context(), c.Param("survey"))
	if err != nil {
		return err
	}
	out := make([]apiProgress, len(progress))
	for i, p := range progress {
		out[i] = apiProgress{Unit: p.Code, Name: p.Name, Group: p.Group, Transactions: p.Transactions, Target: p.Target,
			Valid: p.Valid, Flagged: p.Flagged, Rejected: p.Rejected, Percent: p.Percent()}
	}
	return c.JSON(http.StatusOK, out)
}

// apiSurveyResults serves every index of a survey, per unit, group and
// province (see surveys.WriteJSON).
func (s *server) apiSurveyResults(c echo.Context) error {
	camp, res, err := s.surveys.svc.Results(c.Request().Context(), c.Param("survey"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := surveys.WriteJSON(&buf, camp, res); err != nil {
		return err
	}
	return c.JSONBlob(http.StatusOK, buf.Bytes())
}
