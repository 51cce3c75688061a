package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/surveys"
)

// The questionnaire builder: the secretariat adds, edits and reorders
// sections, questions, scales and their answers in a form, without writing
// YAML (which stays as the advanced view). It is plain HTML: every button
// posts the whole questionnaire with the operation it stands for, and the
// page comes back with the operation applied, so it works without
// JavaScript and with the keyboard alone. Nothing is stored until "save",
// which writes the questionnaire's YAML and checks it like any file.

// builderPage is the builder's page.
type builderPage struct {
	chrome
	CSRF   string
	ID     int64
	Period string
	// Choices are the periods to pick from (not the chrome's Periods, the
	// links to other periods of the same page).
	Choices  []link
	Spec     surveys.InstrumentSpec
	Scales   []string // scale codes, for the questions' pickers
	Locked   bool
	Saved    bool
	Problems []string
	// Focus is the element the last operation touched, for the page to
	// return to (the form's action anchors it).
	Focus string
}

// maxBuilderItems bounds what one posted form may hold.
const maxBuilderItems = 250

// formInt reads a count field, bounded.
func formInt(f url.Values, name string) int {
	n, _ := strconv.Atoi(f.Get(name))
	return min(max(n, 0), maxBuilderItems)
}

// formText reads a Vietnamese and English text.
func formText(f url.Values, prefix string) surveys.Text {
	return surveys.Text{"vi": strings.TrimSpace(f.Get(prefix + "_vi")), "en": strings.TrimSpace(f.Get(prefix + "_en"))}
}

// specFromForm reads the questionnaire the builder posted.
func specFromForm(f url.Values) surveys.InstrumentSpec {
	sp := surveys.InstrumentSpec{Code: strings.TrimSpace(f.Get("code")), Name: formText(f, "name"), Intro: formText(f, "intro")}
	for k := range formInt(f, "scales") {
		p := fmt.Sprintf("sc%d.", k)
		sc := surveys.ScaleSpec{Code: strings.TrimSpace(f.Get(p + "code"))}
		for _, v := range strings.FieldsFunc(f.Get(p+"satisfied"), func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
			if n, err := strconv.Atoi(v); err == nil {
				sc.Satisfied = append(sc.Satisfied, n)
			}
		}
		for m := range formInt(f, p+"options") {
			q := fmt.Sprintf("%so%d.", p, m)
			n, _ := strconv.Atoi(strings.TrimSpace(f.Get(q + "value")))
			sc.Options = append(sc.Options, surveys.OptionSpec{Value: n, Label: formText(f, q+"label")})
		}
		sp.Scales = append(sp.Scales, sc)
	}
	for i := range formInt(f, "sections") {
		p := fmt.Sprintf("s%d.", i)
		sec := surveys.SectionSpec{Code: strings.TrimSpace(f.Get(p + "code")), Title: formText(f, p+"title"), Intro: formText(f, p+"intro")}
		for j := range formInt(f, p+"questions") {
			q := fmt.Sprintf("%sq%d.", p, j)
			qs := surveys.QuestionSpec{Code: strings.TrimSpace(f.Get(q + "code")), Text: formText(f, q+"text"), Help: formText(f, q+"help"),
				Required: f.Get(q+"required") != ""}
			if f.Get(q+"type") == string(surveys.FreeText) {
				qs.Type = string(surveys.FreeText)
				qs.MaxLength, _ = strconv.Atoi(strings.TrimSpace(f.Get(q + "max_length")))
			} else {
				qs.Scale = f.Get(q + "scale")
			}
			sec.Questions = append(sec.Questions, qs)
		}
		sp.Sections = append(sp.Sections, sec)
	}
	for n := range formInt(f, "indices") {
		p := fmt.Sprintf("x%d.", n)
		sp.Indices = append(sp.Indices, surveys.IndexSpec{Measure: strings.TrimSpace(f.Get(p + "measure")), Name: formText(f, p+"name"),
			Sections: f[p+"sections"]})
	}
	return sp
}

// move swaps item i with its neighbour (by -1 up, +1 down), when there is one.
func move[T any](list []T, i, by int) []T {
	if j := i + by; i >= 0 && i < len(list) && j >= 0 && j < len(list) {
		list[i], list[j] = list[j], list[i]
	}
	return list
}

