package reports

import (
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// summaryColumns are the columns of a group's summary sheet: STT, the
// unit's code and name, one per top-level item, then the total, the
// maximum, the index, the rank, the grade and the changes.
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

// summaryLayout is where a summary sheet's table is: its two header rows
// and the column numbers (repeated on every printed page), and the first
// data row.
type summaryLayout struct {
	headTop, headBottom, numbers, firstData int
}

// PrintTitles are the rows repeated on every printed page.
func (l summaryLayout) PrintTitles() string { return fmt.Sprintf("$%d:$%d", l.headTop, l.numbers) }

// summaryLayoutOf places the table after the appendix's heading.
func summaryLayoutOf(a *Appendix) summaryLayout {
	row := summaryHeadingRows(len(a.Config.Issuer)) + 1
	return summaryLayout{headTop: row, headBottom: row + 1, numbers: row + 2, firstData: row + 3}
}

// summaryHeadingRows is how many rows a summary sheet's heading takes with
// an issuing body of n lines: the issuing body beside the national heading
// (at least two rows), the rules under them, the number beside the date, a
// blank row, the title's three rows, the group's heading and its summary.
func summaryHeadingRows(n int) int { return max(n, 2) + 3 + 5 }

// writeSummary writes a group's summary sheet laid out as the decision
// appendix: the same heading, title, key and signature block as the PDF,
// with the unit's code beside its name for analysts, bonus and penalty
// with their signs and a total marked (*) where the rounded fields do not
// add up to it.
func writeSummary(f *excelize.File, st styles, sheet string, wd *WorkbookData, g results.Group, ag *AppendixGroup) error {
	if err := pageSetup(f, sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("reports: stream %s: %w", sheet, err)
	}
	a := wd.Appendix
	cols := columnsOf(g.Framework)
	lay := summaryLayoutOf(a)
	// Widths from content.
	codes, names, grades := []string{label("col.code")}, []string{}, []string{label("col.grade")}
	for _, r := range ag.Rows {
		codes = append(codes, r.Unit)
		names = append(names, r.Name)
		grades = append(grades, r.GradeName)
	}
	widths := make([]float64, cols.last+1)
	widths[1] = fitChars(plain, 4, 6, intText(len(ag.Rows)), "STT")
	widths[2] = fitChars(plain, 8, 24, codes...)
	widths[3] = fitChars(plain, 22, 38, names...)
	for i := range cols.fields {
		widths[4+i] = 10
	}
	widths[cols.points], widths[cols.max], widths[cols.index], widths[cols.rank] = 9, 9, 9, 7
	widths[cols.grade] = fitChars(plain, 9, 14, grades...)
	widths[cols.rankCh], widths[cols.indexCh] = 11, 11
	for c := 1; c <= cols.last; c++ {
		if err := sw.SetColWidth(c, c, widths[c]); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 3, YSplit: lay.numbers,
		TopLeftCell: cell(4, lay.firstData), ActivePane: "bottomRight"}); err != nil {
		return err
	}
	span := func(from, to int) float64 {
		w := 0.0
		for c := from; c <= to; c++ {
			w += widths[c]
		}
		return w
	}
	row := 1
	// put writes a row of merged blocks: each block's text, style and the
	// columns it spans; the row is as tall as its tallest block.
	type block struct {
		text     string
		style    int
		from, to int
		face     face
	}
	put := func(blocks ...block) error {
		lines := 1
		var cells []any
		next := 1
		for _, b := range blocks {
			for ; next < b.from; next++ {
				cells = append(cells, nil)
			}
			cells = append(cells, excelize.Cell{StyleID: b.style, Value: b.text})
			next++
			for ; next <= b.to; next++ {
				cells = append(cells, excelize.Cell{StyleID: b.style})
			}
			lines = max(lines, lineCount(b.face, span(b.from, b.to), b.text))
		}
		h := 0.0
		for _, b := range blocks {
			h = max(h, rowHeight(b.face, lines))
		}
		if err := sw.SetRow(cell(1, row), cells, excelize.RowOpts{Height: h}); err != nil {
			return err
		}
		for _, b := range blocks {
			if b.to > b.from {
				if err := sw.MergeCell(cell(b.from, row), cell(b.to, row)); err != nil {
					return err
				}
			}
		}
		row++
		return nil
	}
	hf, hb, it14 := face{size: 13}, face{bold: true, size: 13}, face{italic: true, size: 14}
	leftTo := 3
	issuer := append([]string{}, a.Config.Issuer...)
	for len(issuer) < 2 {
		issuer = append([]string{""}, issuer...)
	}
	err = put(block{issuer[0], st.issuer, 1, leftTo, hf}, block{a.NationalName, st.issuerBold, leftTo + 1, cols.last, hb})
	for _, extra := range issuer[1 : len(issuer)-1] {
		if err == nil {
			err = put(block{extra, st.issuer, 1, leftTo, hf})
		}
	}
	if err == nil {
		err = put(block{issuer[len(issuer)-1], st.issuerBold, 1, leftTo, hb}, block{a.Motto, st.title, leftTo + 1, cols.last, face{bold: true, size: 14}})
	}
	if err == nil {
		err = put(block{"-------", st.issuer, 1, leftTo, hf}, block{"---------------", st.issuer, leftTo + 1, cols.last, hf})
	}
	if err == nil {
		err = put(block{a.Number, st.issuer, 1, leftTo, hf}, block{a.PlaceDate, st.dateLine, leftTo + 1, cols.last, it14})
	}
	if err != nil {
		return err
	}
	if err == nil {
		err = put(block{"", st.issuer, 1, 1, hf})
	}
	if err != nil {
		return err
	}
	tb := face{bold: true, size: 14}
	for _, b := range []block{
		{a.Kicker, st.title, 1, cols.last, tb}, {a.Title, st.title, 1, cols.last, tb}, {a.Attached, st.attached, 1, cols.last, it14},
		{ag.Heading, st.groupHead, 1, cols.last, hb}, {ag.SetName + ". " + ag.Summary, st.summaryLine, 1, cols.last, face{italic: true, size: 11}},
	} {
		if err := put(b); err != nil {
			return err
		}
	}
	if row != lay.headTop { // summaryHeadingRows and the rows above disagree
		return fmt.Errorf("reports: summary of %s: header at row %d, want %d", g.Code, row, lay.headTop)
	}
	if err := writeSummaryHeader(sw, st, cols, ag, widths, lay); err != nil {
		return err
	}
	row = lay.firstData
	for i := range g.Results {
		r, ar := &g.Results[i], &ag.Rows[i]
		vals := []any{
			excelize.Cell{StyleID: st.integer, Value: i + 1},
			excelize.Cell{StyleID: st.text, Value: r.Unit},
			excelize.Cell{StyleID: st.text, Value: ar.Name},
		}
		for j, fd := range ag.Fields {
			style := st.two
			if fd.Sign > 0 {
				style = st.bonus
			}
			vals = append(vals, excelize.Cell{StyleID: style, Value: num(ar.Items[j])})
		}
		total := st.boldTwo
		if ar.Mismatch {
			total = st.starred
		}
		vals = append(vals,
			excelize.Cell{StyleID: total, Value: num(r.Points)},
			excelize.Cell{StyleID: st.two, Value: num(r.Max)},
			excelize.Cell{StyleID: st.boldTwo, Value: num(r.Index)},
			excelize.Cell{StyleID: st.integer, Value: r.Rank},
			excelize.Cell{StyleID: st.center, Value: ar.GradeName},
		)
		if r.RankChange != nil {
			vals = append(vals, excelize.Cell{StyleID: st.signedInt, Value: *r.RankChange})
		} else {
			vals = append(vals, excelize.Cell{StyleID: st.signedInt})
		}
		if r.IndexChange != nil {
			vals = append(vals, excelize.Cell{StyleID: st.signedTwo, Value: num(*r.IndexChange)})
		} else {
			vals = append(vals, excelize.Cell{StyleID: st.signedTwo})
		}
		h := rowHeight(plain, max(lineCount(plain, widths[2], r.Unit), lineCount(plain, widths[3], ar.Name), lineCount(plain, widths[cols.grade], ar.GradeName)))
		if err := sw.SetRow(cell(1, row), vals, excelize.RowOpts{Height: h}); err != nil {
			return err
		}
		row++
	}
	row++
	// The key, then the signature block beside "Nơi nhận".
	for i, k := range ag.Key {
		style, fc := st.key, plain
		if i == 0 {
			style, fc = st.keyHead, face{bold: true, italic: true, size: 11}
		}
		if err := put(block{k, style, 1, cols.last, fc}); err != nil {
			return err
		}
	}
	row++
	left := append([]string{a.RecipientsHeading}, a.RecipientLines()...)
	right := append([]string{}, a.Config.SignerTitle...)
	right = append(right, "", "", "", a.Config.SignerName)
	for i := range max(len(left), len(right)) {
		var blocks []block
		if i < len(left) {
			style, fc := st.recip, plain
			if i == 0 {
				style, fc = st.recipHead, face{bold: true, italic: true, size: 12}
			}
			blocks = append(blocks, block{left[i], style, 1, leftTo, fc})
		}
		if i < len(right) {
			blocks = append(blocks, block{right[i], st.signer, leftTo + 1, cols.last, hb})
		}
		if err := put(blocks...); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("reports: flush %s: %w", sheet, err)
	}
	return nil
}

