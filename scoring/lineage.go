package scoring

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Link is one row of a unit lineage: a unit of FromPeriod continues, whole
// or in part, into a unit that exists from ToPeriod on. A rename is one
// link, a merger one link per predecessor, a split one link per successor.
type Link struct {
	FromPeriod, FromUnit string
	ToPeriod, ToUnit     string
	// Weight is the predecessor's weight in its successor's comparison
	// with the previous period when HasWeight is set (a merger's weighted
	// mean); without weights the predecessors count equally.
	Weight    Decimal
	HasWeight bool
}

// LinkKey identifies a link: two rows with the same key are the same link.
type LinkKey struct {
	FromPeriod, FromUnit, ToPeriod, ToUnit string
}

// Key returns the link's key.
func (l Link) Key() LinkKey { return LinkKey{l.FromPeriod, l.FromUnit, l.ToPeriod, l.ToUnit} }

// String writes the link as "2024 A → 2025 B".
func (k LinkKey) String() string {
	return fmt.Sprintf("%s %s → %s %s", k.FromPeriod, k.FromUnit, k.ToPeriod, k.ToUnit)
}

// LinkProblem is one thing wrong in a lineage: the link (its index in the
// list given to NewLineage), the field at fault and what is wrong, in
// English (Msg) and as a message key with its arguments (Key, Args:
// "lineage.problem.*"), for pages in other languages.
type LinkProblem struct {
	Link  int
	Field string // from_period, from_unit, to_period, to_unit or weight
	Msg   string
	Key   string
	Args  []any
}

// LineageError lists every problem of a lineage.
type LineageError struct{ Problems []LinkProblem }

func (e *LineageError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Field + ": " + p.Msg
	}
	return strings.Join(msgs, "\n")
}

// Lineage is a checked set of links, with the rules of contract.md's "Unit
// lineage": which units take part in a period, and what each unit is
// compared with in the previous period. A nil *Lineage has no links: every
// unit exists in every period and is compared by its code.
type Lineage struct {
	links []Link
	into  map[string][]int // successor → its links
	from  map[string][]int // predecessor → its links
}

// NewLineage checks links and returns the lineage, or a *LineageError
// naming every problem: unknown period kinds, a successor's period not
// after its predecessor's, a weight not above 0, a link given twice, a
// merger with weights on some predecessors only, a unit formed and
// continued into others at the same period.
func NewLineage(links []Link) (*Lineage, error) {
	var ps []LinkProblem
	add := func(i int, field, key, format string, args ...any) {
		ps = append(ps, LinkProblem{Link: i, Field: field, Msg: fmt.Sprintf(format, args...), Key: "lineage.problem." + key, Args: args})
	}
	seen := map[LinkKey]bool{}
	for i, l := range links {
		fs, okFrom := PeriodStart(l.FromPeriod)
		ts, okTo := PeriodStart(l.ToPeriod)
		if !okFrom {
			add(i, "from_period", "period", "%q is not a year (2025), a quarter (2025-Q3) or a month (2025-08)", l.FromPeriod)
		}
		if !okTo {
			add(i, "to_period", "period", "%q is not a year (2025), a quarter (2025-Q3) or a month (2025-08)", l.ToPeriod)
		}
		if okFrom && okTo && ts <= fs {
			add(i, "to_period", "not_after", "%s does not begin after from_period %s", l.ToPeriod, l.FromPeriod)
		}
		if l.FromUnit == "" {
			add(i, "from_unit", "empty", "is empty")
		}
		if l.ToUnit == "" {
			add(i, "to_unit", "empty", "is empty")
		}
		if l.HasWeight && !l.Weight.IsPositive() {
			add(i, "weight", "weight", "%s must be greater than 0", l.Weight.String())
		}
		if seen[l.Key()] {
			add(i, "to_unit", "twice", "the link %s is given twice", l.Key().String())
		}
		seen[l.Key()] = true
	}
	// A merger's predecessors have weights all or none.
	type target struct{ unit, period string }
	weighted := map[target][]int{}
	for i, l := range links {
		t := target{l.ToUnit, l.ToPeriod}
		weighted[t] = append(weighted[t], i)
	}
	for t, idx := range weighted {
		with := 0
		for _, i := range idx {
			if links[i].HasWeight {
				with++
			}
		}
		if with > 0 && with < len(idx) {
			for _, i := range idx {
				if !links[i].HasWeight {
					add(i, "weight", "weights_partial", "unit %s has weights for some of its predecessors into %s but not for %s: give every one a weight, or none",
						t.unit, t.period, links[i].FromUnit)
				}
			}
		}
	}
	lin := &Lineage{links: slices.Clone(links), into: map[string][]int{}, from: map[string][]int{}}
	if len(ps) == 0 {
		for i, l := range lin.links {
			lin.into[l.ToUnit] = append(lin.into[l.ToUnit], i)
			lin.from[l.FromUnit] = append(lin.from[l.FromUnit], i)
		}
		for _, unit := range units(lin) {
			begins, ends := lin.events(unit)
			for _, t := range sortedKeys(begins) {
				if ends[t] {
					i := lin.into[unit][0]
					for _, j := range lin.into[unit] {
						if lin.links[j].ToPeriod == t {
							i = j
							break
						}
					}
					add(i, "to_unit", "formed_and_continued", "unit %s is formed in %s and continued into other units in the same period", unit, t)
				}
			}
		}
	}
	if len(ps) > 0 {
		slices.SortStableFunc(ps, func(a, b LinkProblem) int { return cmp.Compare(a.Link, b.Link) })
		return nil, &LineageError{Problems: ps}
	}
	return lin, nil
}

