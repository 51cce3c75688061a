package scoring

import "fmt"

// Stage is a round of the assessment at which points are recorded.
type Stage string

// The stages of contract.md, in workflow order.
const (
	StageSelf        Stage = "self"
	StageAppraisal   Stage = "appraisal"
	StageExplanation Stage = "explanation"
	StageFinal       Stage = "final"
)

// Stages lists every stage in workflow order.
var Stages = []Stage{StageSelf, StageAppraisal, StageExplanation, StageFinal}

// ParseStage checks a stage name.
func ParseStage(s string) (Stage, error) {
	for _, st := range Stages {
		if string(st) == s {
			return st, nil
		}
	}
	return "", fmt.Errorf("stage %q must be self, appraisal, explanation or final", s)
}

// resolution is, per scoring stage, the stages whose points count, the
// first that has a value winning. Stage final takes the last of
// final → appraisal → self; stage self only the self-assessment.
var resolution = map[Stage][]Stage{
	StageSelf:      {StageSelf},
	StageAppraisal: {StageAppraisal, StageSelf},
	StageFinal:     {StageFinal, StageAppraisal, StageSelf},
}

// ScoringStage checks a stage a result can be computed at (self, appraisal or final).
func ScoringStage(s string) (Stage, error) {
	st := Stage(s)
	if _, ok := resolution[st]; !ok {
		return "", fmt.Errorf("stage %q must be final, appraisal or self", s)
	}
	return st, nil
}

// Value is a point value recorded for a leaf at one stage; NA marks the leaf
// not applicable to the unit.
type Value struct {
	Points Decimal
	NA     bool
}

// UnitData is what the engine needs to score one unit.
type UnitData struct {
	Code string
	Name string
	// Points holds recorded values: leaf code → values by stage.
	Points map[string]StageValues
	// Inputs holds measured inputs by name (counts, ratios).
	Inputs map[string]Decimal
	// Surveys holds satisfaction ratios (0..1) by measure. A measure missing
	// here is read from the input of the same name.
	Surveys map[string]Decimal
}

// NodeScore is one item's outcome for a unit.
type NodeScore struct {
	Code string
	// Points and Max are the item's points and applicable maximum. For a
	// not-applicable leaf under renormalize both are zero; under full_credit
	// both are the leaf's maximum.
	Points Decimal
	Max    Decimal
	// NA is set for a leaf that does not apply, or a group all of whose
	// leaves do not apply.
	NA bool
	// Source is the stage whose recorded value was used (manual, bonus and
	// penalty leaves, and a not-applicable mark on a computed leaf).
	Source Stage
	// Notes explain a computed value: missing inputs, an empty denominator,
	// a leaf with no points yet.
	Notes []string
}

// SubIndex is the item's points over its applicable maximum × 100 (0 when
// nothing applies).
func (n NodeScore) SubIndex() Decimal {
	if !n.Max.IsPositive() {
		return zero
	}
	return div(n.Points.Mul(hundred), n.Max)
}

// UnitScore is one unit's result in a group.
type UnitScore struct {
	Unit     string
	UnitName string
	// Points is regular points + bonus − penalty, kept within 0..Max.
	Points Decimal
	// Max is the applicable maximum of the regular leaves.
	Max Decimal
	// Index is Points / Max × 100, unrounded.
	Index   Decimal
	Regular Decimal
	Bonus   Decimal
	Penalty Decimal
	// Nodes holds every item's outcome by code.
	Nodes map[string]NodeScore

	Rank  int
	Grade Grade
	// RankChange and IndexChange compare with the previous period; nil when
	// the unit had no result then.
	RankChange  *int
	IndexChange *Decimal
	// Compared says what the result was compared with (nil when nothing):
	// the unit itself, or its predecessors through the lineage.
	Compared *Comparison
}

// Published returns the index as published: rounded half up to two decimals.
func (u *UnitScore) Published() Decimal { return Publish(u.Index) }

// Evaluate scores one unit against a criteria set at a stage (self,
// appraisal or final). Rank, grade and comparison are set by ScoreGroup.
func Evaluate(f *Framework, u UnitData, stage Stage) UnitScore { return evaluate(f, u, stage, true) }

// EvaluateTop is Evaluate keeping in Nodes only the top-level items (and
// the bonus and penalty leaves): what a summary needs, for a fraction of
// the memory of every item's outcome.
func EvaluateTop(f *Framework, u UnitData, stage Stage) UnitScore {
	return evaluate(f, u, stage, false)
}

func evaluate(f *Framework, u UnitData, stage Stage, all bool) UnitScore {
	size := len(f.byCode)
	if !all {
		size = len(f.Items)
	}
	e := evaluator{f: f, u: u, order: resolution[stage], all: all, out: UnitScore{
		Unit: u.Code, UnitName: u.Name, Nodes: make(map[string]NodeScore, size),
		Regular: zero, Bonus: zero, Penalty: zero, Max: zero,
	}}
	if e.order == nil {
		e.order = resolution[StageFinal]
	}
	for _, it := range f.Items {
		n := e.node(it)
		switch {
		case !it.Extra():
			e.out.Regular = e.out.Regular.Add(n.Points)
			e.out.Max = e.out.Max.Add(n.Max)
		}
	}
	for _, l := range f.leaves {
		switch l.Method {
		case Bonus:
			e.out.Bonus = e.out.Bonus.Add(e.out.Nodes[l.Code].Points)
		case Penalty:
			e.out.Penalty = e.out.Penalty.Add(e.out.Nodes[l.Code].Points)
		}
	}
	e.out.Points = clamp(e.out.Regular.Add(e.out.Bonus).Sub(e.out.Penalty), zero, e.out.Max)
	e.out.Index = zero
	if e.out.Max.IsPositive() {
		e.out.Index = div(e.out.Points.Mul(hundred), e.out.Max)
	}
	return e.out
}

