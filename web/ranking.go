package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/reports"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// rankingPage is a published period's ranking, group by group.
type rankingPage struct {
	chrome
	Period     domain.Period
	PeriodName string
	Tabs       []link // "all groups", then one per group
	Groups     []groupSection
	// Decision is the latest publication's decision, when there is one;
	// Earlier are the publications it corrected, newest first.
	Decision *publicationView
	Earlier  []publicationView
	// Uncertainty links to the ranks' uncertainty, or says how it was
	// computed when shown (?uncertainty=N).
	Uncertainty uncertaintyView
}

// groupSection is one group's ranking table and summary.
type groupSection struct {
	Code, Name string
	Anchor     string
	SetName    string
	Previous   string // period the changes compare with, or ""
	Fields     []fieldHead
	Rows       []rankingRow
	Count      int
	Mean       scoring.Decimal
	Grades     []gradeShare
	// Lineage is set when some unit is compared through the lineage (a
	// rename, merger or split): the table's legend explains the marks.
	Lineage bool
	// Intervals is set when the rank uncertainty analysis ran, with its
	// chart.
	Intervals     bool
	IntervalChart chartView
}

// fieldHead is a top-level item of the criteria set: a column of the table.
type fieldHead struct {
	Code, Name string
	// Short heads the column (the set's short name, or the name
	// abbreviated); the key under the table gives the full name.
	Short string
	Max   scoring.Decimal
	Extra bool // bonus or penalty, outside the 100 points
}

// fieldHeadBudget is the longest field heading of the ranking: it wraps on
// two or three lines of a narrow column.
const fieldHeadBudget = 20

// rankingRow is one unit's line in the ranking.
type rankingRow struct {
	Rank               int
	Unit, Name, URL    string
	Items              []fieldPoints
	Points, Max, Index scoring.Decimal
	Grade              badge
	RankChange         *int
	IndexChange        *scoring.Decimal
	// Compared marks a unit compared through the lineage: Mark is the
	// abbreviation shown, Note says with what; NoRank is set when it has no
	// change of rank (a merger or a split), not because it is new.
	Mark, Note string
	NoRank     bool
	// Interval is the 90 % rank interval ("2–5") and Tied says it is
	// statistically tied with a neighbour, when the analysis ran.
	Interval string
	Tied     bool
}

// periodRanking shows a published period's ranking, all groups or one
// (?group=G).
func (s *server) periodRanking(c echo.Context) error {
	ctx := c.Request().Context()
	period, err := s.publishedPeriod(ctx, c.Param("period"))
	if err != nil {
		return s.orUnpublished(c, err)
	}
	out, err := s.results.Compute(ctx, period.Code, "", scoring.StageFinal)
	if err != nil {
		return resultsError(err, period.Code, "")
	}
	opts, shown, err := uncertaintyOptions(c)
	if err != nil {
		return err
	}
	if shown {
		if err := out.Simulate(opts); err != nil {
			return err
		}
	}
	only := c.QueryParam("group")
	if only != "" && !hasGroup(out, only) {
		return notFound("error.group_not_found", only, period.Code)
	}
	names, err := s.groupNames(ctx)
	if err != nil {
		return err
	}
	published, err := s.publishedPeriods(ctx)
	if err != nil {
		return err
	}

	l := s.locale(c)
	page := rankingPage{
		chrome:     s.chrome(c, l, l.T("ranking.title", periodName(period))),
		Period:     period,
		PeriodName: periodName(period),
	}
	page.Periods = periodLinks(published, period.Code)
	page.Uncertainty = newUncertaintyView(l, c, opts, shown)
	if shown {
		page.Scripts = chartScripts
	}
	pubs, err := s.publications(ctx, l, period.Code)
	if err != nil {
		return err
	}
	if len(pubs) > 0 {
		page.Decision, page.Earlier = &pubs[0], pubs[1:]
	}
	page.Tabs = append(page.Tabs, link{Label: l.T("ranking.all_groups"), URL: periodURL(period.Code), Current: only == ""})
	for _, g := range out.Groups {
		name := nameOr(names[g.Code], g.Code)
		page.Tabs = append(page.Tabs, link{Label: name, URL: groupURL(period.Code, g.Code), Current: only == g.Code})
		if only == "" || only == g.Code {
			sec := newGroupSection(period.Code, name, g)
			if err := sec.explain(l, g); err != nil {
				return err
			}
			page.Groups = append(page.Groups, sec)
		}
	}
	return s.render(c, http.StatusOK, "ranking", page)
}

func hasGroup(out *results.Output, code string) bool {
	for _, g := range out.Groups {
		if g.Code == code {
			return true
		}
	}
	return false
}

func newGroupSection(period, name string, g results.Group) groupSection {
	f := g.Framework
	sec := groupSection{
		Code: g.Code, Name: name, Anchor: "group-" + g.Code, SetName: f.Name, Previous: g.Previous,
		Count: g.Summary.Count, Mean: g.Summary.MeanIndex,
		Grades: gradeShares(f, g.Summary),
	}
	for _, it := range f.Items {
		sec.Fields = append(sec.Fields, fieldHead{Code: it.Code, Name: it.Name, Short: reports.ShortLabel(it, fieldHeadBudget), Max: it.Max, Extra: it.Extra()})
	}
	for _, r := range g.Results {
		row := rankingRow{
			Rank: r.Rank, Unit: r.Unit, Name: nameOr(r.UnitName, r.Unit), URL: unitURL(period, r.Unit),
			Points: r.Points, Max: r.Max, Index: r.Index, Grade: gradeBadge(f, r.Grade),
			RankChange: r.RankChange, IndexChange: r.IndexChange,
		}
		for _, it := range f.Items {
			row.Items = append(row.Items, newFieldPoints(it, r.Nodes[it.Code].Points))
		}
		sec.Rows = append(sec.Rows, row)
	}
	return sec
}

// fieldPoints are a unit's points in a field as they count: penalty
// points negative, bonus points with their plus sign ("Điểm trừ" shown
// positive and subtracted out of sight made rows that did not add up).
type fieldPoints struct {
	Points scoring.Decimal
	// Sign is +1 for a bonus field, −1 for a penalty field, 0 otherwise.
	Sign int
}

func newFieldPoints(it *scoring.Item, points scoring.Decimal) fieldPoints {
	sign := reports.FieldSign(it)
	if sign < 0 {
		points = points.Neg()
	}
	return fieldPoints{Points: points, Sign: sign}
}
