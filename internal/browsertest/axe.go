package browsertest

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// axeSource is axe-core, vendored from the npm registry (axe/README.md),
// injected into the page under test by Axe; no page of parindex loads it.
//
//go:embed axe/axe-4.14.1.min.js
var axeSource string

// Violation is one accessibility rule a page breaks, with the elements
// that break it.
type Violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"` // CSS selectors of the elements, at most five
	Count  int      `json:"count"`
}

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s, %d elements: %s): %s", v.ID, v.Impact, v.Count, strings.Join(v.Nodes, " | "), v.Help)
}

// axeRun runs axe on the document with the WCAG 2.1 A and AA rules and
// the best practices, and returns its violations, each with the first
// elements' selectors.
const axeRun = `(async () => {
	const r = await axe.run(document, { resultTypes: ['violations'] });
	return JSON.stringify(r.violations.map(v => ({
		id: v.id, impact: v.impact || '', help: v.help, count: v.nodes.length,
		nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
	})));
})()`

// Axe runs axe-core in the tab's current page and returns the violations
// of serious or critical impact (the ones the tests fail on).
func Axe(t testing.TB, b *Browser) []Violation {
	t.Helper()
	var loaded bool
	b.Run(chromedp.Evaluate(`typeof axe !== 'undefined'`, &loaded))
	if !loaded {
		b.Run(chromedp.Evaluate(axeSource+";true", &loaded))
	}
	var out string
	b.Run(chromedp.Evaluate(axeRun, &out, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
		return p.WithAwaitPromise(true)
	}))
	var all []Violation
	if err := json.Unmarshal([]byte(out), &all); err != nil {
		t.Fatalf("browsertest: axe: %v", err)
	}
	var bad []Violation
	for _, v := range all {
		if v.Impact == "serious" || v.Impact == "critical" {
			bad = append(bad, v)
		}
	}
	return bad
}
