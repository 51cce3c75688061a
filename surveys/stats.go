package surveys

import (
	"math"

	"github.com/shopspring/decimal"

	"github.com/parindex/parindex/scoring"
)

// z95 is the standard normal quantile of a two-sided 95 % interval.
const z95 = 1.959963984540054

// Wilson returns the Wilson score interval at 95 % of a proportion p
// observed on n trials, both bounds within 0..1. With n = 0 it returns the
// whole range 0..1.
//
//	centre = (p + z²/2n) / (1 + z²/n)
//	half   = z / (1 + z²/n) × √(p(1−p)/n + z²/4n²)
func Wilson(p float64, n int) (lo, hi float64) {
	if n <= 0 {
		return 0, 1
	}
	p = math.Min(1, math.Max(0, p))
	nn := float64(n)
	z2 := z95 * z95
	den := 1 + z2/nn
	centre := (p + z2/(2*nn)) / den
	half := z95 / den * math.Sqrt(p*(1-p)/nn+z2/(4*nn*nn))
	return math.Max(0, centre-half), math.Min(1, centre+half)
}

// DefaultMargin is the margin of error e of the sample-size formula: 5 %.
var DefaultMargin = decimal.RequireFromString("0.05")

// SampleSize is the target sample of a unit with n transactions in the
// period, at margin of error e (Yamane / Slovin): n / (1 + n·e²), rounded
// up. Zero transactions need no sample.
func SampleSize(n int64, e scoring.Decimal) int64 {
	if n <= 0 {
		return 0
	}
	N := decimal.NewFromInt(n)
	den := decimal.NewFromInt(1).Add(N.Mul(e).Mul(e))
	return N.DivRound(den, 20).Ceil().IntPart()
}
