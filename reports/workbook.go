package reports

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/xuri/excelize/v2"

	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// Number formats of the workbook.
const (
	fmtTwo    = "0.00"
	fmtInt    = "0"
	a4        = 9 // excelize's paper size code of A4
	firstData = 6 // the first data row of a summary sheet
)

// styles are the workbook's cell styles.
type styles struct {
	title, subtitle, header, colNo, text, two, integer, center, bold, boldTwo int
	// names are the criteria names' styles by depth in the tree: [0] plain
	// (leaves), [1] bold (groups), indented one level per depth.
	names [2][]int
}

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "top", Color: "000000", Style: 1},
		{Type: "right", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	two, integer := fmtTwo, fmtInt
	defs := []struct {
		dst *int
		st  *excelize.Style
	}{
		{&s.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14, Family: "Times New Roman"},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&s.subtitle, &excelize.Style{Font: &excelize.Font{Italic: true, Size: 12, Family: "Times New Roman"},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&s.header, &excelize.Style{Font: &excelize.Font{Bold: true, Family: "Times New Roman"}, Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&s.colNo, &excelize.Style{Font: &excelize.Font{Italic: true, Family: "Times New Roman"}, Border: border,
			Alignment: &excelize.Alignment{Horizontal: "center"}}},
		{&s.text, &excelize.Style{Font: &excelize.Font{Family: "Times New Roman"}, Border: border,
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}},
		{&s.two, &excelize.Style{Font: &excelize.Font{Family: "Times New Roman"}, Border: border, CustomNumFmt: &two}},
		{&s.integer, &excelize.Style{Font: &excelize.Font{Family: "Times New Roman"}, Border: border, CustomNumFmt: &integer,
			Alignment: &excelize.Alignment{Horizontal: "center"}}},
		{&s.center, &excelize.Style{Font: &excelize.Font{Family: "Times New Roman"}, Border: border,
			Alignment: &excelize.Alignment{Horizontal: "center"}}},
		{&s.bold, &excelize.Style{Font: &excelize.Font{Bold: true, Family: "Times New Roman"}, Border: border,
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}},
		{&s.boldTwo, &excelize.Style{Font: &excelize.Font{Bold: true, Family: "Times New Roman"}, Border: border, CustomNumFmt: &two}},
	}
	for _, d := range defs {
		id, err := f.NewStyle(d.st)
		if err != nil {
			return s, fmt.Errorf("reports: style: %w", err)
		}
		*d.dst = id
	}
	for depth := range maxDepth {
		for i, bold := range []bool{false, true} {
			id, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: bold, Family: "Times New Roman"}, Border: border,
				Alignment: &excelize.Alignment{Vertical: "center", WrapText: true, Indent: depth}})
			if err != nil {
				return s, fmt.Errorf("reports: style: %w", err)
			}
			s.names[i] = append(s.names[i], id)
		}
	}
	return s, nil
}

// nameStyle is the style of a criteria name at a depth of the tree.
func (s styles) nameStyle(group bool, depth int) int {
	i := 0
	if group {
		i = 1
	}
	return s.names[i][min(depth, len(s.names[i])-1)]
}

// maxDepth is the deepest indentation the unit sheets show; deeper items
// share it.
const maxDepth = 8

