package scoring

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// Decimal is the exact decimal number type used for every point, maximum and
// index in the engine.
type Decimal = decimal.Decimal

// divPrecision is the number of decimal places kept by divisions before the
// final half-up rounding of published values. It is far beyond the two
// published decimals, so rounding of intermediate quotients can never change
// a published value except on exact ties at the 20th place.
const divPrecision = 20

var (
	zero    = decimal.Zero
	one     = decimal.NewFromInt(1)
	hundred = decimal.NewFromInt(100)
)

// Publish rounds a value half up to two decimals, the way published tables
// show indices and points. Values in the engine are never negative when
// published, so half away from zero equals half up.
func Publish(d Decimal) Decimal { return d.Round(2) }

// FormatPublished renders a value rounded for publication with exactly two
// decimals, e.g. "90.10".
func FormatPublished(d Decimal) string { return Publish(d).StringFixed(2) }

// ParseDecimal reads a number written in plain decimal notation ("1", "0.25",
// "-3"). It refuses NaN, infinities and empty strings.
func ParseDecimal(s string) (Decimal, error) {
	d, err := decimal.NewFromString(s)
	if err != nil {
		return zero, fmt.Errorf("%q is not a number", s)
	}
	return d, nil
}

func div(a, b Decimal) Decimal { return a.DivRound(b, divPrecision) }

func clamp(d, lo, hi Decimal) Decimal {
	if d.LessThan(lo) {
		return lo
	}
	if d.GreaterThan(hi) {
		return hi
	}
	return d
}

// NewInt returns the decimal of an integer.
func NewInt(i int64) Decimal { return decimal.NewFromInt(i) }
