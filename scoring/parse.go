package scoring

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/parindex/parindex/domain/problem"
	"github.com/parindex/parindex/internal/safeyaml"
)

// MaxShortName is the longest short name an item may have: it heads a
// column of the ranking.
const MaxShortName = 20

// number is a YAML scalar read as an exact decimal.
type number struct {
	set  bool
	val  Decimal
	line int
	bad  string
}

func (n *number) UnmarshalYAML(node *yaml.Node) error {
	n.line = node.Line
	if node.Kind != yaml.ScalarNode {
		n.bad = "is not a number"
		return nil
	}
	d, err := ParseDecimal(strings.TrimSpace(node.Value))
	if err != nil {
		n.bad = err.Error()
		return nil
	}
	n.set, n.val = true, d
	return nil
}

type rawGrade struct {
	Code string `yaml:"code"`
	Name string `yaml:"name"`
	Min  number `yaml:"min"`
}

type rawTier struct {
	Min    number `yaml:"min"`
	Points number `yaml:"points"`
}

type rawItem struct {
	Code        string     `yaml:"code"`
	Name        string     `yaml:"name"`
	Short       string     `yaml:"short"`
	Guidance    string     `yaml:"guidance"`
	Max         number     `yaml:"max"`
	Method      string     `yaml:"method"`
	Step        number     `yaml:"step"`
	Values      []number   `yaml:"values"`
	Evidence    string     `yaml:"evidence"`
	Numerator   string     `yaml:"numerator"`
	Denominator string     `yaml:"denominator"`
	Ratio       string     `yaml:"ratio"`
	Target      number     `yaml:"target"`
	WhenEmpty   string     `yaml:"when_empty"`
	Input       string     `yaml:"input"`
	Tiers       []rawTier  `yaml:"tiers"`
	Formula     string     `yaml:"formula"`
	Survey      string     `yaml:"survey"`
	Metric      string     `yaml:"metric"`
	Round       number     `yaml:"round"`
	Items       []*rawItem `yaml:"items"`
	line        int
	unknown     []string
}

// itemKeys are the keys an item may have, from rawItem's yaml tags.
var itemKeys = func() map[string]bool {
	keys := map[string]bool{}
	t := reflect.TypeOf(rawItem{})
	for i := 0; i < t.NumField(); i++ {
		if tag := t.Field(i).Tag.Get("yaml"); tag != "" {
			keys[tag] = true
		}
	}
	return keys
}()

func (r *rawItem) UnmarshalYAML(node *yaml.Node) error {
	type plain rawItem
	var p plain
	if err := node.Decode(&p); err != nil {
		return err
	}
	*r = rawItem(p)
	r.line = node.Line
	// The decoder's KnownFields does not reach inside a custom unmarshaler.
	for i := 0; node.Kind == yaml.MappingNode && i+1 < len(node.Content); i += 2 {
		if k := node.Content[i].Value; !itemKeys[k] {
			r.unknown = append(r.unknown, k)
		}
	}
	return nil
}

type rawFramework struct {
	Period        string     `yaml:"period"`
	Group         string     `yaml:"group"`
	Name          string     `yaml:"name"`
	NotApplicable string     `yaml:"not_applicable"`
	Grades        []rawGrade `yaml:"grades"`
	Inputs        []rawInput `yaml:"inputs"`
	Checks        []rawCheck `yaml:"checks"`
	Items         []*rawItem `yaml:"items"`
}

type rawInput struct {
	Name  string `yaml:"name"`
	Label string `yaml:"label"`
	Unit  string `yaml:"unit"`
}

var inputName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ParseFramework reads and validates a criteria set in the YAML (or JSON)
// format of contract.md. On any problem it returns a *problem.List listing
// every problem found, each naming the item code and line where known.
func ParseFramework(r io.Reader) (*Framework, error) {
	data, err := safeyaml.ReadAll(r, safeyaml.Default)
	if safeyaml.IsLimit(err) {
		return nil, &problem.List{Problems: []problem.Problem{{Msg: err.Error()}}}
	}
	if err != nil {
		return nil, fmt.Errorf("scoring: read criteria set: %w", err)
	}
	// Decoded once, with the aliases' expansion bounded before any value is
	// built: rawItem's UnmarshalYAML would otherwise reset yaml.v3's alias
	// budget at every item.
	var raw rawFramework
	if err := safeyaml.Decode(data, &raw, true, safeyaml.Default); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &problem.List{Problems: []problem.Problem{{Msg: "the file is empty"}}}
		}
		return nil, &problem.List{Problems: []problem.Problem{{Msg: yamlMessage(err)}}}
	}
	b := builder{f: &Framework{byCode: map[string]*Item{}}}
	b.build(&raw)
	if len(b.problems) > 0 {
		return nil, &problem.List{Problems: b.problems}
	}
	return b.f, nil
}

