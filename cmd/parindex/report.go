package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/parindex/parindex/reports"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/surveys"
	"github.com/parindex/parindex/targets"
	"github.com/parindex/parindex/workflow"
)

// reportMemoryLimit is the report command's soft heap limit: the live data
// of a 2,000-unit workbook peak near 200 MB (see docs/performance.md).
// Being soft, the limit lets larger workbooks grow past it.
const reportMemoryLimit = 256 << 20

// cmdReport writes a period's Excel workbook.
func cmdReport(e *env, args []string) error {
	f := newFlags(e, "report")
	period := f.String("period", "", "the period (required)")
	out := f.String("out", "", "the workbook to write, FILE.xlsx (required)")
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
	case filepath.Ext(*out) != ".xlsx":
		return usagef("--out %q must name an .xlsx file", *out)
	}
	// A workbook is built in memory (excelize keeps every sheet until the
	// file is written): a soft limit keeps the Go heap near what the data
	// need instead of letting it double between collections. GOMEMLIMIT,
	// when set, decides instead.
	if e.getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(reportMemoryLimit))
	}
	st, err := f.open()
	if err != nil {
		return err
	}
	defer st.Close()
	wd, err := reportSources(st).Workbook(e.ctx, *period)
	if err != nil {
		return err
	}
	// Write beside the target and rename, so that a failure never leaves a
	// half-written workbook under the requested name.
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".parindex-report-*.xlsx")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("report: %w", err)
	}
	if err := reports.WriteWorkbook(tmp, wd); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	fmt.Fprintf(e.stdout, "wrote %s\n", *out)
	return nil
}

// reportSources wires the workbook's data sources to the store: published
// periods are computed from their frozen snapshot.
func reportSources(st *store.Store) reports.Sources {
	res := &results.Service{Store: &workflow.PublishedResults{Live: st, Publications: st}}
	return reports.Sources{
		Results: res, Groups: st, Comments: st, Publications: st,
		Targets: &targets.Service{Store: st, Results: res},
		Surveys: surveySource{st: st, svc: surveys.NewService(st)},
		Lineage: st, Periods: st,
	}
}

// reportSourcesPtr is reportSources for the web server's Deps.
func reportSourcesPtr(st *store.Store) *reports.Sources {
	s := reportSources(st)
	return &s
}

// surveySource lists campaigns from the store and computes their results
// with the survey service.
type surveySource struct {
	st  *store.Store
	svc *surveys.Service
}

func (s surveySource) Campaigns(ctx context.Context) ([]surveys.Campaign, error) {
	return s.st.Campaigns(ctx)
}

func (s surveySource) Results(ctx context.Context, code string) (*surveys.Campaign, *surveys.Results, error) {
	return s.svc.Results(ctx, code)
}
