package reports

import (
	"fmt"
	"slices"

	"github.com/parindex/parindex/scoring"
)

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

// num is a published decimal as a float for charts and spreadsheets; values
// have two decimals, which a float64 holds and prints back exactly.
func num(d scoring.Decimal) float64 {
	f, _ := scoring.Publish(d).Float64()
	return f
}

func decimalFromFloat(f float64) scoring.Decimal {
	d, err := scoring.ParseDecimal(fmt.Sprintf("%.10f", f))
	if err != nil {
		return scoring.NewInt(0)
	}
	return d
}
