package scoring_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/parindex/parindex/domain/problem"
	"github.com/parindex/parindex/scoring"
)

const header = "period: \"2025\"\ngroup: G\n"

func TestParseRejects(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []string // substrings of the error, each on some problem line
	}{
		{"duplicate code", header + `items:
  - {code: "1", name: a, max: 50, method: manual}
  - {code: "1", name: b, max: 50, method: manual}
`, []string{"line 5: item 1: the code is used twice (first at line 4)"}},
		{"group max differs from children", header + `items:
  - code: "1"
    name: Field
    max: 12
    items:
      - {code: "1.1", name: a, max: 5, method: manual}
      - {code: "1.2", name: b, max: 6, method: manual}
`, []string{"item 1: max 12 is not the sum of its children (11)"}},
		{"grades not ordered", header + `grades:
  - {code: A, name: A, min: 80}
  - {code: B, name: B, min: 90}
items:
  - {code: "1", name: a, max: 100, method: manual}
`, []string{"grades must be ordered highest first: B (min 90) follows A (min 80)"}},
		{"formula with unknown input", header + `inputs:
  - {name: a}
items:
  - {code: "1", name: f, max: 10, method: formula, formula: "a + bogus"}
`, []string{`item 1: uses the input "bogus", which the set's inputs do not declare`}},
		{"formula syntax error", header + `items:
  - {code: "1", name: f, max: 10, method: formula, formula: "6 * (a + "}
`, []string{"item 1: formula \"6 * (a +\": syntax error"}},
		{"formula unknown function", header + `items:
  - {code: "1", name: f, max: 10, method: formula, formula: "sqrt(a)"}
`, []string{"item 1: formula \"sqrt(a)\": unknown function sqrt"}},
		{"unknown method", header + `items:
  - {code: "1", name: x, max: 10, method: guess}
`, []string{`item 1: unknown method "guess"`}},
		{"step does not divide max", header + `items:
  - {code: "1", name: x, max: 1, method: manual, step: 0.3}
`, []string{"item 1: max 1 is not a multiple of the step 0.3"}},
		{"ratio without denominator", header + `items:
  - {code: "1", name: x, max: 1, method: ratio, numerator: a}
`, []string{"item 1: denominator is missing for a ratio leaf"}},
		{"target out of range", header + `items:
  - {code: "1", name: x, max: 1, method: ratio, ratio: r, target: 1.5}
`, []string{"item 1: target 1.5 must be above 0 and at most 1"}},
		{"tiers not ordered", header + `items:
  - code: "1"
    name: x
    max: 2
    method: tiers
    input: a
    tiers: [{min: 0.5, points: 1}, {min: 0.9, points: 2}]
`, []string{"item 1: tiers must be ordered highest min first (tier 2)"}},
		{"field of another method", header + `items:
  - {code: "1", name: x, max: 2, method: manual, formula: "a"}
`, []string{"item 1: formula does not apply to a manual leaf"}},
		{"mixed bonus group", header + `items:
  - code: "1"
    name: mixed
    items:
      - {code: "1.1", name: a, max: 5, method: manual}
      - {code: "1.2", name: b, max: 1, method: bonus}
`, []string{"item 1: mixes bonus/penalty items with regular ones"}},
		{"max not a number", header + `items:
  - {code: "1", name: x, max: ten, method: manual}
`, []string{`item 1: max "ten" is not a number`}},
		{"unknown key", header + `items:
  - {code: "1", name: x, max: 1, method: manual, maxx: 2}
`, []string{"line 4: item 1: unknown key maxx"}},
		{"missing period and items", "group: G\n", []string{"period is missing", "the set has no items"}},
		{"bad policy", header + `not_applicable: skip
items:
  - {code: "1", name: x, max: 1, method: manual}
`, []string{`not_applicable "skip" must be renormalize or full_credit`}},
		{"empty file", "", []string{"the file is empty"}},
		{"short name too long", header + `items:
  - {code: "1", name: x, short: "Cải cách thủ tục hành chính một cửa", max: 1, method: manual}
`, []string{`item 1: short "Cải cách thủ tục hành chính một cửa" is longer than 20 characters`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := scoring.ParseFramework(strings.NewReader(c.src))
			var ve *problem.List
			if !errors.As(err, &ve) {
				t.Fatalf("want a *problem.List, got %v", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err.Error(), w)
				}
			}
		})
	}
}

