package web

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/internal/xlsxout"
	"github.com/parindex/parindex/scoring"
)

// auditPage is every change to a unit's points and measured inputs in a
// period, in one list with the items' and people's names, searched,
// filtered and ordered by the address's query, and downloadable as Excel
// (those rows) or CSV (the whole log).
type auditPage struct {
	chrome
	PeriodName, UnitName string
	Query                auditQuery
	Items                []option
	Stages               []option
	Sources              []option
	Authors              []option
	ItemName             string
	Rows                 []auditRow
	Total                int
	CSVURL, XLSXURL      string
	BackURL, Action      string
}

// auditRow is one change as shown.
type auditRow struct {
	When, Code, What, Stage, Old, New, Reason, Author, Username, Source string
	Input                                                               bool
	stage, source                                                       string // for the filters
	at                                                                  int64
	seq                                                                 int
}

// auditQuery is what the reader asked the log for.
type auditQuery struct {
	Item, Stage, Source, Author, Q string
	Oldest                         bool
}

func readAuditQuery(c echo.Context) auditQuery {
	return auditQuery{Item: c.QueryParam("item"), Stage: c.QueryParam("stage"), Source: c.QueryParam("source"),
		Author: c.QueryParam("author"), Q: c.QueryParam("q"), Oldest: c.QueryParam("order") == "oldest"}
}

func (q auditQuery) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"item": q.Item, "stage": q.Stage, "source": q.Source, "author": q.Author, "q": q.Q} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.Oldest {
		v.Set("order", "oldest")
	}
	return v
}

// Filtered reports whether the log is narrowed.
func (q auditQuery) Filtered() bool {
	return q.Item != "" || q.Stage != "" || q.Source != "" || q.Author != "" || q.Q != ""
}

// auditStageInput is the stage filter of the changes to measured inputs.
const auditStageInput = "input"

// auditPage shows the unit's change log.
func (s *server) auditPage(c echo.Context) error {
	page, err := s.auditView(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "audit", page)
}

// auditView reads the log the user may see and applies the query.
func (s *server) auditView(c echo.Context) (auditPage, error) {
	ctx, l, u := c.Request().Context(), s.locale(c), currentUser(c)
	period, unit := c.Param("period"), c.Param("unit")
	// Audit checks that the user may see the unit, before anything is read.
	log, err := s.workflow.Audit(ctx, u, period, unit)
	if err != nil {
		return auditPage{}, err
	}
	q := readAuditQuery(c)
	p, un := log.Period, log.Unit
	base := workUnitURL(period, unit) + "/audit"
	page := auditPage{
		PeriodName: periodName(p), UnitName: nameOr(un.Name, un.Code), Query: q,
		BackURL: workUnitURL(period, unit), Action: base,
		CSVURL: "/api/v1/periods/" + url.PathEscape(period) + "/units/" + url.PathEscape(unit) + "/audit?format=csv",
	}
	page.XLSXURL = base + ".xlsx"
	if v := q.values(); len(v) > 0 {
		page.XLSXURL += "?" + v.Encode()
	}
	names, labels := itemNames(log.Framework)
	for _, it := range leavesOf(log.Framework) {
		page.Items = append(page.Items, option{Value: it.Code, Label: it.Code + " " + it.Name, Selected: it.Code == q.Item})
	}
	page.ItemName = names[q.Item]
	var reads []string // the inputs the chosen item reads
	if it := log.Framework.Item(q.Item); it != nil {
		reads = it.Inputs()
	}
	people, err := s.peopleNames(ctx)
	if err != nil {
		return auditPage{}, err
	}
	var all []auditRow
	for i, ch := range log.Points {
		all = append(all, auditRow{When: formatTime(l, ch.At), Code: ch.Item, What: names[ch.Item],
			Stage: l.T("work.stage." + string(ch.Stage)), Old: shownValue(l, ch.Old), New: shownValue(l, ch.New),
			Reason: ch.Reason, Author: nameOr(people[ch.Author], ch.Author), Username: ch.Author, Source: sourceName(l, ch.Source),
			stage: string(ch.Stage), source: ch.Source, at: ch.At.UnixNano(), seq: i})
	}
	for i, ch := range log.Inputs {
		old := "—"
		if ch.Old != nil {
			old = l.Number(*ch.Old)
		}
		all = append(all, auditRow{When: formatTime(l, ch.At), Code: ch.Name, What: nameOr(labels[ch.Name], ch.Name), Input: true,
			Stage: l.T("pages.audit.stage_input"), Old: old, New: l.Number(ch.New), Reason: ch.Reason,
			Author: nameOr(people[ch.Author], ch.Author), Username: ch.Author, Source: sourceName(l, ch.Source),
			stage: auditStageInput, source: ch.Source, at: ch.At.UnixNano(), seq: len(log.Points) + i})
	}
	stages, sources, authors := map[string]bool{}, map[string]bool{}, map[string]string{}
	for _, r := range all {
		stages[r.stage], sources[r.source], authors[r.Username] = true, true, r.Author
		if q.Item != "" && (r.Input && !slices.Contains(reads, r.Code) || !r.Input && r.Code != q.Item) {
			continue
		}
		if (q.Stage != "" && r.stage != q.Stage) || (q.Source != "" && r.source != q.Source) || (q.Author != "" && r.Username != q.Author) {
			continue
		}
		if !matches(q.Q, r.Code, r.What, r.Reason, r.Author, r.Username) {
			continue
		}
		page.Rows = append(page.Rows, r)
	}
	page.Total = len(all)
	slices.SortStableFunc(page.Rows, func(a, b auditRow) int {
		c := cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.seq, b.seq))
		if !q.Oldest {
			c = -c
		}
		return c
	})
	for _, st := range []string{"self", "appraisal", "explanation", "final", auditStageInput} {
		if !stages[st] {
			continue
		}
		label := l.T("pages.audit.stage_input")
		if st != auditStageInput {
			label = l.T("work.stage." + st)
		}
		page.Stages = append(page.Stages, option{Value: st, Label: label, Selected: st == q.Stage})
	}
	for _, src := range sortedKeys(sources) {
		page.Sources = append(page.Sources, option{Value: src, Label: sourceName(l, src), Selected: src == q.Source})
	}
	for _, a := range sortedKeys(authors) {
		label := authors[a]
		if label != a {
			label += " (" + a + ")"
		}
		page.Authors = append(page.Authors, option{Value: a, Label: label, Selected: a == q.Author})
	}
	page.chrome = s.chrome(c, l, l.T("work.audit.title", page.UnitName, page.PeriodName))
	return page, nil
}