func yamlMessage(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = strings.ReplaceAll(msg, "unmarshal errors:\n  ", "")
	return strings.ReplaceAll(msg, "\n  ", "; ")
}

type builder struct {
	f        *Framework
	problems []problem.Problem
}

func (b *builder) addf(line int, item, format string, args ...any) {
	p := problem.Problem{Line: line, Msg: fmt.Sprintf(format, args...)}
	if item != "" {
		p.Item = "item " + item
	}
	b.problems = append(b.problems, p)
}

func (b *builder) num(n number, item, field string) (Decimal, bool) {
	if n.bad != "" {
		b.addf(n.line, item, "%s %s", field, n.bad)
		return zero, false
	}
	return n.val, n.set
}

func (b *builder) build(raw *rawFramework) {
	f := b.f
	f.Period = strings.TrimSpace(raw.Period)
	f.Group = strings.TrimSpace(raw.Group)
	f.Name = strings.TrimSpace(raw.Name)
	if f.Period == "" {
		b.addf(0, "", "period is missing")
	}
	if f.Group == "" {
		b.addf(0, "", "group is missing")
	}
	if f.Name == "" {
		f.Name = "Criteria set " + f.Group + " " + f.Period
	}
	switch Policy(raw.NotApplicable) {
	case "":
		f.NotApplicable = Renormalize
	case Renormalize, FullCredit:
		f.NotApplicable = Policy(raw.NotApplicable)
	default:
		b.addf(0, "", "not_applicable %q must be renormalize or full_credit", raw.NotApplicable)
	}
	b.grades(raw.Grades)
	b.inputs(raw.Inputs)
	if len(raw.Items) == 0 {
		b.addf(0, "", "the set has no items")
	}
	for _, ri := range raw.Items {
		if it := b.item(ri, nil); it != nil {
			f.Items = append(f.Items, it)
		}
	}
	if len(f.Inputs) > 0 {
		declared := map[string]bool{}
		for _, in := range f.Inputs {
			declared[in.Name] = true
		}
		for _, l := range f.leaves {
			for _, name := range l.Inputs() {
				if !declared[name] {
					b.addf(l.Line, l.Code, "uses the input %q, which the set's inputs do not declare", name)
				}
			}
		}
	}
	b.checks(raw.Checks)
	if len(b.problems) == 0 && !f.Max().IsPositive() {
		b.addf(0, "", "the regular leaves' maximum is zero; the set needs at least one leaf worth points")
	}
}

func (b *builder) inputs(raw []rawInput) {
	seen := map[string]bool{}
	for _, ri := range raw {
		name := strings.TrimSpace(ri.Name)
		switch {
		case !inputName.MatchString(name):
			b.addf(0, "", "input %q is not a valid input name (letters, digits and _)", name)
		case seen[name]:
			b.addf(0, "", "input %s is declared twice", name)
		}
		seen[name] = true
		b.f.Inputs = append(b.f.Inputs, InputDef{Name: name, Label: strings.TrimSpace(ri.Label), Unit: strings.TrimSpace(ri.Unit)})
	}
}

func (b *builder) grades(raw []rawGrade) {
	seen := map[string]bool{}
	for i, rg := range raw {
		g := Grade{Code: strings.TrimSpace(rg.Code), Name: strings.TrimSpace(rg.Name)}
		if g.Code == "" {
			b.addf(rg.Min.line, "", "grade %d has no code", i+1)
		}
		if seen[g.Code] {
			b.addf(rg.Min.line, "", "grade %s appears twice", g.Code)
		}
		seen[g.Code] = true
		if g.Name == "" {
			g.Name = g.Code
		}
		min, ok := b.num(rg.Min, "", "grade "+g.Code+" min")
		if !ok && rg.Min.bad == "" {
			b.addf(rg.Min.line, "", "grade %s has no min", g.Code)
		}
		g.Min = min
		if i > 0 && !g.Min.LessThan(b.f.Grades[i-1].Min) {
			b.addf(rg.Min.line, "", "grades must be ordered highest first: %s (min %s) follows %s (min %s)",
				g.Code, g.Min, b.f.Grades[i-1].Code, b.f.Grades[i-1].Min)
		}
		b.f.Grades = append(b.f.Grades, g)
	}
}

