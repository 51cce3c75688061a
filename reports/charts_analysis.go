package reports

import (
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/parindex/parindex/results"
)

// periodPalette colours the periods of a trajectory, newest first: the
// current period stands out, the older ones fade.
var periodPalette = []string{"#2f81f7", "#8c959f", "#d4a72c", "#8250df", "#1a7f37", "#c6cdd5"}

// periodColor is the colour of the i-th of n periods, oldest first.
func periodColor(i, n int) string {
	return periodPalette[min(n-1-i, len(periodPalette)-1)]
}

// TrajectoryChart shows a unit's index over the periods beside its
// group's mean; before a merger the unit's line is its predecessors' mean.
func TrajectoryChart(id string, tr *Trajectory, t T) (Chart, error) {
	line := charts.NewLine()
	var periods []string
	var unit, mean []opts.LineData
	for _, p := range tr.Points {
		periods = append(periods, p.Period)
		if p.Index != nil {
			unit = append(unit, opts.LineData{Value: num(*p.Index)})
		} else {
			unit = append(unit, opts.LineData{Value: "-"})
		}
		mean = append(mean, opts.LineData{Value: num(p.GroupMean)})
	}
	// The axis fits the values: a change of a point or two must show.
	line.SetGlobalOptions(title(t("lineage.chart.trajectory", tr.UnitName)), axisTooltip(), grid(), legendBottom(),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Scale: opts.Bool(true), Name: t("reports.axis.index")}))
	line.SetXAxis(periods).
		AddSeries(t("lineage.series.unit"), unit, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#2f81f7"}),
			charts.WithLineChartOpts(opts.LineChart{ConnectNulls: opts.Bool(true)})).
		AddSeries(t("lineage.series.group_mean"), mean, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#d4631a"}),
			charts.WithLineStyleOpts(opts.LineStyle{Type: "dashed"}))
	return chartOf(id, 0, line)
}

// FieldTrajectoryChart shows a unit's sub-index per field, one bar per
// period.
func FieldTrajectoryChart(id string, tr *Trajectory, t T) (Chart, error) {
	bar := charts.NewBar()
	var fields []string
	for _, f := range tr.Fields {
		fields = append(fields, f.Code)
	}
	bar.SetGlobalOptions(title(t("lineage.chart.fields", tr.UnitName)), axisTooltip(), gridAbove("64"), legendBottom(),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Min: 0, Max: 100, Name: t("reports.axis.subindex")}), fieldAxis(t, nil))
	bar.SetXAxis(fields)
	for i, p := range tr.Points {
		data := make([]opts.BarData, len(tr.Fields))
		for k, f := range tr.Fields {
			if v := p.SubIndex[f.Code]; v != nil {
				data[k] = opts.BarData{Value: num(*v)}
			} else {
				data[k] = opts.BarData{Value: "-"}
			}
		}
		bar.AddSeries(p.Period, data, charts.WithItemStyleOpts(opts.ItemStyle{Color: periodColor(i, len(tr.Points))}))
	}
	return chartOf(id, 0, bar)
}

// HonestyFieldsChart shows, per field, how far the group's self-assessment
// stood above the final points (percent of the field's maximum) and the
// share of self-assessed leaves the council lowered.
func HonestyFieldsChart(id, name string, h *Honesty, t T) (Chart, error) {
	bar := charts.NewBar()
	var fields []string
	var gap, lowered []opts.BarData
	for _, f := range h.Fields {
		fields = append(fields, f.Code)
		gap = append(gap, opts.BarData{Name: f.Name, Value: num(f.MeanGapShare)})
		lowered = append(lowered, opts.BarData{Name: f.Name, Value: num(f.LoweredShare())})
	}
	bar.SetGlobalOptions(title(t("lineage.chart.honesty_fields", name)), axisTooltip(), gridAbove("64"), legendBottom(),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: t("reports.axis.percent")}), fieldAxis(t, nil))
	bar.SetXAxis(fields).
		AddSeries(t("lineage.series.gap_share"), gap, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#d4631a"})).
		AddSeries(t("lineage.series.lowered_share"), lowered, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#8c959f"}))
	return chartOf(id, 0, bar)
}

// HonestyUnitsChart shows each unit's self-assessed index above (or below)
// its final index, largest gap on top.
func HonestyUnitsChart(id, name string, h *Honesty, t T) (Chart, error) {
	bar := charts.NewBar()
	names := make([]string, len(h.Units))
	data := make([]opts.BarData, len(h.Units))
	for i, u := range h.Units {
		names[i] = u.Name
		color := "#d4631a"
		if u.Gap.IsNegative() {
			color = "#2f81f7"
		}
		data[i] = opts.BarData{Name: u.Name, Value: num(u.Gap), ItemStyle: &opts.ItemStyle{Color: color}}
	}
	bar.SetGlobalOptions(title(t("lineage.chart.honesty_units", name)), axisTooltip(), grid(),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: t("lineage.axis.gap")}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true)}))
	bar.SetXAxis(names).AddSeries(t("lineage.series.gap"), data).XYReversal()
	return chartOf(id, len(names), bar)
}

// RankIntervalChart shows every unit's 90 % rank interval as a bar across
// the ranks it may hold (an invisible bar up to the best one, a pale one
// across the interval), the unit labelled with its published rank.
func RankIntervalChart(id, name string, g results.Group, t T) (Chart, error) {
	bar := charts.NewBar()
	var names []string
	var base, span []opts.BarData
	for _, r := range g.Results {
		iv := g.Uncertainty.Units[r.Unit]
		names = append(names, t("lineage.chart.rank_label", r.Rank, nameOr(r.UnitName, r.Unit)))
		base = append(base, opts.BarData{Value: iv.Low - 1})
		span = append(span, opts.BarData{Value: iv.High - iv.Low + 1})
	}
	bar.SetGlobalOptions(title(t("lineage.chart.rank_intervals", name)), axisTooltip(), grid(), legendBottom(),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Min: 0, Max: len(g.Results), Name: t("reports.axis.rank")}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true)}))
	bar.SetXAxis(names).
		AddSeries(t("lineage.series.before"), base, charts.WithBarChartOpts(opts.BarChart{Stack: "iv"}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: "rgba(0,0,0,0)"})).
		AddSeries(t("lineage.series.interval"), span, charts.WithBarChartOpts(opts.BarChart{Stack: "iv"}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: "#9ec5fe"})).
		XYReversal()
	return chartOf(id, len(names), bar)
}
