package imports

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// StoredInputs is implemented by a Lookup that can also return the inputs
// already recorded (the store does), so that the criteria sets' checks judge
// a unit's whole picture: a file that brings only on-time counts is checked
// against the received counts recorded before.
type StoredInputs interface {
	// Inputs returns the inputs recorded in a period; an empty unit means
	// every unit.
	Inputs(ctx context.Context, period, unit string) ([]domain.Input, error)
}

// InputsChecked reads an inputs file like Inputs and then applies the
// checks of the criteria sets (set-level rules such as "dossiers_on_time <=
// dossiers_received") to every unit's values: the file's, over the values
// already recorded when lookup implements StoredInputs. A broken rule is a
// problem naming the line and field of the row that sets one of its inputs,
// the unit and the rule.
func InputsChecked(ctx context.Context, lookup Lookup, file string, r io.Reader) ([]domain.Input, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("imports: read %s: %w", file, err)
	}
	rows, err := Inputs(ctx, lookup, file, bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	// Inputs returns one row per data record, in order: the records give
	// the lines.
	recs, err := readCSV(file, bytes.NewReader(data), []string{"period", "unit", "input", "value"}, nil)
	if err != nil || len(recs) != len(rows) {
		return nil, fmt.Errorf("imports: %s: the file changed while it was read", file)
	}
	ps := &problems{file: file}
	err = checkRules(ctx, lookup, rows, func(i int, msg string) {
		ps.add(recs[i].line, "value", "%s", msg)
	})
	if err != nil {
		return nil, err
	}
	return rows, ps.err()
}

// checkRules evaluates the checks of each unit's criteria set over its
// values and calls fail with the index of the row to blame (the first row of
// the batch that sets one of the rule's inputs) for every broken rule.
func checkRules(ctx context.Context, lookup Lookup, rows []domain.Input, fail func(row int, msg string)) error {
	type key struct{ period, unit string }
	values := map[key]map[string]scoring.Decimal{}
	firstRow := map[key]map[string]int{}
	var order []key
	for i, r := range rows {
		k := key{r.Period, r.Unit}
		if values[k] == nil {
			values[k], firstRow[k] = map[string]scoring.Decimal{}, map[string]int{}
			order = append(order, k)
		}
		values[k][r.Name] = r.Value
		if _, ok := firstRow[k][r.Name]; !ok {
			firstRow[k][r.Name] = i
		}
	}
	c, err := newChecker(ctx, lookup)
	if err != nil {
		return err
	}
	stored, canRead := lookup.(StoredInputs)
	recorded := map[string]map[string]map[string]scoring.Decimal{} // period → unit → name → value
	for _, k := range order {
		u, ok := c.units[k.unit]
		if !ok {
			continue
		}
		fw, err := c.lookup.Framework(ctx, k.period, u.Group)
		if err != nil || len(fw.Checks) == 0 {
			continue // Inputs has reported a missing set already
		}
		merged := map[string]scoring.Decimal{}
		if canRead {
			if recorded[k.period] == nil {
				all, err := stored.Inputs(ctx, k.period, "")
				if err != nil {
					return fmt.Errorf("imports: %w", err)
				}
				byUnit := map[string]map[string]scoring.Decimal{}
				for _, in := range all {
					if byUnit[in.Unit] == nil {
						byUnit[in.Unit] = map[string]scoring.Decimal{}
					}
					byUnit[in.Unit][in.Name] = in.Value
				}
				recorded[k.period] = byUnit
			}
			for n, v := range recorded[k.period][k.unit] {
				merged[n] = v
			}
		}
		for n, v := range values[k] {
			merged[n] = v
		}
		for _, res := range fw.FailedChecks(merged) {
			blame := -1
			for _, n := range res.Check.Inputs() {
				if i, ok := firstRow[k][n]; ok && (blame < 0 || i < blame) {
					blame = i
				}
			}
			if blame < 0 {
				continue // broken by stored values only: not this file's doing
			}
			fail(blame, describeFailure(k.unit, res, merged, firstRow[k]))
		}
	}
	return nil
}

// describeFailure says which rule a unit's values break and with what
// values, marking those already recorded.
func describeFailure(unit string, res scoring.CheckResult, values map[string]scoring.Decimal, inFile map[string]int) string {
	names := res.Check.Inputs()
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + " = " + values[n].String()
		if _, ok := inFile[n]; !ok {
			parts[i] += " (recorded before)"
		}
	}
	msg := fmt.Sprintf("unit %s: the values break the rule %s: %s", unit, res.Check.Describe(), strings.Join(parts, ", "))
	if res.Err != nil {
		msg += " (" + res.Err.Error() + ")"
	}
	return msg
}

// InputNamesOf returns every input a criteria set accepts: declared, read by
// a computed leaf, or a survey measure.
func InputNamesOf(fw *scoring.Framework) map[string]bool { return inputNames(fw) }