func (b *builder) item(ri *rawItem, parent *Item) *Item {
	if ri == nil {
		where := "at the top level"
		if parent != nil {
			where = "under item " + parent.Code
		}
		b.addf(0, "", "an item %s is empty", where)
		return nil
	}
	it := &Item{
		Code: strings.TrimSpace(ri.Code), Name: strings.TrimSpace(ri.Name), Short: strings.TrimSpace(ri.Short),
		Guidance: strings.TrimSpace(ri.Guidance), Metric: strings.TrimSpace(ri.Metric),
		Parent: parent, Line: ri.line,
	}
	code := it.Code
	for _, k := range ri.unknown {
		b.addf(ri.line, code, "unknown key %s", k)
	}
	if code == "" {
		code = fmt.Sprintf("(line %d)", ri.line)
		b.addf(ri.line, "", "an item has no code")
	} else if b.f.byCode[code] != nil {
		b.addf(ri.line, code, "the code is used twice (first at line %d)", b.f.byCode[code].Line)
	} else {
		b.f.byCode[code] = it
	}
	if it.Name == "" {
		b.addf(ri.line, code, "name is missing")
	}
	if n := utf8.RuneCountInString(it.Short); n > MaxShortName {
		b.addf(ri.line, code, "short %q is longer than %d characters (it heads a table column)", it.Short, MaxShortName)
	}
	max, hasMax := b.num(ri.Max, code, "max")
	if len(ri.Items) > 0 {
		if ri.Method != "" {
			b.addf(ri.line, code, "has items and a method %q; a group has no method", ri.Method)
		}
		if ri.Round.set || ri.Round.bad != "" {
			b.addf(ri.Round.line, code, "round applies only to computed leaves (ratio, tiers, formula, survey), not to a group")
		}
		sum, extra, regular := zero, 0, 0
		for _, rc := range ri.Items {
			c := b.item(rc, it)
			if c == nil {
				continue
			}
			it.Items = append(it.Items, c)
			sum = sum.Add(c.Max)
			if c.Extra() {
				extra++
			} else {
				regular++
			}
		}
		if extra > 0 && regular > 0 {
			b.addf(ri.line, code, "mixes bonus/penalty items with regular ones; put bonus and penalty items in their own group")
		}
		if hasMax && !max.Equal(sum) {
			b.addf(ri.Max.line, code, "max %s is not the sum of its children (%s)", max, sum)
		}
		it.Max = sum
		return it
	}
	b.f.leaves = append(b.f.leaves, it)
	it.Method = Method(ri.Method)
	if !hasMax && ri.Max.bad == "" {
		b.addf(ri.line, code, "max is missing")
	} else if max.IsNegative() {
		b.addf(ri.Max.line, code, "max %s is negative", max)
	}
	it.Max = max
	b.leaf(ri, it, code)
	return it
}

