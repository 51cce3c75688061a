package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/unicode/norm"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/imports"
	"github.com/parindex/parindex/scoring"
)

// lineagePage is the secretariat's view of the unit lineage: each
// successor with its predecessors, a form to add a link or change its
// weight, a file import, and the log of changes.
type lineagePage struct {
	chrome
	CSRF     string
	Notice   string
	Error    string
	Problems []string
	Query    string
	Total    int
	Groups   []lineageGroup
	Units    []option
	Form     lineageForm
	Changes  []lineageChangeView
}

// lineageGroup is one successor and the links into it.
type lineageGroup struct {
	ToPeriod, ToUnit, ToName string
	Kind                     string // translated: merged, split, renamed…
	Links                    []lineageLinkView
}

// lineageLinkView is one link as shown, with its delete form's values.
type lineageLinkView struct {
	FromPeriod, FromUnit, FromName string
	ToPeriod, ToUnit               string
	Weight                         string // "" for equal weights
	Split                          bool   // the predecessor also continues into other units
	Author, When                   string
	// Locked is set for a link into a published period: it cannot change
	// until the period is reopened for a correction.
	Locked bool
}

// lineageForm is what the add form holds (kept after an error).
type lineageForm struct {
	FromPeriod, FromUnit, ToPeriod, ToUnit, Weight string
}

// lineageChangeView is one entry of the log.
type lineageChangeView struct {
	When, Action, Link, Weights, Author, Source string
}

// lineageRoutes registers the lineage page and its API (the secretariat's).
func (s *server) lineageRoutes(e *echo.Echo, api *echo.Group) {
	if s.lineage == nil {
		return
	}
	admin := e.Group("/admin/lineage", requireRole(auth.Admin))
	admin.GET("", s.lineageList)
	admin.POST("", s.lineageSave)
	admin.POST("/delete", s.lineageDelete)
	admin.POST("/import", s.lineageImport, s.limitUpload)
	api.GET("/lineage", s.apiLineage, requireRole(auth.Admin))
}

const lineageURL = "/admin/lineage"

func (s *server) lineageView(c echo.Context, form lineageForm, errMsg string, problems []string) (lineagePage, error) {
	ctx, l := c.Request().Context(), s.locale(c)
	records, err := s.lineage.LineageRecords(ctx)
	if err != nil {
		return lineagePage{}, err
	}
	changes, err := s.lineage.LineageChanges(ctx)
	if err != nil {
		return lineagePage{}, err
	}
	units, err := s.workflow.Units(ctx, currentUser(c))
	if err != nil {
		return lineagePage{}, err
	}
	names := map[string]string{}
	for _, u := range units {
		names[u.Code] = nameOr(u.Name, u.Code)
	}
	page := lineagePage{chrome: s.chrome(c, l, l.T("lineage.admin.title")), CSRF: csrfToken(c), Notice: lineageDone(l, c),
		Error: errMsg, Problems: problems, Query: strings.TrimSpace(c.QueryParam("q")), Total: len(records), Form: form}
	page.Scripts = []string{"work.js"}
	page.Units = unitOptions(units, "")
	// How many successors each predecessor has at each period: more than
	// one makes it a split.
	type at struct{ unit, period string }
	successors := map[at]int{}
	for _, r := range records {
		successors[at{r.FromUnit, r.ToPeriod}]++
	}
	periods, err := s.catalog.Periods(ctx)
	if err != nil {
		return lineagePage{}, err
	}
	published := map[string]bool{}
	for _, p := range periods {
		published[p.Code] = p.Phase == domain.PhasePublished
	}
	q := foldText(page.Query)
	matches := func(r domain.LineageRecord) bool {
		if q == "" {
			return true
		}
		for _, s := range []string{r.FromUnit, r.ToUnit, names[r.FromUnit], names[r.ToUnit], r.ToPeriod} {
			if strings.Contains(foldText(s), q) {
				return true
			}
		}
		return false
	}
	var cur *lineageGroup
	for _, r := range records {
		if !matches(r) {
			continue
		}
		if cur == nil || cur.ToUnit != r.ToUnit || cur.ToPeriod != r.ToPeriod {
			page.Groups = append(page.Groups, lineageGroup{ToPeriod: r.ToPeriod, ToUnit: r.ToUnit, ToName: names[r.ToUnit]})
			cur = &page.Groups[len(page.Groups)-1]
		}
		v := lineageLinkView{FromPeriod: r.FromPeriod, FromUnit: r.FromUnit, FromName: names[r.FromUnit], ToPeriod: r.ToPeriod,
			ToUnit: r.ToUnit, Split: successors[at{r.FromUnit, r.ToPeriod}] > 1, Author: r.Author, When: formatTime(l, r.UpdatedAt),
			Locked: published[r.ToPeriod]}
		if r.HasWeight {
			v.Weight = l.Number(r.Weight)
		}
		cur.Links = append(cur.Links, v)
	}
	for i := range page.Groups {
		g := &page.Groups[i]
		kind := scoring.Renamed
		switch {
		case len(g.Links) > 1:
			kind = scoring.Merged
		case g.Links[0].Split:
			kind = scoring.Split
		case g.Links[0].FromUnit == g.ToUnit:
			kind = scoring.SameUnit
		}
		g.Kind = kindLabel(l, kind, len(g.Links))
	}
	for i := len(changes) - 1; i >= 0 && len(page.Changes) < 20; i-- {
		ch := changes[i]
		page.Changes = append(page.Changes, lineageChangeView{When: formatTime(l, ch.At), Action: l.T("lineage.action." + ch.Action),
			Link: linkText(ch.Key), Weights: weightChange(l, ch), Author: ch.Author, Source: ch.Source})
	}
	return page, nil
}

