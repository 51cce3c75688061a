package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parindex/parindex/store/storetest"
)

// benchProvince writes and imports a period (2025) of `units` units scored
// on a set of `leaves` leaves (one in four a ratio leaf over inputs, the
// rest manual), with self and final points for every manual leaf.
func benchProvince(b *testing.B, units, leaves int) string {
	return benchProvincePeriods(b, units, leaves, "2025")
}

// benchProvincePeriods is benchProvince over several periods, each with
// the same set and its own random points.
func benchProvincePeriods(b *testing.B, units, leaves int, periods ...string) string {
	b.Helper()
	dir := b.TempDir()
	db := storetest.URL(b)
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			b.Fatal(err)
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
	for _, args := range imports {
		if code := run(context.Background(), append(args, "--db", db), noEnv, nil, io.Discard, os.Stderr); code != 0 {
			b.Fatalf("%v: exit %d", args, code)
		}
	}
	return db
}

func noEnv(string) string { return "" }

// BenchmarkScoreCommand runs `parindex score --period 2025 --format csv` end
// to end — open the database, check the schema, load the set and every
// point, score, rank and print — for 200 units × 120 leaves.
func BenchmarkScoreCommand(b *testing.B) {
	db := benchProvince(b, 200, 120)
	b.ResetTimer()
	for b.Loop() {
		if code := run(context.Background(), []string{"score", "--db", db, "--period", "2025", "--format", "csv"}, noEnv, nil, io.Discard, os.Stderr); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}