func TestParseContractExample(t *testing.T) {
	// The example of contract.md, verbatim in substance.
	f := mustParse(t, `
period: "2025"
group: SO
name: Bộ Chỉ số CCHC cấp sở năm 2025
not_applicable: renormalize
grades:
  - {code: XS, name: Xuất sắc, min: 90}
  - {code: T,  name: Tốt,      min: 80}
  - {code: K,  name: Khá,      min: 70}
  - {code: TB, name: Trung bình, min: 50}
  - {code: Y,  name: Yếu,      min: 0}
items:
  - code: "1"
    name: Công tác chỉ đạo, điều hành CCHC
    items:
      - code: "1.1"
        name: Ban hành kế hoạch CCHC năm đúng hạn
        max: 1
        method: manual
        step: 0.25
        evidence: required
      - code: "1.2"
        name: Tỷ lệ nhiệm vụ hoàn thành
        max: 2
        method: ratio
        numerator: tasks_done
        denominator: tasks_assigned
        target: 1
        when_empty: full
  - code: "9"
    name: Điểm thưởng
    method: bonus
    max: 2
`)
	if got := f.Max().String(); got != "3" {
		t.Errorf("max = %s, want 3 (bonus outside)", got)
	}
	if len(f.Leaves()) != 3 || f.Item("1").Max.String() != "3" || f.Item("1.1").Evidence != scoring.EvidenceRequired {
		t.Errorf("unexpected structure: leaves %d, 1.max %s", len(f.Leaves()), f.Item("1").Max)
	}
	if got := strings.Join(f.InputNames(), ","); got != "tasks_assigned,tasks_done" {
		t.Errorf("inputs = %s", got)
	}
	if g := f.GradeFor(d("89.99")); g.Code != "T" {
		t.Errorf("grade of 89.99 = %s, want T", g.Code)
	}
}

func TestCheckPoints(t *testing.T) {
	f := mustParse(t, header+`items:
  - code: "1"
    name: F
    items:
      - {code: a, name: a, max: 1, method: manual, step: 0.25}
      - {code: v, name: v, max: 1, method: manual, values: [0, 0.5, 1]}
      - {code: r, name: r, max: 1, method: ratio, ratio: x}
`)
	cases := []struct {
		code, points, want string
	}{
		{"a", "0.75", ""},
		{"a", "1.25", "above the maximum 1"},
		{"a", "0.3", "not a multiple of the step 0.25"},
		{"a", "-1", "negative"},
		{"v", "0.5", ""},
		{"v", "0.75", "not one of the allowed values 0, 0.5, 1"},
		{"r", "1", "computed (ratio)"},
		{"1", "1", "is a group"},
		{"zz", "1", "no such item"},
	}
	for _, c := range cases {
		err := f.CheckPoints(c.code, d(c.points))
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s %s: unexpected %v", c.code, c.points, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s %s: error %v, want %q", c.code, c.points, err, c.want)
		}
	}
}

// A field's short name heads the ranking's column; it is optional.
func TestParseShortName(t *testing.T) {
	f := mustParse(t, header+`items:
  - code: "3"
    name: Cải cách thủ tục hành chính
    short: Thủ tục HC
    items:
      - {code: "3.1", name: x, max: 1, method: manual}
  - {code: "4", name: Cải cách tổ chức bộ máy, max: 1, method: manual}
`)
	if got := f.Items[0].Short; got != "Thủ tục HC" {
		t.Errorf("short of 3 = %q", got)
	}
	if got := f.Items[1].Short; got != "" {
		t.Errorf("short of 4 = %q, want none", got)
	}
}