func weightChange(l *locale, ch domain.LineageChange) string {
	w := func(d *scoring.Decimal) string {
		if d == nil {
			return l.T("lineage.weight.equal")
		}
		return l.Number(*d)
	}
	switch ch.Action {
	case "add":
		return w(ch.NewWeight)
	case "delete":
		return w(ch.OldWeight)
	}
	return w(ch.OldWeight) + " → " + w(ch.NewWeight)
}

// lineageDone is the confirmation named by ?done=.
func lineageDone(l *locale, c echo.Context) string {
	switch done := c.QueryParam("done"); done {
	case "saved", "deleted", "unchanged":
		return l.T("lineage.done." + done)
	case "imported":
		n, _ := strconv.Atoi(c.QueryParam("n"))
		return l.T("lineage.done.imported", n)
	}
	return ""
}

// lineageList shows the lineage.
func (s *server) lineageList(c echo.Context) error {
	page, err := s.lineageView(c, lineageForm{}, "", nil)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "lineage", page)
}

// lineageFailed shows the page again with what is wrong, nothing changed.
func (s *server) lineageFailed(c echo.Context, err error, form lineageForm) error {
	l := s.locale(c)
	problems, isLineage := lineageProblems(l, err)
	msg := ""
	if isLineage {
		msg = l.T("lineage.error.refused")
	} else {
		var ok bool
		if msg, ok = userError(l, err); !ok {
			return err
		}
	}
	page, verr := s.lineageView(c, form, msg, problems)
	if verr != nil {
		return verr
	}
	return s.render(c, statusOf(err), "lineage", page)
}

// lineageSave adds a link or changes its weight.
func (s *server) lineageSave(c echo.Context) error {
	form := lineageForm{FromPeriod: trimCode(c.FormValue("from_period")), FromUnit: trimCode(c.FormValue("from_unit")),
		ToPeriod: trimCode(c.FormValue("to_period")), ToUnit: trimCode(c.FormValue("to_unit")), Weight: strings.TrimSpace(c.FormValue("weight"))}
	link := scoring.Link{FromPeriod: form.FromPeriod, FromUnit: form.FromUnit, ToPeriod: form.ToPeriod, ToUnit: form.ToUnit}
	if form.Weight != "" {
		// The page writes numbers the Vietnamese way (0,5); both are read.
		w, err := scoring.ParseDecimal(strings.Replace(form.Weight, ",", ".", 1))
		if err != nil {
			return s.lineageFailed(c, invalid("lineage.error.weight", form.Weight), form)
		}
		link.Weight, link.HasWeight = w, true
	}
	added, updated, err := s.lineage.SaveLineage(c.Request().Context(), []scoring.Link{link}, currentUser(c).Username, "web")
	if err != nil {
		return s.lineageFailed(c, err, form)
	}
	done := "saved"
	if added+updated == 0 {
		done = "unchanged"
	}
	return c.Redirect(http.StatusSeeOther, lineageURL+"?"+url.Values{"done": {done}, "q": {form.ToUnit}}.Encode())
}

