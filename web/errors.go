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

// Every error a handler returns ends here, in handleError, which says it
// in the reader's language (an error page, or {"error": "…"} under /api/);
// a form that shows itself again with the message beside its fields takes
// the same text from userError. The web's own messages are domain errors
// too: domain.Keyed with a catalogue key (notFound, forbidden, invalid
// below), so one type carries every message, whichever package made it.

// notFound is a 404 whose message is a catalogue key.
func notFound(key string, args ...any) error { return domain.Keyed(domain.ErrNotFound, key, args...) }

// forbidden is a 403 whose message is a catalogue key.
func forbidden(key string, args ...any) error { return domain.Keyed(domain.ErrForbidden, key, args...) }

// invalid is a 422 whose message is a catalogue key.
func invalid(key string, args ...any) error { return domain.Keyed(domain.ErrInvalid, key, args...) }

// statusOf maps an error to its HTTP status: the domain kinds, an
// *echo.HTTPError's own code (echo's router and middleware make those),
// anything else 500.
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
	case errors.Is(err, domain.ErrBadRequest):
		return http.StatusBadRequest
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

// keyed is an error that names its message in the catalogues.
type keyed interface {
	Message() (string, []any)
}

// catalogueOnly is a keyed error with no text of its own (domain.Keyed).
type catalogueOnly interface {
	KeyOnly() bool
}

// errorText is what an error says: api for the JSON {"error"} (the
// domain's own English detail, or the catalogue's text when the message
// has no other), page for people (always in the reader's language).
func errorText(l *locale, err error, status int) (api, page string) {
	var he *echo.HTTPError
	if status >= 500 {
		msg := l.T("error.internal")
		if status == http.StatusServiceUnavailable {
			msg = l.T("error.unavailable")
		}
		if km, ok := keyedMessage(l, err); ok && keyOnly(err) {
			msg = km // a 503 the web words itself (busy, database lost)
		}
		return msg, msg
	}
	if km, ok := keyedMessage(l, err); ok {
		if keyOnly(err) {
			return km, km
		}
		return err.Error(), km
	}
	if errors.As(err, &he) {
		msg := http.StatusText(status)
		if m, ok := he.Message.(string); ok && m != "" {
			msg = m
		}
		return msg, genericMessage(l, status)
	}
	return err.Error(), genericMessage(l, status)
}

func keyOnly(err error) bool {
	var k catalogueOnly
	return errors.As(err, &k) && k.KeyOnly()
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
		err = domain.Keyed(auth.ErrBusy, "security.busy")
	case errors.Is(err, surveys.ErrBusy):
		// More answers at once than the writer's queue holds: nothing was
		// stored and nothing is broken. Say so (an offline form keeps the
		// answer and sends it again), and log it as a warning.
		s.log.LogAttrs(c.Request().Context(), slog.LevelWarn, "survey answers refused: the writer's queue is full",
			slog.String("uri", c.Request().RequestURI))
		c.Response().Header().Set("Retry-After", "5")
		err = domain.Keyed(surveys.ErrBusy, "security.survey_busy")
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
		err = domain.Keyed(domain.ErrUnavailable, key)
	case status >= 500:
		s.log.LogAttrs(c.Request().Context(), slog.LevelError, "server error",
			slog.String("method", c.Request().Method),
			slog.String("uri", c.Request().RequestURI),
			slog.Int("status", status),
			slog.String("error", err.Error()),
		)
	}
	msg, pageMsg := errorText(l, err, status)

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
	c.Set(errorPageKey, true)
	if s.surveys != nil && isSurveyPath(c.Request().URL.Path) {
		// The public survey pages: the survey's light layout.
		heading := genericHeading(l, status)
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
		Heading: genericHeading(l, status),
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

func genericHeading(l *locale, status int) string {
	if statusKeys[status] {
		return l.T(fmt.Sprintf("error.%d.heading", status))
	}
	return l.T("error.other.heading")
}

func genericMessage(l *locale, status int) string {
	if statusKeys[status] {
		return l.T(fmt.Sprintf("error.%d.message", status))
	}
	return l.T("error.other.message")
}

// keyedMessage says an error that names its message in the catalogues
// (domain.Errorf, domain.Keyed) in the reader's language; stages, phases,
// roles and numbers among its arguments are written as the page writes
// them. ok is false for other errors.
func keyedMessage(l *locale, err error) (string, bool) {
	var k keyed
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

// userError says an error the user can act on in the reader's language,
// for a form that shows itself again with the message: the web's own
// messages as they are; a domain error as a sentence for its kind, then its
// message (in the catalogue's words when it names one). ok is false for
// anything else, which the form must return to the central handler (a 500).
func userError(l *locale, err error) (msg string, ok bool) {
	if keyOnly(err) {
		if km, ok := keyedMessage(l, err); ok {
			return km, true
		}
	}
	kinds := []struct {
		kind error
		key  string
	}{
		{domain.ErrInvalid, "work.error.invalid"},
		{domain.ErrConflict, "work.error.conflict"},
		{domain.ErrForbidden, "work.error.forbidden"},
		{domain.ErrNotFound, "work.error.not_found"},
		{domain.ErrTooLarge, "work.error.too_large"},
		{domain.ErrUnsupported, "work.error.unsupported"},
	}
	for _, k := range kinds {
		if errors.Is(err, k.kind) {
			if msg, ok := keyedMessage(l, err); ok {
				return l.T(k.key) + " " + msg, true
			}
			return l.T(k.key) + " " + l.T("work.error.detail", err.Error()), true
		}
	}
	return "", false
}
