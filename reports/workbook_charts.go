package reports

import (
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/parindex/parindex/results"
)

func hdr(st styles, text string) excelize.Cell { return excelize.Cell{StyleID: st.header, Value: text} }

// Chart sizes, in pixels, that fit a portrait A4 page at 100 % with the
// default margins (about 660 × 980 pixels printable).
const (
	chartWidth       = 620
	gradeChartHeight = 380
	rankChartMax     = 900
)

// writeCharts writes a group's grade table and its native charts, one a
// page: the grade distribution under its table on the first page, the
// ranking (drawn from the summary sheet) alone on the second, sized to
// fit it.
func writeCharts(f *excelize.File, st styles, sheet, summary string, g results.Group, gname string, lay summaryLayout) error {
	size, orient, fitW, fitH := a4, "portrait", 1, 0
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient, FitToWidth: &fitW, FitToHeight: &fitH}); err != nil {
		return fmt.Errorf("reports: page layout: %w", err)
	}
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return fmt.Errorf("reports: sheet props: %w", err)
	}
	if err := pageFooter(f, sheet); err != nil {
		return err
	}
	title := label("charts.grades", gname)
	if err := f.SetCellValue(sheet, "A1", title); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", "A1", st.title); err != nil {
		return err
	}
	if err := f.MergeCell(sheet, "A1", "H1"); err != nil {
		return err
	}
	titleFace := face{bold: true, size: 14}
	if err := f.SetRowHeight(sheet, 1, rowHeight(titleFace, lineCount(titleFace, 8*10.7, title))); err != nil {
		return err
	}
	names := []string{label("charts.grade")}
	for _, gr := range g.Framework.Grades {
		names = append(names, gr.Name)
	}
	if err := f.SetColWidth(sheet, "A", "A", fitChars(plain, 14, 30, names...)); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", "H", 10.7); err != nil {
		return err
	}
	_ = f.SetCellValue(sheet, "A3", label("charts.grade"))
	_ = f.SetCellValue(sheet, "B3", label("charts.count"))
	_ = f.SetCellStyle(sheet, "A3", "B3", st.header)
	row := 4
	for _, gr := range g.Framework.Grades {
		_ = f.SetCellValue(sheet, cell(1, row), gr.Name)
		_ = f.SetCellValue(sheet, cell(2, row), g.Summary.Grades[gr.Code])
		_ = f.SetCellStyle(sheet, cell(1, row), cell(1, row), st.text)
		_ = f.SetCellStyle(sheet, cell(2, row), cell(2, row), st.integer)
		row++
	}
	last := row - 1
	if last >= 4 {
		if err := f.AddChart(sheet, cell(1, row+1), &excelize.Chart{
			Type:      excelize.Col,
			Series:    []excelize.ChartSeries{{Name: quoted(sheet) + "!$B$3", Categories: fmt.Sprintf("%s!$A$4:$A$%d", quoted(sheet), last), Values: fmt.Sprintf("%s!$B$4:$B$%d", quoted(sheet), last)}},
			Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: title}}},
			Legend:    excelize.ChartLegend{Position: "none"},
			Dimension: excelize.ChartDimension{Width: chartWidth, Height: gradeChartHeight},
		}); err != nil {
			return fmt.Errorf("reports: grade chart: %w", err)
		}
	}
	n := len(g.Results)
	if n == 0 {
		return nil
	}
	// The ranking starts a page of its own, below the grade chart. The rows
	// the grade chart covers get an explicit height (15 pt, 20 pixels):
	// spreadsheets size unset rows from their own default font, and a
	// chart taller than its rows would cross the page break.
	at := row + 1 + gradeChartHeight/20 + 3
	for r := row + 1; r < at; r++ {
		if err := f.SetRowHeight(sheet, r, 15); err != nil {
			return err
		}
	}
	if err := f.InsertPageBreak(sheet, cell(1, at)); err != nil {
		return fmt.Errorf("reports: page break: %w", err)
	}
	cols := columnsOf(g.Framework)
	end := lay.firstData + n - 1
	height := min(max(320, 18*n+80), rankChartMax)
	axis := excelize.ChartAxis{ReverseOrder: true}
	if n > 40 {
		// A bar per unit on one page: small labels, each still readable.
		axis.Font = excelize.Font{Size: 7}
	}
	if err := f.AddChart(sheet, cell(1, at), &excelize.Chart{
		Type: excelize.Bar,
		Series: []excelize.ChartSeries{{
			Name:       fmt.Sprintf("%s!$%s$%d", quoted(summary), colName(cols.index), lay.headTop),
			Categories: fmt.Sprintf("%s!$C$%d:$C$%d", quoted(summary), lay.firstData, end),
			Values:     fmt.Sprintf("%s!$%s$%d:$%s$%d", quoted(summary), colName(cols.index), lay.firstData, colName(cols.index), end),
		}},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: label("charts.ranking", gname)}}},
		Legend:    excelize.ChartLegend{Position: "none"},
		Dimension: excelize.ChartDimension{Width: chartWidth, Height: uint(height)},
		XAxis:     axis,
	}); err != nil {
		return fmt.Errorf("reports: ranking chart: %w", err)
	}
	return nil
}