// lineageDelete removes a link.
func (s *server) lineageDelete(c echo.Context) error {
	key := scoring.LinkKey{FromPeriod: c.FormValue("from_period"), FromUnit: c.FormValue("from_unit"),
		ToPeriod: c.FormValue("to_period"), ToUnit: c.FormValue("to_unit")}
	if err := s.lineage.DeleteLineage(c.Request().Context(), key, currentUser(c).Username, "web"); err != nil {
		return s.lineageFailed(c, err, lineageForm{})
	}
	return c.Redirect(http.StatusSeeOther, lineageURL+"?"+url.Values{"done": {"deleted"}, "q": {key.ToUnit}}.Encode())
}

// lineageImport reads a lineage file (contract.md's CSV), all or nothing.
func (s *server) lineageImport(c echo.Context) error {
	l := s.locale(c)
	fh, err := c.FormFile("file")
	if err != nil {
		return s.lineageFailed(c, invalid("lineage.error.no_file"), lineageForm{})
	}
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("web: open the uploaded lineage: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return fmt.Errorf("web: read the uploaded lineage: %w", err)
	}
	name := fh.Filename
	lf, err := imports.Lineage(name, bytes.NewReader(data))
	var ie *domain.ProblemList
	if errors.As(err, &ie) {
		return s.lineageFileFailed(c, l, ie)
	}
	if err != nil {
		return err
	}
	added, updated, err := s.lineage.SaveLineage(c.Request().Context(), lf.Links, currentUser(c).Username, "import")
	var le *domain.LineageError
	if errors.As(err, &le) {
		if errors.As(lf.Problems(name, le.Problems), &ie) {
			return s.lineageFileFailed(c, l, ie)
		}
	}
	if err != nil {
		return s.lineageFailed(c, err, lineageForm{})
	}
	return c.Redirect(http.StatusSeeOther, lineageURL+"?"+url.Values{"done": {"imported"}, "n": {fmt.Sprint(added + updated)}}.Encode())
}

// lineageFileFailed lists a refused file's problems by line.
func (s *server) lineageFileFailed(c echo.Context, l *locale, ie *domain.ProblemList) error {
	var problems []string
	for _, p := range ie.Problems {
		where := l.T("lineage.problem.file")
		if p.Line > 0 {
			where = l.T("lineage.problem.at_line", p.Line)
		}
		if p.Column != "" {
			where += ", " + l.T("lineage.field."+p.Column)
		}
		problems = append(problems, where+": "+p.Msg)
	}
	page, err := s.lineageView(c, lineageForm{}, l.T("lineage.error.file_refused"), problems)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusUnprocessableEntity, "lineage", page)
}

// apiLineage lists the lineage's links as JSON.
func (s *server) apiLineage(c echo.Context) error {
	records, err := s.lineage.LineageRecords(c.Request().Context())
	if err != nil {
		return err
	}
	type link struct {
		FromPeriod string  `json:"from_period"`
		FromUnit   string  `json:"from_unit"`
		ToPeriod   string  `json:"to_period"`
		ToUnit     string  `json:"to_unit"`
		Weight     *string `json:"weight"`
		Author     string  `json:"author"`
		UpdatedAt  string  `json:"updated_at"`
	}
	out := make([]link, 0, len(records))
	for _, r := range records {
		k := link{FromPeriod: r.FromPeriod, FromUnit: r.FromUnit, ToPeriod: r.ToPeriod, ToUnit: r.ToUnit,
			Author: r.Author, UpdatedAt: r.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z")}
		if r.HasWeight {
			w := r.Weight.String()
			k.Weight = &w
		}
		out = append(out, k)
	}
	slices.SortStableFunc(out, func(a, b link) int { return strings.Compare(a.ToPeriod, b.ToPeriod) })
	return c.JSON(http.StatusOK, map[string]any{"links": out})
}

// foldText lowers a text and drops its diacritics, so that a search for
// "bac lieu" finds "Bạc Liêu".
func foldText(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			b.WriteRune('d')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
