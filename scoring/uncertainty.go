package scoring

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Survey samples. A survey ratio is measured on a sample of respondents;
// the rank uncertainty analysis draws it again from its sampling
// distribution, which needs the sample's size:
//   - a ratio computed from a survey campaign (UnitData.Surveys) carries it
//     under SampleKey(measure) in the same map;
//   - a ratio read from an input carries it in the input SampleInput(measure)
//     ("sipas" → "sipas_sample"), which a criteria set declares like any
//     other input.
//
// A ratio without its sample size is taken as exact.

// SampleKey is the key of UnitData.Surveys that holds the number of
// respondents a measure's ratio was computed from.
func SampleKey(measure string) string { return measure + "#n" }

// SampleInput is the input that holds the number of respondents of a
// survey measure read from inputs.
func SampleInput(measure string) string { return measure + "_sample" }

// Sample returns the ratio of a survey measure the engine scores with and
// the size of the sample it was measured on (0 when unknown).
func (u UnitData) Sample(measure string) (ratio Decimal, n int64, ok bool) {
	if r, has := u.Surveys[measure]; has {
		if s, has := u.Surveys[SampleKey(measure)]; has {
			n = s.Round(0).IntPart()
		}
		return r, max(n, 0), true
	}
	r, has := u.Inputs[measure]
	if !has {
		return zero, 0, false
	}
	if s, has := u.Inputs[SampleInput(measure)]; has {
		n = s.Round(0).IntPart()
	}
	return r, max(n, 0), true
}

// UncertaintyOptions set a rank uncertainty analysis.
type UncertaintyOptions struct {
	// Draws is the number of simulated re-scorings (1..MaxDraws).
	Draws int
	// Seed makes the analysis reproducible: the same data, options and
	// seed give the same intervals on any machine.
	Seed uint64
	// Weights, when above 0, is a sensitivity analysis of the criteria
	// set's weights: in every draw each regular top-level field's weight is
	// multiplied by a factor drawn uniformly in 1 ± Weights (below 1).
	Weights float64
}

// MaxDraws bounds an analysis's draws.
const MaxDraws = 100_000

// DefaultDraws is the number of draws the pages, the API and the workbook
// use unless asked for another.
const DefaultDraws = 10_000

// Check reports a problem with the options, naming the option.
func (o UncertaintyOptions) Check() error {
	switch {
	case o.Draws < 1 || o.Draws > MaxDraws:
		return fmt.Errorf("the number of draws %d must be between 1 and %d", o.Draws, MaxDraws)
	case math.IsNaN(o.Weights) || o.Weights < 0 || o.Weights >= 1:
		return fmt.Errorf("the weight perturbation %v must be at least 0 and below 1", o.Weights)
	}
	return nil
}

// RankInterval is one unit's rank with its uncertainty.
type RankInterval struct {
	// Rank is the published rank.
	Rank int
	// Low and High bound the 90 % interval of the simulated ranks (the 5th
	// and 95th percentiles).
	Low, High int
	// TiedAbove and TiedBelow say that the unit is statistically tied with
	// the unit ranked just above (below) it: in at least 5 % of the draws
	// the lower one scored as high as the higher one, so their order is
	// not established at the 90 % level.
	TiedAbove, TiedBelow bool
	// Sampled lists the survey measures drawn from their sample; Exact
	// those the unit is scored on without a sample size, held fixed.
	Sampled, Exact []string
}

// Tied reports whether the unit is tied with a neighbour.
func (r RankInterval) Tied() bool { return r.TiedAbove || r.TiedBelow }

// Uncertainty is a group's rank uncertainty analysis.
type Uncertainty struct {
	UncertaintyOptions
	// Units holds every unit's interval by code.
	Units map[string]RankInterval
}

// tail is the share of the draws outside a 90 % interval on each side.
const tail = 0.05

// surveyTerm is one survey measure of one unit: its ratio, sample and the
// leaves (field and maximum) it scores.
type surveyTerm struct {
	p, sd  float64
	n      int64
	normal bool
	fields []int
	maxes  []float64
}

// simUnit is a unit reduced to what a draw changes.
type simUnit struct {
	fieldPts, fieldMax []float64 // regular top-level fields
	extra              float64   // bonus − penalty
	terms              []surveyTerm
	base               float64 // the simulation's own index without any perturbation
	cents              int64   // the published index in hundredths
	frac               float64 // (exact − published) × 100, in [−0.5, 0.5)
}

