package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// The public survey pages have a layout of their own, lighter than the
// site's: one small stylesheet, no header navigation, so that the form
// loads fast on a cheap phone (the whole page stays under 60 KB).
const surveyLayout = "templates/survey_layout.html"

// surveyPublicPages are the templates rendered in the survey layout.
var surveyPublicPages = []string{"survey_form", "survey_thanks", "survey_units", "survey_poster", "survey_message"}

func newSurveyPages(langs *languages, a *assets) (map[string]map[string]*template.Template, error) {
	out := map[string]map[string]*template.Template{}
	for _, l := range langs.order {
		base, err := template.New("survey_layout.html").Funcs(funcs(l, a)).ParseFS(templateFiles, surveyLayout)
		if err != nil {
			return nil, fmt.Errorf("web: parse survey layout: %w", err)
		}
		out[l.code] = map[string]*template.Template{}
		for _, name := range surveyPublicPages {
			page := template.Must(base.Clone())
			if _, err := page.ParseFS(templateFiles, "templates/"+name+".html"); err != nil {
				return nil, fmt.Errorf("web: parse template %s: %w", name, err)
			}
			out[l.code][name] = page
		}
	}
	return out, nil
}

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
}

func (s *server) surveyChrome(c echo.Context, title string) surveyChrome {
	l := s.locale(c)
	ch := surveyChrome{Lang: l.code, Title: title, Province: s.province}
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

// renderSurvey executes a public survey page in the survey layout.
func (s *server) renderSurvey(c echo.Context, status int, page string, data any) error {
	l := s.locale(c)
	tmpl, ok := s.surveys.pages[l.code][page]
	if !ok {
		return fmt.Errorf("web: no survey template %q", page)
	}
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, "survey-layout", data); err != nil {
		return fmt.Errorf("web: render %s: %w", page, err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

func isKioskPath(p string) bool { return strings.HasPrefix(p, "/k/") }

func surveyPath(kiosk bool, survey, unit string) string {
	prefix := "/s/"
	if kiosk {
		prefix = "/k/"
	}
	return prefix + url.PathEscape(survey) + "/" + url.PathEscape(unit)
}
