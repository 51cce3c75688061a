package imports

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/internal/xlsxread"
	"github.com/parindex/parindex/scoring"
)

// The sheets of the statistics workbook.
const (
	// DataSheet holds one row per unit and one column per input: row 1 the
	// labels for people, row 2 the input names the import reads.
	DataSheet = "Số liệu"
	// InfoSheet holds the period and group (column A the key, B the value)
	// and the instructions.
	InfoSheet = "Hướng dẫn"
)

// The keys of the data sheet's second row that are not inputs.
const (
	keyUnit     = "unit"
	keyUnitName = "unit_name"
)

// firstDataRow is the first row of units in the data sheet.
const firstDataRow = 3

// TemplateColumns lists the inputs a template for the set has columns for:
// the declared inputs in their order, then any other input a leaf reads or a
// survey measure, sorted.
func TemplateColumns(fw *scoring.Framework) []scoring.InputDef {
	var cols []scoring.InputDef
	seen := map[string]bool{}
	for _, d := range fw.Inputs {
		cols = append(cols, d)
		seen[d.Name] = true
	}
	var rest []string
	for n := range inputNames(fw) {
		if !seen[n] {
			rest = append(rest, n)
		}
	}
	slices.Sort(rest)
	for _, n := range rest {
		cols = append(cols, scoring.InputDef{Name: n})
	}
	return cols
}

