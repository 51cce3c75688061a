package scoring_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/parindex/parindex/domain/problem"
	"github.com/parindex/parindex/scoring"
)

// TestRound checks the leaf key round: computed points are rounded half up to
// the given places before they are added up, as a portal that publishes
// rounded metric scores sums them.
func TestRound(t *testing.T) {
	f := mustParse(t, `
period: "2026"
group: G
items:
  - code: g
    name: Group
    items:
      - {code: r2, name: ratio rounded, max: 2, method: ratio, numerator: n, denominator: d, round: 2}
      - {code: r0, name: ratio to units, max: 6, method: ratio, numerator: n, denominator: d, round: 0}
      - {code: raw, name: not rounded, max: 2, method: ratio, numerator: n, denominator: d}
      - {code: f2, name: formula rounded, max: 10, method: formula, formula: "6 * n / d", round: 2}
      - {code: half, name: exact half, max: 1, method: formula, formula: "h", round: 2}
      - {code: s1, name: survey rounded, max: 5, method: survey, survey: sipas, round: 1}
      - {code: na, name: empty n/a, max: 3, method: ratio, numerator: n, denominator: z, when_empty: not_applicable, round: 2}
      - {code: rest, name: rest, max: 71, method: manual}
`)
	u := scoring.UnitData{Code: "U", Inputs: inputs("n", "87", "d", "89", "h", "0.125", "sipas", "0.9266", "z", "0")}
	r := scoring.Evaluate(f, u, scoring.StageFinal)
	cases := []struct{ code, points string }{
		{"r2", "1.96"},                    // 2 × 87/89 = 1.95505… → 1.96 (the portal's PUBLIC_CONTENT_FULL)
		{"r0", "6"},                       // 6 × 0.97752… = 5.865… → 6
		{"raw", "1.95505617977528089888"}, // unrounded: 20 places of the engine's division
		{"f2", "5.87"},                    // 5.86516… → 5.87
		{"half", "0.13"},                  // a tie goes up
		{"s1", "4.6"},                     // 5 × 0.9266 = 4.633 → 4.6
		{"na", "0"},
	}
	for _, c := range cases {
		eq(t, c.code, r.Nodes[c.code].Points, c.points)
	}
	if !r.Nodes["na"].NA || !r.Nodes["na"].Max.IsZero() {
		t.Errorf("na: %+v, want not applicable with max 0", r.Nodes["na"])
	}
	// The group adds the rounded values: 1.96 + 6 + 1.955… + 5.87 + 0.13 + 4.6 + 0.
	eq(t, "group", r.Nodes["g"].Points, "20.51505617977528089888")
}

func TestRoundRejects(t *testing.T) {
	cases := []struct{ name, items, want string }{
		{"manual leaf", `  - {code: "1", name: x, max: 100, method: manual, round: 2}`, "item 1: round applies only to computed leaves (ratio, tiers, formula, survey), not to a manual leaf"},
		{"negative", `  - {code: "1", name: x, max: 100, method: ratio, ratio: r, round: -1}`, "item 1: round -1 must be a whole number of decimal places from 0 to 10"},
		{"fraction", `  - {code: "1", name: x, max: 100, method: ratio, ratio: r, round: 1.5}`, "item 1: round 1.5 must be a whole number"},
		{"not a number", `  - {code: "1", name: x, max: 100, method: ratio, ratio: r, round: two}`, `item 1: round "two" is not a number`},
		{"group", "  - code: \"1\"\n    name: g\n    round: 2\n    items:\n      - {code: a, name: a, max: 100, method: ratio, ratio: r}", "item 1: round applies only to computed leaves (ratio, tiers, formula, survey), not to a group"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := scoring.ParseFramework(strings.NewReader(header + "items:\n" + c.items + "\n"))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q", err, c.want)
			}
		})
	}
}

