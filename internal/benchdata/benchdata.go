// Package benchdata writes the synthetic province the performance
// benchmarks and scripts/perf/table.sh import: units in one group G, a
// criteria set of 8 fields, one leaf in four a ratio leaf over two inputs
// and the rest manual leaves with self and final points, random but the
// same for every run.
package benchdata

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// Counts are what a province holds per period, as recorded.
type Counts struct {
	Units  int
	Leaves int
	// Points is the number of recorded points: self and final of every
	// manual leaf of every unit.
	Points int
	// Inputs is the number of measured inputs: numerator and denominator of
	// every ratio leaf of every unit.
	Inputs int
}

// Write writes into dir the files of a province of `units` units scored on
// a set of `leaves` leaves (a multiple of 8) in each of the periods, and
// returns the `parindex import` arguments that load them, in order (the
// units first, then each period's set, points and inputs), and the counts
// of one period.
func Write(dir string, units, leaves int, periods ...string) ([][]string, Counts, error) {
	var werr error
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil && werr == nil {
			werr = err
		}
		return p
	}
	// Per field: two thirds of the leaves worth 1 point and one third 0.5,
	// so 8 fields of 15 leaves make exactly 100 points.
	perField := leaves / 8
	maxOf := func(l int) float64 {
		if l > perField*2/3 {
			return 0.5
		}
		return 1
	}
	var items strings.Builder
	manual := map[string]bool{}
	for f := 1; f <= 8; f++ {
		fmt.Fprintf(&items, "  - code: \"%d\"\n    name: Field %d\n    items:\n", f, f)
		for l := 1; l <= perField; l++ {
			code := fmt.Sprintf("%d.%d", f, l)
			leafMax := maxOf(l)
			if l%4 == 0 {
				fmt.Fprintf(&items, "      - {code: %q, name: r, max: %g, method: ratio, numerator: n%s, denominator: d%s}\n", code, leafMax, strings.ReplaceAll(code, ".", "_"), strings.ReplaceAll(code, ".", "_"))
			} else {
				fmt.Fprintf(&items, "      - {code: %q, name: m, max: %g, method: manual, step: 0.25}\n", code, leafMax)
				manual[code] = true
			}
		}
	}
	counts := Counts{Units: units, Leaves: 8 * perField}
	counts.Points = units * len(manual) * 2
	counts.Inputs = units * (counts.Leaves - len(manual)) * 2
	rng := rand.New(rand.NewPCG(7, 7))
	var us strings.Builder
	us.WriteString("code,name,group\n")
	for u := 0; u < units; u++ {
		fmt.Fprintf(&us, "U%04d,Unit %d,G\n", u, u)
	}
	imports := [][]string{{"import", "units", write("units.csv", us.String())}}
	for _, period := range periods {
		var sc, in strings.Builder
		sc.WriteString("period,unit,item,stage,points\n")
		in.WriteString("period,unit,input,value\n")
		for u := 0; u < units; u++ {
			code := fmt.Sprintf("U%04d", u)
			for f := 1; f <= 8; f++ {
				for l := 1; l <= perField; l++ {
					item := fmt.Sprintf("%d.%d", f, l)
					if manual[item] {
						max := maxOf(l)
						fmt.Fprintf(&sc, "%s,%s,%s,self,%g\n%s,%s,%s,final,%g\n", period, code, item, max, period, code, item, float64(rng.IntN(int(max*4)+1))*0.25)
					} else {
						name := strings.ReplaceAll(item, ".", "_")
						fmt.Fprintf(&in, "%s,%s,n%s,%d\n%s,%s,d%s,%d\n", period, code, name, rng.IntN(100), period, code, name, 100)
					}
				}
			}
		}
		fw := fmt.Sprintf("period: %q\ngroup: G\ngrades:\n  - {code: A, name: A, min: 80}\n  - {code: B, name: B, min: 0}\nitems:\n%s", period, items.String())
		imports = append(imports,
			[]string{"import", "framework", write("fw-"+period+".yaml", fw)},
			[]string{"import", "scores", write("scores-"+period+".csv", sc.String())},
			[]string{"import", "inputs", write("inputs-"+period+".csv", in.String())})
	}
	if werr != nil {
		return nil, Counts{}, fmt.Errorf("benchdata: %w", werr)
	}
	return imports, counts, nil
}
