// Command gen writes the demo province's scores and inputs files from its
// criteria sets and units:
//
//	data/scores-PERIOD.csv   period,unit,item,stage,points,comment
//	data/inputs-PERIOD.csv   period,unit,input,value
//
// Every unit has a latent quality that sets a target index (a believable
// spread of grades, correlated from one year to the next); the inputs are
// drawn around that quality and the manual leaves' final points are fitted to
// the target. Random numbers come from PCG generators with fixed seeds per
// unit and period, so running it again writes byte-identical files.
//
// Run it with `go generate ./demo` (or `go run ./gen` inside demo/).
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// seed is the fixed first half of every PCG seed.
const seed = 0x7061_7269_6e64_6578 // "parindex"

type unit struct{ code, name, group string }

func main() {
	dir := flag.String("dir", "data", "directory holding units.csv and framework-*.yaml; the output goes there too")
	onlySurveys := flag.Bool("surveys", false, "write only the survey files (survey-*.csv), from units.csv and inputs-2025.csv")
	flag.Parse()
	work := run
	if *onlySurveys {
		work = writeSurveys
	}
	if err := work(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	units, err := readUnits(filepath.Join(dir, "units.csv"))
	if err != nil {
		return err
	}
	if err := writeReform(dir, units); err != nil {
		return err
	}
	olds, err := readUnits(filepath.Join(dir, "units-2024.csv"))
	if err != nil {
		return err
	}
	units = append(units, olds...)
	exists, err := readExistence(dir)
	if err != nil {
		return err
	}
	succ, err := successors(dir)
	if err != nil {
		return err
	}
	paths, err := filepath.Glob(filepath.Join(dir, "framework-*.yaml"))
	if err != nil {
		return err
	}
	sets := map[string]map[string]*framework{} // period → group → set
	pathOf := map[*framework]string{}
	for _, p := range paths {
		f, err := loadFramework(p)
		if err != nil {
			return err
		}
		pathOf[f] = p
		if sets[f.Period] == nil {
			sets[f.Period] = map[string]*framework{}
		}
		sets[f.Period][f.Group] = f
	}
	periods := make([]string, 0, len(sets))
	for p := range sets {
		periods = append(periods, p)
	}
	sort.Strings(periods)
	targets := targetIndices(units, periods, sets, exists, succ)
	checks := checker{}

	for year, period := range periods {
		scores := [][]string{{"period", "unit", "item", "stage", "points", "comment"}}
		inputs := [][]string{{"period", "unit", "input", "value"}}
		indices := map[string][]float64{}
		for _, u := range units {
			f := sets[period][u.group]
			if f == nil || !exists.takesPart(u.code, period) {
				continue
			}
			t := targets[period][u.code]
			q := clamp((t-45)/52, 0, 1)
			g := gen{rand.New(rand.NewPCG(seed, hash(period+"/"+u.code)))}
			in := genInputs(u, q, year, g)
			addSamples(u, period, in)
			if err := checks.check(pathOf[f], u.code, in); err != nil {
				return err
			}
			for _, name := range f.inputNames() {
				v, ok := in[name]
				if !ok {
					return fmt.Errorf("criteria set %s/%s reads input %q, which the generator does not know", period, u.group, name)
				}
				inputs = append(inputs, []string{period, u.code, name, fmtNumber(v)})
			}
			s := scoreUnit(f, u, period, t, q, in, g)
			scores = append(scores, s.rows...)
			indices[u.group] = append(indices[u.group], s.index)
		}
		if err := writeCSV(filepath.Join(dir, "scores-"+period+".csv"), scores); err != nil {
			return err
		}
		if err := writeCSV(filepath.Join(dir, "inputs-"+period+".csv"), inputs); err != nil {
			return err
		}
		summarize(period, sets[period], indices)
	}
	return nil
}

// targetIndices gives every unit a target index per period: units are ranked
// within their group, among those taking part in the period, by a latent
// quality (each year 0.85 × last year's plus fresh noise) and the rank is
// mapped onto a spread of roughly 10 % Xuất sắc, 40 % Tốt, 35 % Khá, 12 %
// Trung bình and the last unit or two Yếu. A predecessor of the 2025
// reform takes after the units it became: its latent quality leans on
// theirs, so that a good new commune mostly comes from good old ones.
func targetIndices(units []unit, periods []string, sets map[string]map[string]*framework, exists existence, succ map[string][]string) map[string]map[string]float64 {
	z := map[string][]float64{}
	jitter := map[string][]float64{}
	for _, u := range units {
		g := gen{rand.New(rand.NewPCG(seed, hash("latent/"+u.code)))}
		for k := range periods {
			v := g.r.NormFloat64()
			if k > 0 {
				v = 0.85*z[u.code][k-1] + 0.53*v
			}
			z[u.code] = append(z[u.code], v)
			jitter[u.code] = append(jitter[u.code], g.uni(-1, 1))
		}
	}
	for _, u := range units {
		next := succ[u.code]
		if len(next) == 0 {
			continue
		}
		mean := 0.0
		for _, n := range next {
			mean += z[n][0]
		}
		z[u.code][0] = 0.8*mean/float64(len(next)) + 0.6*z[u.code][0]
	}
	curve := [][2]float64{{0, 96}, {0.10, 90}, {0.50, 80}, {0.86, 70}, {0.975, 50.5}, {1, 46}}
	at := func(p float64) float64 {
		for i := 1; i < len(curve); i++ {
			if p <= curve[i][0] {
				a, b := curve[i-1], curve[i]
				return a[1] + (b[1]-a[1])*(p-a[0])/(b[0]-a[0])
			}
		}
		return curve[len(curve)-1][1]
	}
	out := map[string]map[string]float64{}
	for k, period := range periods {
		out[period] = map[string]float64{}
		byGroup := map[string][]unit{}
		for _, u := range units {
			if sets[period][u.group] != nil && exists.takesPart(u.code, period) {
				byGroup[u.group] = append(byGroup[u.group], u)
			}
		}
		for _, list := range byGroup {
			sort.SliceStable(list, func(i, j int) bool {
				zi, zj := z[list[i].code][k], z[list[j].code][k]
				if zi != zj {
					return zi > zj
				}
				return list[i].code < list[j].code
			})
			for rank, u := range list {
				p := (float64(rank) + 0.5) / float64(len(list))
				out[period][u.code] = at(p) + jitter[u.code][k]
			}
		}
	}
	return out
}

// summarize prints the grade spread the generated data give, per group.
func summarize(period string, sets map[string]*framework, indices map[string][]float64) {
	groups := make([]string, 0, len(indices))
	for g := range indices {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	for _, group := range groups {
		counts := map[string]int{}
		sum := 0.0
		for _, idx := range indices[group] {
			sum += idx
			for _, b := range sets[group].Grades {
				if idx >= b.Min {
					counts[b.Code]++
					break
				}
			}
		}
		var parts []string
		for _, b := range sets[group].Grades {
			parts = append(parts, fmt.Sprintf("%s %d", b.Code, counts[b.Code]))
		}
		fmt.Printf("%s %s: %d units, mean index %.2f, %s\n", period, group,
			len(indices[group]), sum/float64(len(indices[group])), strings.Join(parts, ", "))
	}
}

func readUnits(path string) ([]unit, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 || strings.Join(recs[0][:min(3, len(recs[0]))], ",") != "code,name,group" {
		return nil, fmt.Errorf("%s: the header must start with code,name,group", path)
	}
	var units []unit
	for _, rec := range recs[1:] {
		units = append(units, unit{code: rec[0], name: rec[1], group: rec[2]})
	}
	return units, nil
}

func writeCSV(path string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(rows); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// fmtCents writes hundredths of a point plainly: 125 → "1.25", 50 → "0.5".
func fmtCents(c int64) string {
	s := strconv.FormatInt(c/100, 10)
	if frac := c % 100; frac != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", frac), "0")
	}
	return s
}

// fmtNumber writes a count as an integer and a ratio with at most four
// decimals.
func fmtNumber(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}
