package reports

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/xuri/excelize/v2"

	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// unitStages are the stages shown per leaf, in workflow order.
var unitStages = []scoring.Stage{scoring.StageSelf, scoring.StageAppraisal, scoring.StageExplanation, scoring.StageFinal}

// unitSheet is a unit's sheet, created and ready for its rows.
type unitSheet struct {
	sw *excelize.StreamWriter
	g  *results.Group
	r  *scoring.UnitScore
}

// writeUnits writes the unit sheets' rows, one worker per processor. Each
// worker touches only its own sheets' stream writers, which hold their rows
// apart from the workbook until it is written: excelize v2.11's SetRow and
// Flush read the workbook's sheet map but change nothing shared (checked
// against its source; the workbook test runs under the race detector in
// .ci/run).
func writeUnits(st styles, wd *WorkbookData, units []unitSheet) error {
	// Every unit of a group has the same layout: work it out once per
	// set, before the workers share it (read only).
	layouts := map[*scoring.Framework]*unitLayout{}
	for _, u := range units {
		if layouts[u.g.Framework] == nil {
			layouts[u.g.Framework] = newUnitLayout(u.g.Framework)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(units))
	next := make(chan unitSheet)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range next {
				if err := writeUnit(u.sw, st, wd, u.g, u.r, layouts[u.g.Framework]); err != nil {
					errs <- err
					for range next { // take the rest so the feeder never blocks
					}
					return
				}
				// The unit's recorded values are on its sheet now: drop
				// them, so that the workbook never holds every unit's
				// values and every written sheet at once.
				if d := u.g.Data[u.r.Unit]; d != nil {
					*d = scoring.UnitData{Code: d.Code, Name: d.Name}
				}
			}
		}()
	}
	var err error