// TestDiv checks the formula function div: a ratio whose empty denominator
// gives 0 (or the third argument) instead of failing the whole formula, which
// the portal's online-payment score needs term by term.
func TestDiv(t *testing.T) {
	f := mustParse(t, `
period: "2026"
group: G
items:
  - {code: pay, name: payment, max: 10, method: formula, formula: "6 * div(a_n, a_d) + min(2, 2.5 * div(b_n, b_d)) + 2.5 * div(c_n, c_d)"}
  - {code: alt, name: third argument, max: 5, method: formula, formula: "5 * div(a_n, a_d, 1)"}
  - {code: nz, name: plain, max: 5, method: formula, formula: "div(b_n, b_d)"}
  - {code: rest, name: rest, max: 80, method: manual}
`)
	cases := []struct {
		name          string
		in            []string
		pay, alt, nzv string
	}{
		// 6 × 309542/358625 + min(2, 2.5 × 119/313) + 2.5 × 68/313: the province of Phú Thọ, year 2026 (portal: 6.67).
		{"all denominators", []string{"a_n", "309542", "a_d", "358625", "b_n", "119", "b_d", "313", "c_n", "68", "c_d", "313"},
			"6.67", "4.3156779365632624608", "0.38019169329073482428"}, // 5 × 0.86313558731265249216 (quotients keep 20 places)
		// No dossier with a fee: A counts as 0, the two procedure terms still count.
		{"empty first denominator", []string{"a_n", "0", "a_d", "0", "b_n", "1", "b_d", "4", "c_n", "2", "c_d", "4"},
			"1.875", "5", "0.25"},
		{"every denominator empty", []string{"a_n", "0", "a_d", "0", "b_n", "0", "b_d", "0", "c_n", "0", "c_d", "0"},
			"0", "5", "0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := scoring.Evaluate(f, scoring.UnitData{Code: "U", Inputs: inputs(c.in...)}, scoring.StageFinal)
			got := r.Nodes["pay"].Points
			if c.name == "all denominators" {
				got = scoring.Publish(got)
			}
			eq(t, "pay", got, c.pay)
			eq(t, "alt", r.Nodes["alt"].Points, c.alt)
			eq(t, "nz", r.Nodes["nz"].Points, c.nzv)
			for _, code := range []string{"pay", "alt", "nz"} {
				if len(r.Nodes[code].Notes) != 0 {
					t.Errorf("%s notes = %v, want none", code, r.Nodes[code].Notes)
				}
			}
		})
	}
	for _, bad := range []string{"div(a)", "div(a, b, c, d)"} {
		_, err := scoring.ParseFramework(strings.NewReader(header + "items:\n  - {code: \"1\", name: x, max: 100, method: formula, formula: \"" + bad + "\"}\n"))
		if err == nil || !strings.Contains(err.Error(), "div takes two or three arguments") {
			t.Errorf("%s: error %v", bad, err)
		}
	}
}

const checkedSet = `
period: "2025"
group: SO
inputs:
  - {name: received, label: Hồ sơ tiếp nhận}
  - {name: resolved, label: Hồ sơ đã giải quyết}
  - {name: on_time, label: Hồ sơ đúng hạn}
  - {name: online, label: Hồ sơ trực tuyến}
checks:
  - rule: on_time <= resolved
    message: Số hồ sơ đúng hạn không được lớn hơn số hồ sơ đã giải quyết
  - resolved <= received
  - rule: online <= received and online >= 0
items:
  - {code: "1", name: Đúng hạn, max: 50, method: ratio, numerator: on_time, denominator: resolved}
  - {code: "2", name: Trực tuyến, max: 50, method: ratio, numerator: online, denominator: received}
`

