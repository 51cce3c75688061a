package web

import (
	"bytes"
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/internal/xlsxout"
)

// The dashboard's list of units: searched, filtered and ordered by the
// address's query (?q=&group=&status=&sort=&desc=1), so that a view can be
// bookmarked, works without script, and the Excel download gives the same
// rows.

// dashQuery is what the reader asked the list for.
type dashQuery struct {
	Q, Group, Status, Sort string
	Desc                   bool
}

// dashStatuses are the status filters, in the order offered.
var dashStatuses = []string{"submitted", "draft", "late", "missing_evidence", "unappraised", "changed"}

// dashSorts are the orders offered, each a column.
var dashSorts = []string{"name", "group", "submission", "self", "missing", "appraised", "changed", "final", "reminders"}

func readDashQuery(c echo.Context) dashQuery {
	q := dashQuery{Q: c.QueryParam("q"), Group: c.QueryParam("group"), Sort: c.QueryParam("sort"), Desc: c.QueryParam("desc") == "1"}
	if slices.Contains(dashStatuses, c.QueryParam("status")) {
		q.Status = c.QueryParam("status")
	}
	if !slices.Contains(dashSorts, q.Sort) {
		q.Sort = ""
	}
	return q
}

// values are the query as URL parameters (the empty ones left out).
func (q dashQuery) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": q.Q, "group": q.Group, "status": q.Status, "sort": q.Sort} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.Desc {
		v.Set("desc", "1")
	}
	return v
}

// Filtered reports whether the list is narrowed.
func (q dashQuery) Filtered() bool { return q.Q != "" || q.Group != "" || q.Status != "" }

// keep says whether a row passes the search and the filters.
func (q dashQuery) keep(r dashRow) bool {
	if q.Group != "" && r.GroupCode != q.Group {
		return false
	}
	switch q.Status {
	case "submitted":
		if !r.Submitted {
			return false
		}
	case "draft":
		if r.Submitted {
			return false
		}
	case "late":
		if !r.Late {
			return false
		}
	case "missing_evidence":
		if r.MissingEvidence == 0 {
			return false
		}
	case "unappraised":
		if r.Appraised >= r.Leaves {
			return false
		}
	case "changed":
		if r.Changed == 0 {
			return false
		}
	}
	return matches(q.Q, r.Name, r.Code)
}

// order sorts the rows by the chosen column, then by group and name.
func (q dashQuery) order(rows []dashRow) {
	key := func(a, b dashRow) int {
		switch q.Sort {
		case "name":
			return cmp.Compare(fold(a.Name), fold(b.Name))
		case "submission":
			return cmp.Compare(submissionRank(a), submissionRank(b))
		case "self":
			return cmp.Compare(ratio(a.SelfDone, a.Leaves), ratio(b.SelfDone, b.Leaves))
		case "missing":
			return cmp.Compare(a.MissingEvidence, b.MissingEvidence)
		case "appraised":
			return cmp.Compare(ratio(a.Appraised, a.Leaves), ratio(b.Appraised, b.Leaves))
		case "changed":
			return cmp.Compare(a.Changed, b.Changed)
		case "final":
			return cmp.Compare(a.Finalised, b.Finalised)
		case "reminders":
			return cmp.Compare(a.Reminders, b.Reminders)
		}
		return 0
	}
	slices.SortStableFunc(rows, func(a, b dashRow) int {
		c := key(a, b)
		if q.Desc {
			c = -c
		}
		return cmp.Or(c, cmp.Compare(a.GroupIndex, b.GroupIndex), cmp.Compare(fold(a.Name), fold(b.Name)))
	})
}

// submissionRank orders late drafts first, then drafts, then submissions.
func submissionRank(r dashRow) int {
	switch {
	case !r.Submitted && r.Late:
		return 0
	case !r.Submitted:
		return 1
	case r.Late:
		return 2
	}
	return 3
}

func ratio(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) / float64(whole)
}

// sortHead is a column heading that orders the list by its column: a
// second click reverses the order.
type sortHead struct {
	Label, URL string
	// Sorted is "ascending" or "descending" on the column the list is
	// ordered by (aria-sort), else "".
	Sorted string
	Num    bool
}

func (q dashQuery) heads(l *locale, base string) []sortHead {
	cols := []struct {
		key, label string
		num        bool
	}{
		{"name", "col.unit", false}, {"submission", "work.dash.col_submission", false},
		{"self", "work.dash.col_self", true}, {"missing", "work.dash.col_missing", true},
		{"appraised", "work.dash.col_appraised", true}, {"changed", "work.dash.col_changed", true},
		{"final", "work.dash.col_final", true}, {"reminders", "work.dash.col_reminders", true},
	}
	out := make([]sortHead, len(cols))
	for i, col := range cols {
		next := q
		next.Sort, next.Desc = col.key, false
		h := sortHead{Label: l.T(col.label), Num: col.num}
		if q.Sort == col.key {
			h.Sorted = "ascending"
			if q.Desc {
				h.Sorted = "descending"
			} else {
				next.Desc = true
			}
		}
		h.URL = base + "?" + next.values().Encode() + "#units-title"
		out[i] = h
	}
	return out
}

// dashboardXLSX downloads the dashboard's list, as searched, filtered and
// ordered on the page, as an Excel workbook.
func (s *server) dashboardXLSX(c echo.Context) error {
	page, err := s.dashboardView(c, "", nil, "")
	if err != nil {
		return err
	}
	l := s.locale(c)
	t := xlsxout.Table{Sheet: l.T("pages.dash.sheet"), Title: l.T("work.dash.title", page.PeriodName),
		Header: []string{l.T("col.code"), l.T("col.unit"), l.T("pages.dash.col_group"), l.T("work.dash.col_submission"),
			l.T("pages.dash.col_submitted_at"), l.T("work.dash.late_flag"), l.T("pages.dash.col_leaves"), l.T("pages.dash.col_self_done"),
			l.T("work.dash.col_missing"), l.T("work.dash.col_appraised"), l.T("work.dash.col_changed"), l.T("work.dash.col_final"),
			l.T("work.dash.col_reminders")}}
	yes := l.T("pages.yes")
	for _, r := range page.Rows {
		status, late := l.T("work.sub.draft"), ""
		if r.Submitted {
			status = l.T("work.sub.submitted")
		}
		if r.Late {
			late = yes
		}
		t.Rows = append(t.Rows, []xlsxout.Cell{xlsxout.Text(r.Code), xlsxout.Text(r.Name), xlsxout.Text(r.Group),
			xlsxout.Text(status), xlsxout.Text(r.SubmittedAt), xlsxout.Text(late), xlsxout.Int(r.Leaves), xlsxout.Int(r.SelfDone),
			xlsxout.Int(r.MissingEvidence), xlsxout.Int(r.Appraised), xlsxout.Int(r.Changed), xlsxout.Int(r.Finalised),
			xlsxout.Int(r.Reminders)})
	}
	var buf bytes.Buffer
	if err := xlsxout.Write(&buf, t); err != nil {
		return err
	}
	name := fmt.Sprintf("tien-do-%s.xlsx", url.PathEscape(page.Period.Code))
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	return c.Blob(http.StatusOK, xlsxMIME, buf.Bytes())
}

// xlsxMIME is the media type of an Excel workbook.
const xlsxMIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
