package reports

import (
	"fmt"
	"strings"

	"github.com/signintech/gopdf"

	"github.com/parindex/parindex/internal/fonts"
)

// The faces of the documents' font, by their names in the PDF.
const (
	faceRegular    = "serif"
	faceBold       = "serif-bold"
	faceItalic     = "serif-italic"
	faceBoldItalic = "serif-bold-italic"
)

// faceFiles are registered in this order, so that the same document
// always makes the same bytes.
var faceFiles = []struct {
	face string
	file fonts.Face
}{
	{faceRegular, fonts.Regular},
	{faceBold, fonts.Bold},
	{faceItalic, fonts.Italic},
	{faceBoldItalic, fonts.BoldItalic},
}

// Page geometry in points: A4 landscape with the margins of Decree
// 30/2020/NĐ-CP (top and bottom 20 mm, left 30 mm for binding, right 15 mm).
const (
	mm         = 72 / 25.4
	pageWidth  = 842.0
	pageHeight = 595.0
	marginTop  = 20 * mm
	marginBot  = 20 * mm
	marginLeft = 30 * mm
	marginRigh = 15 * mm
)

// pdfWriter lays text out on pages: it wraps lines to a width, breaks
// pages when the next block does not fit, and draws each new page's page
// number and watermark.
type pdfWriter struct {
	gp        *gopdf.GoPdf
	page      int
	y         float64
	watermark string
	// onPage runs after a page is started (a table repeats its header).
	onPage func() error
	err    error
}

func newPDFWriter(watermark string) (*pdfWriter, error) {
	gp := &gopdf.GoPdf{}
	gp.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4Landscape, Unit: gopdf.UnitPT})
	for _, f := range faceFiles {
		data, err := fonts.Data(f.file)
		if err != nil {
			return nil, fmt.Errorf("reports: %w", err)
		}
		if err := gp.AddTTFFontData(f.face, data); err != nil {
			return nil, fmt.Errorf("reports: font %s: %w", f.file, err)
		}
	}
	gp.SetLineWidth(0.5)
	return &pdfWriter{gp: gp, watermark: watermark}, nil
}

func (p *pdfWriter) textWidth() float64 { return pageWidth - marginLeft - marginRigh }

// setFont selects a face and size.
func (p *pdfWriter) setFont(face string, size float64) {
	if p.err == nil {
		p.err = p.gp.SetFont(face, "", size)
	}
}

// width measures a text in the current font.
func (p *pdfWriter) width(s string) float64 {
	w, err := p.gp.MeasureTextWidth(s)
	if err != nil && p.err == nil {
		p.err = err
	}
	return w
}

// wrap breaks a text into lines no wider than w in the current font, at
// spaces; a word wider than a line is broken between characters.
func (p *pdfWriter) wrap(s string, w float64) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			cand := word
			if line != "" {
				cand = line + " " + word
			}
			if p.width(cand) <= w {
				line = cand
				continue
			}
			if line != "" {
				lines = append(lines, line)
				line = ""
			}
			for p.width(word) > w {
				r := []rune(word)
				n := len(r) - 1
				for n > 1 && p.width(string(r[:n])) > w {
					n--
				}
				lines = append(lines, string(r[:n]))
				word = string(r[n:])
			}
			line = word
		}
		lines = append(lines, line)
	}
	return lines
}

// Alignment of a text within its box.
const (
	alignLeft = iota
	alignCenter
	alignRight
)

// text writes one line with its top at y, aligned within [x, x+w].
func (p *pdfWriter) text(x, y, w float64, align int, s string) {
	if p.err != nil || s == "" {
		return
	}
	a := gopdf.Left | gopdf.Top
	switch align {
	case alignCenter:
		a = gopdf.Center | gopdf.Top
	case alignRight:
		a = gopdf.Right | gopdf.Top
	}
	p.gp.SetXY(x, y)
	p.err = p.gp.CellWithOption(&gopdf.Rect{W: w, H: 1}, s, gopdf.CellOption{Align: a})
}

// lineHeight is the distance between lines of a size.
func lineHeight(size float64) float64 { return size * 1.18 }

// paragraph writes wrapped lines at the current position across the text
// width, starting a page when they do not fit, and moves down.
func (p *pdfWriter) paragraph(face string, size float64, align int, s string, indent float64) {
	p.setFont(face, size)
	lh := lineHeight(size)
	for _, line := range p.wrap(s, p.textWidth()-indent) {
		if p.y+lh > pageHeight-marginBot {
			p.newPage()
			p.setFont(face, size)
		}
		p.text(marginLeft+indent, p.y, p.textWidth()-indent, align, line)
		p.y += lh
	}
}

// fits reports whether a block of height h fits on the current page.
func (p *pdfWriter) fits(h float64) bool { return p.y+h <= pageHeight-marginBot }

// newPage starts a page: its watermark under everything, its number at
// the top centre from the second page on (Decree 30 leaves the first page
// unnumbered), then whatever the current table repeats.
func (p *pdfWriter) newPage() {
	if p.err != nil {
		return
	}
	p.gp.AddPage()
	p.page++
	if p.watermark != "" {
		p.drawWatermark()
	}
	if p.page > 1 {
		p.setFont(faceRegular, 13)
		p.text(marginLeft, 8*mm, p.textWidth(), alignCenter, fmt.Sprint(p.page))
	}
	// Readers measure a line from the font's full ascent, a little above
	// the line box: start low enough for it to stay inside the margin.
	p.y = marginTop + 3
	if p.onPage != nil && p.err == nil {
		p.err = p.onPage()
	}
}

// drawWatermark writes the draft mark across the page, pale, under the
// content drawn after it.
func (p *pdfWriter) drawWatermark() {
	const size = 110
	p.setFont(faceBold, size)
	w := p.width(p.watermark)
	cx, cy := pageWidth/2, pageHeight/2
	p.gp.SetTextColor(225, 225, 225)
	p.gp.Rotate(25, cx, cy)
	p.text(cx-w/2, cy-size*0.45, w, alignLeft, p.watermark)
	p.gp.RotateReset()
	p.gp.SetTextColor(0, 0, 0)
}

// rule draws a horizontal line.
func (p *pdfWriter) rule(x1, x2, y float64) {
	if p.err == nil {
		p.gp.Line(x1, y, x2, y)
	}
}

// box draws a cell's border.
func (p *pdfWriter) box(x, y, w, h float64) {
	if p.err == nil {
		p.gp.RectFromUpperLeftWithStyle(x, y, w, h, "D")
	}
}
