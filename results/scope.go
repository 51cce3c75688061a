package results

import (
	"context"

	"github.com/parindex/parindex/scoring"
)

// Scope narrows what one reader sees of a period that is not published:
// the units they may see, without the values of a round they may not see
// yet. The workflow decides (it knows roles, phases and assignments);
// results only apply it. A published period is public and never narrowed.
type Scope interface {
	// Narrow returns the units' data as the reader may see them in the
	// period. It must not change the data it is given.
	Narrow(ctx context.Context, period string, units []scoring.UnitData) ([]scoring.UnitData, error)
}

// Reader computes results as one reader sees them.
type Reader struct {
	s     *Service
	scope Scope
}

// For returns the results as a reader with the scope sees them; a nil
// scope sees everything (and shares the service's cache).
func (s *Service) For(scope Scope) Reader { return Reader{s: s, scope: scope} }

// Cached says whether the reader's results come from the service's cache
// (a reader who sees everything).
func (r Reader) Cached() bool { return r.scope == nil && r.s.Cache != nil }

// Compute is Service.Compute narrowed to the reader's scope: a ranking of
// the units the reader may see, from the values they may see. Published
// periods are the same for everyone.
func (r Reader) Compute(ctx context.Context, period, group string, stage scoring.Stage) (*Output, error) {
	if r.scope == nil {
		return r.s.Compute(ctx, period, group, stage)
	}
	// Narrowed results are not cached: each reader has their own, and
	// they are staff's occasional reads.
	return r.s.derive("", scopedStore{publishedStore{r.s}, r.scope}, false).computeOutput(ctx, period, group, stage)
}

// scopedStore narrows the live data of unpublished periods to a scope.
type scopedStore struct {
	publishedStore
	scope Scope
}

func (sc scopedStore) UnitData(ctx context.Context, period, group string) ([]scoring.UnitData, error) {
	f, err := sc.snapshot(ctx, period)
	switch {
	case err != nil:
		return nil, err
	case f != nil:
		return sc.publishedStore.UnitData(ctx, period, group)
	}
	units, err := sc.s.Store.UnitData(ctx, period, group)
	if err != nil {
		return nil, err
	}
	return sc.scope.Narrow(ctx, period, units)
}

// ResultsStamp is never given: narrowed data are not cached.
func (sc scopedStore) ResultsStamp(context.Context, string, string) (string, error) { return "", nil }
