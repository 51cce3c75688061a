package surveys_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/parindex/parindex/surveys"
)

const smallInstrument = `
code: small
name: {vi: Phiếu nhỏ, en: Small form}
scales:
  - code: sat
    satisfied: [4, 5]
    options:
      - {value: 1, label: {vi: Rất không hài lòng}}
      - {value: 2, label: {vi: Không hài lòng}}
      - {value: 3, label: {vi: Bình thường}}
      - {value: 4, label: {vi: Hài lòng}}
      - {value: 5, label: {vi: Rất hài lòng}}
  - code: yn
    options:
      - {value: 1, label: {vi: Có}}
      - {value: 2, label: {vi: Không}}
indices:
  - measure: sat_small
    name: {vi: Chỉ số}
    sections: [E1, E2]
sections:
  - code: E1
    title: {vi: Yếu tố 1}
    questions:
      - {code: Q1, text: {vi: Câu 1}, scale: sat, required: true}
      - {code: Q2, text: {vi: Câu 2}, scale: sat}
  - code: E2
    title: {vi: Yếu tố 2}
    questions:
      - {code: Q3, text: {vi: Câu 3}, scale: sat}
      - {code: YN, text: {vi: Có hay không}, scale: yn}
  - code: X
    title: {vi: Góp ý}
    questions:
      - {code: T, type: text, text: {vi: Góp ý}, max_length: 10}
`

func parse(t *testing.T, src string) *surveys.Instrument {
	t.Helper()
	ins, err := surveys.ParseInstrument(strings.NewReader(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return ins
}

// fixed writes a decimal with 6 places, for comparisons.
func fixed(d interface{ StringFixed(int32) string }) string { return d.StringFixed(6) }

// The hand calculation of the formula, on four responses of unit A
// and one of unit B ('-' is no answer):
//
//	     Q1 Q2 Q3
//	A r1  5  4  2
//	A r2  3  5  4
//	A r3  4  -  5
//	A r4  1  2  -
//	B r5  5  -  5
//
// Share of 4–5, unit A: Q1 2/4 = 0.5, Q2 2/3, Q3 2/3; element E1 = (0.5 +
// 2/3) / 2 = 0.583333, E2 = 0.666667; index = (0.583333 + 0.666667) / 2 =
// 0.625. Mean score, unit A: Q1 13/4 = 3.25 → (3.25−1)/4 = 0.5625, Q2 and
// Q3 11/3 → 0.666667; E1 = 0.614583, E2 = 0.666667; index = 0.640625.
// Unit B: 1. Province (A and B pooled): Q1 3/5 = 0.6, Q2 2/3, Q3 3/4;
// E1 = 0.633333, E2 = 0.75; index = 0.691667.
func TestIndexHandComputed(t *testing.T) {
	ins := parse(t, smallInstrument)
	enc := func(s string) string { // "542-" style → encoded choices (YN and T unanswered)
		return strings.ReplaceAll(s, "-", "0") + "0" + "0"
	}
	tally := surveys.NewTally(ins)
	for _, r := range []string{"542", "354", "4-5", "12-"} {
		tally.Add("A", enc(r))
	}
	tally.Add("B", enc("5-5"))
	opts := surveys.Options{
		Targets: map[string]int64{"A": 5, "B": 1},
		Groups:  map[string]string{"A": "G", "B": "H"},
		Units:   []string{"A", "B", "C"},
	}

	res := tally.Results(opts)
	a := res.Unit("A")
	ix := a.Main()
	check := func(what string, got surveys.Stat, want string, n int) {
		t.Helper()
		if !got.Defined || fixed(got.Value) != want || got.N != n {
			t.Errorf("%s = %s (n %d, defined %v), want %s (n %d)", what, fixed(got.Value), got.N, got.Defined, want, n)
		}
	}
	check("A Q1", ix.Elements[0].Questions[0].Stat, "0.500000", 4)
	check("A Q2", ix.Elements[0].Questions[1].Stat, "0.666667", 3)
	check("A Q3", ix.Elements[1].Questions[0].Stat, "0.666667", 3)
	check("A E1", ix.Elements[0].Stat, "0.583333", 4)
	check("A E2", ix.Elements[1].Stat, "0.666667", 3)
	check("A index", ix.Stat, "0.625000", 4)
	if got := fmt.Sprint(ix.Elements[0].Questions[0].Counts); got != "[1 0 1 1 1]" {
		t.Errorf("A Q1 counts %v, want [1 0 1 1 1]", got)
	}
	if len(ix.Elements[1].Questions) != 1 {
		t.Errorf("the yes/no question entered the index: %+v", ix.Elements[1].Questions)
	}
	if fixed(ix.Elements[0].Questions[0].Mean) != "3.250000" {
		t.Errorf("A Q1 mean %s", ix.Elements[0].Questions[0].Mean)
	}
	if !a.Insufficient || a.Responses != 4 || a.Target != 5 || !ix.Insufficient {
		t.Errorf("A: %d responses of %d, insufficient %v", a.Responses, a.Target, a.Insufficient)
	}
	lo, hi := surveys.Wilson(0.625, 4)
	if ix.Low != lo || ix.High != hi {
		t.Errorf("A interval %v–%v, want %v–%v", ix.Low, ix.High, lo, hi)
	}

	b := res.Unit("B")
	check("B index", b.Main().Stat, "1.000000", 1)
	if b.Insufficient {
		t.Error("B reached its target of 1")
	}
	if c := res.Unit("C"); c == nil || c.Responses != 0 || c.Main().Defined {
		t.Errorf("C without responses: %+v", c)
	}
	check("province Q1", res.Province.Main().Elements[0].Questions[0].Stat, "0.600000", 5)
	check("province E1", res.Province.Main().Elements[0].Stat, "0.633333", 5)
	check("province E2", res.Province.Main().Elements[1].Stat, "0.750000", 4)
	check("province index", res.Province.Main().Stat, "0.691667", 5)
	if len(res.Groups) != 2 || res.Groups[0].Code != "G" || fixed(res.Groups[0].Main().Value) != "0.625000" || res.Groups[0].Target != 5 {
		t.Errorf("groups: %+v", res.Groups)
	}
	if res.Province.Target != 6 || res.Province.Responses != 5 {
		t.Errorf("province target %d, responses %d", res.Province.Target, res.Province.Responses)
	}

	opts.Formula = surveys.Mean
	ix = tally.Results(opts).Unit("A").Main()
	check("A Q1 (mean)", ix.Elements[0].Questions[0].Stat, "0.562500", 4)
	check("A E1 (mean)", ix.Elements[0].Stat, "0.614583", 4)
	check("A index (mean)", ix.Stat, "0.640625", 4)
}
