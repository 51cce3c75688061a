package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/imports"
	"github.com/parindex/parindex/portal766"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store"
)

// cmdImportPortal766 is `parindex import portal766 --period P FILE.json...`:
// it reads the national portal's answers for one period (one per
// evaluation group), creates the units they name, installs the 766 criteria
// set for the period and both groups when missing and records the counts,
// all in one transaction.
func cmdImportPortal766(e *env, args []string) error {
	f := newFlags(e, "import")
	period := f.String("period", "", "the period the answers cover: 2026, 2026-Q3 or 2026-08 (required)")
	author := f.String("author", "", "who is recorded for the inputs (default: the system user)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	files := pos[1:]
	switch {
	case *period == "":
		return usagef("--period is required: import portal766 --period P FILE.json...")
	case len(files) == 0:
		return usagef("name the portal's answers: import portal766 --period P FILE.json...")
	}
	if err := portal766.CheckPeriod(*period); err != nil {
		return usagef("--period: %v", err)
	}
	if *author == "" {
		*author = currentUser(e)
	}
	batch, err := portal766.Load(files)
	if err != nil {
		return err
	}
	st, err := f.open()
	if err != nil {
		return err
	}
	defer st.Close()

	im := store.StatisticsImport{Units: batch.DomainUnits(), Inputs: batch.DomainInputs(*period)}
	for _, g := range []string{portal766.LevelProvince, portal766.LevelCommune} {
		im.Groups = append(im.Groups, domain.Group{Code: g, Name: portal766.GroupNames[g]})
		src, fw, err := portal766.CriteriaSet(*period, g)
		if err != nil {
			return err
		}
		existing, err := st.Framework(e.ctx, *period, g)
		switch {
		case errors.Is(err, domain.ErrNotFound):
			im.Sets = append(im.Sets, store.SetSource{Framework: fw, Source: src})
		case err != nil:
			return err
		default:
			if missing := unknownInputs(existing, im.Inputs, g, im.Units); len(missing) > 0 {
				return fmt.Errorf("the criteria set of group %s in period %s (%q) is not the 766 set: it does not read %s; import the answers into another period, or replace that set first",
					g, *period, existing.Name, strings.Join(missing, ", "))
			}
		}
	}
	res, err := st.ImportStatistics(e.ctx, im, *author)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "portal766: %d answers for period %s: %d units (%d new, %d updated), %d inputs recorded\n",
		len(batch.Answers), *period, len(im.Units), res.UnitsCreated, res.UnitsUpdated, res.Inputs)
	for _, s := range res.SetsInstalled {
		fmt.Fprintf(e.stdout, "portal766: the 766 criteria set installed for %s\n", s)
	}
	var kinds []string
	for _, a := range batch.Answers {
		kinds = append(kinds, string(a.Kind))
	}
	fmt.Fprintf(e.stdout, "portal766: groups imported: %s; rank with: parindex score --period %s\n", strings.Join(kinds, ", "), *period)
	return nil
}

// unknownInputs lists the inputs of the units of a group that an existing
// criteria set does not know.
func unknownInputs(fw *scoring.Framework, inputs []domain.Input, group string, units []domain.Unit) []string {
	inGroup := map[string]bool{}
	for _, u := range units {
		if u.Group == group {
			inGroup[u.Code] = true
		}
	}
	known := imports.InputNamesOf(fw)
	seen := map[string]bool{}
	var out []string
	for _, in := range inputs {
		if inGroup[in.Unit] && !known[in.Name] && !seen[in.Name] {
			seen[in.Name] = true
			out = append(out, in.Name)
		}
	}
	return out
}
