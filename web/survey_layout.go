package web

import (
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// surveyChrome is what the survey layout needs.
type surveyChrome struct {
	Lang      string
	Title     string
	Province  string
	LangLinks []link
	// Kiosk loads the kiosk script (resetting an idle form).
	Kiosk bool
	// Refresh, when positive, reloads RefreshURL after that many seconds;
	// with RefreshNoScript only when JavaScript is off.
	Refresh         int
	RefreshURL      string
	RefreshNoScript bool
	IdleSeconds     int
	// Offline loads the offline queue (a form that works without a
	// network); Manifest is the installable app's manifest, Scope the
	// service worker's.
	Offline  bool
	Manifest string
	Scope    string
	// CSRF is the token of a logged-in session, which the form carries.
	CSRF string
}

func (s *server) surveyChrome(c echo.Context, title string) surveyChrome {
	l := s.locale(c)
	ch := surveyChrome{Lang: l.code, Title: title, Province: s.province, CSRF: csrfToken(c)}
	r := c.Request()
	for _, other := range s.langs.order {
		if other == l {
			continue
		}
		q := r.URL.Query()
		q.Set(langParam, other.code)
		u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		ch.LangLinks = append(ch.LangLinks, link{Label: other.T("lang.name"), URL: u.String(), Lang: other.code})
	}
	return ch
}

// surveyDoor is which door of the public form a path is: the short link
// (/s/), the kiosk (/k/) or an interviewer's (/i/).
type surveyDoor byte

const (
	doorLink        surveyDoor = 's'
	doorKiosk       surveyDoor = 'k'
	doorInterviewer surveyDoor = 'i'
)

// doorOf returns the door of a request's path.
func doorOf(c echo.Context) surveyDoor {
	p := c.Request().URL.Path
	switch {
	case strings.HasPrefix(p, "/k/"):
		return doorKiosk
	case strings.HasPrefix(p, "/i/"):
		return doorInterviewer
	}
	return doorLink
}

// isSurveyPath reports whether a path is one of the public survey pages,
// whose errors are shown in the survey layout.
func isSurveyPath(p string) bool {
	return strings.HasPrefix(p, "/s/") || strings.HasPrefix(p, "/k/") || strings.HasPrefix(p, "/i/")
}

// surveyPath is the path of a unit's form behind a door.
func surveyPath(door surveyDoor, survey, unit string) string {
	return "/" + string(door) + "/" + url.PathEscape(survey) + "/" + url.PathEscape(unit)
}
