package surveys

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/parindex/parindex/scoring"
)

// Formula is how a question's satisfaction is computed from its answers.
type Formula string

// The formulas.
const (
	// Share is the share of satisfied answers (4 and 5 on the five-level
	// scale) among the question's valid answers. The usual SIPAS index.
	Share Formula = "share"
	// Mean is the mean score rescaled to 0..1: (mean − lowest) / (highest −
	// lowest); on a 1..5 scale a mean of 4.2 gives 0.8.
	Mean Formula = "mean"
)

// ParseFormula checks a formula name; empty is Share.
func ParseFormula(s string) (Formula, error) {
	switch Formula(s) {
	case "", Share:
		return Share, nil
	case Mean:
		return Mean, nil
	}
	return "", fmt.Errorf("formula %q must be share or mean", s)
}

// Tally accumulates the answers of valid responses, unit by unit. It is the
// only pass over the responses: every index of every scope is computed from
// its counts.
type Tally struct {
	ins   *Instrument
	units map[string]*counts
}

// counts are the answer counts of one scope: per question position, the
// number of answers of each value 0..9 (0: none), the number of responses,
// and per section and per index the respondents who answered any of its
// index questions.
type counts struct {
	responses int
	values    [][10]int
	sections  []int
	indices   []int
}

func newCounts(ins *Instrument) *counts {
	return &counts{values: make([][10]int, len(ins.Questions)), sections: make([]int, len(ins.Sections)), indices: make([]int, len(ins.Indices))}
}

func (c *counts) add(o *counts) {
	c.responses += o.responses
	for i := range c.values {
		for v := range c.values[i] {
			c.values[i][v] += o.values[i][v]
		}
	}
	for i := range c.sections {
		c.sections[i] += o.sections[i]
	}
	for i := range c.indices {
		c.indices[i] += o.indices[i]
	}
}

// NewTally starts counting answers to the instrument.
func NewTally(ins *Instrument) *Tally {
	return &Tally{ins: ins, units: map[string]*counts{}}
}

// Add counts one valid response of a unit, given by its encoded choices.
// Choices longer or shorter than the instrument are read as far as both go.
func (t *Tally) Add(unit string, choices string) { add(t, unit, choices) }

// AddBytes is Add for choices read as bytes, which saves a copy per
// response when scanning many.
func (t *Tally) AddBytes(unit string, choices []byte) { add(t, unit, choices) }

func add[S ~string | ~[]byte](t *Tally, unit string, choices S) {
	c := t.units[unit]
	if c == nil {
		c = newCounts(t.ins)
		t.units[unit] = c
	}
	c.responses++
	n := min(len(choices), len(c.values))
	for i := 0; i < n; i++ {
		v := choices[i] - '0'
		if v > 9 {
			v = 0
		}
		c.values[i][v]++
	}
	for si, sec := range t.ins.Sections {
		if answeredAny(sec.Questions, choices) {
			c.sections[si]++
		}
	}
	for ii, ix := range t.ins.Indices {
		for _, sec := range ix.Sections {
			if answeredAny(sec.Questions, choices) {
				c.indices[ii]++
				break
			}
		}
	}
}

func answeredAny[S ~string | ~[]byte](qs []*Question, choices S) bool {
	for _, q := range qs {
		if q.Type == Choice && len(q.Scale.Satisfied) > 0 && q.Pos < len(choices) {
			if v := choices[q.Pos]; v > '0' && v <= '9' {
				return true
			}
		}
	}
	return false
}

// Stat is one satisfaction figure with its sample.
type Stat struct {
	// N is the number of valid answers (a question) or of respondents who
	// answered at least one of the questions (an element, an index).
	N int
	// Defined is false when there is nothing to compute from.
	Defined bool
	// Value is the satisfaction, 0..1, exact.
	Value scoring.Decimal
	// Mean is the mean score on the scale (a question), or the mean of the
	// questions' mean scores (an element, an index).
	Mean scoring.Decimal
	// Low and High bound the Wilson 95 % interval of Value on N. For an
	// element or an index — a mean of proportions — it is the interval of a
	// proportion Value observed on N respondents, an approximation.
	Low, High float64
	// Target is the sample the scope should reach; Insufficient is set when
	// N is below it.
	Target       int64
	Insufficient bool
}

// Options set how results are computed.
type Options struct {
	Formula Formula
	// Targets is the target sample of each unit (see SampleSize).
	Targets map[string]int64
	// Groups maps each unit to its group, for the group scopes.
	Groups map[string]string
	// Units lists the units to report even without responses.
	Units []string
}

// QuestionResult is one question's satisfaction in a scope.
type QuestionResult struct {
	Code string
	Stat
	// Counts holds the number of answers of each option, in scale order.
	Counts []int
}

// ElementResult is one element (section) of an index in a scope.
type ElementResult struct {
	Section string
	Stat
	Questions []QuestionResult
}

// IndexResult is one index of the instrument in a scope.
type IndexResult struct {
	Measure string
	Stat
	Elements []ElementResult
}

// Scope is the results of a unit, a group or the whole province.
type Scope struct {
	Code string
	// Group is the unit's group (unit scopes).
	Group string
	// Responses counts the valid responses.
	Responses int
	// Target is the scope's target sample (a group's and the province's
	// are the sums of their units').
	Target       int64
	Insufficient bool
	Indices      []IndexResult
}

// Main returns the scope's main index.
func (s *Scope) Main() *IndexResult {
	if len(s.Indices) == 0 {
		return nil
	}
	return &s.Indices[0]
}

// Index returns the scope's index of a measure, or nil.
func (s *Scope) Index(measure string) *IndexResult {
	for i := range s.Indices {
		if s.Indices[i].Measure == measure {
			return &s.Indices[i]
		}
	}
	return nil
}

