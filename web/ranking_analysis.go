package web

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/reports"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// uncertaintySeed is the seed the pages use unless ?seed= says otherwise:
// the same page always shows the same intervals.
const uncertaintySeed = 1

// uncertaintyOptions reads ?uncertainty=N[&seed=S][&weights=D]; shown is
// false without ?uncertainty. A bad value is an error naming it.
func uncertaintyOptions(c echo.Context) (opts scoring.UncertaintyOptions, shown bool, err error) {
	opts = scoring.UncertaintyOptions{Draws: scoring.DefaultDraws, Seed: uncertaintySeed}
	raw := c.QueryParam("uncertainty")
	if raw == "" {
		return opts, false, nil
	}
	bad := func(param, value string) error {
		return invalid("lineage.error.uncertainty_"+param, value, scoring.MaxDraws)
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > scoring.MaxDraws {
		return opts, false, bad("draws", raw)
	}
	opts.Draws = n
	if v := c.QueryParam("seed"); v != "" {
		if opts.Seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			return opts, false, bad("seed", v)
		}
	}
	if v := c.QueryParam("weights"); v != "" {
		w, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
		if err != nil || w < 0 || w >= 1 {
			return opts, false, bad("weights", v)
		}
		opts.Weights = w
	}
	return opts, true, nil
}

// uncertaintyView is the ranking page's switch and explanation of the
// rank uncertainty.
type uncertaintyView struct {
	Shown            bool
	ShowURL, HideURL string
	Draws            int
	Seed             uint64
	Weights          string // "" when the weights were not perturbed
}

func newUncertaintyView(l *locale, c echo.Context, opts scoring.UncertaintyOptions, shown bool) uncertaintyView {
	q := c.Request().URL.Query()
	v := uncertaintyView{Shown: shown, Draws: opts.Draws, Seed: opts.Seed}
	if opts.Weights > 0 {
		v.Weights = l.Number(scoring.NewInt(int64(math.Round(opts.Weights * 100))))
	}
	for _, k := range []string{"uncertainty", "seed", "weights"} {
		q.Del(k)
	}
	v.HideURL = pathWith(c.Request().URL.Path, q)
	q.Set("uncertainty", strconv.Itoa(scoring.DefaultDraws))
	v.ShowURL = pathWith(c.Request().URL.Path, q) + "#uncertainty"
	return v
}

func pathWith(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// explain marks the rows compared through the lineage and, when the
// uncertainty analysis ran, adds each unit's rank interval and the chart.
func (sec *groupSection) explain(l *locale, g results.Group) error {
	for i := range g.Results {
		r, row := &g.Results[i], &sec.Rows[i]
		if c := r.Compared; c != nil && c.Kind != scoring.SameUnit {
			sec.Lineage = true
			row.Mark = l.T("lineage.mark." + string(c.Kind))
			row.Note = comparisonNote(l, c)
			row.NoRank = c.Kind == scoring.Merged || c.Kind == scoring.Split || len(c.Missing) > 0
		}
		if g.Uncertainty != nil {
			iv := g.Uncertainty.Units[r.Unit]
			row.Interval, row.Tied = rankInterval(iv), iv.Tied()
		}
	}
	if g.Uncertainty == nil {
		return nil
	}
	sec.Intervals = true
	var err error
	sec.IntervalChart, err = newChartView(reports.RankIntervalChart("chart-"+g.Code+"-intervals", sec.Name, g, l.T))
	return err
}

// rankInterval writes an interval "2–5", or the rank alone when certain.
func rankInterval(iv scoring.RankInterval) string {
	if iv.Low == iv.High {
		return strconv.Itoa(iv.Low)
	}
	return fmt.Sprintf("%d–%d", iv.Low, iv.High)
}

// comparisonNote says what a unit was compared with through the lineage.
func comparisonNote(l *locale, c *scoring.Comparison) string {
	var names []string
	for _, s := range c.Sources {
		names = append(names, nameOr(s.Name, s.Unit))
	}
	if len(c.Missing) > 0 {
		return l.T("lineage.note.missing", c.Period, strings.Join(c.Missing, ", "))
	}
	switch c.Kind {
	case scoring.Merged:
		return l.T("lineage.note.merged", c.Period, len(c.Sources), strings.Join(names, "; "), l.Number(c.Previous))
	case scoring.Split:
		return l.T("lineage.note.split", c.Period, strings.Join(names, "; "), l.Number(c.Previous))
	}
	return l.T("lineage.note.renamed", c.Period, strings.Join(names, "; "))
}
