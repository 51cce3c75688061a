package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/parindex/parindex/reports"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/surveys"
	"github.com/parindex/parindex/targets"
)

// cmdReport writes a period's Excel workbook (FILE.xlsx) or its decision
// appendix (FILE.pdf).
func cmdReport(e *env, args []string) error {
	f := newFlags(e, "report")
	period := f.String("period", "", "the period (required)")
	out := f.String("out", "", "the file to write: FILE.xlsx (the workbook) or FILE.pdf (the decision appendix) (required)")
	docs := addDocumentFlags(f, e, nil)
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("unexpected argument %q", pos[0])
	case *period == "":
		return usagef("--period is required")
	case *out == "":
		return usagef("--out is required")
	case filepath.Ext(*out) != ".xlsx" && filepath.Ext(*out) != ".pdf":
		return usagef("--out %q must name an .xlsx or a .pdf file", *out)
	}
	cfg, err := docs.config(false)
	if err != nil {
		return err
	}
	if filepath.Ext(*out) == ".pdf" {
		return writeAppendix(e, f, *period, *out, cfg)
	}
	st, err := f.open()
	if err != nil {
		return err
	}
	defer st.Close()
	src := reportSources(st, newServices(st, false))
	src.Documents = &cfg
	wd, err := src.Workbook(e.ctx, *period)
	if err != nil {
		return err
	}
	if err := writeAtomically(*out, func(w io.Writer) error { return reports.WriteWorkbook(w, wd) }); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s\n", *out)
	return nil
}

// writeAppendix writes a period's decision appendix as PDF: the published
// ranking, or a draft marked "DỰ THẢO" before publication.
func writeAppendix(e *env, f *flags, period, out string, cfg reports.DocumentConfig) error {
	st, err := f.open()
	if err != nil {
		return err
	}
	defer st.Close()
	src := reportSources(st, newServices(st, false))
	src.Documents = &cfg
	a, err := src.Appendix(e.ctx, period)
	if err != nil {
		return err
	}
	if err := writeAtomically(out, func(w io.Writer) error { return reports.WriteAppendixPDF(w, a) }); err != nil {
		return err
	}
	if a.Draft {
		fmt.Fprintf(e.stdout, "wrote %s (a draft: period %s is not published)\n", out, period)
		return nil
	}
	fmt.Fprintf(e.stdout, "wrote %s (decision %s)\n", out, a.DecisionNo)
	return nil
}

// writeAtomically writes a file beside its target and renames it, so that
// a failure never leaves a half-written file under the requested name.
func writeAtomically(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".parindex-report-*"+filepath.Ext(path))
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("report: %w", err)
	}
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// reportSources wires the workbook's data sources: results through the
// one results service (published periods from their latest publication).
func reportSources(st *store.Store, sv *services) reports.Sources {
	return reports.Sources{
		Results: sv.results, Groups: st, Comments: sv.results, Publications: sv.results,
		Targets: &targets.Service{Store: st, Results: sv.results},
		Surveys: surveySource{svc: sv.surveys},
		Lineage: st, Periods: st,
	}
}

// reportSourcesPtr is reportSources for the web server's Deps.
func reportSourcesPtr(st *store.Store, sv *services) *reports.Sources {
	s := reportSources(st, sv)
	return &s
}

// surveySource lists campaigns and computes their results with the survey
// service.
type surveySource struct {
	svc *surveys.Service
}

func (s surveySource) Campaigns(ctx context.Context) ([]surveys.Campaign, error) {
	return s.svc.Campaigns(ctx)
}

func (s surveySource) Results(ctx context.Context, code string) (*surveys.Campaign, *surveys.Results, error) {
	return s.svc.Results(ctx, code)
}
