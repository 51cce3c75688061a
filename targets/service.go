package targets

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// Store is what the service reads from storage; *store.Store implements it.
type Store interface {
	// TargetsSources returns every stored programme's targets file.
	TargetsSources(ctx context.Context) ([][]byte, error)
	// Units returns every unit (group "" means all groups).
	Units(ctx context.Context, group string) ([]domain.Unit, error)
	// Inputs returns the inputs recorded in a period (unit "" means all).
	Inputs(ctx context.Context, period, unit string) ([]domain.Input, error)
}

// Results computes a period's results; *results.Service implements it.
type Results interface {
	Compute(ctx context.Context, period, group string, stage scoring.Stage) (*results.Output, error)
}

// Service reports the programme targets of a period.
type Service struct {
	Store   Store
	Results Results
}

// Programme's rows for one period.
type ProgrammeRows struct {
	Programme *Programme
	Rows      []Row
}

// Report is every stored programme's target rows for one period.
type Report struct {
	Period     string
	Year       int
	Programmes []ProgrammeRows
}

// Report compares every stored programme's targets with the period's data.
// A period with no programme stored gives an empty report.
func (s *Service) Report(ctx context.Context, period string) (*Report, error) {
	sources, err := s.Store.TargetsSources(ctx)
	if err != nil {
		return nil, fmt.Errorf("targets: %w", err)
	}
	rep := &Report{Period: period, Year: YearOf(period)}
	if len(sources) == 0 {
		return rep, nil
	}
	units, err := s.Store.Units(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("targets: %w", err)
	}
	inputs, err := s.Store.Inputs(ctx, period, "")
	if err != nil {
		return nil, fmt.Errorf("targets: %w", err)
	}
	d := Data{Year: rep.Year, Units: units, Inputs: inputs, MeanIndex: map[string]scoring.Decimal{}}
	var programmes []*Programme
	for _, src := range sources {
		p, err := Parse(bytes.NewReader(src))
		if err != nil {
			return nil, fmt.Errorf("targets: a stored targets file does not parse: %w", err)
		}
		programmes = append(programmes, p)
		for _, t := range p.Targets {
			g := t.Measure.Group
			if t.Measure.Source != Index {
				continue
			}
			if _, done := d.MeanIndex[g]; done {
				continue
			}
			mean, ok, err := s.meanIndex(ctx, period, g)
			if err != nil {
				return nil, err
			}
			if ok {
				d.MeanIndex[g] = mean
			}
		}
	}
	for _, p := range programmes {
		rep.Programmes = append(rep.Programmes, ProgrammeRows{Programme: p, Rows: Rows(p, d)})
	}
	return rep, nil
}

// meanIndex is a group's published mean index in the period; ok is false
// when the group has no criteria set or no result there.
func (s *Service) meanIndex(ctx context.Context, period, group string) (scoring.Decimal, bool, error) {
	if s.Results == nil {
		return scoring.Decimal{}, false, nil
	}
	out, err := s.Results.Compute(ctx, period, group, scoring.StageFinal)
	if errors.Is(err, domain.ErrNotFound) {
		return scoring.Decimal{}, false, nil
	}
	if err != nil {
		return scoring.Decimal{}, false, fmt.Errorf("targets: %w", err)
	}
	for _, g := range out.Groups {
		if g.Code == group && g.Summary.Count > 0 {
			return g.Summary.MeanIndex, true, nil
		}
	}
	return scoring.Decimal{}, false, nil
}