// units lists every unit the lineage names, sorted.
func units(l *Lineage) []string {
	seen := map[string]bool{}
	for _, k := range l.links {
		seen[k.FromUnit], seen[k.ToUnit] = true, true
	}
	return sortedKeys(seen)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// events returns the periods at which a unit is formed (a successor that
// did not exist under its code before) and those at which it ends (a
// predecessor continued into other units, not into itself).
func (l *Lineage) events(unit string) (begins, ends map[string]bool) {
	self := map[string]bool{} // to_period of a link from the unit to itself
	for _, i := range l.from[unit] {
		if l.links[i].ToUnit == unit {
			self[l.links[i].ToPeriod] = true
		}
	}
	begins, ends = map[string]bool{}, map[string]bool{}
	for _, i := range l.into[unit] {
		if t := l.links[i].ToPeriod; !self[t] {
			begins[t] = true
		}
	}
	for _, i := range l.from[unit] {
		if t := l.links[i].ToPeriod; !self[t] {
			ends[t] = true
		}
	}
	return begins, ends
}

// Links returns a copy of the lineage's links.
func (l *Lineage) Links() []Link {
	if l == nil {
		return nil
	}
	return slices.Clone(l.links)
}

// Exists reports whether a unit takes part in a period: a unit the lineage
// continues into other units takes no part from that link's to_period on,
// and a successor none before its to_period. Periods of no known kind are
// outside the lineage: every unit takes part in them.
func (l *Lineage) Exists(unit, period string) bool {
	if l == nil || (len(l.into[unit]) == 0 && len(l.from[unit]) == 0) {
		return true
	}
	at, ok := PeriodStart(period)
	if !ok {
		return true
	}
	begins, ends := l.events(unit)
	type event struct {
		start int
		begin bool
	}
	var evs []event
	for t := range begins {
		s, _ := PeriodStart(t)
		evs = append(evs, event{s, true})
	}
	for t := range ends {
		s, _ := PeriodStart(t)
		evs = append(evs, event{s, false})
	}
	if len(evs) == 0 {
		return true
	}
	slices.SortFunc(evs, func(a, b event) int { return cmp.Compare(a.start, b.start) })
	exists := !evs[0].begin
	for _, e := range evs {
		if e.start > at {
			break
		}
		exists = e.begin
	}
	return exists
}

// inWindow reports whether a link takes effect between two periods: its
// to_period begins after prev begins and no later than period.
func inWindow(l Link, prev, period string) bool {
	ps, ok1 := PeriodStart(prev)
	cs, ok2 := PeriodStart(period)
	ts, _ := PeriodStart(l.ToPeriod)
	return ok1 && ok2 && ps < ts && ts <= cs
}

// Predecessors returns the links into a unit that take effect between the
// previous period and this one, ordered by predecessor.
func (l *Lineage) Predecessors(unit, prev, period string) []Link {
	if l == nil {
		return nil
	}
	var out []Link
	for _, i := range l.into[unit] {
		if inWindow(l.links[i], prev, period) {
			out = append(out, l.links[i])
		}
	}
	slices.SortFunc(out, func(a, b Link) int {
		return cmp.Or(cmp.Compare(a.FromUnit, b.FromUnit), cmp.Compare(a.FromPeriod, b.FromPeriod))
	})
	return out
}

// Successors returns the links out of a unit whose to_period begins after
// the period, ordered by to_period and successor: what became of the unit.
func (l *Lineage) Successors(unit, period string) []Link {
	if l == nil {
		return nil
	}
	at, ok := PeriodStart(period)
	if !ok {
		return nil
	}
	var out []Link
	for _, i := range l.from[unit] {
		if ts, _ := PeriodStart(l.links[i].ToPeriod); ts > at {
			out = append(out, l.links[i])
		}
	}
	slices.SortFunc(out, func(a, b Link) int {
		as, _ := PeriodStart(a.ToPeriod)
		bs, _ := PeriodStart(b.ToPeriod)
		return cmp.Or(cmp.Compare(as, bs), cmp.Compare(a.ToUnit, b.ToUnit))
	})
	return out
}

// successorsBetween lists the other successors of a predecessor between two
// periods: more than none makes its successors a split.
func (l *Lineage) successorsBetween(unit, except, prev, period string) []string {
	var out []string
	for _, i := range l.from[unit] {
		k := l.links[i]
		if k.ToUnit != except && inWindow(k, prev, period) && !slices.Contains(out, k.ToUnit) {
			out = append(out, k.ToUnit)
		}
	}
	return out
}

// weights returns the predecessors of a successor and their weights,
// normalised to sum 1 (equal when the links carry none), one per unit.
func weights(links []Link) ([]string, []Decimal) {
	var names []string
	var ws []Decimal
	total := zero
	for _, k := range links {
		if slices.Contains(names, k.FromUnit) {
			continue
		}
		w := one
		if k.HasWeight {
			w = k.Weight
		}
		names = append(names, k.FromUnit)
		ws = append(ws, w)
		total = total.Add(w)
	}
	for i := range ws {
		ws[i] = div(ws[i], total)
	}
	return names, ws
}

// Back maps a weighted set of units of a period to the units of an earlier
// period they come from: a unit with predecessors between the two periods
// stands for them (a merger's predecessors with their normalised weights;
// a renamed or split unit's one predecessor whole), any other unit for
// itself. Weights reaching one unit twice add up. It follows one step of
// the lineage; call it once per pair of consecutive periods.
func (l *Lineage) Back(set map[string]Decimal, prev, period string) map[string]Decimal {
	out := map[string]Decimal{}
	for unit, w := range set {
		links := l.Predecessors(unit, prev, period)
		if len(links) == 0 {
			out[unit] = out[unit].Add(w)
			continue
		}
		names, ws := weights(links)
		for i, n := range names {
			out[n] = out[n].Add(w.Mul(ws[i]))
		}
	}
	return out
}
