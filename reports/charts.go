package reports

import (
	"encoding/json"
	"fmt"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/parindex/parindex/scoring"
)

// Chart is one chart's ECharts options, ready to be embedded in a page as
// a JSON data block (never executed) and drawn by the page's chart script.
type Chart struct {
	// ID is unique within the page.
	ID string
	// Rows hints the chart's height for category charts with one row per
	// unit (0: the default height).
	Rows int
	// Title is the chart's title, for its accessible name.
	Title string
	// JSON is the options object, HTML-safe (<, > and & escaped).
	JSON []byte
}

// T translates a message key, formatting args; the web layer passes its
// catalogue's function.
type T func(key string, args ...any) string

// chartOf validates a go-echarts chart and marshals its options. Charts
// hold only data and styles — no functions — so JSON carries everything.
func chartOf(id string, rows int, c echartsChart) (Chart, error) {
	return chartWith(id, rows, c, nil)
}

type echartsChart interface {
	Validate()
	JSON() map[string]interface{}
}

// chartWith is chartOf with options go-echarts cannot express set by edit
// on its JSON object (nil: none).
func chartWith(id string, rows int, c echartsChart, edit func(map[string]any) error) (Chart, error) {
	c.Validate()
	obj := c.JSON()
	// go-echarts always adds an empty toolbox; the pages have no use for it.
	delete(obj, "toolbox")
	if edit != nil {
		if err := edit(obj); err != nil {
			return Chart{}, fmt.Errorf("reports: chart %s: %w", id, err)
		}
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return Chart{}, fmt.Errorf("reports: chart %s: %w", id, err)
	}
	var head struct {
		Title struct {
			Text string `json:"text"`
		} `json:"title"`
	}
	_ = json.Unmarshal(b, &head)
	return Chart{ID: id, Rows: rows, Title: head.Title.Text, JSON: b}, nil
}

// editOption calls set on an option of a chart's JSON object made plain
// maps: the option itself ("radar"), or each of a list ("yAxis").
func editOption(obj map[string]any, key string, set func(map[string]any)) error {
	b, err := json.Marshal(obj[key])
	if err != nil {
		return err
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch v := v.(type) {
	case map[string]any:
		set(v)
	case []any:
		for _, o := range v {
			if m, ok := o.(map[string]any); ok {
				set(m)
			}
		}
	}
	obj[key] = v
	return nil
}

func title(text string) charts.GlobalOpts {
	return charts.WithTitleOpts(opts.Title{Title: text, Left: "center", TitleStyle: &opts.TextStyle{FontSize: 14}})
}

func axisTooltip() charts.GlobalOpts {
	return charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"})
}

func legendBottom() charts.GlobalOpts {
	return charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"})
}

func grid() charts.GlobalOpts { return gridAbove("48") }

// gridAbove is grid with room below it (pixels): for what sits under the
// axis's labels.
func gridAbove(bottom string) charts.GlobalOpts {
	return charts.WithGridOpts(opts.Grid{Left: "3%", Right: "4%", Top: "48", Bottom: bottom, ContainLabel: opts.Bool(true)})
}

// fieldAxis is a category axis of fields (data, or the series' categories
// when nil), named under its labels: at the axis's end, where names go by
// default, the grid's margin cut the name to "Lĩnh v" on a laptop's
// screen. Its chart needs gridAbove to keep the name clear of a legend.
func fieldAxis(t T, data []string) charts.GlobalOpts {
	return charts.WithXAxisOpts(opts.XAxis{Type: "category", Data: data, Name: t("reports.axis.field"), NameLocation: "middle", NameGap: 30})
}

// RankingChart is a group's ranking as horizontal bars, best on top,
// coloured by grade.
func RankingChart(id string, g GroupOverview, t T) (Chart, error) {
	bar := charts.NewBar()
	names := make([]string, len(g.Units))
	data := make([]opts.BarData, len(g.Units))
	for i, u := range g.Units {
		names[i] = u.Name
		data[i] = opts.BarData{Name: u.Name, Value: num(u.Index), ItemStyle: &opts.ItemStyle{Color: u.Color}}
	}
	bar.SetGlobalOptions(title(t("reports.chart.ranking", g.Name)), axisTooltip(), grid(),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Min: 0, Max: 100, Name: t("reports.axis.index")}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true)}))
	bar.SetXAxis(names).AddSeries(t("reports.series.index"), data).XYReversal()
	return chartOf(id, len(g.Units), bar)
}

