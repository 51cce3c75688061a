package main

import (
	"context"
	"math"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/parindex/parindex/internal/fonts"
	"github.com/parindex/parindex/internal/pdfcheck"
)

// printWorkbook converts a workbook to PDF with LibreOffice, as a person
// printing it would.
func printWorkbook(t *testing.T, book string) string {
	t.Helper()
	soffice := findSoffice()
	if soffice == "" {
		t.Fatal("LibreOffice (soffice) is required: apt-get install libreoffice-calc")
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "--headless", "--norestore",
		"-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "pdf", "--outdir", dir, book)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	return filepath.Join(dir, strings.TrimSuffix(filepath.Base(book), ".xlsx")+".pdf")
}

var pageNumber = regexp.MustCompile(`^[0-9]+$`)

// sheetPages groups a printed workbook's pages by sheet, from the footer
// every page carries: the sheet's name on the left, "Trang N" on the
// right, on one line at the foot of the page.
func sheetPages(t *testing.T, pages []pdfcheck.Page) map[string][]int {
	t.Helper()
	out := map[string][]int{}
	for i, p := range pages {
		var trang *pdfcheck.Word
		for j, w := range p.Words {
			if w.Text == "Trang" && j+1 < len(p.Words) && pageNumber.MatchString(p.Words[j+1].Text) && (trang == nil || w.YMin > trang.YMin) {
				trang = &p.Words[j]
			}
		}
		if trang == nil {
			t.Errorf("page %d has no footer", i+1)
			continue
		}
		var foot []pdfcheck.Word
		for _, w := range p.Words {
			// Same line, same size: a chart's labels may sit at the foot too.
			if math.Abs(w.YMin-trang.YMin) < 0.5 && math.Abs((w.YMax-w.YMin)-(trang.YMax-trang.YMin)) < 0.5 && w.XMax < trang.XMin-20 {
				foot = append(foot, w)
			}
		}
		sort.Slice(foot, func(a, b int) bool { return foot[a].XMin < foot[b].XMin })
		var name []string
		for _, w := range foot {
			name = append(name, w.Text)
		}
		out[strings.Join(name, " ")] = append(out[strings.Join(name, " ")], i)
	}
	return out
}

// The demo's 2025 workbook printed by LibreOffice: each chart on a page of
// its own, each summary's width on one page with its header rows on every
// page, unit sheets with their header on every page, and no text printed
// over other text anywhere.
func TestReportWorkbookPrints(t *testing.T) {
	_, book := demoWorkbook(t)
	pdf := printWorkbook(t, book)
	pages := pdfcheck.Boxes(t, pdf)
	text := pdfcheck.Text(t, pdf)
	bySheet := sheetPages(t, pages)
	for _, g := range []string{"SO", "XA"} {
		charts := bySheet["Biểu đồ "+g]
		if len(charts) != 2 {
			t.Errorf("Biểu đồ %s prints on %d pages, want 2 (one chart a page)", g, len(charts))
			continue
		}
		// (LibreOffice writes a chart's text on every page its sheet
		// prints, clipped where the chart is not: a page's text may name
		// the other chart, but each page shows its own.)
		if !strings.Contains(text[charts[0]], "Phân bố xếp loại") || !strings.Contains(text[charts[1]], "Xếp hạng Chỉ số CCHC") {
			t.Errorf("Biểu đồ %s: the grade chart and the ranking are not on pages of their own", g)
		}
		summary := bySheet["Tổng hợp "+g]
		if len(summary) == 0 || len(summary) > 6 {
			t.Errorf("Tổng hợp %s prints on %d pages", g, len(summary))
		}
		for _, i := range summary {
			// The first and the last column on the same page: the width
			// fits one page; the header rows repeat.
			body := pdfcheck.Squash(text[i])
			if !strings.Contains(body, "STT") || !strings.Contains(body, "Tăng/giảm chỉ số") {
				t.Errorf("Tổng hợp %s page %d lacks the header's first or last column", g, i+1)
			}
		}
	}
	units, analysis := 0, 0
	for sheet, idx := range bySheet {
		if strings.HasPrefix(sheet, "Tổng hợp") || strings.HasPrefix(sheet, "Biểu đồ") || strings.HasPrefix(sheet, "Mục tiêu") {
			continue
		}
		if isAnalysisSheet(sheet) {
			// Rank intervals, self-assessment, years, comparisons: a
			// table whose header row repeats on every page.
			analysis++
			for _, i := range idx {
				if !strings.Contains(pdfcheck.Squash(text[i]), "STT") {
					t.Errorf("analysis sheet %s page %d lacks its header row", sheet, i+1)
				}
			}
			continue
		}
		units++
		for _, i := range idx {
			if !strings.Contains(pdfcheck.Squash(text[i]), "Lĩnh vực, tiêu chí, tiêu chí thành phần") {
				t.Errorf("unit sheet %s page %d lacks the header", sheet, i+1)
			}
		}
		if len(idx) > 6 {
			t.Errorf("unit sheet %s prints on %d pages", sheet, len(idx))
		}
	}
	if units != 78 {
		t.Errorf("%d unit sheets printed, want 78", units)
	}
	// Per group: rank intervals, self-assessment, years side by side; and
	// the communes' comparisons through the lineage.
	if analysis != 7 {
		t.Errorf("%d analysis sheets printed, want 7", analysis)
	}
	if len(bySheet["Mục tiêu chương trình"]) == 0 {
		t.Error("the targets sheet is not printed")
	}
	charts := map[int]bool{}
	for sheet, idx := range bySheet {
		for _, i := range idx {
			charts[i] = strings.HasPrefix(sheet, "Biểu đồ")
		}
	}
	for i, p := range pages {
		if charts[i] {
			continue // the clipped text of the other chart, see above
		}
		if over := pdfcheck.Overlaps(p); len(over) > 0 {
			t.Errorf("page %d: text over text: %v", i+1, over[:min(3, len(over))])
		}
	}
	checkCellsFit(t, book)
}

// checkCellsFit checks every cell of every sheet against its column: text
// that does not wrap is no wider than the column (or the merged columns),
// text that wraps has its lines within the row's height.
func checkCellsFit(t *testing.T, book string) {
	t.Helper()
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const pad = 4 // a spreadsheet's inner margins, in points
	colPts := func(chars float64) float64 { return (7*chars + 5) * 0.75 }
	bad := 0
	for _, sheet := range f.GetSheetList() {
		merges, _ := f.GetMergeCells(sheet)
		span := map[string][2]int{} // top-left cell → columns, rows spanned
		for _, m := range merges {
			c1, r1, _ := excelize.CellNameToCoordinates(m.GetStartAxis())
			c2, r2, _ := excelize.CellNameToCoordinates(m.GetEndAxis())
			span[m.GetStartAxis()] = [2]int{c2 - c1 + 1, r2 - r1 + 1}
		}
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				if v == "" {
					continue
				}
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				sp := span[ref]
				cols, nrows := max(sp[0], 1), max(sp[1], 1)
				width, height := 0.0, 0.0
				for k := range cols {
					name, _ := excelize.ColumnNumberToName(c + 1 + k)
					w, _ := f.GetColWidth(sheet, name)
					width += colPts(w)
				}
				for k := range nrows {
					h, _ := f.GetRowHeight(sheet, r+1+k)
					height += h
				}
				id, _ := f.GetCellStyle(sheet, ref)
				st, _ := f.GetStyle(id)
				face, size := fonts.Regular, 11.0
				if st != nil && st.Font != nil {
					if st.Font.Size > 0 {
						size = st.Font.Size
					}
					switch {
					case st.Font.Bold && st.Font.Italic:
						face = fonts.BoldItalic
					case st.Font.Bold:
						face = fonts.Bold
					case st.Font.Italic:
						face = fonts.Italic
					}
				}
				wrap := st != nil && st.Alignment != nil && st.Alignment.WrapText
				indent := 0.0
				if st != nil && st.Alignment != nil {
					indent = float64(st.Alignment.Indent) * 9
				}
				avail := width - pad - indent
				if !wrap {
					if w := fonts.Width(face, size, v); w > avail+0.5 {
						bad++
						if bad <= 10 {
							t.Errorf("%s!%s %q is %.0f pt wide in a %.0f pt column", sheet, ref, v, w, avail)
						}
					}
					continue
				}
				lines := fonts.Lines(face, size, avail, v)
				if need := float64(len(lines)) * size * 1.15; need > height+0.5 {
					bad++
					if bad <= 10 {
						t.Errorf("%s!%s %q needs %d lines (%.0f pt) in a row %.0f pt tall", sheet, ref, v, len(lines), need, height)
					}
				}
			}
		}
	}
	if bad > 10 {
		t.Errorf("%d cells in all do not fit", bad)
	}
}

// isAnalysisSheet reports whether a sheet is one of a group's analysis
// sheets (rank intervals, self-assessment, years side by side, the
// comparisons through the lineage).
func isAnalysisSheet(name string) bool {
	for _, p := range []string{"Khoảng hạng ", "Tự đánh giá ", "Qua các năm ", "So sánh "} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
