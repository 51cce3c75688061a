package workflow

import (
	"context"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// lineage returns the store's unit lineage when it keeps one (nil: every
// unit takes part in every period).
func (s *Service) lineage(ctx context.Context) (*scoring.Lineage, error) {
	if src, ok := s.store.(results.LineageSource); ok {
		return src.Lineage(ctx)
	}
	return nil, nil
}

// takesPart refuses a unit the lineage says takes no part in the period:
// one continued into other units before it, or formed after it.
func (s *Service) takesPart(ctx context.Context, unit, period string) error {
	lin, err := s.lineage(ctx)
	if err != nil {
		return err
	}
	if !lin.Exists(unit, period) {
		return domain.Errorf(domain.ErrNotFound, "wf.not_in_period",
			"unit %s takes no part in period %s: the unit lineage continues it into other units before it, or forms it after it", unit, period)
	}
	return nil
}