// GradeChart is a group's grade distribution.
func GradeChart(id string, g GroupOverview, t T) (Chart, error) {
	bar := charts.NewBar()
	var names []string
	var data []opts.BarData
	for _, gr := range g.Grades {
		names = append(names, gr.Name)
		data = append(data, opts.BarData{Name: gr.Name, Value: gr.Count, ItemStyle: &opts.ItemStyle{Color: gr.Color}})
	}
	bar.SetGlobalOptions(title(t("reports.chart.grades", g.Name)), axisTooltip(), grid(),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", MinInterval: 1, Name: t("reports.axis.units")}))
	bar.SetXAxis(names).AddSeries(t("reports.series.units"), data)
	return chartOf(id, 0, bar)
}

// HeatmapChart shows every unit's sub-index per field.
func HeatmapChart(id string, g GroupOverview, t T) (Chart, error) {
	hm := charts.NewHeatMap()
	fields := make([]string, len(g.Regular))
	for i, f := range g.Regular {
		fields[i] = f.Code + ". " + f.Short
	}
	units := make([]string, len(g.Units))
	var data []opts.HeatMapData
	for y, u := range g.Units {
		units[y] = u.Name
		for x, si := range u.SubIndex {
			if si == nil {
				continue
			}
			data = append(data, opts.HeatMapData{Value: [3]any{x, y, num(*si)}})
		}
	}
	hm.SetGlobalOptions(title(t("reports.chart.heatmap", g.Name)),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true)}),
		gridAbove("88"), fieldAxis(t, fields), // the axis's name, then the colour scale
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: units, Inverse: opts.Bool(true)}),
		charts.WithVisualMapOpts(opts.VisualMap{Calculable: opts.Bool(true), Min: 0, Max: 100, Orient: "horizontal",
			Left: "center", Bottom: "0", InRange: &opts.VisualMapInRange{Color: []string{"#cf222e", "#f6e05e", "#1a7f37"}}}))
	hm.SetXAxis(fields).AddSeries(t("reports.series.subindex"), data)
	return chartOf(id, len(g.Units), hm)
}

// WeakFieldsChart shows the group's mean sub-index per field, weakest first.
func WeakFieldsChart(id string, g GroupOverview, t T) (Chart, error) {
	bar := charts.NewBar()
	var names []string
	var data []opts.BarData
	for _, f := range g.Weakest {
		label := f.Code + ". " + f.Short
		names = append(names, label)
		data = append(data, opts.BarData{Name: label, Value: num(f.Mean)})
	}
	bar.SetGlobalOptions(title(t("reports.chart.weakest", g.Name)), axisTooltip(), grid(),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Min: 0, Max: 100, Name: t("reports.axis.subindex")}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true)}))
	bar.SetXAxis(names).AddSeries(t("reports.series.mean_subindex"), data,
		charts.WithItemStyleOpts(opts.ItemStyle{Color: "#d4631a"})).XYReversal()
	return chartOf(id, len(names), bar)
}

