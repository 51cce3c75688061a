package targets

import (
	"slices"
	"strconv"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// Status says whether a target is on track in a period.
type Status string

// The statuses.
const (
	// OnTrack: the actual value meets the target that applies that year.
	OnTrack Status = "on_track"
	// Behind: the actual value falls short of it.
	Behind Status = "behind"
	// NoData: there is no actual value yet (no statistics recorded, a
	// survey not run, an external value not written down).
	NoData Status = "no_data"
)

// Data is what a period's actual values are computed from.
type Data struct {
	// Year is the calendar year of the period (2025 for "2025" and
	// "2025-Q3"), 0 when the period is not dated.
	Year int
	// Units are every unit, for their groups.
	Units []domain.Unit
	// Inputs are the period's measured inputs, every unit.
	Inputs []domain.Input
	// MeanIndex holds each group's mean index in the period (as published),
	// for the groups that have results.
	MeanIndex map[string]scoring.Decimal
}

// Row is one target's line for a period.
type Row struct {
	Target Target
	Year   int
	// Value is the target that applies in the year: the year's own value,
	// or on the straight path between the milestones around it
	// (Interpolated), or the first milestone's before it, or the last
	// milestone's after it. Nil when the target has no year.
	Value        *scoring.Decimal
	Interpolated bool
	// Milestone is the year of the milestone Value belongs to or leads to.
	Milestone int
	// Actual is the measured value, nil when there is none (NoData).
	Actual *scoring.Decimal
	// Numerator and Denominator are the sums a statistics ratio was taken
	// from; Units counts the units whose inputs entered the actual value.
	Numerator, Denominator *scoring.Decimal
	Units                  int
	Status                 Status
}

// YearOf returns the calendar year a period code begins with ("2025",
// "2025-Q3", "2025-08"), or 0.
func YearOf(period string) int {
	if len(period) < 4 {
		return 0
	}
	y, err := strconv.Atoi(period[:4])
	if err != nil || (len(period) > 4 && period[4] != '-') {
		return 0
	}
	return y
}

// Rows compares every target of the programme with the period's data: the
// function the targets page and the period's workbook both use.
func Rows(p *Programme, d Data) []Row {
	groupOf := make(map[string]string, len(d.Units))
	for _, u := range d.Units {
		groupOf[u.Code] = u.Group
	}
	byUnit := map[string]map[string]scoring.Decimal{}
	for _, in := range d.Inputs {
		if byUnit[in.Unit] == nil {
			byUnit[in.Unit] = map[string]scoring.Decimal{}
		}
		byUnit[in.Unit][in.Name] = in.Value
	}
	units := make([]string, 0, len(byUnit))
	for u := range byUnit {
		units = append(units, u)
	}
	slices.Sort(units)
	rows := make([]Row, 0, len(p.Targets))
	for _, t := range p.Targets {
		r := Row{Target: t, Year: d.Year, Status: NoData}
		r.Value, r.Milestone, r.Interpolated = t.ValueIn(d.Year)
		m := t.Measure
		switch m.Source {
		case Statistics:
			num, den, n := scoring.NewInt(0), scoring.NewInt(0), 0
			for _, u := range units {
				if m.Scope != "" && groupOf[u] != m.Scope {
					continue
				}
				in := byUnit[u]
				if m.Mean != "" {
					if v, ok := in[m.Mean]; ok {
						num, den, n = num.Add(v), den.Add(scoring.NewInt(1)), n+1
					}
					continue
				}
				a, okA := in[m.Numerator]
				b, okB := in[m.Denominator]
				if okA && okB {
					num, den, n = num.Add(a), den.Add(b), n+1
				}
			}
			r.Units = n
			if m.Mean == "" && n > 0 {
				r.Numerator, r.Denominator = &num, &den
			}
			if den.IsPositive() {
				v := num.Mul(m.Scale).DivRound(den, 20)
				r.Actual = &v
			}
		case Index:
			if v, ok := d.MeanIndex[m.Group]; ok {
				r.Actual = &v
			}
		case External:
			if v, ok := t.Actual[d.Year]; ok {
				r.Actual = &v
			}
		case Survey:
			// Survey results do not feed targets yet.
		}
		if r.Actual != nil && r.Value != nil {
			met := r.Actual.GreaterThanOrEqual(*r.Value)
			if t.Better == Lower {
				met = r.Actual.LessThanOrEqual(*r.Value)
			}
			r.Status = Behind
			if met {
				r.Status = OnTrack
			}
		}
		rows = append(rows, r)
	}
	return rows
}

// ValueIn returns the target that applies in a year: the year's own value;
// between two milestones the value on the straight line joining them
// (interpolated); before the first milestone the first one's value; after
// the last the last one's. milestone is the year of the value, or of the
// milestone an interpolated value leads to. Nil when the target has no
// year or the year is 0.
func (t Target) ValueIn(year int) (value *scoring.Decimal, milestone int, interpolated bool) {
	if len(t.Years) == 0 || year == 0 {
		return nil, 0, false
	}
	ys := make([]int, 0, len(t.Years))
	for y := range t.Years {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	if v, ok := t.Years[year]; ok {
		return &v, year, false
	}
	if year < ys[0] {
		v := t.Years[ys[0]]
		return &v, ys[0], false
	}
	if year > ys[len(ys)-1] {
		v := t.Years[ys[len(ys)-1]]
		return &v, ys[len(ys)-1], false
	}
	i, _ := slices.BinarySearch(ys, year)
	a, b := ys[i-1], ys[i]
	va, vb := t.Years[a], t.Years[b]
	v := va.Add(vb.Sub(va).Mul(scoring.NewInt(int64(year-a))).DivRound(scoring.NewInt(int64(b-a)), 20))
	return &v, b, true
}
