package reports

import (
	"fmt"
	"math"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// sheetAdder adds a sheet to the workbook (WriteWorkbook's own), with the
// header rows repeated on every printed page.
type sheetAdder func(name, headerRows string) (string, error)

// analysisTable is one analysis sheet: a title, a lead paragraph, a
// header row and the data rows, each cell a value with its style.
type analysisTable struct {
	title, lead string
	header      []string
	widths      []float64
	rows        [][]any
	// freeze is the number of leading columns kept in view.
	freeze int
}

// writeAnalysis writes each group's analysis sheets: rank intervals,
// self-assessment against the final points, years side by side, and the
// comparisons through the lineage (when any unit was compared so).
func writeAnalysis(add sheetAdder, f *excelize.File, st styles, wd *WorkbookData) error {
	for _, ga := range wd.Analysis {
		g := findGroup(wd.Output, ga.Code)
		if g == nil {
			continue
		}
		gname := nameOr(wd.GroupNames[g.Code], g.Code)
		tables := []struct {
			sheet string
			t     analysisTable
		}{
			{alabel("ranks.sheet", g.Code), ranksTable(g, ga, gname, st)},
			{alabel("honesty.sheet", g.Code), honestyTable(ga, gname, st)},
			{alabel("years.sheet", g.Code), yearsTable(ga, gname, st)},
		}
		if t, ok := compareTable(g, gname, st); ga.Comparisons && ok {
			tables = append(tables, struct {
				sheet string
				t     analysisTable
			}{alabel("compare.sheet", g.Code), t})
		}
		for _, tb := range tables {
			name, err := add(tb.sheet, "$4:$4")
			if err != nil {
				return fmt.Errorf("reports: sheet: %w", err)
			}
			if err := writeAnalysisTable(f, st, name, tb.t); err != nil {
				return err
			}
			if tb.sheet == alabel("years.sheet", g.Code) {
				if err := yearsChart(f, name, ga, gname); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func findGroup(out *results.Output, code string) *results.Group {
	for i := range out.Groups {
		if out.Groups[i].Code == code {
			return &out.Groups[i]
		}
	}
	return nil
}

func writeAnalysisTable(f *excelize.File, st styles, sheet string, t analysisTable) error {
	if err := pageSetup(f, sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("reports: stream %s: %w", sheet, err)
	}
	last := len(t.header)
	t.fitCodes(st)
	for i, w := range t.widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if t.freeze > 0 {
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: t.freeze, YSplit: 4, TopLeftCell: cell(t.freeze+1, 5), ActivePane: "bottomRight"}); err != nil {
			return err
		}
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: st.title, Value: t.title}}, excelize.RowOpts{Height: 22}); err != nil {
		return err
	}
	if err := sw.SetRow("A2", []any{excelize.Cell{StyleID: st.subtitle, Value: t.lead}}, excelize.RowOpts{Height: 48}); err != nil {
		return err
	}
	for _, r := range []int{1, 2} {
		if err := sw.MergeCell(cell(1, r), cell(max(last, 2), r)); err != nil {
			return err
		}
	}
	header := make([]any, len(t.header))
	for i, h := range t.header {
		header[i] = hdr(st, h)
	}
	if err := sw.SetRow("A4", header, excelize.RowOpts{Height: max(48, t.height(st, header))}); err != nil {
		return err
	}
	for i, row := range t.rows {
		if err := sw.SetRow(cell(1, 5+i), row, excelize.RowOpts{Height: t.height(st, row)}); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// fitCodes widens the unit-code column to its longest code, so that a
// code never wraps inside its cell.
func (t *analysisTable) fitCodes(st styles) {
	for i, h := range t.header {
		if h != label("col.code") || i >= len(t.widths) {
			continue
		}
		codes := []string{h}
		for _, row := range t.rows {
			if i < len(row) {
				if c, ok := row[i].(excelize.Cell); ok && c.StyleID == st.text {
					if v, ok := c.Value.(string); ok {
						codes = append(codes, v)
					}
				}
			}
		}
		t.widths[i] = max(t.widths[i], fitChars(plain, 6, 30, codes...))
	}
}

// height is a row's height from its cells' wrapped text: the tallest
// cell's lines, in the face its style prints in.
func (t *analysisTable) height(st styles, row []any) float64 {
	lines := 1
	for i, v := range row {
		c, ok := v.(excelize.Cell)
		if !ok || i >= len(t.widths) {
			continue
		}
		text, ok := c.Value.(string)
		if !ok {
			continue
		}
		f := plain
		if c.StyleID == st.header || c.StyleID == st.bold {
			f = boldPlain
		}
		lines = max(lines, lineCount(f, t.widths[i], text))
	}
	return rowHeight(plain, lines)
}

func text(st styles, v string) excelize.Cell { return excelize.Cell{StyleID: st.text, Value: v} }
func two(st styles, d scoring.Decimal) excelize.Cell {
	return excelize.Cell{StyleID: st.two, Value: num(d)}
}
func integer(st styles, n int) excelize.Cell { return excelize.Cell{StyleID: st.integer, Value: n} }
func emptyCell(st styles) excelize.Cell      { return excelize.Cell{StyleID: st.text} }

// float is a number cell with two decimals, blank for NaN (none).
func float(st styles, style int, v float64) excelize.Cell {
	if math.IsNaN(v) {
		return emptyCell(st)
	}
	return excelize.Cell{StyleID: style, Value: v}
}

func ranksTable(g *results.Group, ga GroupAnalysis, gname string, st styles) analysisTable {
	t := analysisTable{title: alabel("ranks.title", gname), lead: alabel("ranks.method", thousands(ga.Draws), ga.Seed), freeze: 3,
		header: []string{label("col.stt"), label("col.code"), label("col.unit"), label("col.index"), label("col.rank"),
			alabel("ranks.col.interval"), alabel("ranks.col.low"), alabel("ranks.col.high"), alabel("ranks.col.tied_above"),
			alabel("ranks.col.tied_below"), alabel("ranks.col.sampled"), alabel("ranks.col.exact")},
		widths: []float64{6, 16, 40, 10, 8, 12, 12, 12, 14, 14, 18, 22}}
	yes := func(b bool) excelize.Cell {
		if b {
			return excelize.Cell{StyleID: st.center, Value: alabel("ranks.yes")}
		}
		return excelize.Cell{StyleID: st.center}
	}
	for i, r := range g.Results {
		iv := ga.Ranks[i]
		interval := fmt.Sprintf("%d–%d", iv.Low, iv.High)
		if iv.Low == iv.High {
			interval = fmt.Sprint(iv.Low)
		}
		t.rows = append(t.rows, []any{integer(st, i+1), text(st, r.Unit), text(st, nameOr(r.UnitName, r.Unit)),
			two(st, r.Index), integer(st, r.Rank), excelize.Cell{StyleID: st.center, Value: interval}, integer(st, iv.Low),
			integer(st, iv.High), yes(iv.TiedAbove), yes(iv.TiedBelow), text(st, iv.Sampled), text(st, iv.Exact)})
	}
	return t
}

func honestyTable(ga GroupAnalysis, gname string, st styles) analysisTable {
	h := ga.Honesty
	t := analysisTable{title: alabel("honesty.title", gname), freeze: 3,
		lead: alabel("honesty.lead", fmt.Sprintf("%.2f", h.MeanGap), h.Lowered, h.Leaves, fmt.Sprintf("%.2f", h.LoweredShare)),
		header: []string{label("col.stt"), label("col.code"), label("col.unit"), alabel("honesty.col.self"), alabel("honesty.col.final"),
			alabel("honesty.col.gap"), alabel("honesty.col.leaves"), alabel("honesty.col.lowered"), alabel("honesty.col.share")},
		widths: []float64{6, 16, 40, 12, 12, 12, 12, 12, 12}}
	for _, f := range h.Fields {
		t.header = append(t.header, alabel("honesty.col.field", f.Code))
		t.widths = append(t.widths, 12)
	}
	for i, u := range h.Units {
		row := []any{integer(st, i+1), text(st, u.Unit), text(st, u.Name), float(st, st.two, u.Self), float(st, st.two, u.Final),
			float(st, st.boldTwo, u.Gap), integer(st, u.Leaves), integer(st, u.Lowered), float(st, st.two, u.Share)}
		for _, g := range u.FieldGaps {
			row = append(row, float(st, st.two, g))
		}
		t.rows = append(t.rows, row)
	}
	// The fields below the units: the group's mean gap per field.
	t.rows = append(t.rows, []any{}, []any{hdr(st, ""), hdr(st, ""), hdr(st, alabel("honesty.col.field_name")), hdr(st, alabel("honesty.col.mean_gap")),
		hdr(st, alabel("honesty.col.gap_share")), hdr(st, ""), hdr(st, alabel("honesty.col.leaves")), hdr(st, alabel("honesty.col.lowered")),
		hdr(st, alabel("honesty.col.share"))})
	for _, f := range h.Fields {
		t.rows = append(t.rows, []any{emptyCell(st), text(st, f.Code), text(st, f.Name), float(st, st.two, f.MeanGap), float(st, st.two, f.GapShare),
			emptyCell(st), integer(st, f.LeafCount), integer(st, f.LoweredCount), float(st, st.two, f.Lowered)})
	}
	return t
}

func yearsTable(ga GroupAnalysis, gname string, st styles) analysisTable {
	t := analysisTable{title: alabel("years.title", gname), lead: alabel("years.lead"), freeze: 3,
		header: []string{label("col.stt"), label("col.code"), label("col.unit")}, widths: []float64{6, 16, 40}}
	for _, p := range ga.Periods {
		t.header = append(t.header, alabel("years.col.index", p.Period), alabel("years.col.rank", p.Period))
		t.widths = append(t.widths, 11, 9)
	}
	for _, f := range ga.Fields {
		for _, p := range ga.Periods {
			t.header = append(t.header, alabel("years.col.field", f.Code, p.Period))
			t.widths = append(t.widths, 11)
		}
	}
	t.header = append(t.header, alabel("years.col.basis"))
	t.widths = append(t.widths, 60)
	// The group's means first.
	mean := []any{emptyCell(st), emptyCell(st), excelize.Cell{StyleID: st.bold, Value: alabel("years.mean")}}
	for _, p := range ga.Periods {
		mean = append(mean, float(st, st.boldTwo, p.Mean), emptyCell(st))
	}
	for k := range ga.Fields {
		for _, p := range ga.Periods {
			mean = append(mean, float(st, st.two, p.SubMean[k]))
		}
	}
	t.rows = append(t.rows, append(mean, emptyCell(st)))
	for i, y := range ga.Years {
		row := []any{integer(st, i+1), text(st, y.Unit), text(st, y.Name)}
		for j := range y.Index {
			row = append(row, float(st, st.two, y.Index[j]))
			if y.Rank[j] > 0 {
				row = append(row, integer(st, y.Rank[j]))
			} else {
				row = append(row, emptyCell(st))
			}
		}
		for k := range ga.Fields {
			for _, v := range y.Sub[k] {
				row = append(row, float(st, st.two, v))
			}
		}
		t.rows = append(t.rows, append(row, text(st, y.Basis)))
	}
	// The group's mean by period again, in two columns, for the chart.
	t.rows = append(t.rows, []any{}, []any{hdr(st, alabel("years.period")), hdr(st, alabel("years.mean"))})
	for _, p := range ga.Periods {
		t.rows = append(t.rows, []any{excelize.Cell{StyleID: st.center, Value: p.Period}, float(st, st.two, p.Mean)})
	}
	return t
}

// yearsChart draws the group's mean index over the periods from the two
// columns below the units (yearsTable).
func yearsChart(f *excelize.File, sheet string, ga GroupAnalysis, gname string) error {
	n := len(ga.Periods)
	if n < 2 {
		return nil
	}
	first := 5 + 1 + len(ga.Years) + 2 // mean row, units, a blank row, the header
	last := first + n - 1
	return f.AddChart(sheet, cell(3, last+2), &excelize.Chart{
		Type: excelize.Line,
		Series: []excelize.ChartSeries{{Name: alabel("years.mean"),
			Categories: fmt.Sprintf("%s!$A$%d:$A$%d", quoted(sheet), first, last),
			Values:     fmt.Sprintf("%s!$B$%d:$B$%d", quoted(sheet), first, last)}},
		Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: alabel("years.chart", gname)}}},
		Legend: excelize.ChartLegend{Position: "none"},
	})
}

