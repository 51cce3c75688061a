package web

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/scoring"
)

// auditPage is every change to a unit's points in a period, newest first,
// optionally for one item.
type auditPage struct {
	chrome
	PeriodName, UnitName string
	Items                []option
	Item                 string
	ItemName             string
	Rows                 []changeView
	// InputRows are the changes to measured inputs (those the item reads
	// when one is chosen).
	InputRows       []changeView
	CSVURL, BackURL string
	Action          string
}

// auditPage shows the unit's audit log; ?item= narrows it to one item.
func (s *server) auditPage(c echo.Context) error {
	ctx, l, u := c.Request().Context(), s.locale(c), currentUser(c)
	period, unit := c.Param("period"), c.Param("unit")
	// Audit checks that the user may see the unit, before anything is read.
	log, err := s.workflow.Audit(ctx, u, period, unit)
	if err != nil {
		return err
	}
	changes, inputChanges := log.Points, log.Inputs
	p, un := log.Period, log.Unit
	names := map[string]string{}
	item := c.QueryParam("item")
	page := auditPage{
		PeriodName: periodName(p), UnitName: nameOr(un.Name, un.Code), Item: item,
		BackURL: workUnitURL(period, unit), Action: workUnitURL(period, unit) + "/audit",
		CSVURL: "/api/v1/periods/" + url.PathEscape(period) + "/units/" + url.PathEscape(unit) + "/audit?format=csv",
	}
	var reads []string // the inputs the chosen item reads
	if it := log.Framework.Item(item); it != nil {
		reads = it.Inputs()
	}
	var walk func(items []*scoring.Item)
	walk = func(items []*scoring.Item) {
		for _, it := range items {
			names[it.Code] = it.Name
			if it.IsLeaf() {
				page.Items = append(page.Items, option{Value: it.Code, Label: it.Code + " " + it.Name, Selected: it.Code == item})
			}
			walk(it.Items)
		}
	}
	walk(log.Framework.Items)
	page.ItemName = names[item]
	for i := len(changes) - 1; i >= 0; i-- {
		if item != "" && changes[i].Item != item {
			continue
		}
		page.Rows = append(page.Rows, newChangeView(l, changes[i]))
	}
	for i := len(inputChanges) - 1; i >= 0; i-- {
		if item != "" && !slices.Contains(reads, inputChanges[i].Name) {
			continue
		}
		page.InputRows = append(page.InputRows, newInputChangeView(l, inputChanges[i]))
	}
	page.chrome = s.chrome(c, l, l.T("work.audit.title", page.UnitName, page.PeriodName))
	return s.render(c, http.StatusOK, "audit", page)
}
