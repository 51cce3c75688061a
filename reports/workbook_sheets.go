package reports

import (
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/parindex/parindex/targets"
)

// writeSurvey writes a campaign's satisfaction per unit and element.
func writeSurvey(f *excelize.File, st styles, sheet string, sv SurveySheet) error {
	if err := pageSetup(f, sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("reports: stream %s: %w", sheet, err)
	}
	last := 6 + len(sv.Elements)
	codes, names := []string{label("col.code")}, []string{}
	for _, u := range sv.Units {
		codes, names = append(codes, u.Unit), append(names, u.Name)
	}
	codeW, nameW := fitChars(plain, 8, 24, codes...), fitChars(plain, 24, 44, names...)
	_ = sw.SetColWidth(1, 1, codeW)
	_ = sw.SetColWidth(2, 2, nameW)
	_ = sw.SetColWidth(3, last, 14)
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 2, YSplit: 3, TopLeftCell: "C4", ActivePane: "bottomRight"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: st.title, Value: label("survey.title", sv.Name)}}, excelize.RowOpts{Height: 22}); err != nil {
		return err
	}
	if err := sw.MergeCell("A1", cell(last, 1)); err != nil {
		return err
	}
	header := []any{hdr(st, label("col.code")), hdr(st, label("col.unit")), hdr(st, label("survey.col.responses")),
		hdr(st, label("survey.col.value")), hdr(st, label("survey.col.low")), hdr(st, label("survey.col.high"))}
	for i := range sv.Elements {
		header = append(header, hdr(st, sv.ElementNames[i]))
	}
	headLines := 1
	for i, h := range header {
		w := 14.0
		switch i {
		case 0:
			w = codeW
		case 1:
			w = nameW
		}
		headLines = max(headLines, lineCount(boldPlain, w, h.(excelize.Cell).Value.(string)))
	}
	if err := sw.SetRow("A3", header, excelize.RowOpts{Height: rowHeight(boldPlain, headLines)}); err != nil {
		return err
	}
	row := 4
	rows := append([]SurveyRow{}, sv.Units...)
	prov := sv.Province
	prov.Name = label("survey.province")
	rows = append(rows, prov)
	for _, u := range rows {
		vals := []any{excelize.Cell{StyleID: st.text, Value: u.Unit}, excelize.Cell{StyleID: st.text, Value: u.Name},
			excelize.Cell{StyleID: st.integer, Value: u.Responses}}
		vals = append(vals, intervalCells(st, u.Index, true)...)
		for _, e := range u.Elements {
			vals = append(vals, intervalCells(st, e, false)...)
		}
		h := rowHeight(plain, max(lineCount(plain, codeW, u.Unit), lineCount(plain, nameW, u.Name)))
		if err := sw.SetRow(cell(1, row), vals, excelize.RowOpts{Height: h}); err != nil {
			return err
		}
		row++
	}
	return sw.Flush()
}

func intervalCells(st styles, r IntervalRow, bounds bool) []any {
	if !r.Defined {
		if bounds {
			return []any{excelize.Cell{StyleID: st.two}, excelize.Cell{StyleID: st.two}, excelize.Cell{StyleID: st.two}}
		}
		return []any{excelize.Cell{StyleID: st.two}}
	}
	out := []any{excelize.Cell{StyleID: st.two, Value: num(percent(r.Value))}}
	if bounds {
		out = append(out, excelize.Cell{StyleID: st.two, Value: round2(r.Low)}, excelize.Cell{StyleID: st.two, Value: round2(r.High)})
	}
	return out
}

// writeTargets writes every programme target with the value that applies
// in the period's year, the actual value, where it comes from and the
// status. Rows are as tall as their wrapped texts.
func writeTargets(f *excelize.File, st styles, sheet string, rep *targets.Report) error {
	if err := pageSetup(f, sheet); err != nil {
		return err
	}
	head := []string{label("targets.col.programme"), label("targets.col.code"), label("targets.col.name"), label("targets.col.source"),
		label("targets.col.unit"), label("targets.col.target", rep.Year), label("targets.col.actual"), label("targets.col.status")}
	last := len(head)
	type line struct {
		cells []string
		value *float64
		actl  *float64
	}
	var lines []line
	progs, codes, sources, units, statuses := []string{}, []string{head[1]}, []string{}, []string{head[4]}, []string{head[7]}
	for _, p := range rep.Programmes {
		for _, r := range p.Rows {
			src := label("targets.source."+string(r.Target.Measure.Source)) + " (" + string(r.Target.Measure.Source) + ")"
			l := line{cells: []string{p.Programme.Name, r.Target.Code, r.Target.Name, src, r.Target.Unit, "", "", label("targets.status." + string(r.Status))}}
			if r.Value != nil {
				v := num(*r.Value)
				l.value = &v
			}
			if r.Actual != nil {
				v := num(*r.Actual)
				l.actl = &v
			}
			lines = append(lines, l)
			progs = append(progs, p.Programme.Name)
			codes = append(codes, r.Target.Code)
			sources = append(sources, src)
			units = append(units, r.Target.Unit)
			statuses = append(statuses, l.cells[7])
		}
	}
	widths := []float64{0, fitChars(plain, 14, 24, progs...), fitChars(boldPlain, 6, 12, codes...), 55,
		fitChars(plain, 14, 24, sources...), fitChars(boldPlain, 8, 12, units...), 12, 12, fitChars(boldPlain, 10, 18, statuses...)}
	for c := 1; c <= last; c++ {
		if err := f.SetColWidth(sheet, colName(c), colName(c), widths[c]); err != nil {
			return err
		}
	}
	title := label("targets.title", rep.Period)
	_ = f.SetCellValue(sheet, "A1", title)
	_ = f.SetCellStyle(sheet, "A1", "A1", st.title)
	if err := f.MergeCell(sheet, "A1", cell(last, 1)); err != nil {
		return err
	}
	all := 0.0
	for _, w := range widths {
		all += w
	}
	tf := face{bold: true, size: 14}
	_ = f.SetRowHeight(sheet, 1, rowHeight(tf, lineCount(tf, all, title)))
	headLines := 1
	for i, h := range head {
		_ = f.SetCellValue(sheet, cell(i+1, 3), h)
		headLines = max(headLines, lineCount(boldPlain, widths[i+1], h))
	}
	_ = f.SetCellStyle(sheet, "A3", cell(last, 3), st.header)
	_ = f.SetRowHeight(sheet, 3, rowHeight(boldPlain, headLines))
	row := 4
	for _, l := range lines {
		n := 1
		for i, text := range l.cells {
			if text != "" {
				_ = f.SetCellValue(sheet, cell(i+1, row), text)
				n = max(n, lineCount(plain, widths[i+1], text))
			}
		}
		if l.value != nil {
			_ = f.SetCellValue(sheet, cell(6, row), *l.value)
		}
		if l.actl != nil {
			_ = f.SetCellValue(sheet, cell(7, row), *l.actl)
		}
		_ = f.SetCellStyle(sheet, cell(1, row), cell(5, row), st.text)
		_ = f.SetCellStyle(sheet, cell(6, row), cell(7, row), st.two)
		_ = f.SetCellStyle(sheet, cell(8, row), cell(8, row), st.center)
		_ = f.SetRowHeight(sheet, row, rowHeight(plain, n))
		row++
	}
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 3, TopLeftCell: "A4", ActivePane: "bottomLeft"})
}