// remove drops item i.
func remove[T any](list []T, i int) []T {
	if i >= 0 && i < len(list) {
		return slices.Delete(list, i, i+1)
	}
	return list
}

// applyOp applies one builder operation ("add-question:2", "up-option:0.3"…)
// and returns the id of the element to return to.
func applyOp(sp *surveys.InstrumentSpec, op string) string {
	name, arg, _ := strings.Cut(op, ":")
	a, b := -1, -1
	if x, y, ok := strings.Cut(arg, "."); ok {
		a, _ = strconv.Atoi(x)
		b, _ = strconv.Atoi(y)
	} else {
		a, _ = strconv.Atoi(arg)
	}
	by := map[bool]int{true: -1, false: 1}[strings.HasPrefix(name, "up-")]
	switch name {
	case "add-section":
		n := len(sp.Sections) + 1
		sp.Sections = append(sp.Sections, surveys.SectionSpec{Code: fmt.Sprintf("M%d", n),
			Questions: []surveys.QuestionSpec{{Code: fmt.Sprintf("M%d.1", n), Scale: firstScale(sp)}}})
		return fmt.Sprintf("s%d", len(sp.Sections)-1)
	case "del-section":
		sp.Sections = remove(sp.Sections, a)
		return "sections"
	case "up-section", "down-section":
		sp.Sections = move(sp.Sections, a, by)
		return fmt.Sprintf("s%d", min(max(a+by, 0), len(sp.Sections)-1))
	case "add-question":
		if a >= 0 && a < len(sp.Sections) {
			s := &sp.Sections[a]
			s.Questions = append(s.Questions, surveys.QuestionSpec{Code: fmt.Sprintf("%s%d", s.Code, len(s.Questions)+1), Scale: firstScale(sp)})
			return fmt.Sprintf("s%d.q%d", a, len(s.Questions)-1)
		}
	case "del-question", "up-question", "down-question":
		if a >= 0 && a < len(sp.Sections) {
			s := &sp.Sections[a]
			if name == "del-question" {
				s.Questions = remove(s.Questions, b)
				return fmt.Sprintf("s%d", a)
			}
			s.Questions = move(s.Questions, b, by)
			return fmt.Sprintf("s%d.q%d", a, min(max(b+by, 0), len(s.Questions)-1))
		}
	case "add-scale":
		sp.Scales = append(sp.Scales, surveys.ScaleSpec{Code: fmt.Sprintf("thang%d", len(sp.Scales)+1),
			Options: []surveys.OptionSpec{{Value: 1}, {Value: 2}}})
		return fmt.Sprintf("sc%d", len(sp.Scales)-1)
	case "del-scale":
		sp.Scales = remove(sp.Scales, a)
		return "scales"
	case "add-option":
		if a >= 0 && a < len(sp.Scales) {
			sc := &sp.Scales[a]
			next := 1
			for _, o := range sc.Options {
				next = max(next, o.Value+1)
			}
			sc.Options = append(sc.Options, surveys.OptionSpec{Value: min(next, 9)})
			return fmt.Sprintf("sc%d.o%d", a, len(sc.Options)-1)
		}
	case "del-option", "up-option", "down-option":
		if a >= 0 && a < len(sp.Scales) {
			sc := &sp.Scales[a]
			if name == "del-option" {
				sc.Options = remove(sc.Options, b)
				return fmt.Sprintf("sc%d", a)
			}
			sc.Options = move(sc.Options, b, by)
			return fmt.Sprintf("sc%d.o%d", a, min(max(b+by, 0), len(sc.Options)-1))
		}
	case "add-index":
		sp.Indices = append(sp.Indices, surveys.IndexSpec{Measure: fmt.Sprintf("chi_so_%d", len(sp.Indices)+1)})
		return fmt.Sprintf("x%d", len(sp.Indices)-1)
	case "del-index":
		sp.Indices = remove(sp.Indices, a)
		return "indices"
	}
	return ""
}

func firstScale(sp *surveys.InstrumentSpec) string {
	if len(sp.Scales) > 0 {
		return sp.Scales[0].Code
	}
	return ""
}

