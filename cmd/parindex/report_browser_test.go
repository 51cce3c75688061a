package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parindex/parindex/internal/browsertest"
)

// surveySection is one campaign on the survey dashboard as the browser
// shows it: its heading and lead, and each chart with the table beside it.
type surveySection struct {
	Name  string      `json:"name"`
	Lead  string      `json:"lead"`
	Pairs []chartPair `json:"pairs"`
}

// chartPair is a chart and its accessible table.
type chartPair struct {
	Chart    bool       `json:"chart"`
	Label    string     `json:"label"`
	Rows     int        `json:"rows"`
	Rendered bool       `json:"rendered"`
	Canvas   int        `json:"canvas"`
	Table    bool       `json:"table"`
	Caption  string     `json:"caption"`
	Cells    [][]string `json:"cells"`
	Category []string   `json:"category"`
}

// surveyDashboard is the survey dashboard as the browser shows it. Loose
// counts the charts that sit in no chart pair, without a table beside them.
type surveyDashboard struct {
	Loose    int             `json:"loose"`
	Sections []surveySection `json:"sections"`
}

// readSurveyDashboard reads the survey dashboard in the tab into a
// surveyDashboard; a pair's category is its chart's category axis as
// ECharts holds it.
const readSurveyDashboard = `(() => ({
	loose: [...document.querySelectorAll('[data-chart]')].filter(e => !e.closest('.chart-pair')).length,
	sections: [...document.querySelectorAll('section.report-section')].map(sec => ({
		name: (sec.querySelector('h2') || {}).textContent || '',
		lead: (sec.querySelector('p.muted') || {}).textContent || '',
		pairs: [...sec.querySelectorAll('.chart-pair')].map(p => {
			const ch = p.querySelector('[data-chart]');
			const tb = p.querySelector('table');
			const cv = ch && ch.querySelector('canvas');
			let category = [];
			const inst = ch && window.echarts && echarts.getInstanceByDom(ch);
			if (inst) {
				const o = inst.getOption();
				const axis = [...(o.yAxis || []), ...(o.xAxis || [])].find(a => a.type === 'category');
				category = axis ? axis.data.map(d => (d && d.value !== undefined) ? String(d.value) : String(d)) : [];
			}
			return {
				chart: !!ch,
				label: ch ? ch.getAttribute('aria-label') || '' : '',
				rows: ch ? parseInt(ch.getAttribute('data-rows') || '-1', 10) : -1,
				rendered: !!ch && ch.getAttribute('data-rendered') === 'true',
				canvas: cv ? cv.width : 0,
				table: !!tb,
				caption: tb && tb.caption ? tb.caption.textContent.trim() : '',
				cells: tb && tb.tBodies.length ? [...tb.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent.trim())) : [],
				category: category,
			};
		}),
	})),
}))()`

// numberStyles are the number formats of the dashboard's languages: a
// decimal with two places and a whole number, each with digit grouping.
var numberStyles = map[string]struct {
	decimal, group string
	two, whole     *regexp.Regexp
}{
	"vi": {",", ".", regexp.MustCompile(`^\d{1,3}(\.\d{3})*,\d{2}$`), regexp.MustCompile(`^\d{1,3}(\.\d{3})*$`)},
	"en": {".", ",", regexp.MustCompile(`^\d{1,3}(,\d{3})*\.\d{2}$`), regexp.MustCompile(`^\d{1,3}(,\d{3})*$`)},
}

// plainNumber turns a number as the page writes it in lang into the form
// `parindex survey results` prints ("1.234,50" → "1234.50" in Vietnamese);
// ok is false when the text is not written in the language's style.
func plainNumber(lang, text string, whole bool) (string, bool) {
	ns := numberStyles[lang]
	re := ns.two
	if whole {
		re = ns.whole
	}
	if !re.MatchString(text) {
		return "", false
	}
	return strings.ReplaceAll(strings.ReplaceAll(text, ns.group, ""), ns.decimal, "."), true
}

