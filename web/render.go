package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/shopspring/decimal"

	"github.com/parindex/parindex/scoring"
)

//go:embed templates/*.html
var templateFiles embed.FS

// renderer holds every page's template, parsed once per language at start:
// the base layout plus the page, with t and the number functions bound to
// that language, so templates just call {{t "key"}} and {{num .Index}}.
type renderer struct {
	pages map[string]map[string]*template.Template // language → page → template
}

func newRenderer(langs *languages, a *assets) (*renderer, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	r := &renderer{pages: map[string]map[string]*template.Template{}}
	for _, l := range langs.order {
		// base.html and the partials (_NAME.html, templates several pages
		// share) are parsed into every page.
		base, err := template.New("base.html").Funcs(funcs(l, a)).ParseFS(templateFiles, "templates/base.html", "templates/_*.html")
		if err != nil {
			return nil, fmt.Errorf("web: parse base template: %w", err)
		}
		r.pages[l.code] = map[string]*template.Template{}
		for _, name := range names {
			if path.Base(name) == "base.html" || strings.HasPrefix(path.Base(name), "_") {
				continue
			}
			page := template.Must(base.Clone())
			if _, err := page.ParseFS(templateFiles, name); err != nil {
				return nil, fmt.Errorf("web: parse template %s: %w", name, err)
			}
			r.pages[l.code][strings.TrimSuffix(path.Base(name), ".html")] = page
		}
	}
	return r, nil
}

// render executes a page into a buffer first, so that a template error
// becomes a clean 500 instead of half a page.
func (s *server) render(c echo.Context, status int, page string, data any) error {
	l := s.locale(c)
	tmpl, ok := s.pages.pages[l.code][page]
	if !ok {
		return fmt.Errorf("web: no template %q", page)
	}
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, "base", data); err != nil {
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
		// pct shows a percent held as a float (an interval bound) like num.
		"pct": func(f float64) string { return l.Number(decimal.NewFromFloat(f)) },
		// needed shows points still to gain, rounded up to the two
		// decimals shown: gaining that much is always enough.
		"needed": func(d scoring.Decimal) string { return l.Number(d.RoundCeil(2)) },
		"asset":  a.url,
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