// renderBuilder fills the builder's page and renders it.
func (s *server) renderBuilder(c echo.Context, status int, page builderPage) error {
	l := s.locale(c)
	periods, err := s.catalog.Periods(c.Request().Context())
	if err != nil {
		return err
	}
	if page.Period == "" && len(periods) > 0 {
		page.Period = periods[len(periods)-1].Code // a new questionnaire: the latest period
	}
	for i := len(periods) - 1; i >= 0; i-- {
		page.Choices = append(page.Choices, link{Label: periodName(periods[i]), URL: periods[i].Code, Current: periods[i].Code == page.Period})
	}
	page.chrome, page.CSRF = s.chrome(c, l, l.T("survey.builder.title")), s.csrf(c)
	page.Scales = nil
	for _, sc := range page.Spec.Scales {
		page.Scales = append(page.Scales, sc.Code)
	}
	return s.render(c, status, "survey_admin_builder", page)
}

// adminInstrumentBuild applies a builder operation, or saves the
// questionnaire (op "save"), or shows it as YAML (op "yaml").
func (s *server) adminInstrumentBuild(c echo.Context) error {
	if err := c.Request().ParseForm(); err != nil {
		return domain.Invalidf("%v", err)
	}
	f := c.Request().Form
	id, _ := strconv.ParseInt(f.Get("id"), 10, 64)
	page := builderPage{ID: id, Period: strings.TrimSpace(f.Get("period")), Spec: specFromForm(f)}
	switch op := f.Get("op"); op {
	case "save", "yaml":
		src, err := page.Spec.YAML()
		if err != nil {
			return err
		}
		if op == "yaml" {
			return s.renderInstrument(c, http.StatusOK, adminInstrumentPage{ID: id, Period: page.Period, Source: string(src)})
		}
		si, err := s.surveys.svc.SaveInstrument(c.Request().Context(), page.Period, src)
		if err == nil {
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/surveys/instruments/%d?saved=1", si.ID))
		}
		if !errors.Is(err, domain.ErrInvalid) && !errors.Is(err, domain.ErrConflict) {
			return err
		}
		page.Problems = builderProblems(err)
		return s.renderBuilder(c, statusOf(err), page)
	default:
		page.Focus = applyOp(&page.Spec, op)
		return s.renderBuilder(c, http.StatusOK, page)
	}
}

// builderProblems lists a questionnaire's problems by the code they
// concern: the builder's user does not see the YAML's lines.
func builderProblems(err error) []string {
	var ve *surveys.ValidationError
	if !errors.As(err, &ve) {
		return []string{err.Error()}
	}
	out := make([]string, len(ve.Problems))
	for i, p := range ve.Problems {
		out[i] = p.Msg
		if p.Code != "" {
			out[i] = p.Code + ": " + p.Msg
		}
	}
	return out
}

// adminInstrumentPage edits an instrument's file (the builder's advanced
// view), with a preview of the form it makes.
type adminInstrumentPage struct {
	chrome
	CSRF   string
	ID     int64
	Period string
	// Choices are the periods to pick from (not the chrome's Periods, the
	// links to other periods of the same page).
	Choices  []link
	Source   string
	Locked   bool
	Problems []string
	Saved    bool
	Preview  []formSection
	Name     string
}

// renderInstrument renders the YAML view, with the preview of a source that
// parses.
func (s *server) renderInstrument(c echo.Context, status int, page adminInstrumentPage) error {
	l := s.locale(c)
	page.chrome, page.CSRF = s.chrome(c, l, l.T("survey.admin.instrument")), s.csrf(c)
	if page.Preview == nil && page.Source != "" {
		if ins, err := surveys.ParseInstrument(strings.NewReader(page.Source)); err == nil {
			page.Preview, page.Name = buildSections(l, ins, nil, nil), ins.Name.In(l.code)
		}
	}
	periods, err := s.catalog.Periods(c.Request().Context())
	if err != nil {
		return err
	}
	if page.Period == "" && len(periods) > 0 {
		page.Period = periods[len(periods)-1].Code
	}
	for i := len(periods) - 1; i >= 0; i-- {
		page.Choices = append(page.Choices, link{Label: periodName(periods[i]), URL: periods[i].Code, Current: periods[i].Code == page.Period})
	}
	return s.render(c, status, "survey_admin_instrument", page)
}

