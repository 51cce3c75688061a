package scoring

import (
	"fmt"
	"sort"
)

// Method is how a leaf of a criteria set gets its points.
type Method string

// The leaf methods of contract.md. A node with children has no method.
const (
	Manual  Method = "manual"
	Ratio   Method = "ratio"
	Tiers   Method = "tiers"
	Formula Method = "formula"
	Survey  Method = "survey"
	Bonus   Method = "bonus"
	Penalty Method = "penalty"
)

// Computed reports whether a leaf's points come from inputs or surveys rather
// than from points someone gives.
func (m Method) Computed() bool {
	return m == Ratio || m == Tiers || m == Formula || m == Survey
}

// Extra reports whether the leaf sits outside the 100 points (bonus, penalty).
func (m Method) Extra() bool { return m == Bonus || m == Penalty }

// Policy says how a leaf that does not apply to a unit is treated.
type Policy string

const (
	// Renormalize removes a not-applicable leaf from both points and maximum.
	Renormalize Policy = "renormalize"
	// FullCredit gives a not-applicable leaf its full points.
	FullCredit Policy = "full_credit"
)

// WhenEmpty says what a ratio leaf scores when its denominator is zero.
type WhenEmpty string

const (
	EmptyZero          WhenEmpty = "zero"
	EmptyFull          WhenEmpty = "full"
	EmptyNotApplicable WhenEmpty = "not_applicable"
)

// Evidence says whether a leaf needs evidence documents.
type Evidence string

const (
	EvidenceOptional Evidence = "optional"
	EvidenceRequired Evidence = "required"
)

// Grade is one grade band: the first band whose Min is at most the published
// index wins.
type Grade struct {
	Code string
	Name string
	Min  Decimal
}

// Tier maps a measured value at or above Min to fixed Points.
type Tier struct {
	Min    Decimal
	Points Decimal
}

// Item is a node of a criteria set: a group (field, criterion) when it has
// Items, otherwise a leaf with a Method.
type Item struct {
	Code string
	Name string
	// Short is the name in a few words, for table headings and chart
	// axes (a field such as "Thủ tục hành chính"); empty when the set
	// gives none, and readers abbreviate Name themselves.
	Short    string
	Guidance string
	// Max is the leaf's maximum, or for a group the sum of its children.
	// For bonus and penalty leaves it is the cap.
	Max      Decimal
	Method   Method
	Evidence Evidence
	// Step, when positive, is the increment manual points must be a multiple of.
	Step Decimal
	// Values, when not empty, lists the only points a manual leaf may take.
	Values []Decimal

	// Ratio leaves: Numerator/Denominator, or RatioInput for a ratio read directly.
	Numerator   string
	Denominator string
	RatioInput  string
	Target      Decimal
	WhenEmpty   WhenEmpty

	// Tiers leaves.
	Input string
	Tiers []Tier

	// Formula leaves.
	Formula string
	formula *expression

	// Survey leaves: the satisfaction measure.
	Measure string

	// Metric is an external code (e.g. the national portal's metricCode).
	Metric string

	// Round, when HasRound is set, is the number of decimal places a
	// computed leaf's points are rounded to (half up) before they are added
	// up, the way a portal that publishes rounded scores sums them.
	Round    int32
	HasRound bool

	Items  []*Item
	Parent *Item
	// Line is the line in the source file where the item starts (0 if unknown).
	Line int
}

// IsLeaf reports whether the item has no children.
func (it *Item) IsLeaf() bool { return len(it.Items) == 0 }

// Extra reports whether the item counts outside the 100 points: a bonus or
// penalty leaf, or a group made only of such leaves.
func (it *Item) Extra() bool {
	if it.IsLeaf() {
		return it.Method.Extra()
	}
	for _, c := range it.Items {
		if !c.Extra() {
			return false
		}
	}
	return true
}

