// Package results computes a period's ranked results from stored data and
// renders them in the formats of contract.md (table, CSV, JSON). It is the one
// place the command line and the web server get results from: a published
// period's results are its latest publication's frozen snapshot, for every
// reader, and staff read unpublished periods through a Scope that hides
// what they may not see.
package results

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// Store is what results need from storage.
type Store interface {
	// Framework returns the criteria set of a group in a period, or an error
	// of kind domain.ErrNotFound.
	Framework(ctx context.Context, period, group string) (*scoring.Framework, error)
	// FrameworkGroups lists the groups that have a criteria set in the period, sorted.
	FrameworkGroups(ctx context.Context, period string) ([]string, error)
	// FrameworkPeriods lists the periods that have a criteria set for the group, sorted.
	FrameworkPeriods(ctx context.Context, group string) ([]string, error)
	// UnitData returns, for every unit of the group that has any points or
	// inputs recorded in the period, what the engine needs to score it.
	UnitData(ctx context.Context, period, group string) ([]scoring.UnitData, error)
}

// LineageSource gives the unit lineage comparisons follow (contract.md,
// "Unit lineage"); the store implements it.
type LineageSource interface {
	Lineage(ctx context.Context) (*scoring.Lineage, error)
}

// Service computes results.
type Service struct {
	// Store holds the live data.
	Store Store
	// Publications, when set, makes Compute answer for a published period
	// from its latest publication's frozen data; nil computes every period
	// from the live data.
	Publications Publications
	// Cache, when set and Store is a Stamper, keeps group results while
	// their data do not change. Callers must then treat Group.Data and the
	// results' item scores as read-only.
	Cache *Cache
	// Lineage, when set, is the lineage comparisons follow; otherwise the
	// Store's when it is a LineageSource, else units are compared by code.
	Lineage LineageSource

	// view names the data a derived service reads ("" for the live data),
	// so that the cache keeps each view's results apart.
	view       string
	frozen     *frozenCache // shared by the service and its views
	initFrozen sync.Once
}

// lineageSource is where the service reads the lineage: Lineage, else the
// Store when it is a LineageSource, else nil. A derived service (a
// publication, a scope) keeps its parent's: the lineage is live data that
// the store refuses to change under a published comparison.
func (s *Service) lineageSource() LineageSource {
	if s.Lineage != nil {
		return s.Lineage
	}
	src, _ := s.Store.(LineageSource)
	return src
}

// lineage returns the lineage comparisons follow, nil for none.
func (s *Service) lineage(ctx context.Context) (*scoring.Lineage, error) {
	src := s.lineageSource()
	if src == nil {
		return nil, nil
	}
	lin, err := src.Lineage(ctx)
	if err != nil {
		return nil, fmt.Errorf("results: lineage: %w", err)
	}
	return lin, nil
}

// Output is a period's results, one entry per group, ordered by group code.
type Output struct {
	Period string
	Stage  scoring.Stage
	Groups []Group
}

// Group is one group's results in a period.
type Group struct {
	Code string
	// Previous is the period the changes are computed against, or "".
	Previous string
	*scoring.GroupResult
	// Data is what the group was scored from, by unit code: the recorded
	// values, inputs and survey ratios (of the frozen snapshot for a
	// published period). Reports show each stage's values from it, so that
	// they always agree with the results.
	Data map[string]*scoring.UnitData
	// Uncertainty is the rank uncertainty analysis, once Output.Simulate
	// has run (nil before).
	Uncertainty *scoring.Uncertainty
}

// Compute scores the period for one group, or for every group that has a
// criteria set in the period when group is empty, and compares each with the
// group's previous period — the latest period of the same kind (a year, a
// quarter, a month) whose code sorts before this one and that has results
// for the group — following the unit lineage. A published period (one with a
// publication, reopened for a correction or not) is computed from its latest
// publication's frozen data.
func (s *Service) Compute(ctx context.Context, period, group string, stage scoring.Stage) (*Output, error) {
	if s.Publications == nil {
		return s.computeOutput(ctx, period, group, stage)
	}
	return s.published().computeOutput(ctx, period, group, stage)
}

// computeOutput is Compute over the service's own Store.
func (s *Service) computeOutput(ctx context.Context, period, group string, stage scoring.Stage) (*Output, error) {
	groups := []string{group}
	if group == "" {
		var err error
		if groups, err = s.Store.FrameworkGroups(ctx, period); err != nil {
			return nil, fmt.Errorf("results: %w", err)
		}
		if len(groups) == 0 {
			return nil, domain.NotFoundf("period %s has no criteria set", period)
		}
	}
	lin, err := s.lineage(ctx)
	if err != nil {
		return nil, err
	}
	out := &Output{Period: period, Stage: stage}
	for _, g := range groups {
		res, data, err := s.group(ctx, period, g, stage)
		if err != nil {
			return nil, err
		}
		gr := Group{Code: g, GroupResult: res, Data: make(map[string]*scoring.UnitData, len(data))}
		for i := range data {
			d := data[i] // a copy: a caller may drop its copy's values
			gr.Data[d.Code] = &d
		}
		prev, prevRes, err := s.previous(ctx, period, g, stage)
		if err != nil {
			return nil, err
		}
		if prevRes != nil {
			gr.Previous = prev
			gr.Compare(prevRes.Results, lin, prev, period)
		}
		out.Groups = append(out.Groups, gr)
	}
	return out, nil
}

func (s *Service) group(ctx context.Context, period, group string, stage scoring.Stage) (*scoring.GroupResult, []scoring.UnitData, error) {
	return s.cachedGroup(ctx, period, group, stage)
}

func (s *Service) compute(ctx context.Context, period, group string, stage scoring.Stage) (*scoring.GroupResult, []scoring.UnitData, error) {
	fw, units, err := s.read(ctx, period, group)
	if err != nil {
		return nil, nil, err
	}
	return scoring.ScoreGroup(fw, units, stage), units, nil
}

// read returns what a group's results are computed from: its criteria set
// and its units' data.
func (s *Service) read(ctx context.Context, period, group string) (*scoring.Framework, []scoring.UnitData, error) {
	fw, err := s.Store.Framework(ctx, period, group)
	if err != nil {
		return nil, nil, fmt.Errorf("results: %w", err)
	}
	units, err := s.Store.UnitData(ctx, period, group)
	if err != nil {
		return nil, nil, fmt.Errorf("results: %w", err)
	}
	return fw, units, nil
}

func (s *Service) previous(ctx context.Context, period, group string, stage scoring.Stage) (string, *scoring.GroupResult, error) {
	periods, err := s.Store.FrameworkPeriods(ctx, group)
	if err != nil {
		return "", nil, fmt.Errorf("results: %w", err)
	}
	sort.Strings(periods)
	for i := len(periods) - 1; i >= 0; i-- {
		p := periods[i]
		if p >= period || !scoring.SameKind(p, period) {
			continue
		}
		res, _, err := s.group(ctx, p, group, stage)
		if err != nil {
			return "", nil, err
		}
		if len(res.Results) > 0 {
			return p, res, nil
		}
	}
	return "", nil, nil
}

// Simulate runs the rank uncertainty analysis of every group (see
// scoring.SimulateRanks) and keeps it in Group.Uncertainty.
func (o *Output) Simulate(opts scoring.UncertaintyOptions) error {
	for i := range o.Groups {
		g := &o.Groups[i]
		u, err := scoring.SimulateRanks(g.GroupResult, g.Data, opts)
		if err != nil {
			return domain.Invalidf("%v", err)
		}
		g.Uncertainty = u
	}
	return nil
}
