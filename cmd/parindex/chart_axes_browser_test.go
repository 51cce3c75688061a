package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parindex/parindex/internal/browsertest"
)

// chartTexts is a drawn chart's texts as ECharts placed them on its canvas
// (rectangles in the canvas's pixels), and the names of its axes.
type chartTexts struct {
	ID    string   `json:"id"`
	W     float64  `json:"w"`
	H     float64  `json:"h"`
	Names []string `json:"names"`
	// Legend is the names of the series a shown legend lists.
	Legend []string    `json:"legend"`
	Texts  []placedTxt `json:"texts"`
}

type placedTxt struct {
	Text string  `json:"text"`
	X    float64 `json:"x"`
	Y    float64 `json:"y"`
	W    float64 `json:"w"`
	H    float64 `json:"h"`
}

// readChartTexts reads every drawn chart of the page: the texts shown on
// its canvas, from ZRender's display list, each with its bounding box after
// its transform (a turned label's box is the turned rectangle's bounds).
const readChartTexts = `[...document.querySelectorAll('[data-chart]')].map(ch => {
	const inst = window.echarts && echarts.getInstanceByDom(ch);
	if (!inst) return null;
	const zr = inst.getZr();
	const shown = e => { for (let x = e; x; x = x.parent) { if (x.ignore || x.invisible) return false; } return !e.style || e.style.opacity !== 0; };
	const texts = zr.storage.getDisplayList(true).filter(e => (e.type === 'text' || e.type === 'tspan') && e.style && e.style.text && shown(e)).map(e => {
		const r = e.getBoundingRect().clone();
		const m = e.getComputedTransform();
		if (m) r.applyTransform(m);
		return {text: String(e.style.text), x: r.x, y: r.y, w: r.width, h: r.height};
	});
	const o = inst.getOption();
	const names = [...(o.xAxis || []), ...(o.yAxis || [])].map(a => a.name).filter(Boolean);
	const legend = (o.legend || []).some(l => l.show !== false) ?
		(o.series || []).filter(s => s.name && s.type !== 'pie').map(s => s.name) : [];
	return {id: ch.getAttribute('data-chart'), w: zr.getWidth(), h: zr.getHeight(), names: names, legend: legend, texts: texts};
}).filter(Boolean)`

// TestBrowserChartAxisNames: on the staff overview and a unit's scorecard,
// at a laptop's width and a phone's, every axis's name is drawn whole
// inside its chart and over no other text of it; every text of the
// scorecard's radar is (its fields' names ran off a phone's screen, and at
// any width touched the title and the legend); every entry of a legend is
// drawn so, none paged away behind a "1/2". At the laptop's width the
// heatmap's field axis was named "Lĩnh v" (cut at the canvas's edge); on a
// phone a value axis's name, turned beside the axis, lay under its tick
// labels, and the field axis's name under the turned field labels.
func TestBrowserChartAxisNames(t *testing.T) {
	c := newCLI(t)
	c.ok("demo")
	srv := startServer(t, parindexBinary(t), c.db)
	for _, size := range []struct{ w, h int }{{1366, 900}, {390, 844}} {
		b := browsertest.New(t, size.w, size.h, 3*time.Minute)
		browserLogin(t, b, srv.base, "bcd")
		named, radars, legends := 0, 0, 0
		for _, path := range []string{"/reports/2025", "/reports/2025/units/STP"} {
			where := fmt.Sprintf("%s at %d px", path, size.w)
			total, drawn, _ := browsertest.ChartsRendered(t, b, srv.base+path)
			if total == 0 || drawn != total {
				t.Fatalf("%s: %d of %d charts drawn", where, drawn, total)
			}
			var charts []chartTexts
			b.Run(chromedp.Evaluate(readChartTexts, &charts))
			for _, ch := range charts {
				if strings.HasPrefix(ch.ID, "chart-radar") {
					radars++
					checkAllInside(t, where, ch)
				}
				for _, tx := range ch.Texts {
					if pager.MatchString(tx.Text) {
						t.Errorf("%s, chart %s: the legend is paged (%q): not every entry is shown", where, ch.ID, tx.Text)
					}
				}
				for _, name := range ch.Legend {
					legends += checkPlaced(t, where, ch, "the legend's", name)
				}
				for _, name := range ch.Names {
					named += checkPlaced(t, where, ch, "the axis name", name)
				}
			}
		}
		if named < 8 {
			t.Errorf("at %d px: %d axis names checked; the pages have more", size.w, named)
		}
		if legends < 8 {
			t.Errorf("at %d px: %d legend entries checked; the pages have more", size.w, legends)
		}
		if radars != 1 {
			t.Errorf("at %d px: %d radar charts checked, want the scorecard's", size.w, radars)
		}
	}
}

// pager is the page counter of a legend that scrolls ("1/2").
var pager = regexp.MustCompile(`^\d+/\d+$`)

// overlap is how many pixels of height two texts' boxes share where they
// share any width at all (0: apart).
func overlap(a, b placedTxt) float64 {
	w := min(a.X+a.W, b.X+b.W) - max(a.X, b.X)
	h := min(a.Y+a.H, b.Y+b.H) - max(a.Y, b.Y)
	if w <= 0 || h <= 0 {
		return 0
	}
	return h
}

// checkPlaced reports each drawing of name (what it is: "the axis name")
// in a chart that runs off its canvas or lies over another of its texts,
// or that there is none; it returns how many there are.
func checkPlaced(t *testing.T, where string, ch chartTexts, what, name string) int {
	t.Helper()
	drawn := 0
	for i, tx := range ch.Texts {
		if tx.Text != name {
			continue
		}
		drawn++
		if !ch.holds(tx) {
			t.Errorf("%s, chart %s: %s %q at %+v runs off the %gx%g canvas", where, ch.ID, what, name, tx, ch.W, ch.H)
		}
		for k, other := range ch.Texts {
			if k != i && overlap(tx, other) > 2 {
				t.Errorf("%s, chart %s: %s %q at %+v lies over %q at %+v", where, ch.ID, what, name, tx, other.Text, other)
			}
		}
	}
	if drawn == 0 {
		t.Errorf("%s, chart %s: %s %q is not drawn", where, ch.ID, what, name)
	}
	return drawn
}

// checkAllInside reports each text of a chart that runs off its canvas or
// lies over another of its texts.
func checkAllInside(t *testing.T, where string, ch chartTexts) {
	t.Helper()
	if len(ch.Texts) < 3 {
		t.Errorf("%s, chart %s: %d texts drawn", where, ch.ID, len(ch.Texts))
	}
	for i, tx := range ch.Texts {
		if !ch.holds(tx) {
			t.Errorf("%s, chart %s: %q at %+v runs off the %gx%g canvas", where, ch.ID, tx.Text, tx, ch.W, ch.H)
		}
		for _, other := range ch.Texts[i+1:] {
			if overlap(tx, other) > 2 {
				t.Errorf("%s, chart %s: %q at %+v lies over %q at %+v", where, ch.ID, tx.Text, tx, other.Text, other)
			}
		}
	}
}

// holds says whether a text lies within the chart's canvas (a pixel of
// rounding allowed).
func (ch chartTexts) holds(tx placedTxt) bool {
	return tx.X >= -1 && tx.Y >= -1 && tx.X+tx.W <= ch.W+1 && tx.Y+tx.H <= ch.H+1
}
