// Package xlsxout writes a table the staff download from a page (the
// dashboard, the audit log) as an Excel workbook: one sheet, a bold header
// that stays in view, a filter on every column, columns sized to what they
// hold, numbers as numbers. Text is always stored as text, never as a
// formula, so a reason typed as "=HYPERLINK(…)" stays words; the same rule
// as internal/csvout.
package xlsxout

import (
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Cell is one value of a row: text, or a number.
type Cell struct {
	Text string
	// Num is the cell's number when IsNum is set.
	Num   float64
	IsNum bool
}

// Text is a text cell.
func Text(s string) Cell { return Cell{Text: s} }

// Number is a numeric cell from a formatted number ("12", "-1.50"); an
// empty or unreadable value is written as text.
func Number(s string) Cell {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return Cell{Text: s}
	}
	return Cell{Num: f, IsNum: true, Text: s}
}

// Int is a numeric cell of a whole number.
func Int(n int) Cell { return Cell{Num: float64(n), IsNum: true, Text: strconv.Itoa(n)} }

// Table is what one sheet holds.
type Table struct {
	// Sheet names the sheet (at most 31 characters, as Excel allows).
	Sheet string
	// Title, when set, is written above the header (row 1), the header on
	// row 3.
	Title  string
	Header []string
	Rows   [][]Cell
}

// maxWidth caps a column's width, in characters.
const maxWidth = 60

// Write writes the table as an .xlsx workbook.
func Write(w io.Writer, t Table) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := t.Sheet
	if utf8.RuneCountInString(sheet) > 31 {
		sheet = string([]rune(sheet)[:31])
	}
	if sheet == "" {
		sheet = "Sheet1"
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("xlsxout: %w", err)
	}
	head := 1
	if t.Title != "" {
		head = 3
		if err := f.SetCellStr(sheet, "A1", t.Title); err != nil {
			return fmt.Errorf("xlsxout: %w", err)
		}
		title, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}})
		_ = f.SetCellStyle(sheet, "A1", "A1", title)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Color: []string{"EEF0F3"}, Pattern: 1},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return fmt.Errorf("xlsxout: %w", err)
	}
	widths := make([]int, len(t.Header))
	for i, h := range t.Header {
		cell, _ := excelize.CoordinatesToCellName(i+1, head)
		if err := f.SetCellStr(sheet, cell, h); err != nil {
			return fmt.Errorf("xlsxout: %w", err)
		}
		widths[i] = utf8.RuneCountInString(h)
	}
	last, _ := excelize.CoordinatesToCellName(max(len(t.Header), 1), head)
	_ = f.SetCellStyle(sheet, "A"+strconv.Itoa(head), last, bold)
	for r, row := range t.Rows {
		for i, c := range row {
			cell, _ := excelize.CoordinatesToCellName(i+1, head+1+r)
			if c.IsNum {
				err = f.SetCellFloat(sheet, cell, c.Num, -1, 64)
			} else {
				// SetCellStr stores a string: Excel never evaluates it.
				err = f.SetCellStr(sheet, cell, c.Text)
			}
			if err != nil {
				return fmt.Errorf("xlsxout: %w", err)
			}
			if i < len(widths) {
				widths[i] = max(widths[i], utf8.RuneCountInString(c.Text))
			}
		}
	}
	for i, wd := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		_ = f.SetColWidth(sheet, col, col, float64(min(wd, maxWidth)+2))
	}
	if len(t.Header) > 0 {
		end, _ := excelize.CoordinatesToCellName(len(t.Header), head+len(t.Rows))
		_ = f.AutoFilter(sheet, "A"+strconv.Itoa(head)+":"+end, nil)
		_ = f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: head, TopLeftCell: "A" + strconv.Itoa(head+1), ActivePane: "bottomLeft"})
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("xlsxout: %w", err)
	}
	return nil
}
