package xlsxout_test

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/parindex/parindex/internal/xlsxout"
)

// A table comes back from the workbook as written: the header on its row,
// numbers as numbers, and text that looks like a formula as text.
func TestWrite(t *testing.T) {
	var buf bytes.Buffer
	err := xlsxout.Write(&buf, xlsxout.Table{Sheet: "Tiến độ", Title: "Tiến độ kỳ 2026",
		Header: []string{"Đơn vị", "Đã chấm"},
		Rows: [][]xlsxout.Cell{
			{xlsxout.Text("Sở Tư pháp"), xlsxout.Int(12)},
			{xlsxout.Text("=HYPERLINK(\"http://x\")"), xlsxout.Number("-1.5")},
		}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Tiến độ")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || rows[0][0] != "Tiến độ kỳ 2026" || rows[2][0] != "Đơn vị" || rows[3][1] != "12" || rows[4][1] != "-1.5" {
		t.Fatalf("rows = %q", rows)
	}
	if formula, _ := f.GetCellFormula("Tiến độ", "A5"); formula != "" {
		t.Errorf("A5 holds the formula %q", formula)
	}
	if typ, _ := f.GetCellType("Tiến độ", "B4"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("B4 is of type %v, want a number", typ)
	}
	if v, _ := f.GetCellValue("Tiến độ", "A5"); v != "=HYPERLINK(\"http://x\")" {
		t.Errorf("A5 = %q", v)
	}
}
