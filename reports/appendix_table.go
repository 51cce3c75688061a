package reports

import "strconv"

// tableLayout is a group's table on the page: each column's left edge and
// width, and the header's height.
type tableLayout struct {
	x, w []float64
	// fields are the field columns' indices: [first, last).
	first, last int
	// spanH is the height of the header row spanning the field columns;
	// headH the whole header's.
	spanH, headH float64
}

// Fixed columns' widths in points: STT, then after the fields the total,
// the maximum, the index, the rank, the grade and the change of rank.
const (
	colNo     = 22
	colPoints = 38
	colMax    = 36
	colIndex  = 38
	colRank   = 30
	colGrade  = 46
	colChange = 48
	// A field column is kept between these widths; the unit's name takes
	// what is left, at least unitMin.
	fieldMin = 28
	fieldMax = 64
	unitMin  = 100
	unitMax  = 150
)

func (g *AppendixGroup) fixedHeads() []string {
	return []string{g.Head.Points, g.Head.Max, g.Head.Index, g.Head.Rank, g.Head.Grade, g.Head.RankChange}
}

// layoutTable sizes a group's columns: the unit's name as wide as its
// longest value within bounds, the fields sharing the rest.
func layoutTable(p *pdfWriter, g *AppendixGroup) tableLayout {
	n := len(g.Fields)
	fixed := float64(colNo + colPoints + colMax + colIndex + colRank + colGrade + colChange)
	p.setFont(faceRegular, sizeCell)
	unit := float64(unitMin)
	for _, r := range g.Rows {
		unit = max(unit, p.width(r.Name)+2*cellPad)
	}
	unit = min(unit, unitMax)
	field := 0.0
	if n > 0 {
		field = (p.textWidth() - fixed - unit) / float64(n)
		switch {
		case field > fieldMax:
			field = fieldMax
		case field < fieldMin:
			field = max((p.textWidth()-fixed-unitMin)/float64(n), 1)
		}
	}
	unit = p.textWidth() - fixed - field*float64(n)
	widths := []float64{colNo, unit}
	for range n {
		widths = append(widths, field)
	}
	widths = append(widths, colPoints, colMax, colIndex, colRank, colGrade, colChange)
	t := tableLayout{w: widths, first: 2, last: 2 + n}
	x := marginLeft
	for _, w := range widths {
		t.x = append(t.x, x)
		x += w
	}
	lh := lineHeight(sizeHead)
	p.setFont(faceBold, sizeHead)
	t.spanH = lh + 2*cellPad
	fieldLines := 0
	for i, f := range g.Fields {
		fieldLines = max(fieldLines, len(p.wrap(f.Heading+"\n"+f.MaxText, t.w[t.first+i]-2*cellPad)))
	}
	t.headH = t.spanH + float64(fieldLines)*lh + 2*cellPad
	for i, h := range t.spanningHeads(g) {
		if i >= t.first && i < t.last {
			continue
		}
		t.headH = max(t.headH, float64(len(p.wrap(h, t.w[i]-2*cellPad)))*lh+2*cellPad)
	}
	return t
}

// spanningHeads are the headings of every column, "" for the fields'.
func (t tableLayout) spanningHeads(g *AppendixGroup) []string {
	heads := []string{g.Head.No, g.Head.Unit}
	for range g.Fields {
		heads = append(heads, "")
	}
	return append(heads, g.fixedHeads()...)
}

// drawHeader draws the table's header rows at the current position.
func (t tableLayout) drawHeader(p *pdfWriter, g *AppendixGroup) {
	y := p.y
	lh := lineHeight(sizeHead)
	p.setFont(faceBold, sizeHead)
	for i, h := range t.spanningHeads(g) {
		if i >= t.first && i < t.last {
			continue
		}
		p.box(t.x[i], y, t.w[i], t.headH)
		p.centredLines(t.x[i], y, t.w[i], t.headH, p.wrap(h, t.w[i]-2*cellPad), lh)
	}
	if t.last > t.first {
		spanX, spanW := t.x[t.first], t.x[t.last-1]+t.w[t.last-1]-t.x[t.first]
		p.box(spanX, y, spanW, t.spanH)
		p.centredLines(spanX, y, spanW, t.spanH, []string{g.Head.Fields}, lh)
		for i, f := range g.Fields {
			c := t.first + i
			p.box(t.x[c], y+t.spanH, t.w[c], t.headH-t.spanH)
			p.centredLines(t.x[c], y+t.spanH, t.w[c], t.headH-t.spanH, p.wrap(f.Heading+"\n"+f.MaxText, t.w[c]-2*cellPad), lh)
		}
	}
	p.y = y + t.headH
}