// WriteWorkbook writes the period's workbook: per group a summary sheet
// laid out as a published appendix and a chart sheet, a sheet per unit
// with its criteria tree and every stage's points and comments, the survey
// sheets and the programme targets sheet. It drops each unit's recorded
// values (wd's Group.Data) once the unit's sheet is written, so that a
// workbook of thousands of units never holds both: wd serves one workbook.
func WriteWorkbook(w io.Writer, wd *WorkbookData) error {
	f := excelize.NewFile()
	defer f.Close()
	// excelize builds the zip in a buffer of its own, handed to this hook,
	// then copies it to the writer. The workbook is written straight to w
	// instead: a large workbook's compressed file need not sit in memory
	// beside its sheets.
	f.ZipWriter = func(io.Writer) excelize.ZipWriter { return fastZip(w) }
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	names := newSheetNames()
	var titles []printTitle
	count := 0
	// sheet adds a sheet whose rows headerRows ("" for none) repeat on
	// every printed page.
	sheet := func(name, headerRows string) (string, error) {
		name = names.take(name)
		if headerRows != "" {
			titles = append(titles, printTitle{index: count, sheet: name, rows: headerRows})
		}
		count++
		if count == 1 {
			return name, f.SetSheetName("Sheet1", name)
		}
		_, err := f.NewSheet(name)
		return name, err
	}
	type chartJob struct {
		summary string
		g       results.Group
		gname   string
	}
	var jobs []chartJob
	for _, g := range wd.Output.Groups {
		gname := nameOr(wd.GroupNames[g.Code], g.Code)
		name, err := sheet(label("summary.sheet", g.Code), "$4:$5")
		if err != nil {
			return fmt.Errorf("reports: sheet: %w", err)
		}
		if err := writeSummary(f, st, name, wd, g, gname); err != nil {
			return err
		}
		jobs = append(jobs, chartJob{name, g, gname})
	}
	for _, j := range jobs {
		name, err := sheet(label("charts.sheet", j.g.Code), "")
		if err != nil {
			return fmt.Errorf("reports: sheet: %w", err)
		}
		if err := writeCharts(f, st, name, j.summary, j.g, j.gname); err != nil {
			return err
		}
	}
	for _, sv := range wd.Surveys {
		name, err := sheet(label("survey.sheet", sv.Code), "$3:$3")
		if err != nil {
			return fmt.Errorf("reports: sheet: %w", err)
		}
		if err := writeSurvey(f, st, name, sv); err != nil {
			return err
		}
	}
	if wd.Targets != nil {
		name, err := sheet(label("targets.sheet"), "$3:$3")
		if err != nil {
			return fmt.Errorf("reports: sheet: %w", err)
		}
		if err := writeTargets(f, st, name, wd.Targets); err != nil {
			return err
		}
	}
	if err := writeAnalysis(sheet, f, st, wd); err != nil {
		return err
	}
	// Unit sheets: created one by one (excelize's sheet list is not safe
	// for concurrent use), their rows written in parallel.
	var units []unitSheet
	for gi := range wd.Output.Groups {
		g := &wd.Output.Groups[gi]
		for i := range g.Results {
			name, err := sheet(g.Results[i].Unit, "$3:$3")
			if err != nil {
				return fmt.Errorf("reports: sheet: %w", err)
			}
			if err := pageSetup(f, name); err != nil {
				return err
			}
			sw, err := f.NewStreamWriter(name)
			if err != nil {
				return fmt.Errorf("reports: stream %s: %w", name, err)
			}
			units = append(units, unitSheet{sw: sw, g: g, r: &g.Results[i]})
		}
	}
	if err := writeUnits(st, wd, units); err != nil {
		return err
	}
	if err := setPrintTitles(f, titles); err != nil {
		return err
	}
	if _, err := f.WriteToBuffer(); err != nil {
		return fmt.Errorf("reports: write workbook: %w", err)
	}
	return nil
}

// fastZip compresses the workbook at deflate's fastest level: the sheets
// are repetitive XML that still shrinks about sevenfold, in half the time
// of the default level. Compressors are pooled: each holds about a
// megabyte of state, and a workbook has a file per sheet.
func fastZip(w io.Writer) excelize.ZipWriter {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		fw, ok := flatePool.Get().(*flate.Writer)
		if ok {
			fw.Reset(out)
			return pooledFlate{fw}, nil
		}
		fw, err := flate.NewWriter(out, flate.BestSpeed)
		return pooledFlate{fw}, err
	})
	return zw
}

var flatePool sync.Pool

// pooledFlate returns its compressor to the pool once closed.
type pooledFlate struct{ *flate.Writer }

func (p pooledFlate) Close() error {
	err := p.Writer.Close()
	flatePool.Put(p.Writer)
	return err
}

// sheetNames makes sheet names valid and unique: at most 31 characters,
// none of : \ / ? * [ ], case-insensitively distinct.
type sheetNames map[string]bool

func newSheetNames() sheetNames { return sheetNames{} }

func (s sheetNames) take(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '_'
		}
		return r
	}, name)
	name = strings.Trim(name, "'")
	if name == "" {
		name = "_"
	}
	base := truncateRunes(name, 31)
	cand := base
	for i := 2; s[strings.ToLower(cand)]; i++ {
		suffix := fmt.Sprintf("~%d", i)
		cand = truncateRunes(base, 31-len(suffix)) + suffix
	}
	s[strings.ToLower(cand)] = true
	return cand
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

func colName(col int) string {
	name, _ := excelize.ColumnNumberToName(col)
	return name
}

