package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/shopspring/decimal"

	"github.com/parindex/parindex/scoring"
)

//go:embed templates/*.html templates/parts/*.html
var templateFiles embed.FS

// renderer holds every page's template, parsed once per language at start:
// a layout plus the page, with t and the number functions bound to that
// language, so templates just call {{t "key"}} and {{num .Index}}. Pages
// use the site's layout (base.html); the public survey pages, which define
// "survey-body", use the survey layout (survey_layout.html): one small
// stylesheet and no navigation, so that the form loads fast on a cheap
// phone.
type renderer struct {
	pages  map[string]map[string]*template.Template // language → page → template
	survey map[string]bool                          // the pages in the survey layout
}

// The layouts: the file and the template a page is executed through.
const (
	baseLayout   = "templates/base.html"
	surveyLayout = "templates/survey_layout.html"
)

func newRenderer(langs *languages, a *assets) (*renderer, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	r := &renderer{pages: map[string]map[string]*template.Template{}, survey: map[string]bool{}}
	for _, name := range names {
		src, err := templateFiles.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("web: read template %s: %w", name, err)
		}
		if bytes.Contains(src, []byte(`{{define "survey-body"}}`)) {
			r.survey[strings.TrimSuffix(path.Base(name), ".html")] = true
		}
	}
	for _, l := range langs.order {
		layouts := map[string]*template.Template{}
		for _, file := range []string{baseLayout, surveyLayout} {
			// Every page may use the shared parts (templates/parts/).
			t, err := template.New(path.Base(file)).Funcs(funcs(l, a)).ParseFS(templateFiles, file, "templates/parts/*.html")
			if err != nil {
				return nil, fmt.Errorf("web: parse layout %s: %w", file, err)
			}
			layouts[file] = t
		}
		r.pages[l.code] = map[string]*template.Template{}
		for _, name := range names {
			if name == baseLayout || name == surveyLayout {
				continue
			}
			page := strings.TrimSuffix(path.Base(name), ".html")
			layout := layouts[baseLayout]
			if r.survey[page] {
				layout = layouts[surveyLayout]
			}
			t := template.Must(layout.Clone())
			if _, err := t.ParseFS(templateFiles, name); err != nil {
				return nil, fmt.Errorf("web: parse template %s: %w", name, err)
			}
			r.pages[l.code][page] = t
		}
	}
	return r, nil
}

// render executes a page into a buffer first, so that a template error
// becomes a clean 500 instead of half a page. Survey pages are never
// cached: a form carries the time it was shown.
func (s *server) render(c echo.Context, status int, page string, data any) error {
	l := s.locale(c)
	tmpl, ok := s.pages.pages[l.code][page]
	if !ok {
		return fmt.Errorf("web: no template %q", page)
	}
	root := "base"
	if s.pages.survey[page] {
		root = "survey-layout"
		c.Response().Header().Set("Cache-Control", "no-store")
	}
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, root, data); err != nil {
		return fmt.Errorf("web: render %s: %w", page, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// funcs are the template functions of one language.
func funcs(l *locale, a *assets) template.FuncMap {
	return template.FuncMap{
		"t":   l.T,
		"num": l.Number,
		"int": l.Int,
		// add adds two small numbers (1-based positions).
		"add": func(a, b int) int { return a + b },
		// has reports whether a list holds a string.
		"has": func(list []string, s string) bool { return slices.Contains(list, s) },
		// int64 writes a count held as int64 like int.
		"int64": func(n int64) string { return l.Int(int(n)) },
		// pct shows a percent held as a float (an interval bound) like num.
		"pct": func(f float64) string { return l.Number(decimal.NewFromFloat(f)) },
		// needed shows points still to gain, rounded up to the two
		// decimals shown: gaining that much is always enough.
		"needed": func(d scoring.Decimal) string { return l.Number(d.RoundCeil(2)) },
		"asset":  a.url,
		// lines splits a message of several lines (a list of problems).
		"lines": func(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") },
		// fieldPoints shows a field's points as they count: a bonus with
		// its plus, a penalty negative.
		"fieldPoints": func(f fieldPoints) string {
			if f.Sign > 0 {
				return l.Signed(f.Points)
			}
			return l.Number(f.Points)
		},
		// csvLink asks a CSV download for the page language's headers.
		"csvLink": func(u string) string { return csvLink(l, u) },
		// signed shows a change of index: +1,25 / −0,50, or – without a
		// previous result.
		"signed": func(d *scoring.Decimal) string {
			if d == nil {
				return "–"
			}
			return l.Signed(*d)
		},
		// signedNum shows a difference with its sign: +8,00 / −2,50.
		"signedNum": func(d scoring.Decimal) string { return l.Signed(d) },
		// rankChange shows a change of rank: ▲3 / ▼2 / –.
		"rankChange": func(d *int) string {
			switch {
			case d == nil:
				return l.T("change.new")
			case *d > 0:
				return fmt.Sprintf("▲%d", *d)
			case *d < 0:
				return fmt.Sprintf("▼%d", -*d)
			}
			return "–"
		},
		// trend is the CSS class of a change: up, down, same or none.
		"trend": func(v any) string {
			var sign int
			switch d := v.(type) {
			case *int:
				if d == nil {
					return "none"
				}
				sign = *d
			case *scoring.Decimal:
				if d == nil {
					return "none"
				}
				sign = scoring.Publish(*d).Sign()
			}
			switch {
			case sign > 0:
				return "up"
			case sign < 0:
				return "down"
			}
			return "same"
		},
	}
}