// WriteTemplate writes the statistics workbook of a criteria set: the
// group's units as rows (with the values already recorded, if any), the
// set's inputs as columns labelled from its inputs declaration, every input
// cell limited to numbers ≥ 0, and a sheet with the period, group,
// instructions and the set's checks. A one-stop system's export can be
// pasted into it; `parindex import inputs FILE.xlsx` reads it back.
func WriteTemplate(w io.Writer, fw *scoring.Framework, units []domain.Unit, recorded []domain.Input) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", DataSheet); err != nil {
		return fmt.Errorf("imports: template: %w", err)
	}
	cols := TemplateColumns(fw)
	values := map[string]map[string]scoring.Decimal{}
	for _, in := range recorded {
		if values[in.Unit] == nil {
			values[in.Unit] = map[string]scoring.Decimal{}
		}
		values[in.Unit][in.Name] = in.Value
	}
	labels := []any{"Mã đơn vị", "Tên đơn vị"}
	keys := []any{keyUnit, keyUnitName}
	for _, c := range cols {
		label := c.Label
		if label == "" {
			label = c.Name
		}
		if c.Unit != "" {
			label += " (" + c.Unit + ")"
		}
		labels = append(labels, label)
		keys = append(keys, c.Name)
	}
	set := func(cell string, v any) {
		if err := f.SetCellValue(DataSheet, cell, v); err != nil {
			panic(err) // only for an invalid cell name, which cannot happen here
		}
	}
	if err := f.SetSheetRow(DataSheet, "A1", &labels); err != nil {
		return fmt.Errorf("imports: template: %w", err)
	}
	if err := f.SetSheetRow(DataSheet, "A2", &keys); err != nil {
		return fmt.Errorf("imports: template: %w", err)
	}
	for i, u := range units {
		row := firstDataRow + i
		set(cellName(1, row), u.Code)
		set(cellName(2, row), u.Name)
		for j, c := range cols {
			if v, ok := values[u.Code][c.Name]; ok {
				n, _ := v.Float64()
				set(cellName(3+j, row), n)
			}
		}
	}
	last := len(cols) + 2
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return fmt.Errorf("imports: template: %w", err)
	}
	keyStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: "808080", Size: 8}})
	if err != nil {
		return fmt.Errorf("imports: template: %w", err)
	}
	lastCol, _ := excelize.ColumnNumberToName(last)
	_ = f.SetCellStyle(DataSheet, "A1", lastCol+"1", head)
	_ = f.SetCellStyle(DataSheet, "A2", lastCol+"2", keyStyle)
	_ = f.SetRowHeight(DataSheet, 1, 60)
	_ = f.SetColWidth(DataSheet, "A", "A", 14)
	_ = f.SetColWidth(DataSheet, "B", "B", 36)
	if len(cols) > 0 {
		_ = f.SetColWidth(DataSheet, "C", lastCol, 18)
		// Room for units added later: validation down to row 2000.
		dv := excelize.NewDataValidation(true)
		dv.Sqref = "C" + strconv.Itoa(firstDataRow) + ":" + lastCol + "2000"
		if err := dv.SetRange(0, 0, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorGreaterThanOrEqual); err != nil {
			return fmt.Errorf("imports: template: %w", err)
		}
		dv.Formula2 = ""
		dv.SetError(excelize.DataValidationErrorStyleStop, "Số liệu không hợp lệ", "Chỉ nhập số không âm (số hồ sơ, số thủ tục, tỷ lệ từ 0 đến 1).")
		if err := f.AddDataValidation(DataSheet, dv); err != nil {
			return fmt.Errorf("imports: template: %w", err)
		}
	}
	_ = f.SetPanes(DataSheet, &excelize.Panes{Freeze: true, XSplit: 2, YSplit: 2, TopLeftCell: "C3", ActivePane: "bottomRight"})

	if _, err := f.NewSheet(InfoSheet); err != nil {
		return fmt.Errorf("imports: template: %w", err)
	}
	info := [][]any{
		{"period", fw.Period, "Kỳ đánh giá — không sửa"},
		{"group", fw.Group, "Nhóm đơn vị — không sửa"},
		{"set", fw.Name, "Bộ chỉ số"},
		{},
		{"", "Hướng dẫn", ""},
		{"", "1. Dán số liệu xuất từ Hệ thống thông tin giải quyết TTHC vào sheet “" + DataSheet + "”, mỗi đơn vị một dòng, từ dòng 3.", ""},
		{"", "2. Không sửa dòng 2 (tên số liệu) và cột A (mã đơn vị); ô để trống là không nhập số liệu đó.", ""},
		{"", "3. Chỉ nhập số không âm; tỷ lệ ghi dưới dạng số từ 0 đến 1.", ""},
		{"", "4. Nhập vào hệ thống: parindex import inputs TÊN_TỆP.xlsx — tệp có lỗi bị từ chối toàn bộ, lỗi ghi rõ dòng và cột.", ""},
	}
	if len(fw.Checks) > 0 {
		info = append(info, []any{}, []any{"", "Quy tắc kiểm tra", ""})
		for _, c := range fw.Checks {
			info = append(info, []any{"", c.Rule, c.Message})
		}
	}
	for i, row := range info {
		if len(row) == 0 {
			continue
		}
		if err := f.SetSheetRow(InfoSheet, cellName(1, i+1), &row); err != nil {
			return fmt.Errorf("imports: template: %w", err)
		}
	}
	_ = f.SetColWidth(InfoSheet, "A", "A", 10)
	_ = f.SetColWidth(InfoSheet, "B", "B", 60)
	_ = f.SetColWidth(InfoSheet, "C", "C", 60)
	if err := f.Write(w); err != nil {
		return fmt.Errorf("imports: template: %w", err)
	}
	return nil
}

