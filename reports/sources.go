package reports

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/targets"
	"github.com/parindex/parindex/workflow"
)

//go:embed workbook.vi.json
var workbookLabels []byte

// labels are the workbook's texts: a published appendix is in Vietnamese.
var labels = func() map[string]string {
	m := map[string]string{}
	if err := json.Unmarshal(workbookLabels, &m); err != nil {
		panic(err)
	}
	return m
}()

func label(key string, args ...any) string {
	msg, ok := labels[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// CommentStore reads the comments recorded with points; the store
// implements it.
type CommentStore interface {
	// Comments returns the period's non-empty comments: unit → item →
	// stage → text.
	Comments(ctx context.Context, period string) (map[string]map[string]map[scoring.Stage]string, error)
}

// Sources are where the workbook's data come from. Results, Groups and
// Comments are required; the others add their sheets when set.
type Sources struct {
	Results Computer
	Groups  interface {
		Groups(ctx context.Context) ([]domain.Group, error)
	}
	Comments     CommentStore
	Publications interface {
		// PublicationHeads lists the period's publications without their
		// snapshots: the workbook shows only the decision.
		PublicationHeads(ctx context.Context, period string) ([]workflow.Publication, error)
	}
	Targets interface {
		Report(ctx context.Context, period string) (*targets.Report, error)
	}
	Surveys SurveySource
	// Lineage, when set, is followed for the years side by side; Periods,
	// when set, lists the periods they may go back to.
	Lineage interface {
		Lineage(ctx context.Context) (*scoring.Lineage, error)
	}
	Periods interface {
		Periods(ctx context.Context) ([]domain.Period, error)
	}
}

// WorkbookData is everything one period's workbook shows.
type WorkbookData struct {
	Period     string
	Output     *results.Output
	GroupNames map[string]string
	// Decision names the latest publication's decision ("" if unpublished).
	Decision string
	// Comments are the comments recorded with points: unit → item → stage
	// → text. The values themselves are the results' own (Group.Data).
	Comments map[string]map[string]map[scoring.Stage]string
	Surveys  []SurveySheet
	Targets  *targets.Report
	// Analysis holds each group's rank intervals, self-assessment and
	// years side by side (the analysis sheets).
	Analysis []GroupAnalysis
}

// Workbook gathers a period's workbook data.
func (s Sources) Workbook(ctx context.Context, period string) (*WorkbookData, error) {
	// The comments are read while the results are computed: both are
	// reads of the whole period.
	type commentsResult struct {
		m   map[string]map[string]map[scoring.Stage]string
		err error
	}
	comments := make(chan commentsResult, 1)
	go func() {
		m, err := s.Comments.Comments(ctx, period)
		comments <- commentsResult{m, err}
	}()
	out, err := s.Results.Compute(ctx, period, "", scoring.StageFinal)
	cr := <-comments
	if err != nil {
		return nil, err
	}
	if cr.err != nil {
		return nil, fmt.Errorf("reports: comments: %w", cr.err)
	}
	// The summaries need each unit's fields only; a unit's sheet evaluates
	// the unit again from Group.Data as it is written. Keeping every item
	// of every unit would hold the largest part of the workbook's memory.
	for _, g := range out.Groups {
		for i := range g.Results {
			r := &g.Results[i]
			fields := make(map[string]scoring.NodeScore, len(g.Framework.Items))
			for _, it := range g.Framework.Items {
				fields[it.Code] = r.Nodes[it.Code]
			}
			r.Nodes = fields
		}
	}
	// The analysis sheets re-evaluate a unit when they need more than its
	// fields, one at a time: cheaper in memory than keeping every item.
	analysis, err := s.analysis(ctx, period, out)
	if err != nil {
		return nil, err
	}
	wd := &WorkbookData{Period: period, Output: out, GroupNames: map[string]string{}, Comments: cr.m, Analysis: analysis}
	groups, err := s.Groups.Groups(ctx)
	if err != nil {
		return nil, fmt.Errorf("reports: groups: %w", err)
	}
	for _, g := range groups {
		wd.GroupNames[g.Code] = g.Name
	}
	if s.Publications != nil {
		pubs, err := s.Publications.PublicationHeads(ctx, period)
		if err != nil {
			return nil, fmt.Errorf("reports: publications: %w", err)
		}
		if len(pubs) > 0 {
			wd.Decision = DecisionText(pubs[len(pubs)-1])
		}
	}
	if s.Targets != nil {
		rep, err := s.Targets.Report(ctx, period)
		if err != nil && !errors.Is(err, domain.ErrNotFound) {
			return nil, fmt.Errorf("reports: targets: %w", err)
		}
		if rep != nil && len(rep.Programmes) > 0 {
			wd.Targets = rep
		}
	}
	if s.Surveys != nil {
		// A published appendix is in Vietnamese.
		if wd.Surveys, err = SurveySheets(ctx, s.Surveys, period, "vi"); err != nil {
			return nil, err
		}
	}
	return wd, nil
}

// DecisionText names a publication's decision the way an appendix cites it.
func DecisionText(p workflow.Publication) string {
	return label("decision", p.DecisionNo, p.DecisionDate.Format("02/01/2006"))
}
