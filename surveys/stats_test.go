package surveys_test

import (
	"math"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/parindex/parindex/surveys"
)

// Published reference values of the Wilson score interval at 95 % (e.g.
// 8 successes in 10 trials: 0.4902 – 0.9433; 0 in 10: 0 – 0.2775).
func TestWilson(t *testing.T) {
	tests := []struct {
		p      float64
		n      int
		lo, hi float64
	}{
		{0.5, 100, 0.403832, 0.596168},
		{0.8, 10, 0.490162, 0.943318},
		{0, 10, 0, 0.277533},
		{1, 5, 0.565518, 1},
		{0.625, 4, 0.219427, 0.908101},
		{0.5, 0, 0, 1}, // nothing observed: anything is possible
	}
	for _, tc := range tests {
		lo, hi := surveys.Wilson(tc.p, tc.n)
		if math.Abs(lo-tc.lo) > 1e-6 || math.Abs(hi-tc.hi) > 1e-6 {
			t.Errorf("Wilson(%v, %d) = %.6f, %.6f; want %.6f, %.6f", tc.p, tc.n, lo, hi, tc.lo, tc.hi)
		}
	}
}

// n = N / (1 + N·e²), rounded up.
func TestSampleSize(t *testing.T) {
	e5 := decimal.RequireFromString("0.05")
	tests := []struct {
		n    int64
		e    decimal.Decimal
		want int64
	}{
		{1000, e5, 286},  // 1000 / 3.5 = 285.71
		{400, e5, 200},   // 400 / 2 = 200 exactly: no rounding up
		{10, e5, 10},     // 10 / 1.025 = 9.76
		{35000, e5, 396}, // 35000 / 88.5 = 395.48
		{650, e5, 248},   // 650 / 2.625 = 247.62
		{1000, decimal.RequireFromString("0.1"), 91}, // 1000 / 11 = 90.9
		{0, e5, 0},
		{-3, e5, 0},
	}
	for _, tc := range tests {
		if got := surveys.SampleSize(tc.n, tc.e); got != tc.want {
			t.Errorf("SampleSize(%d, %s) = %d, want %d", tc.n, tc.e, got, tc.want)
		}
	}
}
