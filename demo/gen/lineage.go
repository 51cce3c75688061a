package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The reform of July 2025 (see data/camau-2025-lineage.md):
//
//	data/camau-2025-lineage.csv  the official arrangement (shared data, copied unchanged)
//	data/units-2024.csv          code,name,group — the 164 predecessor units
//	data/lineage-2025.csv        from_period,from_unit,to_period,to_unit — the links, contract format
//
// The predecessors take part in the periods before the reform (2024), the
// new units from it on (2025), as the lineage says.

// reformPeriod is the first period of the new units.
const reformPeriod = "2025"

// sourceRow is one (new unit, predecessor) pair of the official file.
type sourceRow struct {
	newCode, newName                       string
	oldCode, oldName, oldType, oldDistrict string
}

// readSource reads the official file, skipping its # comment lines.
func readSource(path string) ([]sourceRow, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var body bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		if !strings.HasPrefix(sc.Text(), "#") {
			body.WriteString(sc.Text() + "\n")
		}
	}
	recs, err := csv.NewReader(&body).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	want := "new_code,new_name,new_type,old_code,old_name,old_type,old_district,old_province"
	if len(recs) == 0 || strings.Join(recs[0], ",") != want {
		return nil, fmt.Errorf("%s: the header must be %s", path, want)
	}
	var out []sourceRow
	for _, r := range recs[1:] {
		out = append(out, sourceRow{newCode: r[0], newName: r[1], oldCode: r[3], oldName: r[4], oldType: r[5], oldDistrict: r[6]})
	}
	return out, nil
}

// oldUnitName names a predecessor the way units.csv names the new units,
// with its former district: "UBND thị trấn Ngan Dừa (huyện Hồng Dân)".
func oldUnitName(r sourceRow) string {
	rest := strings.TrimSpace(r.oldName[len(r.oldType):])
	if !strings.EqualFold(r.oldName[:len(r.oldType)], r.oldType) {
		rest = r.oldName
	}
	district := r.oldDistrict
	for _, kind := range []string{"Thành phố", "Thị xã", "Huyện"} {
		if strings.HasPrefix(district, kind) {
			district = strings.ToLower(kind) + district[len(kind):]
		}
	}
	return fmt.Sprintf("UBND %s %s (%s)", strings.ToLower(r.oldType), rest, district)
}

// writeReform writes units-2024.csv and lineage-2025.csv from the official
// file, matching each new unit to its code in units.csv by name.
func writeReform(dir string, units []unit) error {
	rows, err := readSource(filepath.Join(dir, "camau-2025-lineage.csv"))
	if err != nil {
		return err
	}
	byName := map[string]string{}
	for _, u := range units {
		if u.group == "XA" {
			byName[nameKey(strings.TrimPrefix(u.name, "UBND "))] = u.code
		}
	}
	olds := [][]string{{"code", "name", "group"}}
	links := [][]string{{"from_period", "from_unit", "to_period", "to_unit"}}
	seen := map[string]bool{}
	for _, r := range rows {
		code, ok := byName[nameKey(r.newName)]
		if !ok {
			return fmt.Errorf("new unit %s %s is not in units.csv", r.newCode, r.newName)
		}
		if !seen[r.oldCode] {
			seen[r.oldCode] = true
			olds = append(olds, []string{r.oldCode, oldUnitName(r), "XA"})
		}
		links = append(links, []string{"2024", r.oldCode, reformPeriod, code})
	}
	if err := writeCSV(filepath.Join(dir, "units-2024.csv"), olds); err != nil {
		return err
	}
	return writeCSV(filepath.Join(dir, "lineage-2025.csv"), links)
}

// nameKey compares official names: case, and the two spellings of "Hòa".
func nameKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.NewReplacer("hoà", "hòa", "uỷ", "ủy").Replace(s)
}

// existence says in which periods a unit takes part: the predecessors
// before the reform, the new units from it on, the others always.
type existence struct{ before, after map[string]bool }

func readExistence(dir string) (existence, error) {
	e := existence{before: map[string]bool{}, after: map[string]bool{}}
	f, err := os.Open(filepath.Join(dir, "lineage-2025.csv"))
	if err != nil {
		return e, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return e, err
	}
	for _, r := range recs[1:] {
		e.before[r[1]], e.after[r[3]] = true, true
	}
	return e, nil
}

func (e existence) takesPart(code, period string) bool {
	switch {
	case e.before[code]:
		return period < reformPeriod
	case e.after[code]:
		return period >= reformPeriod
	}
	return true
}

// successors lists each predecessor's new units, for its latent quality.
func successors(dir string) (map[string][]string, error) {
	f, err := os.Open(filepath.Join(dir, "lineage-2025.csv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, r := range recs[1:] {
		out[r[1]] = append(out[r[1]], r[3])
	}
	return out, nil
}
