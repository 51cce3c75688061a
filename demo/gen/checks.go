package main

import (
	"fmt"
	"os"

	"github.com/parindex/parindex/scoring"
)

// checker holds each criteria set parsed by the engine, to hold the
// generated inputs to the set's checks (e.g. dossiers_on_time <=
// dossiers_resolved): data a real import would refuse must not be generated.
type checker map[string]*scoring.Framework // path → set

// check evaluates the set's checks over one unit's generated inputs, written
// as they go into the inputs file.
func (c checker) check(path, unit string, in map[string]float64) error {
	fw := c[path]
	if fw == nil {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if fw, err = scoring.ParseFramework(f); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		c[path] = fw
	}
	values := make(map[string]scoring.Decimal, len(in))
	for name, v := range in {
		d, err := scoring.ParseDecimal(fmtNumber(v))
		if err != nil {
			return err
		}
		values[name] = d
	}
	for _, r := range fw.FailedChecks(values) {
		return fmt.Errorf("%s: unit %s: the generated inputs break the check %s; fix gen/inputs.go", path, unit, r.Check.Rule)
	}
	return nil
}