func (b *builder) leaf(ri *rawItem, it *Item, code string) {
	switch Evidence(ri.Evidence) {
	case "":
		it.Evidence = EvidenceOptional
	case EvidenceOptional, EvidenceRequired:
		it.Evidence = Evidence(ri.Evidence)
	default:
		b.addf(ri.line, code, "evidence %q must be required or optional", ri.Evidence)
	}
	step, _ := b.num(ri.Step, code, "step")
	if step.IsNegative() {
		b.addf(ri.Step.line, code, "step %s is negative", step)
	}
	it.Step = step
	for _, rv := range ri.Values {
		if v, ok := b.num(rv, code, "value"); ok {
			if v.IsNegative() || v.GreaterThan(it.Max) {
				b.addf(rv.line, code, "allowed value %s is outside 0..%s", v, it.Max)
			}
			it.Values = append(it.Values, v)
		}
	}
	if (step.IsPositive() || len(it.Values) > 0) && it.Method != Manual && !it.Method.Extra() {
		b.addf(ri.line, code, "step and values apply only to manual, bonus and penalty leaves")
	}
	if step.IsPositive() && !it.Max.Mod(step).IsZero() {
		b.addf(ri.line, code, "max %s is not a multiple of the step %s", it.Max, step)
	}
	checkName := func(field, name string, required bool) {
		if name == "" {
			if required {
				b.addf(ri.line, code, "%s is missing for a %s leaf", field, it.Method)
			}
			return
		}
		if !inputName.MatchString(name) {
			b.addf(ri.line, code, "%s %q is not a valid input name (letters, digits and _)", field, name)
		}
	}
	switch it.Method {
	case Manual, Bonus, Penalty:
	case Ratio:
		it.Numerator, it.Denominator, it.RatioInput = ri.Numerator, ri.Denominator, ri.Ratio
		if ri.Ratio != "" {
			if ri.Numerator != "" || ri.Denominator != "" {
				b.addf(ri.line, code, "give either ratio or numerator/denominator, not both")
			}
			checkName("ratio", ri.Ratio, true)
		} else {
			checkName("numerator", ri.Numerator, true)
			checkName("denominator", ri.Denominator, true)
		}
		it.Target = one
		if t, ok := b.num(ri.Target, code, "target"); ok {
			if !t.IsPositive() || t.GreaterThan(one) {
				b.addf(ri.Target.line, code, "target %s must be above 0 and at most 1", t)
			}
			it.Target = t
		}
		switch WhenEmpty(ri.WhenEmpty) {
		case "":
			it.WhenEmpty = EmptyZero
		case EmptyZero, EmptyFull, EmptyNotApplicable:
			it.WhenEmpty = WhenEmpty(ri.WhenEmpty)
		default:
			b.addf(ri.line, code, "when_empty %q must be full, zero or not_applicable", ri.WhenEmpty)
		}
	case Tiers:
		it.Input = ri.Input
		checkName("input", ri.Input, true)
		if len(ri.Tiers) == 0 {
			b.addf(ri.line, code, "tiers are missing for a tiers leaf")
		}
		for i, rt := range ri.Tiers {
			min, okMin := b.num(rt.Min, code, "tier min")
			pts, okPts := b.num(rt.Points, code, "tier points")
			if !okMin && rt.Min.bad == "" {
				b.addf(ri.line, code, "tier %d has no min", i+1)
			}
			if !okPts && rt.Points.bad == "" {
				b.addf(ri.line, code, "tier %d has no points", i+1)
			}
			if pts.IsNegative() || pts.GreaterThan(it.Max) {
				b.addf(rt.Points.line, code, "tier %d points %s are outside 0..%s", i+1, pts, it.Max)
			}
			if i > 0 && !min.LessThan(it.Tiers[i-1].Min) {
				b.addf(rt.Min.line, code, "tiers must be ordered highest min first (tier %d)", i+1)
			}
			it.Tiers = append(it.Tiers, Tier{Min: min, Points: pts})
		}
	case Formula:
		it.Formula = strings.TrimSpace(ri.Formula)
		if it.Formula == "" {
			b.addf(ri.line, code, "formula is missing for a formula leaf")
			break
		}
		expr, err := compileFormula(it.Formula)
		if err != nil {
			b.addf(ri.line, code, "formula %q: %v", it.Formula, err)
			break
		}
		it.formula = expr
	case Survey:
		it.Measure = ri.Survey
		checkName("survey", ri.Survey, true)
	case "":
		b.addf(ri.line, code, "a leaf needs a method (manual, ratio, tiers, formula, survey, bonus or penalty)")
	default:
		b.addf(ri.line, code, "unknown method %q (manual, ratio, tiers, formula, survey, bonus or penalty)", ri.Method)
	}
	b.round(ri, it, code)
	b.unused(ri, it, code)
}

// unused reports fields that belong to another method, which are almost
// always a mistake in a hand-written set.
func (b *builder) unused(ri *rawItem, it *Item, code string) {
	fields := map[string]bool{
		"numerator": ri.Numerator != "", "denominator": ri.Denominator != "", "ratio": ri.Ratio != "",
		"target": ri.Target.set, "when_empty": ri.WhenEmpty != "", "input": ri.Input != "",
		"tiers": len(ri.Tiers) > 0, "formula": ri.Formula != "", "survey": ri.Survey != "",
	}
	allowed := map[Method][]string{
		Ratio:   {"numerator", "denominator", "ratio", "target", "when_empty"},
		Tiers:   {"input", "tiers"},
		Formula: {"formula"},
		Survey:  {"survey"},
	}
	ok := map[string]bool{}
	for _, f := range allowed[it.Method] {
		ok[f] = true
	}
	for _, f := range []string{"numerator", "denominator", "ratio", "target", "when_empty", "input", "tiers", "formula", "survey"} {
		if fields[f] && !ok[f] && it.Method != "" {
			b.addf(ri.line, code, "%s does not apply to a %s leaf", f, it.Method)
		}
	}
}
