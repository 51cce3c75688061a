package browsertest

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// Layout is how the tab's page fits its viewport.
type Layout struct {
	// DocWidth is the document's width, Viewport the window's: a
	// document wider than the viewport scrolls sideways as a whole.
	DocWidth, Viewport int
	// Clipped lists the visible tables whose columns do not all show:
	// wider than the box that scrolls or clips them.
	Clipped []string
	// Links are the addresses of the visible links of the page, as the
	// browser resolved them.
	Links []string
}

// readLayout measures the page: a table counts when it is shown (not in
// a closed <details>, not display:none); its box is the nearest ancestor
// that scrolls or hides what overflows, else its parent.
const readLayout = `(() => {
	const shown = e => e.checkVisibility ? e.checkVisibility({ visibilityProperty: true }) : !!e.offsetParent;
	const clipped = [];
	document.querySelectorAll('table').forEach(t => {
		if (!shown(t)) return;
		let box = t.parentElement;
		for (let a = t.parentElement; a && a !== document.body; a = a.parentElement) {
			const ox = getComputedStyle(a).overflowX;
			if (ox === 'auto' || ox === 'scroll' || ox === 'hidden' || ox === 'clip') { box = a; break; }
		}
		if (box && box.scrollWidth > box.clientWidth + 1) {
			const cap = t.caption ? t.caption.textContent.trim() : (t.className || 'table');
			clipped.push(cap.slice(0, 60) + ' (' + box.scrollWidth + ' > ' + box.clientWidth + ' px)');
		}
	});
	const links = [...document.querySelectorAll('a[href]')].filter(shown).map(a => a.href);
	return { doc: document.documentElement.scrollWidth, vw: window.innerWidth, clipped, links };
})()`

// ReadLayout measures the tab's current page.
func ReadLayout(t testing.TB, b *Browser) Layout {
	t.Helper()
	var r struct {
		Doc     int      `json:"doc"`
		VW      int      `json:"vw"`
		Clipped []string `json:"clipped"`
		Links   []string `json:"links"`
	}
	b.Run(chromedp.Evaluate(readLayout, &r))
	return Layout{DocWidth: r.Doc, Viewport: r.VW, Clipped: r.Clipped, Links: r.Links}
}

// Problems says what is wrong with the layout: sideways scrolling of the
// whole page, clipped tables.
func (l Layout) Problems() []string {
	var out []string
	if l.DocWidth > l.Viewport+1 {
		out = append(out, fmt.Sprintf("the page is %d px wide in a %d px window", l.DocWidth, l.Viewport))
	}
	for _, c := range l.Clipped {
		out = append(out, "clipped table: "+c)
	}
	return out
}
