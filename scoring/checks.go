package scoring

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Check is a set-level rule over one unit's measured inputs, such as
// "dossiers_on_time <= dossiers_received". Imports of statistics evaluate
// every check of the criteria set for every unit and refuse a file that
// breaks one, so that impossible counts never reach the engine.
type Check struct {
	// Rule is the expression as written: a comparison or a combination of
	// comparisons (and, or, not) over input names, in the formula syntax.
	Rule string
	// Message says the rule in words for the people who fix the file; empty
	// when the set gives none.
	Message string
	// Line is the line of the check in the source file (0 if unknown).
	Line int
	expr *expression
}

// Inputs lists the input names the rule reads, sorted.
func (c Check) Inputs() []string {
	if c.expr == nil {
		return nil
	}
	return append([]string(nil), c.expr.idents...)
}

// Describe is the rule followed by its message, for error texts:
// "dossiers_on_time <= dossiers_received (Số hồ sơ đúng hạn …)".
func (c Check) Describe() string {
	if c.Message == "" {
		return c.Rule
	}
	return c.Rule + " (" + c.Message + ")"
}

// CheckResult is the outcome of one check for one unit.
type CheckResult struct {
	Check Check
	// Applies is false when an input the rule reads has no value: the rule
	// cannot be judged and is not a failure.
	Applies bool
	// Holds reports whether the rule is satisfied; meaningful when Applies.
	Holds bool
	// Err is set when the rule could not be evaluated (a division by zero);
	// such a result does not hold.
	Err error
}

// Evaluate judges the check over a unit's inputs.
func (c Check) Evaluate(values map[string]Decimal) CheckResult {
	res := CheckResult{Check: c}
	if c.expr == nil {
		return res
	}
	for _, name := range c.expr.idents {
		if _, ok := values[name]; !ok {
			return res
		}
	}
	res.Applies = true
	res.Holds, res.Err = c.expr.truth(values)
	if res.Err != nil {
		res.Holds = false
	}
	return res
}

// FailedChecks evaluates every check of the set over a unit's inputs and
// returns those that apply and do not hold, in the set's order.
func (f *Framework) FailedChecks(values map[string]Decimal) []CheckResult {
	var out []CheckResult
	for _, c := range f.Checks {
		if r := c.Evaluate(values); r.Applies && !r.Holds {
			out = append(out, r)
		}
	}
	return out
}

type rawCheck struct {
	Rule    string `yaml:"rule"`
	Message string `yaml:"message"`
	line    int
}

// UnmarshalYAML accepts a check written as a mapping {rule, message} or as
// the rule alone.
func (r *rawCheck) UnmarshalYAML(node *yaml.Node) error {
	r.line = node.Line
	if node.Kind == yaml.ScalarNode {
		r.Rule = node.Value
		return nil
	}
	type plain rawCheck
	var p plain
	if err := node.Decode(&p); err != nil {
		return err
	}
	r.Rule, r.Message = p.Rule, p.Message
	return nil
}

// checks compiles the set's checks. A rule must give a truth value and read
// only inputs the set knows: declared ones when the set declares inputs,
// otherwise inputs its leaves read (a typo would make a rule that never
// applies).
func (b *builder) checks(raw []rawCheck) {
	known := map[string]bool{}
	if len(b.f.Inputs) > 0 {
		for _, in := range b.f.Inputs {
			known[in.Name] = true
		}
	} else {
		for _, l := range b.f.leaves {
			for _, n := range l.Inputs() {
				known[n] = true
			}
		}
	}
	for i, rc := range raw {
		c := Check{Rule: strings.TrimSpace(rc.Rule), Message: strings.TrimSpace(rc.Message), Line: rc.line}
		where := "check " + strconv.Itoa(i+1)
		if c.Rule == "" {
			b.addf(rc.line, "", "%s: rule is missing", where)
			continue
		}
		expr, err := compileFormula(c.Rule)
		if err != nil {
			b.addf(rc.line, "", "%s %q: %v", where, c.Rule, err)
			continue
		}
		if !boolean(expr.root) {
			b.addf(rc.line, "", "%s %q: a rule must be a comparison, e.g. dossiers_on_time <= dossiers_received", where, c.Rule)
			continue
		}
		if len(expr.idents) == 0 {
			b.addf(rc.line, "", "%s %q: the rule reads no input", where, c.Rule)
			continue
		}
		for _, name := range expr.idents {
			if !known[name] {
				b.addf(rc.line, "", "%s %q: %q is not an input of the set", where, c.Rule, name)
			}
		}
		c.expr = expr
		b.f.Checks = append(b.f.Checks, c)
	}
}

// round reads a computed leaf's optional rounding (decimal places, 0..10).
func (b *builder) round(ri *rawItem, it *Item, code string) {
	if ri.Round.bad != "" {
		b.addf(ri.Round.line, code, "round %s", ri.Round.bad)
		return
	}
	if !ri.Round.set {
		return
	}
	if !it.Method.Computed() {
		b.addf(ri.Round.line, code, "round applies only to computed leaves (ratio, tiers, formula, survey), not to a %s leaf", it.Method)
		return
	}
	p := ri.Round.val
	if !p.IsInteger() || p.IsNegative() || p.GreaterThan(NewInt(10)) {
		b.addf(ri.Round.line, code, "round %s must be a whole number of decimal places from 0 to 10", p)
		return
	}
	it.Round, it.HasRound = int32(p.IntPart()), true
}