// quoted is a sheet name as a formula reference.
func quoted(sheet string) string { return "'" + strings.ReplaceAll(sheet, "'", "''") + "'" }

// pageSetup prints the sheet on A4 landscape, one page wide. The header
// rows repeated on every page are set for all sheets at once by
// setPrintTitles.
func pageSetup(f *excelize.File, sheet string) error {
	size, orient, fitW, fitH := a4, "landscape", 1, 0
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient,
		FitToWidth: &fitW, FitToHeight: &fitH}); err != nil {
		return fmt.Errorf("reports: page layout: %w", err)
	}
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return fmt.Errorf("reports: sheet props: %w", err)
	}
	return nil
}

// printTitle is a sheet's header rows repeated on every printed page.
type printTitle struct {
	index int // the sheet's position in the workbook
	sheet string
	rows  string // "$3:$3"
}

// setPrintTitles defines every sheet's print titles. excelize's
// SetDefinedName compares a new name with every existing one, resolving
// each one's sheet by listing all sheets: O(names × sheets) a call, so a
// workbook of 2,000 unit sheets took minutes. The first title goes through
// SetDefinedName, which creates the workbook's list of defined names; the
// others are copies of it appended directly. The sheets are distinct, so
// the names cannot clash.
func setPrintTitles(f *excelize.File, titles []printTitle) error {
	if len(titles) == 0 {
		return nil
	}
	first := titles[0]
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: first.sheet,
		RefersTo: quoted(first.sheet) + "!" + first.rows}); err != nil {
		return fmt.Errorf("reports: print titles of %s: %w", first.sheet, err)
	}
	names := f.WorkBook.DefinedNames
	tmpl := names.DefinedName[len(names.DefinedName)-1]
	for _, t := range titles[1:] {
		d := tmpl
		d.LocalSheetID = &t.index
		d.Data = quoted(t.sheet) + "!" + t.rows
		names.DefinedName = append(names.DefinedName, d)
	}
	return nil
}

// summaryColumns are the columns of a group's summary sheet.
type summaryColumns struct {
	fields                                           []*scoring.Item
	points, max, index, rank, grade, rankCh, indexCh int
	last                                             int
}

func columnsOf(fw *scoring.Framework) summaryColumns {
	c := summaryColumns{fields: fw.Items}
	next := 4 + len(fw.Items)
	c.points, c.max, c.index, c.rank, c.grade, c.rankCh, c.indexCh = next, next+1, next+2, next+3, next+4, next+5, next+6
	c.last = c.indexCh
	return c
}