func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// InputsXLSX reads a statistics workbook written by WriteTemplate (and
// filled in) and checks it as completely as an inputs CSV file: the units
// must exist and have a criteria set in the period, every column must be an
// input of that set, every value a number ≥ 0, and the values must keep the
// set's checks. Every problem names the sheet, the row and the column; a
// workbook with any problem is refused whole.
func InputsXLSX(ctx context.Context, lookup Lookup, file string, r io.Reader) ([]domain.Input, error) {
	ps := &problems{file: file}
	at := func(row, col int, key string) string {
		letter, _ := excelize.ColumnNumberToName(col)
		s := fmt.Sprintf("sheet %q, row %d, column %s", DataSheet, row, letter)
		if key != "" {
			s += " (" + key + ")"
		}
		return s
	}
	data, err := io.ReadAll(io.LimitReader(r, maxWorkbook+1))
	if err != nil {
		return nil, fmt.Errorf("imports: %s: %w", file, err)
	}
	if len(data) > maxWorkbook {
		ps.add(0, "", "the workbook is larger than %d MB", maxWorkbook>>20)
		return nil, ps.err()
	}
	// Unzip limits, a temporary folder removed on every path, rows streamed
	// with their caps: a few megabytes of zip cannot become gigabytes here.
	lim := xlsxread.Default
	lim.MaxRows = maxWorkbookRows
	f, err := xlsxread.Open(ctx, data, lim)
	if xlsxread.IsLimit(err) {
		ps.add(0, "", "%v", err)
		return nil, ps.err()
	}
	if err != nil {
		ps.add(0, "", "is not an Excel workbook (.xlsx): %v", err)
		return nil, ps.err()
	}
	defer f.Close()
	sheets := f.Sheets()
	for _, want := range []string{DataSheet, InfoSheet} {
		if !slices.Contains(sheets, want) {
			ps.add(0, "", "the workbook has no sheet %q (it has %s); start from `parindex template inputs`", want, quoteAll(sheets))
		}
	}
	if len(ps.list) > 0 {
		return nil, ps.err()
	}
	period, group := "", ""
	info, err := sheetRows(f, InfoSheet)
	if xlsxread.IsLimit(err) {
		ps.add(0, "", "%v", err)
		return nil, ps.err()
	}
	if err != nil {
		return nil, fmt.Errorf("imports: %s: %w", file, err)
	}
	for _, row := range info {
		if len(row) >= 2 {
			switch strings.TrimSpace(row[0]) {
			case "period":
				period = strings.TrimSpace(row[1])
			case "group":
				group = strings.TrimSpace(row[1])
			}
		}
	}
	if period == "" {
		ps.add(0, fmt.Sprintf("sheet %q", InfoSheet), "the period is missing (a row with period in column A and the period in column B)")
		return nil, ps.err()
	}
	checkCode(ps, 0, fmt.Sprintf("sheet %q, period", InfoSheet), period)
	rows, err := sheetRows(f, DataSheet)
	if xlsxread.IsLimit(err) {
		ps.add(0, "", "%v", err)
		return nil, ps.err()
	}
	if err != nil {
		return nil, fmt.Errorf("imports: %s: %w", file, err)
	}
	if len(rows) < 2 {
		ps.add(0, fmt.Sprintf("sheet %q, row 2", DataSheet), "the row of input names is missing")
		return nil, ps.err()
	}
	c, err := newChecker(ctx, lookup)
	if err != nil {
		return nil, err
	}
	// Columns, from the row of keys.
	keys := rows[1]
	unitCol := -1
	inputCols := map[int]string{}
	seenKey := map[string]int{}
	var groupSet *scoring.Framework
	if group != "" {
		if fw, err := lookup.Framework(ctx, period, group); err == nil {
			groupSet = fw
		}
	}
	for i, k := range keys {
		k = strings.TrimSpace(k)
		switch {
		case k == "":
			continue
		case seenKey[k] > 0:
			ps.add(0, at(2, i+1, k), "the column appears twice (first in column %s)", colName(seenKey[k]))
			continue
		}
		seenKey[k] = i + 1
		switch {
		case k == keyUnit:
			unitCol = i
		case k == keyUnitName:
		case groupSet != nil && !inputNames(groupSet)[k]:
			ps.add(0, at(2, i+1, k), "%q is not an input of the criteria set %q", k, groupSet.Name)
		default:
			inputCols[i] = k
		}
	}
	if unitCol < 0 {
		ps.add(0, fmt.Sprintf("sheet %q, row 2", DataSheet), "the column %q (the unit codes) is missing", keyUnit)
	}
	if len(inputCols) == 0 && len(ps.list) == 0 {
		ps.add(0, fmt.Sprintf("sheet %q, row 2", DataSheet), "no column holds an input")
	}
	if len(ps.list) > 0 {
		return nil, ps.err()
	}
	colOrder := make([]int, 0, len(inputCols))
	for i := range inputCols {
		colOrder = append(colOrder, i)
	}
	slices.Sort(colOrder)

	var out []domain.Input
	type cellRef struct{ row, col int }
	var refs []cellRef
	seenUnit := map[string]int{}
	for ri := firstDataRow - 1; ri < len(rows); ri++ {
		row := rows[ri]
		line := ri + 1
		cell := func(i int) string {
			if i < len(row) {
				return strings.TrimSpace(row[i])
			}
			return ""
		}
		empty := true
		for _, v := range row {
			if strings.TrimSpace(v) != "" {
				empty = false
				break
			}
		}
		if empty {
			continue
		}
		code := cell(unitCol)
		where := at(line, unitCol+1, keyUnit)
		if code == "" {
			ps.add(0, where, "the unit code is empty")
			continue
		}
		if first, dup := seenUnit[code]; dup {
			ps.add(0, where, "unit %s already appears on row %d", code, first)
			continue
		}
		seenUnit[code] = line
		u, ok := c.units[code]
		if !ok {
			ps.add(0, where, "unit %s does not exist (import it with `parindex import units` first)", code)
			continue
		}
		before := len(ps.list)
		fw, err := c.framework(ps, 0, period, u)
		if err != nil {
			return nil, err
		}
		if len(ps.list) > before {
			ps.list[len(ps.list)-1].Column = where
			continue
		}
		names := inputNames(fw)
		for _, ci := range colOrder {
			raw := cell(ci)
			if raw == "" {
				continue
			}
			name := inputCols[ci]
			where := at(line, ci+1, name)
			v, err := cellNumber(raw)
			switch {
			case err != nil:
				ps.add(0, where, "%q is not a number", raw)
				continue
			case v.IsNegative():
				ps.add(0, where, "%s is negative; counts and ratios cannot be", v)
				continue
			case !names[name]:
				ps.add(0, where, "%q is not an input of the criteria set %q of unit %s", name, fw.Name, code)
				continue
			}
			out = append(out, domain.Input{Period: period, Unit: code, Name: name, Value: v})
			refs = append(refs, cellRef{line, ci + 1})
		}
	}
	if len(ps.list) > 0 {
		return nil, ps.err()
	}
	if len(out) == 0 {
		ps.add(0, fmt.Sprintf("sheet %q", DataSheet), "holds no value (units from row %d, one value per cell)", firstDataRow)
		return nil, ps.err()
	}
	err = checkRules(ctx, lookup, out, func(i int, msg string) {
		ps.add(0, at(refs[i].row, refs[i].col, out[i].Name), "%s", msg)
	})
	if err != nil {
		return nil, err
	}
	return out, ps.err()
}