feed:
	for _, u := range units {
		select {
		case next <- u:
		case err = <-errs:
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	return err
}

// unitWidths are the unit sheet's column widths: code, name, method, max,
// four stages, the result and four comments. The code's and the method's
// are widened to their longest text when the sheet is written.
var unitWidths = [...]float64{8, 50, 12, 10, 10, 10, 10, 10, 10, 30, 30, 30, 30}

// methodLabel names a leaf's method in Vietnamese with its code beside it
// for analysts: "Tỷ lệ (ratio)"; a group has none.
func methodLabel(it *scoring.Item) string {
	if !it.IsLeaf() {
		return ""
	}
	return label("method."+string(it.Method)) + " (" + string(it.Method) + ")"
}

// unitColumnWidths widens the code and method columns to their longest
// text within bounds.
func unitColumnWidths(fw *scoring.Framework) [len(unitWidths)]float64 {
	w := unitWidths
	codes, methods := []string{label("unit.col.code")}, []string{label("unit.col.method")}
	var walk func([]*scoring.Item)
	walk = func(items []*scoring.Item) {
		for _, it := range items {
			codes = append(codes, it.Code)
			methods = append(methods, methodLabel(it))
			walk(it.Items)
		}
	}
	walk(fw.Items)
	w[0] = fitChars(boldPlain, 6, 16, codes...)
	w[2] = fitChars(plain, 10, 26, methods...)
	return w
}

// unitLayout is a criteria set's unit sheet layout: its column widths and
// how many lines each item's code, name and method take. Every unit of a
// group has the same, so it is worked out once per set.
type unitLayout struct {
	widths [len(unitWidths)]float64
	lines  map[string]int
}

func newUnitLayout(fw *scoring.Framework) *unitLayout {
	l := &unitLayout{widths: unitColumnWidths(fw), lines: map[string]int{}}
	var walk func([]*scoring.Item, int)
	walk = func(items []*scoring.Item, depth int) {
		for _, it := range items {
			nameFace := plain
			if !it.IsLeaf() {
				nameFace = boldPlain
			}
			// Each level of the tree indents the name by about two
			// characters.
			l.lines[it.Code] = max(lineCount(nameFace, l.widths[0], it.Code),
				lineCount(nameFace, l.widths[1]-float64(min(depth, maxDepth-1))*2, it.Name),
				lineCount(plain, l.widths[2], methodLabel(it)))
			walk(it.Items, depth+1)
		}
	}
	walk(fw.Items, 0)
	return l
}

// sign is −1 under a penalty (its points are subtracted), +1 otherwise.
func sign(it *scoring.Item) int {
	for p := it; p != nil; p = p.Parent {
		if p.Method == scoring.Penalty || (!p.IsLeaf() && FieldSign(p) < 0) {
			return -1
		}
	}
	return 1
}

// writeUnit writes a unit's criteria tree with every stage's recorded
// points and comments, and the points each item achieved.
func writeUnit(sw *excelize.StreamWriter, st styles, wd *WorkbookData, g *results.Group, r *scoring.UnitScore, lay *unitLayout) error {
	last := len(unitWidths)
	widths := lay.widths
	for c := 0; c < last; {
		// One call per run of equal widths.
		end := c
		for end+1 < last && widths[end+1] == widths[c] {
			end++
		}
		if err := sw.SetColWidth(c+1, end+1, widths[c]); err != nil {
			return err
		}
		c = end + 1
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 2, YSplit: 3, TopLeftCell: "C4", ActivePane: "bottomRight"}); err != nil {
		return err
	}
	name := nameOr(r.UnitName, r.Unit)
	gname := nameOr(wd.GroupNames[g.Code], g.Code)
	total := 0.0
	for _, w := range widths {
		total += w
	}
	title := label("unit.title", name, r.Unit)
	tf := face{bold: true, size: 14}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: st.title, Value: title}}, excelize.RowOpts{Height: rowHeight(tf, lineCount(tf, total, title))}); err != nil {
		return err
	}
	summary := label("unit.summary", gname, g.Framework.Name, viNumber(r.Points), viNumber(r.Max),
		viNumber(r.Index), r.Rank, g.Summary.Count, r.Grade.Name)
	sf := face{italic: true, size: 12}
	if err := sw.SetRow("A2", []any{excelize.Cell{StyleID: st.subtitle, Value: summary}}, excelize.RowOpts{Height: rowHeight(sf, lineCount(sf, total, summary))}); err != nil {
		return err
	}
	if err := sw.MergeCell("A1", cell(last, 1)); err != nil {
		return err
	}
	if err := sw.MergeCell("A2", cell(last, 2)); err != nil {
		return err
	}
	header := []any{}
	for _, k := range []string{"code", "name", "method", "max", "self", "appraisal", "explanation", "final", "result",
		"c_self", "c_appraisal", "c_explanation", "c_final"} {
		header = append(header, hdr(st, label("unit.col."+k)))
	}
	headLines := 1
	for i, k := range []string{"code", "name", "method", "max", "self", "appraisal", "explanation", "final", "result",
		"c_self", "c_appraisal", "c_explanation", "c_final"} {
		headLines = max(headLines, lineCount(boldPlain, widths[i], label("unit.col."+k)))
	}
	if err := sw.SetRow("A3", header, excelize.RowOpts{Height: rowHeight(boldPlain, headLines)}); err != nil {
		return err
	}
	// Every item's points, evaluated again from the data the results were
	// ranked on (the results keep only the fields').
	var recorded map[string]scoring.StageValues
	nodes := r.Nodes
	if d := g.Data[r.Unit]; d != nil {
		recorded = d.Points
		nodes = scoring.Evaluate(g.Framework, *d, wd.Output.Stage).Nodes
	}
	comments := wd.Comments[r.Unit]
	na := label("unit.na")
	row := 4
	// The row's cells are passed by pointer into one array: boxing a Cell
	// value in an interface would allocate for every cell.
	var cells [len(unitWidths)]excelize.Cell
	vals := make([]any, len(cells))
	for i := range cells {
		vals[i] = &cells[i]
	}
	var walk func(items []*scoring.Item, depth int) error
	walk = func(items []*scoring.Item, depth int) error {
		for _, it := range items {
			n := nodes[it.Code]
			text, twoSt := st.text, st.two
			if !it.IsLeaf() {
				text, twoSt = st.bold, st.boldTwo
			}
			// Penalty points are shown negative, as they count.
			sg := float64(sign(it))
			method := methodLabel(it)
			cells[0] = excelize.Cell{StyleID: text, Value: it.Code}
			cells[1] = excelize.Cell{StyleID: st.nameStyle(!it.IsLeaf(), depth), Value: it.Name}
			cells[2] = excelize.Cell{StyleID: st.center, Value: method}
			cells[3] = excelize.Cell{StyleID: twoSt, Value: num(it.Max)}
			byStage := recorded[it.Code]
			for i, stage := range unitStages {
				v, ok := byStage.Get(stage)
				switch {
				case !ok:
					cells[4+i] = excelize.Cell{StyleID: st.two}
				case v.NA:
					cells[4+i] = excelize.Cell{StyleID: st.center, Value: na}
				default:
					cells[4+i] = excelize.Cell{StyleID: st.two, Value: signedNum(sg, v.Points)}
				}
			}
			if n.NA && !n.Max.IsPositive() {
				cells[8] = excelize.Cell{StyleID: st.center, Value: na}
			} else {
				cells[8] = excelize.Cell{StyleID: twoSt, Value: signedNum(sg, n.Points)}
			}
			byStageComment := comments[it.Code]
			lines := lay.lines[it.Code]
			for i, stage := range unitStages {
				// An empty comment is a bordered cell with no value: nil
				// writes no text element.
				var c any
				if text := byStageComment[stage]; text != "" {
					c = text
					lines = max(lines, lineCount(plain, widths[9+i], text))
				}
				cells[9+i] = excelize.Cell{StyleID: st.text, Value: c}
			}
			if err := sw.SetRow(cell(1, row), vals, excelize.RowOpts{Height: rowHeight(plain, lines)}); err != nil {
				return err
			}
			row++
			if err := walk(it.Items, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(g.Framework.Items, 0); err != nil {
		return err
	}
	// The fields' points as published do not always add up to the total
	// as published: the total is computed from unrounded points (and kept
	// within 0..max). Say so under the tree.
	sum := scoring.NewInt(0)
	for _, it := range g.Framework.Items {
		v := scoring.Publish(nodes[it.Code].Points)
		if sign(it) < 0 {
			v = v.Neg()
		}
		sum = sum.Add(v)
	}
	if total := scoring.Publish(r.Points); !sum.Equal(total) {
		note := label("unit.rounding", viNumber(sum), viNumber(total))
		row++
		if err := sw.SetRow(cell(1, row), []any{excelize.Cell{StyleID: st.key, Value: note}},
			excelize.RowOpts{Height: rowHeight(plain, lineCount(plain, total0(widths), note))}); err != nil {
			return err
		}
		if err := sw.MergeCell(cell(1, row), cell(last, row)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("reports: flush %s: %w", sw.Sheet, err)
	}
	return nil
}

// total0 is the sum of the columns' widths.
func total0(widths [len(unitWidths)]float64) float64 {
	t := 0.0
	for _, w := range widths {
		t += w
	}
	return t
}

// signedNum is a published value with a sign; zero stays 0, never −0.
func signedNum(sg float64, d scoring.Decimal) float64 {
	v := num(d)
	if v == 0 {
		return 0
	}
	return sg * v
}