func compareTable(g *results.Group, gname string, st styles) (analysisTable, bool) {
	t := analysisTable{title: alabel("compare.title", gname), lead: alabel("compare.lead"), freeze: 3,
		header: []string{label("col.stt"), label("col.code"), label("col.unit"), alabel("compare.col.kind"), alabel("compare.col.index"),
			alabel("compare.col.previous"), alabel("compare.col.change"), alabel("compare.col.source"), alabel("compare.col.source_name"),
			alabel("compare.col.source_index"), alabel("compare.col.source_rank"), alabel("compare.col.weight")},
		widths: []float64{6, 16, 36, 16, 10, 14, 12, 12, 36, 12, 10, 10}}
	n := 0
	for _, r := range g.Results {
		c := r.Compared
		if c == nil || (c.Kind == scoring.SameUnit && len(c.Missing) == 0) {
			continue
		}
		n++
		head := []any{integer(st, n), text(st, r.Unit), text(st, nameOr(r.UnitName, r.Unit)), text(st, alabel("compare.kind."+string(c.Kind))),
			two(st, r.Index)}
		if len(c.Missing) > 0 {
			head = append(head, text(st, alabel("compare.missing", strings.Join(c.Missing, ", "))), emptyCell(st))
		} else {
			head = append(head, two(st, c.Previous), two(st, *r.IndexChange))
		}
		for i, s := range c.Sources {
			row := head
			if i > 0 {
				row = []any{emptyCell(st), emptyCell(st), emptyCell(st), emptyCell(st), emptyCell(st), emptyCell(st), emptyCell(st)}
			}
			row = append(row, text(st, s.Unit), text(st, nameOr(s.Name, s.Unit)), two(st, s.Index), integer(st, s.Rank),
				two(st, s.Weight.Mul(scoring.NewInt(100))))
			t.rows = append(t.rows, row)
		}
		if len(c.Sources) == 0 {
			t.rows = append(t.rows, head)
		}
	}
	return t, n > 0
}

// thousands writes a count the Vietnamese way: 10.000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	return s
}
