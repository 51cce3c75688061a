package reports

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/targets"
)

//go:embed *.vi.json
var labelFiles embed.FS

// labels are the documents' texts: a published appendix and its workbook
// are in Vietnamese. Each document keeps its texts in a file of its own
// (workbook.vi.json, appendix.vi.json…); a key defined twice is an error.
var labels = func() map[string]string {
	m := map[string]string{}
	files, _ := fs.Glob(labelFiles, "*.vi.json")
	for _, name := range files {
		data, err := labelFiles.ReadFile(name)
		if err != nil {
			panic(err)
		}
		var part map[string]string
		if err := json.Unmarshal(data, &part); err != nil {
			panic(fmt.Errorf("reports: %s: %w", name, err))
		}
		for k, v := range part {
			if _, dup := m[k]; dup {
				panic(fmt.Errorf("reports: %s: key %q defined twice", name, k))
			}
			m[k] = v
		}
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
		PublicationHeads(ctx context.Context, period string) ([]domain.Publication, error)
	}
	Targets interface {
		Report(ctx context.Context, period string) (*targets.Report, error)
	}
	Surveys SurveySource
	// Documents heads and signs the appendix and the workbook's summary
	// sheets; the zero value is DefaultDocumentConfig("").
	Documents *DocumentConfig
	// Now dates a draft; nil: the clock.
	Now func() time.Time
	// Lineage, when set, is followed for the years side by side; Periods,
	// when set, lists the periods they may go back to.
	Lineage interface {
		Lineage(ctx context.Context) (*scoring.Lineage, error)
	}
	Periods interface {
		Periods(ctx context.Context) ([]domain.Period, error)
	}
}

func (s Sources) documents() DocumentConfig {
	if s.Documents != nil {
		return *s.Documents
	}
	return DefaultDocumentConfig("")
}

func (s Sources) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// latestPublication is the period's latest publication without its
// snapshot, or nil before the first.
func (s Sources) latestPublication(ctx context.Context, period string) (*domain.Publication, error) {
	if s.Publications == nil {
		return nil, nil
	}
	pubs, err := s.Publications.PublicationHeads(ctx, period)
	if err != nil {
		return nil, fmt.Errorf("reports: publications: %w", err)
	}
	if len(pubs) == 0 {
		return nil, nil
	}
	return &pubs[len(pubs)-1], nil
}

// groupNames maps group codes to names.
func (s Sources) groupNames(ctx context.Context) (map[string]string, error) {
	groups, err := s.Groups.Groups(ctx)
	if err != nil {
		return nil, fmt.Errorf("reports: groups: %w", err)
	}
	names := map[string]string{}
	for _, g := range groups {
		names[g.Code] = g.Name
	}
	return names, nil
}

// Appendix assembles a period's decision appendix: its final results (a
// published period's from its latest publication's snapshot), the groups'
// names and that publication — a draft when there is none yet.
func (s Sources) Appendix(ctx context.Context, period string) (*Appendix, error) {
	out, err := s.Results.Compute(ctx, period, "", scoring.StageFinal)
	if err != nil {
		return nil, err
	}
	names, err := s.groupNames(ctx)
	if err != nil {
		return nil, err
	}
	pub, err := s.latestPublication(ctx, period)
	if err != nil {
		return nil, err
	}
	return NewAppendix(out, names, pub, s.documents(), s.now()), nil
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
	// Appendix heads and signs the summary sheets like the PDF.
	Appendix *Appendix
	// HiddenUnits are units ranked in the summary whose own sheet (every
	// round's values and comments) the reader may not see.
	HiddenUnits map[string]bool
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
	wd := &WorkbookData{Period: period, Output: out, Comments: cr.m, Analysis: analysis}
	if wd.GroupNames, err = s.groupNames(ctx); err != nil {
		return nil, err
	}
	pub, err := s.latestPublication(ctx, period)
	if err != nil {
		return nil, err
	}
	if pub != nil {
		wd.Decision = DecisionText(*pub)
	}
	wd.Appendix = NewAppendix(out, wd.GroupNames, pub, s.documents(), s.now())
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
func DecisionText(p domain.Publication) string {
	return label("decision", p.DecisionNo, p.DecisionDate.Format("02/01/2006"))
}
