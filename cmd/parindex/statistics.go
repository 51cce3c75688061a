package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/parindex/parindex/demo"
	"github.com/parindex/parindex/imports"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/targets"
)

// cmdImportAny is `parindex import`: the national portal's answers
// (portal766), measured inputs from a CSV file or an Excel workbook, checked
// against the criteria sets' rules, and programme targets; every other kind
// goes to cmdImport.
func cmdImportAny(e *env, args []string) error {
	f := newFlags(e, "import")
	f.Bool("force", false, "")
	f.String("author", "", "")
	f.String("period", "", "")
	pos, err := f.parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	if err != nil || len(pos) == 0 {
		return cmdImport(e, args)
	}
	switch pos[0] {
	case "portal766":
		return cmdImportPortal766(e, args)
	case "inputs":
		return cmdImportInputs(e, args)
	case "targets":
		return cmdImportTargets(e, args)
	}
	return cmdImport(e, args)
}

// cmdImportInputs imports measured inputs from CSV files (the contract's
// period,unit,input,value) or Excel workbooks written by `parindex template
// inputs`, each file all or nothing, with the criteria sets' checks.
func cmdImportInputs(e *env, args []string) error {
	f := newFlags(e, "import")
	author := f.String("author", "", "who is recorded for the inputs (default: the system user)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	files := pos[1:]
	if len(files) == 0 {
		return usagef("name the file: import inputs FILE.csv|FILE.xlsx")
	}
	if *author == "" {
		*author = currentUser(e)
	}
	st, err := f.open()
	if err != nil {
		return err
	}
	defer st.Close()
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("%s: %w", file, errors.Unwrap(err))
		}
		read := imports.InputsChecked
		if strings.EqualFold(filepath.Ext(file), ".xlsx") {
			read = imports.InputsXLSX
		}
		rows, err := read(e.ctx, st, file, bytes.NewReader(data))
		if err != nil {
			return err
		}
		if err := st.RecordInputs(e.ctx, rows, *author); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		fmt.Fprintf(e.stdout, "%s: %d inputs recorded\n", filepath.Base(file), len(rows))
	}
	return nil
}

// cmdImportTargets stores a programme's targets file (YAML), replacing the
// programme's earlier one.
func cmdImportTargets(e *env, args []string) error {
	f := newFlags(e, "import")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("name one file: import targets FILE.yaml")
	}
	file := pos[1]
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("%s: %w", file, errors.Unwrap(err))
	}
	p, err := targets.Parse(bytes.NewReader(data))
	if err != nil {
		return prefixLines(file, err)
	}
	st, err := f.open()
	if err != nil {
		return err
	}
	defer st.Close()
	replaced, err := st.SaveTargets(e.ctx, p.Code, p.Name, data)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	verb := "imported"
	if replaced {
		verb = "replaced"
	}
	fmt.Fprintf(e.stdout, "%s: programme %s (%d targets) %s\n", filepath.Base(file), p.Code, len(p.Targets), verb)
	return nil
}

// prefixLines puts the file name before every line of an error.
func prefixLines(file string, err error) error {
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		sep := ": "
		if strings.HasPrefix(l, "line ") {
			// "line 4: …" becomes "file:4: …"
			if n, rest, ok := strings.Cut(strings.TrimPrefix(l, "line "), ": "); ok {
				lines[i] = file + ":" + n + sep + rest
				continue
			}
		}
		lines[i] = file + sep + l
	}
	return errors.New(strings.Join(lines, "\n"))
}

// loadDemoTargets imports the demo programme's targets (Cà Mau's 2021–2030
// programme, demo/data/targets.yaml) when no programme is stored yet.
func loadDemoTargets(e *env, st *store.Store, progress io.Writer) error {
	stored, err := st.TargetsSources(e.ctx)
	if err != nil || len(stored) > 0 {
		return err
	}
	data, err := fs.ReadFile(demo.Files, "data/targets.yaml")
	if err != nil {
		return err
	}
	p, err := targets.Parse(bytes.NewReader(data))
	if err != nil {
		return prefixLines("demo/data/targets.yaml", err)
	}
	if _, err := st.SaveTargets(e.ctx, p.Code, p.Name, data); err != nil {
		return err
	}
	fmt.Fprintf(progress, "demo/data/targets.yaml: programme %s (%d targets) imported\n", p.Code, len(p.Targets))
	return nil
}
