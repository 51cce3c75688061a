package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/parindex/parindex/imports"
)

// cmdTemplate is `parindex template inputs --period P --group G --out
// FILE.xlsx`: the Excel workbook a one-stop system's export is pasted into
// and `parindex import inputs FILE.xlsx` reads back.
func cmdTemplate(e *env, args []string) error {
	f := newFlags(e, "template")
	period := f.String("period", "", "the period (required)")
	group := f.String("group", "", "the unit group (required)")
	out := f.String("out", "", "the workbook to write, FILE.xlsx (required)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) == 1 && pos[0] == "users":
		return templateUsers(e, f, *out)
	case len(pos) != 1 || pos[0] != "inputs":
		return usagef("template inputs --period P --group G --out FILE.xlsx, or template users --out FILE.xlsx")
	case *period == "" || *group == "" || *out == "":
		return usagef("--period, --group and --out are required")
	}
	st, err := f.open()
	if err != nil {
		return err
	}
	defer st.Close()
	fw, err := st.Framework(e.ctx, *period, *group)
	if err != nil {
		return err
	}
	units, err := st.Units(e.ctx, *group)
	if err != nil {
		return err
	}
	if len(units) == 0 {
		return fmt.Errorf("group %s has no unit; import the units first", *group)
	}
	recorded, err := st.Inputs(e.ctx, *period, "")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := imports.WriteTemplate(&buf, fw, units, recorded); err != nil {
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	fmt.Fprintf(e.stdout, "%s: %d units × %d inputs of %q; fill it in, then: parindex import inputs %s\n",
		*out, len(units), len(imports.TemplateColumns(fw)), fw.Name, *out)
	return nil
}