// auditXLSX downloads the log as the page shows it (searched, filtered,
// ordered) as an Excel workbook.
func (s *server) auditXLSX(c echo.Context) error {
	page, err := s.auditView(c)
	if err != nil {
		return err
	}
	l := s.locale(c)
	t := xlsxout.Table{Sheet: l.T("pages.audit.sheet"), Title: l.T("work.audit.title", page.UnitName, page.PeriodName),
		Header: []string{l.T("work.audit.when"), l.T("col.code"), l.T("pages.audit.what"), l.T("work.audit.stage"),
			l.T("work.audit.old"), l.T("work.audit.new"), l.T("work.audit.reason"), l.T("work.audit.who"),
			l.T("pages.audit.username"), l.T("work.audit.source_col")}}
	for _, r := range page.Rows {
		t.Rows = append(t.Rows, []xlsxout.Cell{xlsxout.Text(r.When), xlsxout.Text(r.Code), xlsxout.Text(r.What), xlsxout.Text(r.Stage),
			xlsxout.Text(r.Old), xlsxout.Text(r.New), xlsxout.Text(r.Reason), xlsxout.Text(r.Author), xlsxout.Text(r.Username),
			xlsxout.Text(r.Source)})
	}
	var buf bytes.Buffer
	if err := xlsxout.Write(&buf, t); err != nil {
		return err
	}
	name := fmt.Sprintf("nhat-ky-%s-%s.xlsx", url.PathEscape(c.Param("period")), url.PathEscape(c.Param("unit")))
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	return c.Blob(http.StatusOK, xlsxMIME, buf.Bytes())
}

// itemNames maps a set's item codes to their names, and its inputs'
// names to their labels.
func itemNames(fw *scoring.Framework) (items, inputs map[string]string) {
	items, inputs = map[string]string{}, map[string]string{}
	if fw == nil {
		return items, inputs
	}
	var walk func([]*scoring.Item)
	walk = func(its []*scoring.Item) {
		for _, it := range its {
			items[it.Code] = it.Name
			walk(it.Items)
		}
	}
	walk(fw.Items)
	for _, in := range fw.Inputs {
		if in.Label != "" {
			inputs[in.Name] = in.Label
		}
	}
	return items, inputs
}

// leavesOf lists a set's leaves in document order.
func leavesOf(fw *scoring.Framework) []*scoring.Item {
	if fw == nil {
		return nil
	}
	return fw.Leaves()
}

// peopleNames maps user names to people's names, for the logs; the
// command line's and imports' authors ("cli:…", "demo") have none.
func (s *server) peopleNames(ctx context.Context) (map[string]string, error) {
	users, err := s.auth.Users(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(users))
	for _, u := range users {
		if u.Name != "" {
			out[u.Username] = u.Name
		}
	}
	return out, nil
}

// sourceName says where a change came from: a page, a file import, the
// command line.
func sourceName(l *locale, source string) string {
	key := "pages.audit.source." + source
	if _, ok := l.msgs[key]; ok {
		return l.T(key)
	}
	return source
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if strings.TrimSpace(k) != "" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