// maxWorkbook bounds a statistics workbook's file (zipped); maxWorkbookRows
// its rows: one a unit, 10,000 units (twice a national group) and the two
// header rows.
const (
	maxWorkbook     = 32 << 20
	maxWorkbookRows = 10_002
)

// sheetRows reads a sheet's stored values as GetRows does (row i at index
// i-1, empty rows nil), streamed under the workbook's row and cell caps.
func sheetRows(f *xlsxread.Book, sheet string) ([][]string, error) {
	var out [][]string
	err := f.Rows(sheet, true, func(line int, cells []string) error {
		for len(out) < line-1 {
			out = append(out, nil)
		}
		out = append(out, cells)
		return nil
	})
	return out, err
}

// cellNumber reads a cell's raw value. Excel stores numbers as binary
// floating point and writes some with 17 significant digits
// (0.10000000000000001); those are read as the shortest decimal that is the
// same number (0.1).
func cellNumber(raw string) (scoring.Decimal, error) {
	d, err := scoring.ParseDecimal(raw)
	if err != nil {
		return d, err
	}
	digits := strings.TrimLeft(strings.NewReplacer(".", "", "-", "").Replace(d.String()), "0")
	if len(digits) > 15 {
		if f, ferr := strconv.ParseFloat(raw, 64); ferr == nil {
			return scoring.ParseDecimal(strconv.FormatFloat(f, 'f', -1, 64))
		}
	}
	return d, nil
}

func colName(col int) string {
	name, _ := excelize.ColumnNumberToName(col)
	return name
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}
