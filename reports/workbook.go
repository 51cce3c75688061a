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
)

// Number formats of the workbook.
const (
	fmtTwo = "0.00"
	fmtInt = "0"
	a4     = 9 // excelize's paper size code of A4
)

// styles are the workbook's cell styles.
type styles struct {
	title, subtitle, header, colNo, text, two, integer, center, bold, boldTwo int
	// The summary sheets' document styles: the heading as in the PDF
	// appendix, signed bonus and penalty, a total marked when its rounded
	// parts do not add up, the key and the signature block.
	issuer, issuerBold, dateLine, attached, groupHead, summaryLine, key, keyHead int
	recipHead, recip, signer, bonus, starred, signedInt, signedTwo               int
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
		{&s.two, &excelize.Style{Font: &excelize.Font{Family: "Times New Roman"}, Border: border, CustomNumFmt: &two,
			Alignment: &excelize.Alignment{Vertical: "center"}}},
		{&s.integer, &excelize.Style{Font: &excelize.Font{Family: "Times New Roman"}, Border: border, CustomNumFmt: &integer,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&s.center, &excelize.Style{Font: &excelize.Font{Family: "Times New Roman"}, Border: border,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&s.bold, &excelize.Style{Font: &excelize.Font{Bold: true, Family: "Times New Roman"}, Border: border,
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}},
		{&s.boldTwo, &excelize.Style{Font: &excelize.Font{Bold: true, Family: "Times New Roman"}, Border: border, CustomNumFmt: &two,
			Alignment: &excelize.Alignment{Vertical: "center"}}},
	}
	tnr := func(bold, italic bool, size float64) *excelize.Font {
		return &excelize.Font{Bold: bold, Italic: italic, Size: size, Family: "Times New Roman"}
	}
	centre := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	left := &excelize.Alignment{Horizontal: "left", Vertical: "top", WrapText: true}
	signed2, signed0, starred := "+0.00;-0.00;0.00", "+0;-0;0", `0.00"*"`
	defs = append(defs, []struct {
		dst *int
		st  *excelize.Style
	}{
		{&s.issuer, &excelize.Style{Font: tnr(false, false, 13), Alignment: centre}},
		{&s.issuerBold, &excelize.Style{Font: tnr(true, false, 13), Alignment: centre}},
		{&s.dateLine, &excelize.Style{Font: tnr(false, true, 14), Alignment: centre}},
		{&s.attached, &excelize.Style{Font: tnr(false, true, 14), Alignment: centre}},
		{&s.groupHead, &excelize.Style{Font: tnr(true, false, 13), Alignment: left}},
		{&s.summaryLine, &excelize.Style{Font: tnr(false, true, 11), Alignment: left}},
		{&s.key, &excelize.Style{Font: tnr(false, false, 11), Alignment: left}},
		{&s.keyHead, &excelize.Style{Font: tnr(true, true, 11), Alignment: left}},
		{&s.recipHead, &excelize.Style{Font: tnr(true, true, 12), Alignment: left}},
		{&s.recip, &excelize.Style{Font: tnr(false, false, 11), Alignment: left}},
		{&s.signer, &excelize.Style{Font: tnr(true, false, 13), Alignment: centre}},
		{&s.bonus, &excelize.Style{Font: tnr(false, false, 11), Border: border, CustomNumFmt: &signed2, Alignment: &excelize.Alignment{Vertical: "center"}}},
		{&s.starred, &excelize.Style{Font: tnr(true, false, 11), Border: border, CustomNumFmt: &starred, Alignment: &excelize.Alignment{Vertical: "center"}}},
		{&s.signedInt, &excelize.Style{Font: tnr(false, false, 11), Border: border, CustomNumFmt: &signed0, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&s.signedTwo, &excelize.Style{Font: tnr(false, false, 11), Border: border, CustomNumFmt: &signed2, Alignment: &excelize.Alignment{Vertical: "center"}}},
	}...)
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
	if wd.Appendix == nil {
		// Data assembled without Sources: a heading from the defaults.
		wd.Appendix = NewAppendix(wd.Output, wd.GroupNames, nil, DefaultDocumentConfig(""), timeNow())
	}
	lay := summaryLayoutOf(wd.Appendix)
	type chartJob struct {
		summary string
		g       results.Group
		gname   string
	}
	var jobs []chartJob
	for gi, g := range wd.Output.Groups {
		gname := nameOr(wd.GroupNames[g.Code], g.Code)
		name, err := sheet(label("summary.sheet", g.Code), lay.PrintTitles())
		if err != nil {
			return fmt.Errorf("reports: sheet: %w", err)
		}
		if err := writeSummary(f, st, name, wd, g, &wd.Appendix.Groups[gi]); err != nil {
			return err
		}
		jobs = append(jobs, chartJob{name, g, gname})
	}
	for _, j := range jobs {
		name, err := sheet(label("charts.sheet", j.g.Code), "")
		if err != nil {
			return fmt.Errorf("reports: sheet: %w", err)
		}
		if err := writeCharts(f, st, name, j.summary, j.g, j.gname, lay); err != nil {
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
			if wd.HiddenUnits[g.Results[i].Unit] {
				continue
			}
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
	return pageFooter(f, sheet)
}

// pageFooter prints the sheet's name and the page number at the foot of
// every page, so that a printed workbook's pages can be told apart.
func pageFooter(f *excelize.File, sheet string) error {
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddFooter: `&L&"Times New Roman,Italic"&9&A&R&"Times New Roman,Regular"&9` + label("footer.page") + ` &P`,
	}); err != nil {
		return fmt.Errorf("reports: footer: %w", err)
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