// The staff survey dashboard of the demo's 2026 period, in a real browser
// against the real binary, with nothing reachable but the server: every
// chart drawn, each beside its table, and the tables showing what
// `parindex survey results` prints, in Vietnamese and in English. The
// staff overview and a unit's page of the same period render too.
func TestBrowserDemoSurveyDashboard(t *testing.T) {
	c := newCLI(t)
	c.ok("demo")
	results, doc := surveyResults(t, c, "sipas-2026")
	srv := startServer(t, parindexBinary(t), c.db)
	b := browsertest.New(t, 1366, 900, 3*time.Minute)
	o := browsertest.WatchOffline(t, b, srv.base)
	b.Run(
		chromedp.Navigate(srv.base+"/login"),
		chromedp.WaitVisible(`input[name="username"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="username"]`, "bcd", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="password"]`, demoPassword, chromedp.ByQuery),
		chromedp.Submit(`input[name="password"]`, chromedp.ByQuery),
		// Logged in once the page after the redirect shows the logout button.
		chromedp.WaitVisible("form.logout", chromedp.ByQuery),
	)
	o.Check(t, "login")

	stp := "STP"
	for _, u := range doc.Units {
		if u.Unit == "STP" {
			stp = u.Name
		}
	}
	for _, pg := range []struct{ name, path, heading string }{
		{"staff-overview", "/reports/2026", "2026"},
		{"staff-unit", "/reports/2026/units/STP", stp},
	} {
		total, drawn, heading := browsertest.ChartsRendered(t, b, srv.base+pg.path)
		b.Screenshot(pg.name)
		if total == 0 || drawn != total {
			t.Errorf("%s: %d of %d charts drawn", pg.name, drawn, total)
		}
		if !strings.Contains(heading, pg.heading) {
			t.Errorf("%s: heading %q lacks %q", pg.name, heading, pg.heading)
		}
		o.Check(t, pg.name)
	}

	byName := map[string]surveyScope{}
	for _, u := range doc.Units {
		byName[u.Name] = u
	}
	csvOf := map[string][]string{}
	for _, r := range results[1:] {
		csvOf[r[0]] = r
	}
	// Vietnamese first (the default), then English, which the ?lang=
	// parameter keeps in a cookie from then on.
	for _, lang := range []string{"vi", "en"} {
		name := "surveys-" + lang
		url := srv.base + "/reports/2026/surveys"
		if lang == "en" {
			url += "?lang=en"
		}
		total, drawn, heading := browsertest.ChartsRendered(t, b, url)
		b.Screenshot(name)
		if total == 0 || drawn != total {
			t.Errorf("%s: %d of %d charts drawn", name, drawn, total)
		}
		if !strings.Contains(heading, "2026") {
			t.Errorf("%s: heading %q", name, heading)
		}
		var page surveyDashboard
		b.Run(chromedp.Evaluate(readSurveyDashboard, &page))
		o.Check(t, name)
		if page.Loose > 0 {
			t.Errorf("%s: %d charts without a table beside them", name, page.Loose)
		}
		if len(page.Sections) != 1 {
			t.Fatalf("%s: %d survey sections, want the demo's one campaign", name, len(page.Sections))
		}
		sec := page.Sections[0]
		if strings.TrimSpace(sec.Name) != doc.Name {
			t.Errorf("%s: section heading %q, want the campaign's name %q", name, sec.Name, doc.Name)
		}
		// The count is grouped as the language writes it: 14.476 or 14,476.
		if !strings.Contains(strings.NewReplacer(".", "", ",", "").Replace(sec.Lead), strconv.Itoa(doc.Province.Responses)) {
			t.Errorf("%s: lead %q does not give the province's %d responses", name, sec.Lead, doc.Province.Responses)
		}
		if len(sec.Pairs) != 2 || total != 2 {
			t.Fatalf("%s: %d chart pairs and %d charts, want 2 and 2 (elements, units)", name, len(sec.Pairs), total)
		}
		for i, p := range sec.Pairs {
			switch {
			case !p.Chart || !p.Rendered || p.Canvas <= 0:
				t.Errorf("%s: pair %d: chart %v, rendered %v, canvas width %d", name, i, p.Chart, p.Rendered, p.Canvas)
			case p.Label == "":
				t.Errorf("%s: pair %d: the chart has no aria-label", name, i)
			case !p.Table || p.Caption == "":
				t.Errorf("%s: pair %d: no table with a caption beside the chart (table %v, caption %q)", name, i, p.Table, p.Caption)
			case len(p.Cells) != p.Rows:
				t.Errorf("%s: pair %d: the table has %d rows, the chart %d", name, i, len(p.Cells), p.Rows)
			}
			// The chart draws the rows of its table, in the same order.
			var labels []string
			for _, r := range p.Cells {
				labels = append(labels, r[0])
			}
			if strings.Join(p.Category, "|") != strings.Join(labels, "|") {
				t.Errorf("%s: pair %d: the chart's categories %q differ from the table's rows %q", name, i, p.Category, labels)
			}
		}

		// checkRow compares a table row (label, n, satisfaction, low, high)
		// with the values survey results prints. A number not written in
		// the page's language is still compared, read in the other
		// language's style, and listed by column after the tables.
		cols := []string{"responses", "satisfaction", "ci_low", "ci_high"}
		miswritten := map[string][]string{}
		checkRow := func(who string, got []string, want [4]string) {
			t.Helper()
			if want[1] == "" {
				// No answers: the row shows its count and a dash.
				if len(got) != 3 || got[2] != "–" {
					t.Errorf("%s: %s: row %q, want the count and a dash", name, who, got)
				}
				return
			}
			if len(got) != 5 {
				t.Errorf("%s: %s: row %q, want 5 cells", name, who, got)
				return
			}
			for i, w := range want {
				v, ok := plainNumber(lang, got[i+1], i == 0)
				if !ok {
					miswritten[cols[i]] = append(miswritten[cols[i]], fmt.Sprintf("%s %q", who, got[i+1]))
					for other := range numberStyles {
						if v, ok = plainNumber(other, got[i+1], i == 0); ok {
							break
						}
					}
					if !ok {
						t.Errorf("%s: %s, column %s: %q is not a number", name, who, cols[i], got[i+1])
						continue
					}
				}
				if v != w {
					t.Errorf("%s: %s, column %s: page shows %q, survey results print %q", name, who, cols[i], got[i+1], w)
				}
			}
		}

		// The elements table: the province's main index, element by element.
		els := doc.Province.Indices[0].Elements
		if cells := sec.Pairs[0].Cells; len(cells) != len(els) {
			t.Errorf("%s: %d element rows, survey results have %d elements", name, len(cells), len(els))
		} else {
			for i, e := range els {
				checkRow("element "+e.Section, cells[i], [4]string{strconv.Itoa(e.N), numText(e.Satisfaction), numText(e.CILow), numText(e.CIHigh)})
			}
		}
		// The units table: every unit of survey results, by name, and
		// nothing else.
		seen := map[string]bool{}
		for _, r := range sec.Pairs[1].Cells {
			u, ok := byName[r[0]]
			if !ok {
				t.Errorf("%s: unit row %q is not a unit of survey results", name, r[0])
				continue
			}
			seen[u.Unit] = true
			w := csvOf[u.Unit]
			checkRow("unit "+u.Unit, r, [4]string{w[1], w[2], w[3], w[4]})
		}
		for _, u := range doc.Units {
			if !seen[u.Unit] {
				t.Errorf("%s: unit %s (%s) is in survey results, not in the units table", name, u.Unit, u.Name)
			}
		}
		for _, col := range cols {
			if bad := miswritten[col]; len(bad) > 0 {
				ns := numberStyles[lang]
				t.Errorf("%s, column %s: %d cells are not written as %s writes numbers (decimal %q, grouping %q): %s",
					name, col, len(bad), lang, ns.decimal, ns.group, strings.Join(bad, ", "))
			}
		}
	}
}
