package scoring_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/parindex/parindex/scoring"
)

func link(from, fromUnit, to, toUnit string, weight ...string) scoring.Link {
	l := scoring.Link{FromPeriod: from, FromUnit: fromUnit, ToPeriod: to, ToUnit: toUnit}
	if len(weight) > 0 {
		l.Weight, l.HasWeight = mustDec(weight[0]), true
	}
	return l
}

func mustDec(s string) scoring.Decimal {
	d, err := scoring.ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

func mustLineage(t *testing.T, links ...scoring.Link) *scoring.Lineage {
	t.Helper()
	lin, err := scoring.NewLineage(links)
	if err != nil {
		t.Fatalf("NewLineage: %v", err)
	}
	return lin
}

// group ranks results given as unit → unrounded index.
func group(indices map[string]string) *scoring.GroupResult {
	g := &scoring.GroupResult{}
	for u, idx := range indices {
		g.Results = append(g.Results, scoring.UnitScore{Unit: u, UnitName: "UBND " + u, Index: mustDec(idx)})
	}
	scoring.Rank(g.Results)
	return g
}

func resultOf(g *scoring.GroupResult, unit string) scoring.UnitScore {
	for _, r := range g.Results {
		if r.Unit == unit {
			return r
		}
	}
	panic("no result for " + unit)
}

// TestCompareFollowsLineage checks each rule of contract.md's "Unit
// lineage" on one province whose 2025 units came out of its 2024 ones.
func TestCompareFollowsLineage(t *testing.T) {
	prev := group(map[string]string{
		"A": "80.004", "B": "70", // merged into M, no weights
		"C": "90.125", "D": "60", // merged into W with weights 3 and 1
		"E": "50",                // split into S1 and S2
		"F": "77.5", "G": "66.5", // merged into F (the code F is reused)
		"R": "88",    // renamed R2
		"X": "85.55", // no lineage: the same code
		"H": "40",    // merged with a unit that has no 2024 result
	})
	// 2024 ranks: C 1, R 2, X 3, A 4, F 5, B 6, G 7, D 8, E 9, H 10.
	lin := mustLineage(t,
		link("2024", "A", "2025", "M"), link("2024", "B", "2025", "M"),
		link("2024", "C", "2025", "W", "3"), link("2024", "D", "2025", "W", "1"),
		link("2024", "E", "2025", "S1"), link("2024", "E", "2025", "S2"),
		link("2024", "F", "2025", "F"), link("2024", "G", "2025", "F"),
		link("2024", "R", "2025", "R2"),
		link("2024", "H", "2025", "Y"), link("2024", "Z", "2025", "Y"),
	)
	cur := group(map[string]string{
		"M": "78.5", "W": "85", "S1": "49.994", "S2": "52.005", "F": "70",
		"R2": "89.999", "X": "84", "N": "61", "Y": "55",
	})
	// 2025 ranks: R2 1, W 2, X 3, M 4, F 5, N 6, Y 7, S2 8, S1 9.
	cur.Compare(prev.Results, lin, "2024", "2025")

	tests := []struct {
		unit       string
		kind       scoring.ComparisonKind // "" when not compared at all
		rankChange string                 // "" for nil
		indexCh    string                 // "" for nil
		previous   string
		sources    string // unit:weight …
		missing    string
	}{
		// A rename keeps both changes: 2024 rank 2, 2025 rank 1.
		{"R2", scoring.Renamed, "1", "2.00", "88.00", "R:1", ""},
		// Equal weights: (80.004 + 70) / 2 = 75.002 → 75.00.
		{"M", scoring.Merged, "", "3.50", "75.00", "A:0.5 B:0.5", ""},
		// Weights 3 and 1: (3 × 90.125 + 60) / 4 = 82.59375 → 82.59.
		{"W", scoring.Merged, "", "2.41", "82.59", "C:0.75 D:0.25", ""},
		// Each successor of a split against its predecessor's 50.00.
		{"S1", scoring.Split, "", "-0.01", "50.00", "E:1", ""},
		{"S2", scoring.Split, "", "2.01", "50.00", "E:1", ""},
		// Code reuse: F of 2025 is a merger of F and G of 2024: 72.00.
		{"F", scoring.Merged, "", "-2.00", "72.00", "F:0.5 G:0.5", ""},
		// No lineage and the same code: the same unit, rank 3 then 3.
		{"X", scoring.SameUnit, "0", "-1.55", "85.55", "X:1", ""},
		// A new unit with no predecessor and no namesake.
		{"N", "", "", "", "", "", ""},
		// A predecessor without a 2024 result: not compared.
		{"Y", scoring.Merged, "", "", "", "H:0.5", "Z"},
	}
	for _, tc := range tests {
		r := resultOf(cur, tc.unit)
		if got := optInt(r.RankChange); got != tc.rankChange {
			t.Errorf("%s: rank change %q, want %q", tc.unit, got, tc.rankChange)
		}
		if got := optDec(r.IndexChange); got != tc.indexCh {
			t.Errorf("%s: index change %q, want %q", tc.unit, got, tc.indexCh)
		}
		if tc.kind == "" {
			if r.Compared != nil {
				t.Errorf("%s: compared with %+v, want nothing", tc.unit, r.Compared)
			}
			continue
		}
		c := r.Compared
		if c == nil {
			t.Errorf("%s: not compared, want %s", tc.unit, tc.kind)
			continue
		}
		if c.Kind != tc.kind || c.Period != "2024" {
			t.Errorf("%s: kind %s against %s, want %s against 2024", tc.unit, c.Kind, c.Period, tc.kind)
		}
		var src []string
		for _, s := range c.Sources {
			src = append(src, s.Unit+":"+s.Weight.String())
		}
		if got := strings.Join(src, " "); got != tc.sources {
			t.Errorf("%s: sources %q, want %q", tc.unit, got, tc.sources)
		}
		if got := strings.Join(c.Missing, " "); got != tc.missing {
			t.Errorf("%s: missing %q, want %q", tc.unit, got, tc.missing)
		}
		if tc.previous != "" && c.Previous.StringFixed(2) != tc.previous {
			t.Errorf("%s: previous index %s, want %s", tc.unit, c.Previous.StringFixed(2), tc.previous)
		}
	}
	// Without the lineage only X and the reused code F are compared.
	plain := group(map[string]string{"M": "78.5", "F": "70", "X": "84"})
	plain.CompareWith(prev.Results)
	for _, r := range plain.Results {
		want := r.Unit != "M"
		if (r.IndexChange != nil) != want {
			t.Errorf("by code alone, %s compared: %v, want %v", r.Unit, r.IndexChange != nil, want)
		}
	}
}

func optInt(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func optDec(p *scoring.Decimal) string {
	if p == nil {
		return ""
	}
	return p.StringFixed(2)
}

// TestLineageExistence: a continued unit takes no part from to_period on,
// a successor none before; a unit whose code continues (a link to itself)
// takes part in both; periods of every kind are placed by their start.
func TestLineageExistence(t *testing.T) {
	lin := mustLineage(t,
		link("2024", "A", "2025", "M"), link("2024", "B", "2025", "M"),
		link("2024", "F", "2025", "F"), link("2024", "G", "2025", "F"),
		link("2024", "E", "2025", "S1"), link("2024", "E", "2025", "S2"),
		// Q left for P in July 2025 and came back in 2027.
		link("2025-Q2", "Q", "2025-Q3", "P"), link("2026", "P", "2027", "Q"),
	)
	tests := []struct {
		unit, period string
		want         bool
	}{
		{"A", "2024", true}, {"A", "2025", false}, {"A", "2026", false},
		{"A", "2024-Q4", true}, {"A", "2024-12", true}, {"A", "2025-Q1", false}, {"A", "2025-01", false},
		{"M", "2024", false}, {"M", "2024-Q4", false}, {"M", "2025", true}, {"M", "2025-07", true}, {"M", "2030", true},
		{"F", "2024", true}, {"F", "2025", true}, {"G", "2024", true}, {"G", "2025", false},
		{"E", "2025", false}, {"S1", "2024", false}, {"S2", "2025", true},
		{"Q", "2025-Q2", true}, {"Q", "2025-Q3", false}, {"Q", "2025-08", false}, {"Q", "2025", true},
		{"Q", "2026", false}, {"Q", "2027", true},
		{"P", "2025-06", false}, {"P", "2025-07", true}, {"P", "2026", true}, {"P", "2027", false},
		{"UNRELATED", "2025", true},
		// A period code of no known kind is outside the lineage.
		{"A", "dot-1", true}, {"M", "dot-1", true},
	}
	for _, tc := range tests {
		if got := lin.Exists(tc.unit, tc.period); got != tc.want {
			t.Errorf("Exists(%s, %s) = %v, want %v", tc.unit, tc.period, got, tc.want)
		}
	}
	var none *scoring.Lineage
	if !none.Exists("A", "2025") || none.Predecessors("A", "2024", "2025") != nil {
		t.Error("a nil lineage must let every unit exist and have no predecessors")
	}
}

// TestLineageWindow: a link to a year applies to the comparison of the
// periods it falls between, of any kind.
func TestLineageWindow(t *testing.T) {
	lin := mustLineage(t, link("2024", "A", "2025", "M"), link("2024", "B", "2025", "M"))
	for _, tc := range []struct {
		prev, period string
		want         int
	}{
		{"2024", "2025", 2}, {"2024-Q4", "2025-Q1", 2}, {"2024-12", "2025-01", 2},
		{"2025-Q1", "2025-Q2", 0}, {"2023", "2024", 0}, {"2024", "2026", 2}, {"", "2025", 0}, {"x", "y", 0},
	} {
		if got := len(lin.Predecessors("M", tc.prev, tc.period)); got != tc.want {
			t.Errorf("between %q and %q: %d predecessors, want %d", tc.prev, tc.period, got, tc.want)
		}
	}
}

func TestLineageProblems(t *testing.T) {
	tests := []struct {
		name  string
		links []scoring.Link
		want  []string // "link:field:message part"
	}{
		{"period kinds", []scoring.Link{link("2024-H1", "A", "2025", "B"), link("2024", "A", "năm 2025", "C")},
			[]string{"1:from_period:\"2024-H1\" is not a year", "2:to_period:\"năm 2025\" is not a year"}},
		{"successor not after", []scoring.Link{link("2025", "A", "2025", "B"), link("2025-Q3", "A", "2025", "C")},
			[]string{"1:to_period:2025 does not begin after from_period 2025", "2:to_period:2025 does not begin after from_period 2025-Q3"}},
		{"weights", []scoring.Link{link("2024", "A", "2025", "M", "0"), link("2024", "B", "2025", "M", "-1")},
			[]string{"1:weight:0 must be greater than 0", "2:weight:-1 must be greater than 0"}},
		{"weights all or none", []scoring.Link{link("2024", "A", "2025", "M", "2"), link("2024", "B", "2025", "M")},
			[]string{"2:weight:unit M has weights for some of its predecessors into 2025 but not for B"}},
		{"twice", []scoring.Link{link("2024", "A", "2025", "M"), link("2024", "A", "2025", "M")},
			[]string{"2:to_unit:the link 2024 A → 2025 M is given twice"}},
		{"formed and continued", []scoring.Link{link("2024", "A", "2025", "M"), link("2024", "M", "2025", "N")},
			[]string{"1:to_unit:unit M is formed in 2025 and continued into other units in the same period"}},
		{"empty units", []scoring.Link{link("2024", "", "2025", "")},
			[]string{"1:from_unit:is empty", "1:to_unit:is empty"}},
	}
	for _, tc := range tests {
		_, err := scoring.NewLineage(tc.links)
		var le *scoring.LineageError
		if !errors.As(err, &le) {
			t.Errorf("%s: error %v, want a *LineageError", tc.name, err)
			continue
		}
		var got []string
		for _, p := range le.Problems {
			got = append(got, strconv.Itoa(p.Link+1)+":"+p.Field+":"+p.Msg)
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: problems %q, want %d", tc.name, got, len(tc.want))
			continue
		}
		for i := range got {
			if !strings.HasPrefix(got[i], tc.want[i]) {
				t.Errorf("%s: problem %q, want %q", tc.name, got[i], tc.want[i])
			}
		}
	}
}

// TestLineageBack follows a unit back two steps: M (2025) came from A and
// B (2024); A came from A1 and A2 with weights 1 and 3 (2023).
func TestLineageBack(t *testing.T) {
	lin := mustLineage(t,
		link("2024", "A", "2025", "M"), link("2024", "B", "2025", "M"),
		link("2023", "A1", "2024", "A", "1"), link("2023", "A2", "2024", "A", "3"),
		link("2024", "E", "2025", "S1"), link("2024", "E", "2025", "S2"),
	)
	at24 := lin.Back(map[string]scoring.Decimal{"M": mustDec("1")}, "2024", "2025")
	at23 := lin.Back(at24, "2023", "2024")
	want := map[string]string{"A1": "0.125", "A2": "0.375", "B": "0.5"}
	if len(at23) != len(want) {
		t.Fatalf("M in 2023 = %v, want %v", at23, want)
	}
	for u, w := range want {
		if !at23[u].Equal(mustDec(w)) {
			t.Errorf("M in 2023: %s weighs %s, want %s", u, at23[u], w)
		}
	}
	// A split successor stands for its whole predecessor.
	if s := lin.Back(map[string]scoring.Decimal{"S2": mustDec("1")}, "2024", "2025"); len(s) != 1 || !s["E"].Equal(mustDec("1")) {
		t.Errorf("S2 in 2024 = %v, want E whole", s)
	}
	if got := lin.Successors("A", "2024"); len(got) != 1 || got[0].ToUnit != "M" {
		t.Errorf("successors of A after 2024: %v", got)
	}
}
