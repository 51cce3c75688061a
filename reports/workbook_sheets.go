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
	_ = sw.SetColWidth(1, 1, 12)
	_ = sw.SetColWidth(2, 2, 40)
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
	if err := sw.SetRow("A3", header, excelize.RowOpts{Height: 48}); err != nil {
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
		if err := sw.SetRow(cell(1, row), vals); err != nil {
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
// in the period's year, the actual value and the status.
func writeTargets(f *excelize.File, st styles, sheet string, rep *targets.Report) error {
	if err := pageSetup(f, sheet); err != nil {
		return err
	}
	const last = 7
	_ = f.SetColWidth(sheet, "A", "A", 24)
	_ = f.SetColWidth(sheet, "B", "B", 10)
	_ = f.SetColWidth(sheet, "C", "C", 60)
	_ = f.SetColWidth(sheet, "D", "G", 14)
	_ = f.SetCellValue(sheet, "A1", label("targets.title", rep.Period))
	_ = f.SetCellStyle(sheet, "A1", "A1", st.title)
	if err := f.MergeCell(sheet, "A1", cell(last, 1)); err != nil {
		return err
	}
	head := []string{label("targets.col.programme"), label("targets.col.code"), label("targets.col.name"),
		label("targets.col.unit"), label("targets.col.target", rep.Year), label("targets.col.actual"), label("targets.col.status")}
	for i, h := range head {
		_ = f.SetCellValue(sheet, cell(i+1, 3), h)
	}
	_ = f.SetCellStyle(sheet, "A3", cell(last, 3), st.header)
	row := 4
	for _, p := range rep.Programmes {
		for _, r := range p.Rows {
			vals := []any{p.Programme.Name, r.Target.Code, r.Target.Name, r.Target.Unit, nil, nil,
				label("targets.status." + string(r.Status))}
			if r.Value != nil {
				vals[4] = num(*r.Value)
			}
			if r.Actual != nil {
				vals[5] = num(*r.Actual)
			}
			for i, v := range vals {
				if v != nil {
					_ = f.SetCellValue(sheet, cell(i+1, row), v)
				}
			}
			_ = f.SetCellStyle(sheet, cell(1, row), cell(4, row), st.text)
			_ = f.SetCellStyle(sheet, cell(5, row), cell(6, row), st.two)
			_ = f.SetCellStyle(sheet, cell(7, row), cell(7, row), st.center)
			row++
		}
	}
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 3, TopLeftCell: "A4", ActivePane: "bottomLeft"})
}