// centredLines writes lines centred in a box, horizontally and vertically.
func (p *pdfWriter) centredLines(x, y, w, h float64, lines []string, lh float64) {
	top := y + (h-float64(len(lines))*lh)/2
	for i, l := range lines {
		p.text(x+cellPad, top+float64(i)*lh+0.6, w-2*cellPad, alignCenter, l)
	}
}

// rowHeight is the height of a unit's row: its name may wrap.
func (t tableLayout) rowHeight(p *pdfWriter, r *AppendixRow) float64 {
	p.setFont(faceRegular, sizeCell)
	return float64(len(p.wrap(r.Name, t.w[1]-2*cellPad)))*lineHeight(sizeCell) + 2*cellPad
}

// drawRow draws a unit's row at the current position.
func (t tableLayout) drawRow(p *pdfWriter, r *AppendixRow, h float64) {
	y := p.y
	lh := lineHeight(sizeCell)
	cells := []string{intText(r.No), r.Name}
	cells = append(cells, r.ItemTexts...)
	cells = append(cells, r.PointsText, r.MaxText, r.IndexText, intText(r.Rank), r.GradeName, r.RankChangeText)
	index := len(cells) - 4
	for i, c := range cells {
		p.box(t.x[i], y, t.w[i], h)
		switch {
		case i == 1:
			p.setFont(faceRegular, sizeCell)
			lines := p.wrap(c, t.w[i]-2*cellPad)
			top := y + (h-float64(len(lines))*lh)/2
			for j, l := range lines {
				p.text(t.x[i]+cellPad, top+float64(j)*lh+0.6, t.w[i]-2*cellPad, alignLeft, l)
			}
		default:
			face := faceRegular
			if i == index {
				face = faceBold
			}
			p.setFont(face, sizeCell)
			p.centredLines(t.x[i], y, t.w[i], h, p.wrap(c, t.w[i]-2*cellPad), lh)
		}
	}
	p.y = y + h
}

// writeGroup writes a group's heading, its ranking (header rows repeated
// on every page the table crosses; never one row alone on a page) and its
// key.
func writeGroup(p *pdfWriter, g *AppendixGroup, noUnits string) {
	t := layoutTable(p, g)
	heights := make([]float64, len(g.Rows))
	for i := range g.Rows {
		heights[i] = t.rowHeight(p, &g.Rows[i])
	}
	// The heading, the header and the first two rows go together.
	need := lineHeight(sizeGroup) + 2*lineHeight(sizeNote) + 8 + t.headH
	for i := 0; i < min(2, len(heights)); i++ {
		need += heights[i]
	}
	if !p.fits(need) {
		p.newPage()
	}
	p.paragraph(faceBold, sizeGroup, alignLeft, g.Heading, 0)
	p.paragraph(faceItalic, sizeNote, alignLeft, g.SetName+". "+g.Summary, 0)
	p.y += 4
	if len(g.Rows) == 0 {
		p.paragraph(faceItalic, sizeNote, alignLeft, noUnits, 0)
		return
	}
	p.onPage = func() error {
		t.drawHeader(p, g)
		return p.err
	}
	t.drawHeader(p, g)
	for i := range g.Rows {
		h := heights[i]
		// Break before the second-to-last row rather than leave the last
		// one alone on the next page.
		if i == len(g.Rows)-2 && p.fits(h) && !p.fits(h+heights[i+1]) {
			p.newPage()
		}
		if !p.fits(h) {
			p.newPage()
		}
		t.drawRow(p, &g.Rows[i], h)
	}
	p.onPage = nil
	p.y += 6
	for i, line := range g.Key {
		face, indent := faceRegular, 10.0
		if i == 0 {
			face, indent = faceBoldItalic, 0
		}
		p.paragraph(face, sizeNote, alignLeft, line, indent)
	}
	p.y += 10
}

func intText(n int) string { return strconv.Itoa(n) }