// SimulateRanks re-scores a group's units opts.Draws times with every
// survey ratio drawn from its sampling distribution — Binomial(n, p)/n for
// a ratio p measured on n respondents (the normal approximation when
// n·p·(1−p) ≥ 9) — and, with opts.Weights, the fields' weights perturbed;
// it re-ranks each draw on the index rounded to two decimals, with shared
// ranks as published, and returns each unit's 90 % rank interval and
// whether it is tied with its neighbours. data holds the units' data by
// code (results.Group.Data). Floats are used inside the simulation; the
// published values stay those of g.
func SimulateRanks(g *GroupResult, data map[string]*UnitData, opts UncertaintyOptions) (*Uncertainty, error) {
	if err := opts.Check(); err != nil {
		return nil, err
	}
	if g == nil || g.Framework == nil {
		return nil, errors.New("scoring: no group result to simulate")
	}
	f := g.Framework
	var fields []*Item
	fieldOf := map[*Item]int{}
	for _, it := range f.Items {
		if !it.Extra() {
			fieldOf[it] = len(fields)
			fields = append(fields, it)
		}
	}
	surveys := false
	for _, l := range f.leaves {
		surveys = surveys || l.Method == Survey
	}
	out := &Uncertainty{UncertaintyOptions: opts, Units: make(map[string]RankInterval, len(g.Results))}
	units := make([]simUnit, len(g.Results))
	for i := range g.Results {
		r := &g.Results[i]
		var d UnitData
		if p := data[r.Unit]; p != nil {
			d = *p
		}
		nodes := r.Nodes
		if surveys && len(nodes) < len(f.byCode) { // summaries keep only the fields
			nodes = Evaluate(f, d, g.Stage).Nodes
		}
		su := simUnit{fieldPts: make([]float64, len(fields)), fieldMax: make([]float64, len(fields))}
		for k, it := range fields {
			su.fieldPts[k] = toFloat(nodes[it.Code].Points)
			su.fieldMax[k] = toFloat(nodes[it.Code].Max)
		}
		su.extra = toFloat(r.Bonus) - toFloat(r.Penalty)
		iv := RankInterval{Rank: r.Rank}
		byMeasure := map[string]int{}
		for _, l := range f.leaves {
			n := nodes[l.Code]
			if l.Method != Survey || n.NA || !n.Max.IsPositive() {
				continue
			}
			top := l
			for top.Parent != nil {
				top = top.Parent
			}
			k, regular := fieldOf[top]
			if !regular {
				continue
			}
			p, size, ok := d.Sample(l.Measure)
			if !ok || size < 1 {
				if !slices.Contains(iv.Exact, l.Measure) {
					iv.Exact = append(iv.Exact, l.Measure)
				}
				continue
			}
			ti, seen := byMeasure[l.Measure]
			if !seen {
				pf := math.Min(1, math.Max(0, toFloat(p)))
				ti = len(su.terms)
				byMeasure[l.Measure] = ti
				su.terms = append(su.terms, surveyTerm{p: pf, n: size, sd: math.Sqrt(pf * (1 - pf) / float64(size)),
					normal: float64(size)*pf*(1-pf) >= 9})
				iv.Sampled = append(iv.Sampled, l.Measure)
			}
			su.terms[ti].fields = append(su.terms[ti].fields, k)
			su.terms[ti].maxes = append(su.terms[ti].maxes, toFloat(l.Max))
		}
		pub := r.Published()
		su.cents = pub.Shift(2).IntPart()
		su.frac = toFloat(r.Index.Sub(pub).Shift(2))
		su.base = su.index(nil, nil)
		units[i] = su
		out.Units[r.Unit] = iv
	}
	n := len(units)
	varies := opts.Weights > 0
	for i := range units {
		varies = varies || len(units[i].terms) > 0
	}
	if !varies {
		// Nothing is drawn: every draw is the published ranking, and only
		// equal published indices are tied.
		for i := range g.Results {
			iv := out.Units[g.Results[i].Unit]
			iv.Low, iv.High = iv.Rank, iv.Rank
			iv.TiedAbove = i > 0 && units[i].cents == units[i-1].cents
			iv.TiedBelow = i < n-1 && units[i].cents == units[i+1].cents
			out.Units[g.Results[i].Unit] = iv
		}
		return out, nil
	}
	counts, reversals := simulate(units, len(fields), opts)
	lowAt := int64(math.Ceil(tail * float64(opts.Draws)))
	highAt := int64(math.Ceil((1 - tail) * float64(opts.Draws)))
	for i := range g.Results {
		iv := out.Units[g.Results[i].Unit]
		var cum int64
		for rank := 1; rank <= n; rank++ {
			cum += int64(counts[i*n+rank-1])
			if iv.Low == 0 && cum >= lowAt {
				iv.Low = rank
			}
			if cum >= highAt {
				iv.High = rank
				break
			}
		}
		limit := tail * float64(opts.Draws)
		if i > 0 {
			iv.TiedAbove = float64(reversals[i-1]) >= limit
		}
		if i < n-1 {
			iv.TiedBelow = float64(reversals[i]) >= limit
		}
		out.Units[g.Results[i].Unit] = iv
	}
	return out, nil
}

func toFloat(d Decimal) float64 {
	f, _ := d.Float64()
	return f
}