// writeSummaryHeader writes the two header rows and the column numbers:
// "Điểm đạt theo lĩnh vực" spanning the fields, each field's short name
// and maximum under it, the other headings spanning both rows.
func writeSummaryHeader(sw *excelize.StreamWriter, st styles, cols summaryColumns, ag *AppendixGroup, widths []float64, lay summaryLayout) error {
	top := make([]any, cols.last)
	bottom := make([]any, cols.last)
	spanning := map[int]string{1: label("col.stt"), 2: label("col.code"), 3: ag.Head.Unit,
		cols.points: ag.Head.Points, cols.max: ag.Head.Max, cols.index: ag.Head.Index, cols.rank: ag.Head.Rank,
		cols.grade: ag.Head.Grade, cols.rankCh: ag.Head.RankChange, cols.indexCh: label("col.index_change")}
	hb := face{bold: true, size: 11}
	fieldLines, spanLines := 1, 1
	for c := 1; c <= cols.last; c++ {
		top[c-1], bottom[c-1] = hdr(st, ""), hdr(st, "")
		if text, ok := spanning[c]; ok {
			top[c-1] = hdr(st, text)
			spanLines = max(spanLines, lineCount(hb, widths[c], text))
		}
	}
	if len(ag.Fields) > 0 {
		top[3] = hdr(st, ag.Head.Fields)
	}
	for i, fd := range ag.Fields {
		text := fd.Heading + "\n" + fd.MaxText
		bottom[3+i] = hdr(st, text)
		fieldLines = max(fieldLines, lineCount(hb, widths[4+i], text))
	}
	// The spanning headings share both rows' height.
	topH := rowHeight(hb, 1)
	bottomH := max(rowHeight(hb, fieldLines), rowHeight(hb, spanLines)-topH)
	if err := sw.SetRow(cell(1, lay.headTop), top, excelize.RowOpts{Height: topH}); err != nil {
		return err
	}
	if err := sw.SetRow(cell(1, lay.headBottom), bottom, excelize.RowOpts{Height: bottomH}); err != nil {
		return err
	}
	for c := range spanning {
		if err := sw.MergeCell(cell(c, lay.headTop), cell(c, lay.headBottom)); err != nil {
			return err
		}
	}
	if len(ag.Fields) > 1 {
		if err := sw.MergeCell(cell(4, lay.headTop), cell(3+len(ag.Fields), lay.headTop)); err != nil {
			return err
		}
	}
	numbers := make([]any, cols.last)
	for i := range numbers {
		numbers[i] = excelize.Cell{StyleID: st.colNo, Value: fmt.Sprintf("(%d)", i+1)}
	}
	return sw.SetRow(cell(1, lay.numbers), numbers)
}
