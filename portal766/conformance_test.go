package portal766_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/parindex/parindex/portal766"
	"github.com/parindex/parindex/scoring"
)

// tolerance is the largest difference allowed between a score the engine
// computes and the score the portal published with two decimals.
var tolerance = scoring.NewInt(15).Div(scoring.NewInt(1000))

// fixtureDir locates ../shared/data/qd766-phutho beside the repository root.
// Without it the test is skipped, except under CI=true, where it fails.
func fixtureDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
	fixtures := filepath.Join(dir, "..", "shared", "data", "qd766-phutho")
	if _, err := os.Stat(filepath.Join(fixtures, "README.md")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the portal fixtures are missing at %s (CI=true: not skipping): %v", fixtures, err)
		}
		t.Skipf("the portal fixtures are missing at %s", fixtures)
	}
	return fixtures
}

// call is one import: the answers of one period and one filter.
type call struct {
	name, period string
	files        []string
}

// calls groups the fixtures by capture (year-all, quarter-formality, …): one
// call each, as an operator would import them.
func calls(t *testing.T, dir string) []call {
	t.Helper()
	periods := map[string]string{"year": "2026", "quarter": "2026-Q3", "month": "2026-08"}
	byName := map[string][]string{}
	matches, err := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range matches {
		if filepath.Base(filepath.Dir(m)) == "formalities" {
			continue // the procedure catalogue holds no scores
		}
		name := strings.TrimSuffix(filepath.Base(m), ".json")
		byName[name] = append(byName[name], m)
	}
	var out []call
	for name, files := range byName {
		period, ok := periods[strings.SplitN(name, "-", 2)[0]]
		if !ok {
			t.Fatalf("fixture %s: unknown period", name)
		}
		sort.Strings(files)
		out = append(out, call{name: name, period: period, files: files})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// tally counts one metric's observations.
type tally struct {
	group, metric string
	compared      int // published non-null scores compared
	exact         int // of which equal to the published two-decimal value
	null          int // published null: no points shown, not compared
	unreproduced  int // published but not recomputable (formula unknown)
	maxErr        scoring.Decimal
	inexact       []string // compared, within tolerance, but not equal
	failed        []string // beyond tolerance
}

// TestConformance imports every fixture of the Phú Thọ capture through the
// same code as `parindex import portal766` (portal766.Load), scores every
// unit with the engine against the 766 criteria set and compares every
// metric score the portal published where the fixture's README says the
// formula is confirmed, within 0.015 points. Run it with -v to see the
// per-metric table; .ci/run does.
func TestConformance(t *testing.T) {
	dir := fixtureDir(t)
	cs := calls(t, dir)
	if len(cs) != 6 {
		t.Fatalf("found %d captures, want 6 (year, quarter, month × all, formality)", len(cs))
	}
	tallies := map[string]*tally{}
	var order []string
	get := func(group, metric string) *tally {
		key := group + "/" + metric
		if tallies[key] == nil {
			tallies[key] = &tally{group: group, metric: metric, maxErr: scoring.NewInt(0)}
			order = append(order, key)
		}
		return tallies[key]
	}
	for _, c := range cs {
		b, err := portal766.Load(c.files)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		units := append([]*portal766.Unit{b.Root}, b.Units...)
		if len(units) != 164 {
			t.Errorf("%s: %d units, want the province and its 163 units", c.name, len(units))
		}
		sets := map[string]*scoring.Framework{}
		declared := map[string]bool{}
		for _, g := range []string{portal766.LevelProvince, portal766.LevelCommune} {
			_, fw, err := portal766.CriteriaSet(c.period, g)
			if err != nil {
				t.Fatal(err)
			}
			sets[g] = fw
			for _, in := range fw.Inputs {
				declared[in.Name] = true
			}
		}
		for _, u := range units {
			fw := sets[u.Level]
			for name := range u.Inputs {
				if !declared[name] {
					t.Errorf("%s %s: input %s is not declared by the criteria set", c.name, u.Code, name)
				}
			}
			res := scoring.Evaluate(fw, u.UnitData(), scoring.StageFinal)
			where := fmt.Sprintf("%s %s", c.name, u.Code)
			for _, top := range fw.Items {
				for _, leaf := range leavesOf(top) {
					key := leaf.Metric
					if key == "" {
						key = leaf.Code
					}
					official, published := u.Official[key]
					if !published {
						continue // the answer does not carry this metric (a formality filter)
					}
					tl := get(top.Code, key)
					switch {
					case official == nil:
						tl.null++
						continue
					case top.Code == "online":
						tl.unreproduced++
						continue
					}
					got := res.Nodes[leaf.Code].Points
					diff := got.Sub(*official).Abs()
					tl.compared++
					if diff.GreaterThan(tl.maxErr) {
						tl.maxErr = diff
					}
					line := fmt.Sprintf("%s: engine %s, portal %s", where, scoring.FormatPublished(got), official.StringFixed(2))
					switch {
					case diff.GreaterThan(tolerance):
						tl.failed = append(tl.failed, line)
					case scoring.Publish(got).Equal(*official):
						tl.exact++
					default:
						tl.inexact = append(tl.inexact, line)
					}
				}
				// The group's total: the sum of its (rounded) metric scores.
				if total := u.Totals[portal766.Kind(top.Code)]; total != nil {
					tl := get(top.Code, "(group total)")
					if top.Code == "online" {
						tl.unreproduced++
						continue
					}
					got := res.Nodes[top.Code].Points
					diff := got.Sub(*total).Abs()
					tl.compared++
					if diff.GreaterThan(tl.maxErr) {
						tl.maxErr = diff
					}
					line := fmt.Sprintf("%s: engine %s, portal %s", where, scoring.FormatPublished(got), total.StringFixed(2))
					switch {
					case diff.GreaterThan(tolerance):
						tl.failed = append(tl.failed, line)
					case scoring.Publish(got).Equal(*total):
						tl.exact++
					default:
						tl.inexact = append(tl.inexact, line)
					}
				}
			}
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "Decision 766 conformance: %d captures of Phú Thọ, engine vs the portal's published points (tolerance 0.015)\n", len(cs))
	fmt.Fprintf(&b, "%-14s %-36s %8s %6s %8s %5s %6s\n", "group", "metric", "compared", "exact", "max_err", "null", "unrepr")
	for _, key := range order {
		tl := tallies[key]
		fmt.Fprintf(&b, "%-14s %-36s %8d %6d %8s %5d %6d\n", tl.group, tl.metric, tl.compared, tl.exact, tl.maxErr.StringFixed(4), tl.null, tl.unreproduced)
	}
	b.WriteString("Columns: compared = published scores recomputed from the counts; exact = equal to the published two-decimal value;\n" +
		"max_err = largest |engine − portal|; null = the portal shows no points (not compared); unrepr = published but not recomputable.\n")
	for _, key := range order {
		tl := tallies[key]
		if tl.unreproduced > 0 {
			fmt.Fprintf(&b, "Not reproduced: %s %s, %d observations: the portal publishes no counts per unit for this group and its formula is unknown; the criteria set takes the portal's points as they are (input online_portal_points).\n", tl.group, tl.metric, tl.unreproduced)
		}
		for _, l := range tl.inexact {
			fmt.Fprintf(&b, "Within tolerance but not exact: %s %s: %s\n", tl.group, tl.metric, l)
		}
		for _, l := range tl.failed {
			fmt.Fprintf(&b, "BEYOND TOLERANCE: %s %s: %s\n", tl.group, tl.metric, l)
		}
	}
	t.Log("\n" + b.String())

	// The observation counts of the fixture's README (check_formulas.py).
	want := map[string][3]int{ // compared, null, unreproduced
		"transparency/PUBLISH_ON_TIME":                    {328, 656, 0},
		"transparency/PUBLIC_UPDATE_ON_TIME":              {328, 656, 0},
		"transparency/PUBLIC_CONTENT_FULL":                {492, 492, 0},
		"transparency/DOSSIER_SYNC":                       {976, 8, 0},
		"progress/progress":                               {984, 0, 0},
		"online/online":                                   {0, 0, 984},
		"online/(group total)":                            {0, 0, 984},
		"digitization/ORIGINAL_RESULT_AVAILABLE":          {935, 49, 0},
		"digitization/SO_HOA_GIAY_TO_GIAI_QUYET":          {935, 49, 0},
		"digitization/REUSED_DIGITIZED_DATA":              {935, 49, 0},
		"digitization/SYNCED_WITH_DVCQG_PERSONAL_STORAGE": {935, 49, 0},
		"digitization/CITIZEN_DATA_CONNECTED_DOSSIER":     {935, 49, 0},
		"digitization/CITIZEN_DATA_CONNECTED_FORMALITY":   {492, 0, 0},
		"digitization/ELECTRONIC_CERTIFIED_COPY":          {984, 0, 0},
		"satisfaction/DOSSIER_RECEIVING_SATISFACTION":     {492, 0, 0},
		"satisfaction/PETITION_PROCESSING_ON_TIME":        {492, 0, 0},
		"satisfaction/PETITION_HANDLING_SATISFACTION":     {492, 0, 0},
		"payment/payment":                                 {984, 0, 0},
	}
	for key, w := range want {
		tl := tallies[key]
		if tl == nil {
			t.Errorf("%s: no observation", key)
			continue
		}
		if got := [3]int{tl.compared, tl.null, tl.unreproduced}; got != w {
			t.Errorf("%s: compared, null, unreproduced = %v, want %v (the README's counts)", key, got, w)
		}
	}
	for _, key := range order {
		if tl := tallies[key]; len(tl.failed) > 0 {
			t.Errorf("%s %s: %d observations beyond 0.015 (listed above)", tl.group, tl.metric, len(tl.failed))
		}
	}
}

// leavesOf returns an item's leaves, or the item itself when it is a leaf.
func leavesOf(it *scoring.Item) []*scoring.Item {
	if it.IsLeaf() {
		return []*scoring.Item{it}
	}
	var out []*scoring.Item
	for _, c := range it.Items {
		out = append(out, leavesOf(c)...)
	}
	return out
}