// MeansChart compares each group's mean index with its previous period's.
func MeansChart(id string, ov *Overview, t T) (Chart, error) {
	bar := charts.NewBar()
	var names []string
	var cur, prev []opts.BarData
	for _, g := range ov.Groups {
		names = append(names, g.Name)
		cur = append(cur, opts.BarData{Value: num(g.Mean)})
		if g.PrevMean != nil {
			prev = append(prev, opts.BarData{Value: num(*g.PrevMean)})
		} else {
			prev = append(prev, opts.BarData{Value: "-"})
		}
	}
	bar.SetGlobalOptions(title(t("reports.chart.means")), axisTooltip(), grid(), legendBottom(),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Min: 0, Max: 100, Name: t("reports.axis.index")}))
	bar.SetXAxis(names).
		AddSeries(t("reports.series.previous"), prev, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#8c959f"})).
		AddSeries(t("reports.series.current", ov.Period), cur, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#2f81f7"}))
	return chartOf(id, 0, bar)
}

// RadarChart compares a unit's sub-indices with its group's mean.
func RadarChart(id string, sc *Scorecard, t T) (Chart, error) {
	r := charts.NewRadar()
	var ind []*opts.Indicator
	var mine, mean []float64
	for _, f := range sc.Fields {
		ind = append(ind, &opts.Indicator{Name: f.Short, Max: 100})
		mine = append(mine, num(f.SubIndex))
		mean = append(mean, num(f.GroupMean))
	}
	r.SetGlobalOptions(title(t("reports.chart.radar")), legendBottom(),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true)}),
		charts.WithRadarComponentOpts(opts.RadarComponent{Indicator: ind, Shape: "polygon", SplitNumber: 5,
			Center: []string{"50%", "52%"}, AxisName: &opts.AxisName{Color: "#374151"}}))
	r.AddSeries(t("reports.series.unit"), []opts.RadarData{{Name: sc.UnitName, Value: mine}},
		charts.WithItemStyleOpts(opts.ItemStyle{Color: "#2f81f7"})).
		AddSeries(t("reports.series.group_mean"), []opts.RadarData{{Name: t("reports.series.group_mean"), Value: mean}},
			charts.WithItemStyleOpts(opts.ItemStyle{Color: "#d4631a"}))
	return chartWith(id, 0, r, func(obj map[string]any) error {
		// ECharts' default radius (75 %) put the top field's name against
		// the title and the bottom one's under the legend; go-echarts has
		// no field for the radius.
		return editOption(obj, "radar", func(r map[string]any) { r["radius"] = "65%" })
	})
}

// LostChart shows per field the points achieved and lost, stacked to the
// applicable maximum.
func LostChart(id string, sc *Scorecard, t T) (Chart, error) {
	bar := charts.NewBar()
	var names []string
	var got, lost []opts.BarData
	for _, f := range sc.Fields {
		names = append(names, f.Short)
		got = append(got, opts.BarData{Value: num(f.Points)})
		lost = append(lost, opts.BarData{Value: num(f.Lost)})
	}
	bar.SetGlobalOptions(title(t("reports.chart.lost")), axisTooltip(), grid(), legendBottom(),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: t("reports.axis.points")}))
	bar.SetXAxis(names).
		AddSeries(t("reports.series.points"), got, charts.WithBarChartOpts(opts.BarChart{Stack: "max"}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: "#1a7f37"})).
		AddSeries(t("reports.series.lost"), lost, charts.WithBarChartOpts(opts.BarChart{Stack: "max"}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: "#cf222e"}))
	return chartOf(id, 0, bar)
}

// SelfFinalChart compares self-assessed and final points per field.
func SelfFinalChart(id string, sc *Scorecard, t T) (Chart, error) {
	bar := charts.NewBar()
	var names []string
	var self, final []opts.BarData
	for _, f := range sc.Fields {
		names = append(names, f.Short)
		v := scoring.NewInt(0)
		if f.Self != nil {
			v = *f.Self
		}
		self = append(self, opts.BarData{Value: num(v)})
		final = append(final, opts.BarData{Value: num(f.Points)})
	}
	bar.SetGlobalOptions(title(t("reports.chart.self_final")), axisTooltip(), grid(), legendBottom(),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: t("reports.axis.points")}))
	bar.SetXAxis(names).
		AddSeries(t("reports.series.self"), self, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#8c959f"})).
		AddSeries(t("reports.series.final"), final, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#2f81f7"}))
	return chartOf(id, 0, bar)
}

// TrendChart shows the unit's index over periods.
func TrendChart(id string, sc *Scorecard, t T) (Chart, error) {
	line := charts.NewLine()
	var periods []string
	var data []opts.LineData
	for _, h := range sc.History {
		periods = append(periods, h.Period)
		data = append(data, opts.LineData{Value: num(h.Index)})
	}
	line.SetGlobalOptions(title(t("reports.chart.trend")), axisTooltip(), grid(),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Min: 0, Max: 100, Name: t("reports.axis.index")}))
	line.SetXAxis(periods).AddSeries(t("reports.series.index"), data,
		charts.WithItemStyleOpts(opts.ItemStyle{Color: "#2f81f7"}))
	return chartOf(id, 0, line)
}

