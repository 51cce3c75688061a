package reports

import (
	"math"
	"time"

	"github.com/parindex/parindex/internal/fonts"
)

// The workbook's cells are laid out from their content: a column is as
// wide as its text needs within bounds, a row as tall as its wrapped lines.
// Widths are measured with the typeface spreadsheets print "Times New
// Roman" with (LibreOffice substitutes the metric-compatible Liberation
// Serif, the font of package fonts).

// cellPadding is the room a spreadsheet leaves inside a cell, left and
// right together, in points.
const cellPadding = 6

// columnPoints is a column width given in Excel's unit (the width of a
// digit of the workbook's default font, Calibri 11: 7 pixels, plus 5
// pixels of margin) as points.
func columnPoints(chars float64) float64 { return (7*chars + 5) * 0.75 }

// columnChars is the column width, in Excel's unit, that is points wide.
func columnChars(points float64) float64 {
	return math.Ceil((points/0.75-5)/7*4) / 4
}

// face is a cell font: bold or not, and its size.
type face struct {
	bold   bool
	italic bool
	size   float64
}

var (
	plain     = face{size: 11}
	boldPlain = face{bold: true, size: 11}
)

func (f face) font() fonts.Face {
	switch {
	case f.bold && f.italic:
		return fonts.BoldItalic
	case f.bold:
		return fonts.Bold
	case f.italic:
		return fonts.Italic
	}
	return fonts.Regular
}

// fitChars is the column width that holds each text on one line, within
// [lo, hi].
func fitChars(f face, lo, hi float64, texts ...string) float64 {
	w := 0.0
	for _, t := range texts {
		w = max(w, fonts.Width(f.font(), f.size, t)+cellPadding)
	}
	return min(max(columnChars(w), lo), hi)
}

// lineCount is how many lines a text wraps to in a column of width chars.
func lineCount(f face, chars float64, text string) int {
	if text == "" {
		return 1
	}
	return fonts.LineCount(f.font(), f.size, columnPoints(chars)-cellPadding, text)
}

// lineHeight is the height of one line of a face in a spreadsheet row.
func (f face) lineHeight() float64 { return math.Ceil(f.size*1.25 + 0.5) }

// rowHeight is the height of a row whose cells wrap to lines, in points:
// the tallest cell, plus a little room.
func rowHeight(f face, lines int) float64 {
	return float64(max(lines, 1))*f.lineHeight() + 3
}

// timeNow is the clock of data assembled without Sources.
var timeNow = time.Now
