package main

import (
	"fmt"
	"math"
	"os"
	"sort"

	"gopkg.in/yaml.v3"
)

// framework is the part of a criteria set file (contract.md) the generator
// needs; unknown keys such as guidance are ignored.
type framework struct {
	Period        string  `yaml:"period"`
	Group         string  `yaml:"group"`
	NotApplicable string  `yaml:"not_applicable"`
	Grades        []grade `yaml:"grades"`
	Items         []item  `yaml:"items"`

	leaves []*item // every leaf in document order
}

type item struct {
	Code        string  `yaml:"code"`
	Name        string  `yaml:"name"`
	Max         float64 `yaml:"max"`
	Method      string  `yaml:"method"`
	Step        float64 `yaml:"step"`
	Evidence    string  `yaml:"evidence"`
	Numerator   string  `yaml:"numerator"`
	Denominator string  `yaml:"denominator"`
	Ratio       string  `yaml:"ratio"`
	Target      float64 `yaml:"target"`
	WhenEmpty   string  `yaml:"when_empty"`
	Input       string  `yaml:"input"`
	Tiers       []tier  `yaml:"tiers"`
	Formula     string  `yaml:"formula"`
	Survey      string  `yaml:"survey"`
	Items       []item  `yaml:"items"`

	maxC, stepC int64 // max and step in hundredths of a point
	expr        *expr
}

type grade struct {
	Code string  `yaml:"code"`
	Min  float64 `yaml:"min"`
}

type tier struct {
	Min    float64 `yaml:"min"`
	Points float64 `yaml:"points"`
}

func (it *item) extra() bool  { return it.Method == "bonus" || it.Method == "penalty" }
func (it *item) manual() bool { return it.Method == "manual" }

// loadFramework reads and checks one criteria set file.
func loadFramework(path string) (*framework, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f framework
	if err := yaml.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if f.NotApplicable == "" {
		f.NotApplicable = "renormalize"
	}
	var walk func(items []item) error
	walk = func(items []item) error {
		for i := range items {
			it := &items[i]
			if len(it.Items) > 0 {
				if err := walk(it.Items); err != nil {
					return err
				}
				continue
			}
			it.maxC = cents(it.Max)
			it.stepC = cents(it.Step)
			if it.stepC <= 0 {
				it.stepC = 25
			}
			if it.maxC%it.stepC != 0 {
				return fmt.Errorf("%s: item %s: max %v is not a multiple of step", path, it.Code, it.Max)
			}
			if it.Method == "formula" {
				e, err := parseExpr(it.Formula)
				if err != nil {
					return fmt.Errorf("%s: item %s: %w", path, it.Code, err)
				}
				it.expr = e
			}
			f.leaves = append(f.leaves, it)
		}
		return nil
	}
	if err := walk(f.Items); err != nil {
		return nil, err
	}
	return &f, nil
}

// inputNames lists the measured inputs the set reads, sorted; survey measures
// are inputs of the same name.
func (f *framework) inputNames() []string {
	seen := map[string]bool{}
	for _, l := range f.leaves {
		var names []string
		switch l.Method {
		case "ratio":
			names = []string{l.Numerator, l.Denominator, l.Ratio}
		case "tiers":
			names = []string{l.Input}
		case "formula":
			names = l.expr.idents()
		case "survey":
			// The ratio and the number of respondents it rests on, for
			// the rank uncertainty analysis.
			names = []string{l.Survey, l.Survey + "_sample"}
		}
		for _, n := range names {
			if n != "" {
				seen[n] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// computed returns the points of a ratio, tiers, formula or survey leaf from
// the inputs, or ok=false when the leaf does not apply (empty denominator with
// when_empty: not_applicable).
func (it *item) computed(in map[string]float64) (points float64, ok bool) {
	max := it.Max
	switch it.Method {
	case "ratio":
		r := in[it.Ratio]
		if it.Ratio == "" {
			den := in[it.Denominator]
			if den == 0 {
				switch it.WhenEmpty {
				case "full":
					return max, true
				case "not_applicable":
					return 0, false
				}
				return 0, true
			}
			r = in[it.Numerator] / den
		}
		target := it.Target
		if target <= 0 {
			target = 1
		}
		return math.Min(max, max*r/target), true
	case "tiers":
		v := in[it.Input]
		for _, t := range it.Tiers {
			if v >= t.Min {
				return t.Points, true
			}
		}
		return 0, true
	case "formula":
		v, err := it.expr.eval(in)
		if err != nil {
			return 0, true
		}
		return math.Max(0, math.Min(max, v)), true
	case "survey":
		return max * in[it.Survey], true
	}
	return 0, true
}

// cents converts points to hundredths, the unit every generated number is
// rounded to.
func cents(x float64) int64 { return int64(math.Round(x * 100)) }