func writeSummary(f *excelize.File, st styles, sheet string, wd *WorkbookData, g results.Group, gname string) error {
	if err := pageSetup(f, sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("reports: stream %s: %w", sheet, err)
	}
	cols := columnsOf(g.Framework)
	widths := map[int]float64{1: 6, 2: 12, 3: 40}
	for i := 4; i <= cols.last; i++ {
		widths[i] = 12
	}
	for c := 1; c <= cols.last; c++ {
		if err := sw.SetColWidth(c, c, widths[c]); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 3, YSplit: firstData - 1,
		TopLeftCell: cell(4, firstData), ActivePane: "bottomRight"}); err != nil {
		return err
	}
	third := label("summary.period", wd.Period)
	if wd.Decision != "" {
		third = label("summary.decision", wd.Decision)
	}
	titles := []struct {
		text  string
		style int
	}{
		{label("summary.title", wd.Period), st.title},
		{label("summary.group", gname, g.Framework.Name), st.subtitle},
		{third, st.subtitle},
	}
	for i, t := range titles {
		row := i + 1
		if err := sw.SetRow(cell(1, row), []any{excelize.Cell{StyleID: t.style, Value: t.text}},
			excelize.RowOpts{Height: 22}); err != nil {
			return err
		}
		if err := sw.MergeCell(cell(1, row), cell(cols.last, row)); err != nil {
			return err
		}
	}
	header := []any{hdr(st, label("col.stt")), hdr(st, label("col.code")), hdr(st, label("col.unit"))}
	for _, it := range cols.fields {
		header = append(header, hdr(st, label("col.field", it.Code, it.Name, scoring.FormatPublished(it.Max))))
	}
	for _, k := range []string{"col.points", "col.max", "col.index", "col.rank", "col.grade", "col.rank_change", "col.index_change"} {
		header = append(header, hdr(st, label(k)))
	}
	if err := sw.SetRow(cell(1, 4), header, excelize.RowOpts{Height: 60}); err != nil {
		return err
	}
	numbers := make([]any, cols.last)
	for i := range numbers {
		numbers[i] = excelize.Cell{StyleID: st.colNo, Value: fmt.Sprintf("(%d)", i+1)}
	}
	if err := sw.SetRow(cell(1, 5), numbers); err != nil {
		return err
	}
	row := firstData
	for i := range g.Results {
		r := &g.Results[i]
		vals := []any{
			excelize.Cell{StyleID: st.integer, Value: i + 1},
			excelize.Cell{StyleID: st.text, Value: r.Unit},
			excelize.Cell{StyleID: st.text, Value: nameOr(r.UnitName, r.Unit)},
		}
		for _, it := range cols.fields {
			vals = append(vals, excelize.Cell{StyleID: st.two, Value: num(r.Nodes[it.Code].Points)})
		}
		vals = append(vals,
			excelize.Cell{StyleID: st.boldTwo, Value: num(r.Points)},
			excelize.Cell{StyleID: st.two, Value: num(r.Max)},
			excelize.Cell{StyleID: st.boldTwo, Value: num(r.Index)},
			excelize.Cell{StyleID: st.integer, Value: r.Rank},
			excelize.Cell{StyleID: st.center, Value: r.Grade.Code},
		)
		if r.RankChange != nil {
			vals = append(vals, excelize.Cell{StyleID: st.integer, Value: *r.RankChange})
		} else {
			vals = append(vals, excelize.Cell{StyleID: st.integer})
		}
		if r.IndexChange != nil {
			vals = append(vals, excelize.Cell{StyleID: st.two, Value: num(*r.IndexChange)})
		} else {
			vals = append(vals, excelize.Cell{StyleID: st.two})
		}
		if err := sw.SetRow(cell(1, row), vals); err != nil {
			return err
		}
		row++
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("reports: flush %s: %w", sheet, err)
	}
	return nil
}

func hdr(st styles, text string) excelize.Cell { return excelize.Cell{StyleID: st.header, Value: text} }

// writeCharts writes a group's grade table and its native charts: the
// ranking (from the summary sheet) and the grade distribution.
func writeCharts(f *excelize.File, st styles, sheet, summary string, g results.Group, gname string) error {
	if err := f.SetCellValue(sheet, "A1", label("charts.grades", gname)); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", "A1", st.title); err != nil {
		return err
	}
	if err := f.MergeCell(sheet, "A1", "H1"); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "A", "A", 24); err != nil {
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
		if err := f.AddChart(sheet, "D3", &excelize.Chart{
			Type:   excelize.Col,
			Series: []excelize.ChartSeries{{Name: quoted(sheet) + "!$B$3", Categories: fmt.Sprintf("%s!$A$4:$A$%d", quoted(sheet), last), Values: fmt.Sprintf("%s!$B$4:$B$%d", quoted(sheet), last)}},
			Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: label("charts.grades", gname)}}},
			Legend: excelize.ChartLegend{Position: "none"},
			Format: excelize.GraphicOptions{ScaleX: 1, ScaleY: 1},
		}); err != nil {
			return fmt.Errorf("reports: grade chart: %w", err)
		}
	}
	n := len(g.Results)
	if n == 0 {
		return nil
	}
	cols := columnsOf(g.Framework)
	end := firstData + n - 1
	height := min(max(320, 18*n+80), 4000)
	if err := f.AddChart(sheet, "D20", &excelize.Chart{
		Type: excelize.Bar,
		Series: []excelize.ChartSeries{{
			Name:       fmt.Sprintf("%s!$%s$4", quoted(summary), colName(cols.index)),
			Categories: fmt.Sprintf("%s!$C$%d:$C$%d", quoted(summary), firstData, end),
			Values:     fmt.Sprintf("%s!$%s$%d:$%s$%d", quoted(summary), colName(cols.index), firstData, colName(cols.index), end),
		}},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: label("charts.ranking", gname)}}},
		Legend:    excelize.ChartLegend{Position: "none"},
		Dimension: excelize.ChartDimension{Width: 720, Height: uint(height)},
		XAxis:     excelize.ChartAxis{ReverseOrder: true},
	}); err != nil {
		return fmt.Errorf("reports: ranking chart: %w", err)
	}
	return nil
}
