package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/surveys"
)

// msgError is an error of a domain kind whose message is a catalogue key, so
// the error handler can say it in the reader's language.
type msgError struct {
	kind error
	key  string
	args []any
}

func (e *msgError) Error() string {
	if len(e.args) == 0 {
		return "web: " + e.key
	}
	return fmt.Sprintf("web: %s %v", e.key, e.args)
}

func (e *msgError) Unwrap() error { return e.kind }

// notFound is a 404 with a translated message.
func notFound(key string, args ...any) error {
	return &msgError{kind: domain.ErrNotFound, key: key, args: args}
}

// statusOf maps an error to its HTTP status: the domain kinds, an
// *echo.HTTPError's own code, anything else 500.
func statusOf(err error) int {
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		return he.Code
	case errors.Is(err, domain.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, domain.ErrInvalid):
		return http.StatusUnprocessableEntity
	case errors.Is(err, domain.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, domain.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, domain.ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, domain.ErrUnsupported):
		return http.StatusUnsupportedMediaType
	case errors.Is(err, auth.ErrNoSession), errors.Is(err, auth.ErrBadCredentials):
		return http.StatusUnauthorized
	case errors.Is(err, auth.ErrTooManyTries):
		return http.StatusTooManyRequests
	case errors.Is(err, auth.ErrBusy), errors.Is(err, domain.ErrUnavailable):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// errorPage is the data of the HTML error page.
type errorPage struct {
	chrome
	Status  int
	Heading string
	Message string
}

// handleError is the one place errors become responses: JSON
// {"error": "message"} under /api/, an error page elsewhere. Server errors
// are logged here, once, and answered with a generic message.
func (s *server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	l := s.locale(c)
	status := statusOf(err)
	var tooMany *auth.TooManyError
	if errors.As(err, &tooMany) {
		c.Response().Header().Set("Retry-After", strconv.Itoa(tooMany.RetryAfter()))
	}
	switch {
	case errors.Is(err, auth.ErrBusy):
		// A flood of logins, not a fault: say so, and do not log it as one.
		c.Response().Header().Set("Retry-After", "5")
		err = &msgError{kind: echo.NewHTTPError(status), key: "security.busy"}
	case errors.Is(err, domain.ErrUnavailable):
		// The database's connection was lost: the store already retried a
		// read; a write was not saved. Say so, and log it once as a warning.
		s.log.LogAttrs(c.Request().Context(), slog.LevelWarn, "database unavailable",
			slog.String("method", c.Request().Method), slog.String("uri", c.Request().RequestURI),
			slog.String("error", err.Error()))
		c.Response().Header().Set("Retry-After", "5")
		key := "security.db_unavailable_read"
		if unsafeMethod(c.Request().Method) {
			key = "security.db_unavailable_write"
		}
		err = &msgError{kind: echo.NewHTTPError(status), key: key}
	}
	var (
		msg     string // for the API
		pageMsg string // for people
		me      *msgError
		he      *echo.HTTPError
	)
	switch {
	case status >= 500 && !errors.As(err, &me):
		s.log.LogAttrs(c.Request().Context(), slog.LevelError, "server error",
			slog.String("method", c.Request().Method),
			slog.String("uri", c.Request().RequestURI),
			slog.Int("status", status),
			slog.String("error", err.Error()),
		)
		msg = l.T("error.internal")
		pageMsg = msg
		if status == http.StatusServiceUnavailable {
			msg = l.T("error.unavailable")
			pageMsg = msg
		}
	case errors.As(err, &me):
		msg = l.T(me.key, me.args...)
		pageMsg = msg
	case errors.As(err, &he):
		msg = http.StatusText(status)
		if m, ok := he.Message.(string); ok && m != "" {
			msg = m
		}
		pageMsg = s.genericMessage(l, status)
	default:
		// Domain errors carry a message meant to be shown; pages say it in
		// the reader's language when the error names it in the catalogues,
		// else a message of its kind.
		msg = err.Error()
		pageMsg = s.genericMessage(l, status)
		if km, ok := keyedMessage(l, err); ok {
			pageMsg = km
		}
	}

	if strings.HasPrefix(c.Request().URL.Path, "/api/") || (s.surveys != nil && wantsJSON(c)) {
		body := map[string]string{"error": msg}
		// A refused survey answer also says what became of it, so that a
		// device's queue can tell a used code from a closed survey.
		if reason, _, ok := surveys.RefusalOf(err); ok {
			body["outcome"] = string(reason)
		}
		s.reply(c, c.JSON(status, body))
		return
	}
	if c.Request().Method == http.MethodHead {
		s.reply(c, c.NoContent(status))
		return
	}
	if s.surveys != nil && isSurveyPath(c.Request().URL.Path) {
		// The public survey pages: the survey's light layout.
		heading := s.genericHeading(l, status)
		if key, ok := surveyHeadings[status]; ok {
			heading = l.T(key)
		}
		if errors.Is(err, errInterviewerLink) || errors.Is(err, errNotYourUnit) {
			heading = l.T("survey.interviewer.link_title")
		}
		page := surveyMessagePage{surveyChrome: s.surveyChrome(c, heading), Heading: heading, Text: pageMsg}
		s.reply(c, s.render(c, status, "survey_message", page))
		return
	}
	page := errorPage{
		chrome:  s.chrome(c, l, l.T("error.title", status)),
		Status:  status,
		Heading: s.genericHeading(l, status),
		Message: pageMsg,
	}
	s.reply(c, s.render(c, status, "error", page))
}

// surveyHeadings are the headings of the public survey pages' errors.
var surveyHeadings = map[int]string{
	http.StatusGone:            "survey.closed.title",
	http.StatusConflict:        "survey.closed.title",
	http.StatusTooManyRequests: "survey.too_many.title",
}

// reply logs a failure to write an error response; nothing else can be done.
func (s *server) reply(c echo.Context, err error) {
	if err == nil {
		return
	}
	s.log.LogAttrs(c.Request().Context(), slog.LevelError, "writing the error response failed",
		slog.String("uri", c.Request().RequestURI), slog.String("error", err.Error()))
	if !c.Response().Committed {
		_ = c.String(http.StatusInternalServerError, "500 Internal Server Error")
	}
}

// statusKeys are the statuses the catalogues have their own heading and
// message for; others use the generic ones.
var statusKeys = map[int]bool{400: true, 403: true, 404: true, 405: true, 409: true, 422: true, 500: true, 503: true}

func (s *server) genericHeading(l *locale, status int) string {
	if statusKeys[status] {
		return l.T(fmt.Sprintf("error.%d.heading", status))
	}
	return l.T("error.other.heading")
}

func (s *server) genericMessage(l *locale, status int) string {
	if statusKeys[status] {
		return l.T(fmt.Sprintf("error.%d.message", status))
	}
	return l.T("error.other.message")
}

// keyedMessage says a domain error that names its message in the
// catalogues (domain.Errorf) in the reader's language; stages, phases,
// roles and numbers among its arguments are written as the page writes
// them. ok is false for other errors.
func keyedMessage(l *locale, err error) (string, bool) {
	var k interface{ Message() (string, []any) }
	if !errors.As(err, &k) {
		return "", false
	}
	key, args := k.Message()
	if _, known := l.msgs[key]; key == "" || !known {
		return "", false
	}
	shown := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case scoring.Stage:
			shown[i] = l.T("work.stage." + string(v))
		case domain.Phase:
			shown[i] = l.T("work.phase." + string(v))
		case auth.Role:
			shown[i] = l.T("work.role." + string(v))
		case scoring.Decimal:
			shown[i] = l.Number(v)
		default:
			shown[i] = a
		}
	}
	return l.T(key, shown...), true
}