func TestChecks(t *testing.T) {
	f := mustParse(t, checkedSet)
	if len(f.Checks) != 3 {
		t.Fatalf("checks = %+v", f.Checks)
	}
	if c := f.Checks[0]; c.Rule != "on_time <= resolved" || c.Line != 10 || c.Message == "" ||
		strings.Join(c.Inputs(), ",") != "on_time,resolved" {
		t.Errorf("check 1 = %+v, inputs %v", c, c.Inputs())
	}
	if got := f.Checks[1].Describe(); got != "resolved <= received" {
		t.Errorf("check 2 describes as %q", got)
	}
	cases := []struct {
		name   string
		in     []string
		failed []string // rules that fail
	}{
		{"all hold", []string{"received", "100", "resolved", "90", "on_time", "90", "online", "100"}, nil},
		{"on time above resolved", []string{"received", "100", "resolved", "90", "on_time", "91", "online", "10"}, []string{"on_time <= resolved"}},
		{"two broken", []string{"received", "10", "resolved", "12", "on_time", "13", "online", "11"},
			[]string{"on_time <= resolved", "resolved <= received", "online <= received and online >= 0"}},
		{"a missing input means the rule does not apply", []string{"received", "10", "on_time", "13"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, r := range f.FailedChecks(inputs(c.in...)) {
				got = append(got, r.Check.Rule)
			}
			if strings.Join(got, "|") != strings.Join(c.failed, "|") {
				t.Errorf("failed = %q, want %q", got, c.failed)
			}
		})
	}
	// A rule that divides by zero cannot be judged: it fails with the error.
	g := mustParse(t, header+"inputs: [{name: a}, {name: b}]\nchecks: [\"a / b <= 1\"]\nitems:\n  - {code: \"1\", name: x, max: 100, method: ratio, numerator: a, denominator: b}\n")
	res := g.FailedChecks(inputs("a", "1", "b", "0"))
	if len(res) != 1 || res[0].Err == nil || !strings.Contains(res[0].Err.Error(), "division by zero") {
		t.Errorf("division by zero: %+v", res)
	}
}

func TestChecksRejects(t *testing.T) {
	leaf := "items:\n  - {code: \"1\", name: x, max: 100, method: ratio, numerator: a, denominator: b}\n"
	cases := []struct{ name, src, want string }{
		{"not a comparison", "checks: [\"a + b\"]\n" + leaf, `check 1 "a + b": a rule must be a comparison`},
		{"unknown input without declarations", "checks: [\"a <= bb\"]\n" + leaf, `check 1 "a <= bb": "bb" is not an input of the set`},
		{"undeclared input", "inputs: [{name: a}, {name: b}]\nchecks: [{rule: \"a <= c\"}]\n" + leaf, `check 1 "a <= c": "c" is not an input of the set`},
		{"syntax", "checks: [\"a <=\"]\n" + leaf, `check 1 "a <=": syntax error`},
		{"empty rule", "checks: [{message: hello}]\n" + leaf, "check 1: rule is missing"},
		{"constant", "checks: [\"1 < 2\"]\n" + leaf, `check 1 "1 < 2": the rule reads no input`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := scoring.ParseFramework(strings.NewReader(header + c.src))
			var ve *problem.List
			if !errors.As(err, &ve) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q", err, c.want)
			}
		})
	}
}

// TestRatioDividesLast checks that a ratio leaf divides once, last: 6 × 43/48
// is exactly 5.375, which publishes as 5.38. Dividing first would keep 20
// places of 43/48 and give 5.37499…, published 5.37 — the portal says 5.38
// (ORIGINAL_RESULT_AVAILABLE of H44.158, August 2026, one procedure).
func TestRatioDividesLast(t *testing.T) {
	f := mustParse(t, header+`items:
  - {code: a, name: a, max: 6, method: ratio, numerator: n, denominator: d}
  - {code: b, name: b, max: 6, method: ratio, numerator: n, denominator: d, round: 2}
  - {code: c, name: c, max: 6, method: ratio, numerator: s, denominator: d, target: 0.9}
  - {code: rest, name: rest, max: 82, method: manual}
`)
	r := scoring.Evaluate(f, scoring.UnitData{Code: "U", Inputs: inputs("n", "43", "d", "48", "s", "36")}, scoring.StageFinal)
	eq(t, "a", r.Nodes["a"].Points, "5.375")
	eq(t, "b", r.Nodes["b"].Points, "5.38")
	eq(t, "c", r.Nodes["c"].Points, "5") // 6 × 36 / (48 × 0.9) = 216 / 43.2 = 5 exactly
}

func TestInputDef(t *testing.T) {
	f := mustParse(t, checkedSet)
	if d, ok := f.InputDef("received"); !ok || d.Label != "Hồ sơ tiếp nhận" {
		t.Errorf("received: %+v, %v", d, ok)
	}
	if _, ok := f.InputDef("nope"); ok {
		t.Error("an undeclared input has a declaration")
	}
	// Every leaf's inputs are declared, so a page can label each source number.
	for _, l := range f.Leaves() {
		for _, n := range l.Inputs() {
			if _, ok := f.InputDef(n); !ok {
				t.Errorf("leaf %s reads %s, which has no declaration", l.Code, n)
			}
		}
	}
}