// Inputs lists the measured inputs a computed leaf reads, in a stable order.
func (it *Item) Inputs() []string {
	var names []string
	switch it.Method {
	case Ratio:
		names = append(names, it.Numerator, it.Denominator, it.RatioInput)
	case Tiers:
		names = append(names, it.Input)
	case Formula:
		if it.formula != nil {
			names = append(names, it.formula.idents...)
		}
	}
	out := names[:0]
	for _, n := range names {
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}

// InputDef declares a measured input: its name, a label for people and the
// unit of measure (e.g. "hồ sơ", "%").
type InputDef struct {
	Name  string
	Label string
	Unit  string
}

// Framework is a criteria set (bộ chỉ số) for one unit group and period.
type Framework struct {
	Period        string
	Group         string
	Name          string
	NotApplicable Policy
	Grades        []Grade
	// Inputs optionally declares the measured inputs; when it is not empty,
	// every input a leaf reads must be declared here.
	Inputs []InputDef
	// Checks are rules over a unit's inputs that an import must satisfy,
	// e.g. "dossiers_on_time <= dossiers_received".
	Checks []Check
	Items  []*Item

	byCode map[string]*Item
	leaves []*Item
}

// Item returns the item with the code, or nil.
func (f *Framework) Item(code string) *Item { return f.byCode[code] }

// Leaves returns every leaf in document order.
func (f *Framework) Leaves() []*Item { return f.leaves }

// Max is the total regular maximum (without bonus and penalty leaves),
// normally 100.
func (f *Framework) Max() Decimal {
	total := zero
	for _, l := range f.leaves {
		if !l.Method.Extra() {
			total = total.Add(l.Max)
		}
	}
	return total
}

// InputNames lists every measured input the set's computed leaves read, sorted.
func (f *Framework) InputNames() []string {
	seen := map[string]bool{}
	for _, l := range f.leaves {
		for _, n := range l.Inputs() {
			seen[n] = true
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// GradeFor returns the grade of a published index: the first band, highest
// first, whose minimum is at most the index. It returns a zero Grade when no
// band matches.
func (f *Framework) GradeFor(published Decimal) Grade {
	for _, g := range f.Grades {
		if g.Min.LessThanOrEqual(published) {
			return g
		}
	}
	return Grade{}
}

// CheckPoints validates points given to a leaf: the leaf must exist and take
// given points (manual, bonus, penalty), and the points must lie within 0..max,
// on the step and among the allowed values when the leaf has them.
func (f *Framework) CheckPoints(code string, points Decimal) error {
	it := f.byCode[code]
	if it == nil {
		return pointsErr(code, "unknown", "item %s: no such item in the criteria set %q", code, f.Name)
	}
	if !it.IsLeaf() {
		return pointsErr(code, "group", "item %s: is a group; points are given to its leaves", code)
	}
	if it.Method.Computed() {
		return pointsErr(code, "computed", "item %s: is computed (%s) from inputs; only \"na\" may be recorded for it", code, it.Method)
	}
	if points.IsNegative() {
		return pointsErr(code, "negative", "item %s: points %s are negative", code, points)
	}
	if points.GreaterThan(it.Max) {
		return pointsErr(code, "above_max", "item %s: points %s are above the maximum %s", code, points, it.Max)
	}
	if it.Step.IsPositive() && !points.Mod(it.Step).IsZero() {
		return pointsErr(code, "step", "item %s: points %s are not a multiple of the step %s", code, points, it.Step)
	}
	if len(it.Values) > 0 {
		for _, v := range it.Values {
			if v.Equal(points) {
				return nil
			}
		}
		return pointsErr(code, "values", "item %s: points %s are not one of the allowed values %s", code, points, joinDecimals(it.Values))
	}
	return nil
}

// PointsError says why points do not fit a leaf. Problem names the reason
// (unknown, group, computed, negative, above_max, step, values); Format and
// Args are the message, for callers that say it in another language.
type PointsError struct {
	Item, Problem string
	Format        string
	Args          []any
}

func (e *PointsError) Error() string { return fmt.Sprintf(e.Format, e.Args...) }

func pointsErr(item, problem, format string, args ...any) error {
	return &PointsError{Item: item, Problem: problem, Format: format, Args: args}
}

func joinDecimals(ds []Decimal) string {
	s := ""
	for i, d := range ds {
		if i > 0 {
			s += ", "
		}
		s += d.String()
	}
	return s
}

// InputDef returns the declaration of an input: its label and unit of
// measure for people (the source numbers of a computed leaf, the columns of
// a statistics template). ok is false when the set does not declare it.
func (f *Framework) InputDef(name string) (def InputDef, ok bool) {
	for _, d := range f.Inputs {
		if d.Name == name {
			return d, true
		}
	}
	return InputDef{}, false
}