// Results are every index of a campaign, per unit, group and province.
type Results struct {
	Formula  Formula
	Units    []Scope // by unit code
	Groups   []Scope // by group code
	Province Scope
}

// Unit returns a unit's scope, or nil.
func (r *Results) Unit(code string) *Scope {
	i, ok := slices.BinarySearchFunc(r.Units, code, func(s Scope, c string) int { return cmp.Compare(s.Code, c) })
	if !ok {
		return nil
	}
	return &r.Units[i]
}

// Results computes every index of every scope from the counts.
func (t *Tally) Results(opts Options) *Results {
	if opts.Formula == "" {
		opts.Formula = Share
	}
	res := &Results{Formula: opts.Formula}
	all := map[string]*counts{}
	for u, c := range t.units {
		all[u] = c
	}
	for _, u := range opts.Units {
		if all[u] == nil {
			all[u] = newCounts(t.ins)
		}
	}
	units := make([]string, 0, len(all))
	for u := range all {
		units = append(units, u)
	}
	slices.Sort(units)

	groups := map[string]*counts{}
	groupTargets := map[string]int64{}
	province := newCounts(t.ins)
	var provinceTarget int64
	for _, u := range units {
		c := all[u]
		target := opts.Targets[u]
		g := opts.Groups[u]
		res.Units = append(res.Units, t.scope(u, g, c, target, opts.Formula))
		if g != "" {
			if groups[g] == nil {
				groups[g] = newCounts(t.ins)
			}
			groups[g].add(c)
			groupTargets[g] += target
		}
		province.add(c)
		provinceTarget += target
	}
	gcodes := make([]string, 0, len(groups))
	for g := range groups {
		gcodes = append(gcodes, g)
	}
	slices.Sort(gcodes)
	for _, g := range gcodes {
		res.Groups = append(res.Groups, t.scope(g, "", groups[g], groupTargets[g], opts.Formula))
	}
	res.Province = t.scope("", "", province, provinceTarget, opts.Formula)
	return res
}

var (
	dZero = decimal.Zero
	dOne  = decimal.NewFromInt(1)
)

const divPrecision = 20

func (t *Tally) scope(code, group string, c *counts, target int64, f Formula) Scope {
	s := Scope{Code: code, Group: group, Responses: c.responses, Target: target, Insufficient: int64(c.responses) < target}
	secIndex := map[*Section]int{}
	for i, sec := range t.ins.Sections {
		secIndex[sec] = i
	}
	for ii, ix := range t.ins.Indices {
		ir := IndexResult{Measure: ix.Measure}
		var vals, means []scoring.Decimal
		for _, sec := range ix.Sections {
			er := ElementResult{Section: sec.Code}
			var qv, qm []scoring.Decimal
			for _, q := range sec.Questions {
				if q.Type != Choice || len(q.Scale.Satisfied) == 0 {
					continue
				}
				qr := question(q, c.values[q.Pos], f)
				qr.Target = target
				qr.Insufficient = int64(qr.N) < target
				if qr.Defined {
					qv, qm = append(qv, qr.Value), append(qm, qr.Mean)
				}
				er.Questions = append(er.Questions, qr)
			}
			er.Stat = meanStat(qv, qm, c.sections[secIndex[sec]], target)
			if er.Defined {
				vals, means = append(vals, er.Value), append(means, er.Mean)
			}
			ir.Elements = append(ir.Elements, er)
		}
		ir.Stat = meanStat(vals, means, c.indices[ii], target)
		s.Indices = append(s.Indices, ir)
	}
	return s
}

func question(q *Question, vals [10]int, f Formula) QuestionResult {
	qr := QuestionResult{Code: q.Code}
	var n, sat, sum int64
	for _, o := range q.Scale.Options {
		k := vals[o.Value]
		qr.Counts = append(qr.Counts, k)
		n += int64(k)
		sum += int64(k) * int64(o.Value)
		if q.Scale.IsSatisfied(o.Value) {
			sat += int64(k)
		}
	}
	qr.N = int(n)
	if n == 0 {
		qr.Value, qr.Mean, qr.Low, qr.High = dZero, dZero, 0, 1
		return qr
	}
	qr.Defined = true
	N := decimal.NewFromInt(n)
	qr.Mean = decimal.NewFromInt(sum).DivRound(N, divPrecision)
	switch f {
	case Mean:
		lo, hi := q.Scale.Bounds()
		if hi > lo {
			qr.Value = qr.Mean.Sub(decimal.NewFromInt(int64(lo))).DivRound(decimal.NewFromInt(int64(hi-lo)), divPrecision)
		} else {
			qr.Value = dOne
		}
	default:
		qr.Value = decimal.NewFromInt(sat).DivRound(N, divPrecision)
	}
	p, _ := qr.Value.Float64()
	qr.Low, qr.High = Wilson(p, qr.N)
	return qr
}

// meanStat is the mean of defined values, with the interval on n respondents.
func meanStat(vals, means []scoring.Decimal, n int, target int64) Stat {
	st := Stat{N: n, Value: dZero, Mean: dZero, Low: 0, High: 1, Target: target, Insufficient: int64(n) < target}
	if len(vals) == 0 {
		return st
	}
	st.Defined = true
	k := decimal.NewFromInt(int64(len(vals)))
	sum, msum := dZero, dZero
	for i := range vals {
		sum, msum = sum.Add(vals[i]), msum.Add(means[i])
	}
	st.Value = sum.DivRound(k, divPrecision)
	st.Mean = msum.DivRound(k, divPrecision)
	p, _ := st.Value.Float64()
	st.Low, st.High = Wilson(p, n)
	return st
}