// adminInstrumentNew starts a questionnaire, from a shipped template or
// blank, in the builder (or, with ?view=yaml, as YAML).
func (s *server) adminInstrumentNew(c echo.Context) error {
	period := c.QueryParam("period")
	spec := surveys.InstrumentSpec{Code: "bang-hoi", Name: surveys.Text{"vi": ""},
		Scales:   []surveys.ScaleSpec{satisfactionScale()},
		Sections: []surveys.SectionSpec{{Code: "M1", Questions: []surveys.QuestionSpec{{Code: "M1.1", Scale: "hai_long", Required: true}}}}}
	if tpl := c.QueryParam("template"); tpl != "" {
		_, ins, err := surveys.Template(tpl)
		if err != nil {
			return notFound("survey.template_not_found", tpl)
		}
		spec = surveys.SpecOf(ins)
	}
	if c.QueryParam("view") == "yaml" {
		src, err := spec.YAML()
		if err != nil {
			return err
		}
		return s.renderInstrument(c, http.StatusOK, adminInstrumentPage{Period: period, Source: string(src)})
	}
	return s.renderBuilder(c, http.StatusOK, builderPage{Period: period, Spec: spec})
}

// satisfactionScale is the five-level scale a blank questionnaire starts
// with.
func satisfactionScale() surveys.ScaleSpec {
	return surveys.ScaleSpec{Code: "hai_long", Satisfied: []int{4, 5}, Options: []surveys.OptionSpec{
		{Value: 1, Label: surveys.Text{"vi": "Rất không hài lòng", "en": "Very dissatisfied"}},
		{Value: 2, Label: surveys.Text{"vi": "Không hài lòng", "en": "Dissatisfied"}},
		{Value: 3, Label: surveys.Text{"vi": "Bình thường", "en": "Neutral"}},
		{Value: 4, Label: surveys.Text{"vi": "Hài lòng", "en": "Satisfied"}},
		{Value: 5, Label: surveys.Text{"vi": "Rất hài lòng", "en": "Very satisfied"}},
	}}
}

// adminInstrumentEdit shows a stored questionnaire in the builder (or, with
// ?view=yaml, as YAML); one used by a survey that has opened is read-only.
func (s *server) adminInstrumentEdit(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return notFound("survey.instrument_not_found", c.Param("id"))
	}
	si, err := s.surveys.svc.Instrument(c.Request().Context(), id)
	if errors.Is(err, domain.ErrNotFound) {
		return notFound("survey.instrument_not_found", c.Param("id"))
	}
	if err != nil {
		return err
	}
	saved := c.QueryParam("saved") != ""
	if c.QueryParam("view") == "yaml" {
		return s.renderInstrument(c, http.StatusOK, adminInstrumentPage{ID: si.ID, Period: si.Period, Source: string(si.Source),
			Locked: si.Locked, Saved: saved})
	}
	return s.renderBuilder(c, http.StatusOK, builderPage{ID: si.ID, Period: si.Period, Spec: surveys.SpecOf(si.Instrument),
		Locked: si.Locked, Saved: saved})
}

// adminInstrumentSave checks and saves an instrument file; problems are
// shown with their lines and nothing is saved.
func (s *server) adminInstrumentSave(c echo.Context) error {
	period, src := strings.TrimSpace(c.FormValue("period")), c.FormValue("source")
	id, _ := strconv.ParseInt(c.FormValue("id"), 10, 64)
	si, err := s.surveys.svc.SaveInstrument(c.Request().Context(), period, []byte(src))
	if err == nil {
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/surveys/instruments/%d?view=yaml&saved=1", si.ID))
	}
	if !errors.Is(err, domain.ErrInvalid) && !errors.Is(err, domain.ErrConflict) {
		return err
	}
	return s.renderInstrument(c, statusOf(err), adminInstrumentPage{ID: id, Period: period, Source: src, Problems: strings.Split(err.Error(), "\n")})
}