// RankHistoryChart shows the unit's rank over periods, first rank on top.
func RankHistoryChart(id string, sc *Scorecard, t T) (Chart, error) {
	line := charts.NewLine()
	var periods []string
	var data []opts.LineData
	for _, h := range sc.History {
		periods = append(periods, h.Period)
		if h.Rank == 0 { // a mean of the units it was formed from has no rank
			data = append(data, opts.LineData{Value: "-"})
			continue
		}
		data = append(data, opts.LineData{Value: h.Rank})
	}
	worst := 1
	for _, h := range sc.History {
		worst = max(worst, h.Rank)
	}
	ticks := rankTicks(worst)
	line.SetGlobalOptions(title(t("reports.chart.rank_history")), axisTooltip(), grid(),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Min: 1, Max: ticks[len(ticks)-1], Inverse: opts.Bool(true),
			MinInterval: 1, Name: t("reports.axis.rank")}))
	line.SetXAxis(periods).AddSeries(t("reports.series.rank"), data,
		charts.WithItemStyleOpts(opts.ItemStyle{Color: "#8250df"}))
	return chartWith(id, 0, line, func(obj map[string]any) error {
		// ECharts places a value axis's ticks at multiples of its interval
		// and labels the minimum besides: ranks read 1, 2, 4, 6… Give the
		// axis its ticks (customValues; go-echarts has no field for them).
		return editOption(obj, "yAxis", func(ax map[string]any) {
			for _, part := range []string{"axisLabel", "axisTick"} {
				m, _ := ax[part].(map[string]any)
				if m == nil {
					m = map[string]any{}
				}
				m["customValues"] = ticks
				ax[part] = m
			}
		})
	})
}

// rankTicks are the ranks labelled on an axis from the first rank to the
// worst: every rank up to 10; beyond, about six: 1, then every step (5,
// 10, 20, 25, 50…) or, for a step of 2, every other rank from 1 (1, 3,
// 5…), the last at the worst rank or just past it, where the axis ends.
func rankTicks(worst int) []int {
	worst = max(worst, 2)
	if worst <= 10 {
		ticks := make([]int, worst)
		for i := range ticks {
			ticks[i] = i + 1
		}
		return ticks
	}
	step := 2
	for _, s := range []int{2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000} {
		step = s
		if (worst-1)/s <= 5 {
			break
		}
	}
	next := step // 1, 5, 10…
	if step == 2 {
		next = 3 // 1, 3, 5…: 1, 2, 4 would crowd the top
	}
	ticks := []int{1}
	for ; ticks[len(ticks)-1] < worst; next += step {
		ticks = append(ticks, next)
	}
	return ticks
}

// IntervalChart shows satisfaction values (percent) with their 95 %
// intervals: an invisible bar up to the low bound, a pale bar across the
// interval and a marker at the value — data only, no custom renderer.
func IntervalChart(id, heading string, rows []IntervalRow, t T) (Chart, error) {
	bar := charts.NewBar()
	var names []string
	var base, span, value []opts.BarData
	for _, r := range rows {
		names = append(names, r.Label)
		if !r.Defined {
			base = append(base, opts.BarData{Value: "-"})
			span = append(span, opts.BarData{Value: "-"})
			value = append(value, opts.BarData{Value: "-"})
			continue
		}
		base = append(base, opts.BarData{Value: round2(r.Low)})
		span = append(span, opts.BarData{Value: round2(r.High - r.Low)})
		value = append(value, opts.BarData{Value: num(r.Value)})
	}
	bar.SetGlobalOptions(title(heading), axisTooltip(), grid(), legendBottom(),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Min: 0, Max: 100, Name: t("reports.axis.percent")}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true)}))
	bar.SetXAxis(names).
		AddSeries(t("reports.series.ci_low"), base, charts.WithBarChartOpts(opts.BarChart{Stack: "ci"}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: "rgba(0,0,0,0)"})).
		AddSeries(t("reports.series.ci"), span, charts.WithBarChartOpts(opts.BarChart{Stack: "ci"}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: "#9ec5fe"})).
		AddSeries(t("reports.series.satisfaction"), value, charts.WithBarChartOpts(opts.BarChart{BarGap: "-100%"}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: "rgba(0,0,0,0)", BorderColor: "#0b5394", BorderWidth: 2})).
		XYReversal()
	return chartOf(id, len(rows), bar)
}

// IntervalRow is one satisfaction value in percent with its interval.
type IntervalRow struct {
	Label     string
	Defined   bool
	N         int
	Value     scoring.Decimal // percent, exact
	Low, High float64         // percent
}

func round2(f float64) float64 {
	d := scoring.Publish(decimalFromFloat(f))
	v, _ := d.Float64()
	return v
}
