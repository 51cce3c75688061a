package main

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/parindex/parindex/demo"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/store"
)

// demoProvince is the province name the server shows when it runs the demo.
const demoProvince = "Tỉnh Cà Mau"

func cmdDemo(e *env, args []string) error {
	f := newFlags(e, "demo")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	st, err := f.open()
	if err != nil {
		return err
	}
	defer st.Close()
	loaded, err := loadDemo(e, st, e.stdout)
	if err != nil {
		return err
	}
	if !loaded {
		fmt.Fprintf(e.stdout, "the database %s already holds data; the demo was not loaded\n", describeDB(f.db))
		return nil
	}
	fmt.Fprintln(e.stdout, "demo province loaded. Start the server with: parindex serve --db", f.db)
	fmt.Fprintln(e.stdout, "then open http://127.0.0.1:8080/ (the published rankings need no login)")
	return nil
}

// loadDemo imports the demo province's files through the same code as
// `parindex import`, then publishes its periods. It does nothing and returns
// false when the database already holds units or periods.
func loadDemo(e *env, st *store.Store, progress io.Writer) (bool, error) {
	units, err := st.Units(e.ctx, "")
	if err != nil {
		return false, err
	}
	periods, err := st.Periods(e.ctx)
	if err != nil {
		return false, err
	}
	if len(units) > 0 || len(periods) > 0 {
		return false, nil
	}
	files, err := fs.Glob(demo.Files, "data/*")
	if err != nil {
		return false, err
	}
	// Dependencies first: groups, units, criteria sets, then inputs and points.
	order := map[string]int{"groups": 0, "units": 1, "framework": 2, "inputs": 3, "scores": 4}
	kindOf := func(name string) string {
		base := path.Base(name)
		return strings.SplitN(strings.TrimSuffix(strings.TrimSuffix(base, ".csv"), ".yaml"), "-", 2)[0]
	}
	sort.SliceStable(files, func(i, j int) bool {
		ki, kj := order[kindOf(files[i])], order[kindOf(files[j])]
		if ki != kj {
			return ki < kj
		}
		return files[i] < files[j]
	})
	im := importer{e: e, st: st, author: "demo"}
	for _, name := range files {
		kind := kindOf(name)
		if _, ok := order[kind]; !ok {
			continue
		}
		data, err := fs.ReadFile(demo.Files, name)
		if err != nil {
			return false, err
		}
		msg, err := im.load(kind, "demo/"+name, data)
		if err != nil {
			return false, fmt.Errorf("demo: %w", err)
		}
		fmt.Fprintln(progress, msg)
	}
	all, err := st.Periods(e.ctx)
	if err != nil {
		return false, err
	}
	for _, p := range all {
		if err := st.SetPhase(e.ctx, p.Code, domain.PhasePublished); err != nil {
			return false, err
		}
		fmt.Fprintf(progress, "period %s published\n", p.Code)
	}
	return true, nil
}