// index is the unit's index in a draw: delta holds each field's change of
// points, w each field's weight (nil: no change, weights 1).
func (u *simUnit) index(delta, w []float64) float64 {
	var pts, mx float64
	for k := range u.fieldPts {
		wk := 1.0
		if w != nil {
			wk = w[k]
		}
		d := 0.0
		if delta != nil {
			d = delta[k]
		}
		pts += wk * (u.fieldPts[k] + d)
		mx += wk * u.fieldMax[k]
	}
	if mx <= 0 {
		return 0
	}
	pts = math.Min(mx, math.Max(0, pts+u.extra))
	return pts / mx * 100
}

// chunk is the number of draws made with one generator: draws are split
// into chunks seeded by their position, so the result does not depend on
// how many processors share them.
const chunk = 500

// simulate runs the draws and returns, per unit (in g.Results order), how
// often it took each rank (counts[unit*n+rank-1]) and, per pair of
// neighbours in that order, how often the lower one scored at least as
// high as the higher one. The workers add into one histogram (n² counts:
// 16 MB for 2,000 units), atomically, rather than each keeping its own.
func simulate(units []simUnit, nFields int, opts UncertaintyOptions) ([]int32, []int64) {
	n := len(units)
	counts := make([]int32, n*n)
	reversals := make([]int64, max(n-1, 0))
	chunks := (opts.Draws + chunk - 1) / chunk
	workers := min(runtime.GOMAXPROCS(0), chunks)
	var wg sync.WaitGroup
	next := make(chan int, chunks)
	for c := range chunks {
		next <- c
	}
	close(next)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := newDrawer(units, nFields, opts)
			rev := make([]int64, len(reversals))
			for c := range next {
				rng := rand.New(rand.NewPCG(opts.Seed, uint64(c)+0x9e3779b97f4a7c15))
				for range min(chunk, opts.Draws-c*chunk) {
					d.once(rng)
					for i, r := range d.rank {
						atomic.AddInt32(&counts[i*n+r-1], 1)
					}
					for i := 0; i+1 < n; i++ {
						if d.cents[i+1] >= d.cents[i] {
							rev[i]++
						}
					}
				}
			}
			for i := range rev {
				atomic.AddInt64(&reversals[i], rev[i])
			}
		}()
	}
	wg.Wait()
	return counts, reversals
}

// drawer holds one worker's scratch space for a draw.
type drawer struct {
	units []simUnit
	opts  UncertaintyOptions
	delta []float64
	w     []float64
	cents []int64
	keys  []uint64
	rank  []int
}

func newDrawer(units []simUnit, nFields int, opts UncertaintyOptions) *drawer {
	d := &drawer{units: units, opts: opts, delta: make([]float64, nFields), cents: make([]int64, len(units)),
		keys: make([]uint64, len(units)), rank: make([]int, len(units))}
	if opts.Weights > 0 {
		d.w = make([]float64, nFields)
	}
	return d
}

// once makes one draw and ranks it: cents holds each unit's index in
// hundredths, rank its rank.
func (d *drawer) once(rng *rand.Rand) {
	for k := range d.w {
		d.w[k] = 1 + d.opts.Weights*(2*rng.Float64()-1)
	}
	for i := range d.units {
		u := &d.units[i]
		clear(d.delta)
		for t := range u.terms {
			st := &u.terms[t]
			r := st.draw(rng)
			for j, k := range st.fields {
				d.delta[k] += st.maxes[j] * (r - st.p)
			}
		}
		dIdx := u.index(d.delta, d.w) - u.base
		d.cents[i] = u.cents + int64(math.Floor(u.frac+dIdx*100+0.5))
		// Highest index first, then the published order.
		d.keys[i] = uint64(1_000_000-d.cents[i])<<24 | uint64(i)
	}
	slices.Sort(d.keys)
	rank := 0
	for pos, key := range d.keys {
		i := int(key & (1<<24 - 1))
		if pos == 0 || d.cents[i] != d.cents[int(d.keys[pos-1]&(1<<24-1))] {
			rank = pos + 1
		}
		d.rank[i] = rank
	}
}

// draw returns a ratio drawn from the term's sampling distribution.
func (t *surveyTerm) draw(rng *rand.Rand) float64 {
	if t.sd == 0 {
		return t.p
	}
	if t.normal {
		return math.Min(1, math.Max(0, t.p+t.sd*rng.NormFloat64()))
	}
	// Exact binomial by inversion, counting the rarer outcome so that the
	// walk stays short (n·q < 18 here).
	q, flip := t.p, false
	if q > 0.5 {
		q, flip = 1-q, true
	}
	u := rng.Float64()
	pk := math.Pow(1-q, float64(t.n))
	cdf := pk
	k := int64(0)
	for u > cdf && k < t.n {
		pk *= float64(t.n-k) / float64(k+1) * q / (1 - q)
		k++
		cdf += pk
	}
	r := float64(k) / float64(t.n)
	if flip {
		r = 1 - r
	}
	return r
}