type evaluator struct {
	f     *Framework
	u     UnitData
	order []Stage
	all   bool // keep every item's outcome, not only the top-level ones
	out   UnitScore
}

func (e *evaluator) node(it *Item) NodeScore {
	var n NodeScore
	if it.IsLeaf() {
		n = e.leaf(it)
		if it.HasRound && !n.NA {
			n.Points = clamp(n.Points.Round(it.Round), zero, n.Max)
		}
	} else {
		n = NodeScore{Code: it.Code, Points: zero, Max: zero, NA: true}
		for _, c := range it.Items {
			cn := e.node(c)
			n.Points = n.Points.Add(cn.Points)
			n.Max = n.Max.Add(cn.Max)
			n.NA = n.NA && cn.NA
		}
	}
	if e.all || it.Parent == nil || (it.IsLeaf() && it.Method.Extra()) {
		e.out.Nodes[it.Code] = n
	}
	return n
}

// recorded returns the value recorded for a leaf at the first stage of the
// resolution order that has one.
func (e *evaluator) recorded(code string) (Value, Stage, bool) {
	return e.u.Points[code].resolve(e.order)
}

// Resolve returns the value that counts for a leaf at a scoring stage:
// at stage final the last of final → appraisal → self that has one, at
// stage self the self-assessment only.
func (s StageValues) Resolve(stage Stage) (Value, Stage, bool) {
	order := resolution[stage]
	if order == nil {
		order = resolution[StageFinal]
	}
	return s.resolve(order)
}

func (s StageValues) resolve(order []Stage) (Value, Stage, bool) {
	for _, st := range order {
		if v, ok := s.Get(st); ok {
			return v, st, true
		}
	}
	return Value{}, "", false
}

func (e *evaluator) leaf(it *Item) NodeScore {
	n := NodeScore{Code: it.Code, Points: zero, Max: it.Max}
	v, src, has := e.recorded(it.Code)
	if has {
		n.Source = src
	}
	if has && v.NA {
		return e.notApplicable(it, n)
	}
	switch it.Method {
	case Manual, Bonus, Penalty:
		if !has {
			n.Notes = append(n.Notes, "no points recorded")
			return n
		}
		n.Points = clamp(v.Points, zero, it.Max)
	case Ratio:
		return e.ratio(it, n)
	case Tiers:
		x, ok := e.input(it.Input, &n)
		if !ok {
			return n
		}
		for _, t := range it.Tiers {
			if t.Min.LessThanOrEqual(x) {
				n.Points = t.Points
				break
			}
		}
	case Formula:
		vars := make(map[string]Decimal, len(it.formula.idents))
		for _, name := range it.formula.idents {
			x, _ := e.input(name, &n)
			vars[name] = x
		}
		p, err := it.formula.eval(vars)
		if err != nil {
			n.Notes = append(n.Notes, "formula: "+err.Error())
			return n
		}
		n.Points = clamp(p, zero, it.Max)
	case Survey:
		r, ok := e.u.Surveys[it.Measure]
		if !ok {
			r, ok = e.input(it.Measure, &n)
		}
		if ok {
			n.Points = it.Max.Mul(clamp(r, zero, one))
		}
	}
	return n
}

func (e *evaluator) notApplicable(it *Item, n NodeScore) NodeScore {
	n.NA = true
	switch {
	case it.Method.Extra():
		n.Points = zero
	case e.f.NotApplicable == FullCredit:
		n.Points = it.Max
	default:
		n.Points, n.Max = zero, zero
	}
	return n
}

func (e *evaluator) input(name string, n *NodeScore) (Decimal, bool) {
	x, ok := e.u.Inputs[name]
	if !ok {
		n.Notes = append(n.Notes, "input "+name+" is missing")
		return zero, false
	}
	return x, true
}

func (e *evaluator) ratio(it *Item, n NodeScore) NodeScore {
	var r Decimal
	if it.RatioInput != "" {
		x, ok := e.input(it.RatioInput, &n)
		if !ok {
			return n
		}
		r = x
	} else {
		num, okNum := e.input(it.Numerator, &n)
		den, okDen := e.u.Inputs[it.Denominator]
		if !okDen || den.IsZero() {
			if !okDen {
				n.Notes = append(n.Notes, "input "+it.Denominator+" is missing")
			} else {
				n.Notes = append(n.Notes, "denominator "+it.Denominator+" is 0")
			}
			switch it.WhenEmpty {
			case EmptyFull:
				n.Points = it.Max
			case EmptyNotApplicable:
				return e.notApplicable(it, n)
			}
			return n
		}
		if !okNum {
			return n
		}
		if num.IsNegative() != den.IsNegative() {
			num = zero
		}
		// One division, last: max × num / (den × target). Dividing first
		// would round a quotient such as 43/48 that the multiplication
		// makes exact again (6 × 43/48 = 5.375), and a tie could then
		// round the wrong way when published.
		n.Points = decimalMin(it.Max, div(it.Max.Mul(num), den.Mul(it.Target)))
		return n
	}
	if r.IsNegative() {
		r = zero
	}
	n.Points = decimalMin(it.Max, div(it.Max.Mul(r), it.Target))
	return n
}

func decimalMin(a, b Decimal) Decimal {
	if a.LessThan(b) {
		return a
	}
	return b
}
