package surveys

import (
	"context"
	"sort"

	"github.com/parindex/parindex/domain"
)

// Instruments lists every stored questionnaire (without the parsed form),
// for the secretariat's survey pages.
func (s *Service) Instruments(ctx context.Context) ([]StoredInstrument, error) {
	return s.store.Instruments(ctx)
}

// Campaigns lists every survey with its units, newest period first.
func (s *Service) Campaigns(ctx context.Context) ([]Campaign, error) {
	return s.store.Campaigns(ctx)
}

// Responses lists a survey's responses with a status, newest first, at
// most limit.
func (s *Service) Responses(ctx context.Context, campaign string, status Status, limit int) ([]Response, error) {
	c, err := s.Campaign(ctx, campaign)
	if err != nil {
		return nil, err
	}
	return s.store.Responses(ctx, c.ID, status, limit)
}

// Reviews lists the decisions on a survey's responses, newest first, at
// most limit.
func (s *Service) Reviews(ctx context.Context, campaign string, limit int) ([]Review, error) {
	c, err := s.Campaign(ctx, campaign)
	if err != nil {
		return nil, err
	}
	return s.store.Reviews(ctx, c.ID, limit)
}

// Shortfalls lists, for every survey of a period that has been opened,
// the units whose valid responses are below their target sample (the
// committee weighs them before publishing).
func (s *Service) Shortfalls(ctx context.Context, period string) ([]domain.SampleShortfall, error) {
	camps, err := s.store.Campaigns(ctx)
	if err != nil {
		return nil, err
	}
	out := []domain.SampleShortfall{}
	for _, c := range camps {
		if c.Period != period || c.State == Draft {
			continue
		}
		_, progress, err := s.Progress(ctx, c.Code)
		if err != nil {
			return nil, err
		}
		for _, p := range progress {
			if int64(p.Valid) < p.Target {
				out = append(out, domain.SampleShortfall{Survey: c.Code, Unit: p.Code, Valid: p.Valid, Target: p.Target})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Survey < out[j].Survey || out[i].Survey == out[j].Survey && out[i].Unit < out[j].Unit
	})
	return out, nil
}
