package results

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// Publications reads the stored publications; the store implements it.
type Publications interface {
	// PublicationHeads lists a period's publications, oldest first,
	// without their snapshots and documents: a cheap look at the latest
	// number on every request.
	PublicationHeads(ctx context.Context, period string) ([]domain.Publication, error)
	// Publication returns one publication with its snapshot and document,
	// or an error of kind domain.ErrNotFound.
	Publication(ctx context.Context, period string, number int) (domain.Publication, error)
}

// frozenCache keeps parsed snapshots by period and publication number: a
// publication never changes, so each is read and parsed once.
type frozenCache struct {
	mu sync.Mutex
	m  map[pubKey]*frozen
}

type pubKey struct {
	period string
	number int
}

// frozens returns the service's snapshot cache, shared with its views.
func (s *Service) frozens() *frozenCache {
	s.initFrozen.Do(func() {
		if s.frozen == nil {
			s.frozen = &frozenCache{m: map[pubKey]*frozen{}}
		}
	})
	return s.frozen
}

// frozenOf returns the parsed snapshot of one publication.
func (s *Service) frozenOf(ctx context.Context, period string, number int) (*frozen, error) {
	fc := s.frozens()
	k := pubKey{period, number}
	fc.mu.Lock()
	f := fc.m[k]
	fc.mu.Unlock()
	if f != nil {
		return f, nil
	}
	pub, err := s.Publications.Publication(ctx, period, number)
	if err != nil {
		return nil, err
	}
	if f, err = thaw(pub.Snapshot); err != nil {
		return nil, err
	}
	fc.mu.Lock()
	fc.m[k] = f
	fc.mu.Unlock()
	return f, nil
}

// latest returns the number of a period's latest publication, 0 when it has
// none.
func (s *Service) latest(ctx context.Context, period string) (int, error) {
	if s.Publications == nil {
		return 0, nil
	}
	heads, err := s.Publications.PublicationHeads(ctx, period)
	if err != nil || len(heads) == 0 {
		return 0, err
	}
	return heads[len(heads)-1].Number, nil
}

// derive returns a service computing over another store, sharing the
// snapshot cache and, when cached, the results cache under the view's name.
func (s *Service) derive(view string, st Store, cached bool) *Service {
	d := &Service{Store: st, Lineage: s.lineageSource(), view: view, frozen: s.frozens()}
	if cached {
		d.Cache = s.Cache
	}
	return d
}

// published is the view every reader gets: published periods from their
// latest publication, the others from the live data.
func (s *Service) published() *Service {
	return s.derive("published", publishedStore{s}, true)
}

// PublicationHeads lists a period's publications, oldest first, without
// their data.
func (s *Service) PublicationHeads(ctx context.Context, period string) ([]domain.Publication, error) {
	if s.Publications == nil {
		return nil, nil
	}
	return s.Publications.PublicationHeads(ctx, period)
}

// ComputeLive computes a period from the current data even when it is
// published (`score --live`, and the preview of a correction); the previous
// period it is compared with is read as every reader sees it.
func (s *Service) ComputeLive(ctx context.Context, period, group string, stage scoring.Stage) (*Output, error) {
	if s.Publications == nil {
		return s.computeOutput(ctx, period, group, stage)
	}
	return s.derive("live", liveStore{publishedStore{s}, period}, true).computeOutput(ctx, period, group, stage)
}

// ComputePublication computes one publication of a period (1, 2, …) from
// its frozen data: earlier publications stay readable after a correction.
func (s *Service) ComputePublication(ctx context.Context, period string, number int, group string, stage scoring.Stage) (*Output, error) {
	if s.Publications == nil {
		return nil, domain.NotFoundf("period %s has no publication %d", period, number)
	}
	f, err := s.frozenOf(ctx, period, number)
	if err != nil {
		return nil, err
	}
	pin := pinnedStore{publishedStore{s}, period, f, fmt.Sprintf("publication %s#%d", period, number)}
	return s.derive("pinned", pin, true).computeOutput(ctx, period, group, stage)
}

// publishedStore answers for a published period from its latest
// publication's frozen data, and for any other period from the live data.
type publishedStore struct{ s *Service }

// snapshot returns the frozen data of a period's latest publication, or nil.
func (p publishedStore) snapshot(ctx context.Context, period string) (*frozen, error) {
	n, err := p.s.latest(ctx, period)
	if err != nil || n == 0 {
		return nil, err
	}
	return p.s.frozenOf(ctx, period, n)
}

func (p publishedStore) Framework(ctx context.Context, period, group string) (*scoring.Framework, error) {
	f, err := p.snapshot(ctx, period)
	switch {
	case err != nil:
		return nil, err
	case f == nil:
		return p.s.Store.Framework(ctx, period, group)
	}
	return f.framework(period, group)
}

func (p publishedStore) FrameworkGroups(ctx context.Context, period string) ([]string, error) {
	f, err := p.snapshot(ctx, period)
	switch {
	case err != nil:
		return nil, err
	case f == nil:
		return p.s.Store.FrameworkGroups(ctx, period)
	}
	return f.groups, nil
}

// FrameworkPeriods: periods never disappear, so the live list serves.
func (p publishedStore) FrameworkPeriods(ctx context.Context, group string) ([]string, error) {
	return p.s.Store.FrameworkPeriods(ctx, group)
}

func (p publishedStore) UnitData(ctx context.Context, period, group string) ([]scoring.UnitData, error) {
	f, err := p.snapshot(ctx, period)
	switch {
	case err != nil:
		return nil, err
	case f == nil:
		return p.s.Store.UnitData(ctx, period, group)
	}
	// A copy of the cached slice: callers may drop its elements (the
	// workbook does, as it writes them) without touching the cache.
	return slices.Clone(f.units[group]), nil
}

// ResultsStamp implements Stamper: a published period's data are its
// latest publication's, which never change; another period's are stamped
// by the live store when it can, else not cached.
func (p publishedStore) ResultsStamp(ctx context.Context, period, group string) (string, error) {
	n, err := p.s.latest(ctx, period)
	if err != nil {
		return "", err
	}
	if n > 0 {
		return fmt.Sprintf("published %s#%d", period, n), nil
	}
	return liveStamp(ctx, p.s.Store, period, group)
}

// ChangedUnits and UnitDataOf implement Deltas for the live data: only the
// live store's stamps say which units changed (a publication's, or a
// pinned period's, never do), so the data are then read live.
func (p publishedStore) ChangedUnits(ctx context.Context, period, group, from, to string) ([]string, bool, error) {
	if d, ok := p.s.Store.(Deltas); ok {
		return d.ChangedUnits(ctx, period, group, from, to)
	}
	return nil, false, nil
}

func (p publishedStore) UnitDataOf(ctx context.Context, period, group string, units []string, prev []scoring.UnitData) ([]scoring.UnitData, error) {
	if d, ok := p.s.Store.(Deltas); ok {
		return d.UnitDataOf(ctx, period, group, units, prev)
	}
	return nil, fmt.Errorf("results: %T cannot read some units", p.s.Store)
}

func liveStamp(ctx context.Context, st Store, period, group string) (string, error) {
	if sp, ok := st.(Stamper); ok {
		return memoStamp(ctx, period, group, func() (string, error) { return sp.ResultsStamp(ctx, period, group) })
	}
	return "", nil
}

// pinnedStore answers for one period from given frozen data (an earlier
// publication, or the publication being made) and for the others as every
// reader sees them.
type pinnedStore struct {
	publishedStore
	period string
	f      *frozen
	// stamp names the frozen data for the cache; "" is never cached.
	stamp string
}

func (o pinnedStore) Framework(ctx context.Context, period, group string) (*scoring.Framework, error) {
	if period != o.period {
		return o.publishedStore.Framework(ctx, period, group)
	}
	return o.f.framework(period, group)
}

func (o pinnedStore) FrameworkGroups(ctx context.Context, period string) ([]string, error) {
	if period != o.period {
		return o.publishedStore.FrameworkGroups(ctx, period)
	}
	return o.f.groups, nil
}

func (o pinnedStore) UnitData(ctx context.Context, period, group string) ([]scoring.UnitData, error) {
	if period != o.period {
		return o.publishedStore.UnitData(ctx, period, group)
	}
	return slices.Clone(o.f.units[group]), nil
}

func (o pinnedStore) ResultsStamp(ctx context.Context, period, group string) (string, error) {
	if period != o.period {
		return o.publishedStore.ResultsStamp(ctx, period, group)
	}
	return o.stamp, nil
}

// liveStore answers for one period from the live data, published or not,
// and for the others as every reader sees them.
type liveStore struct {
	publishedStore
	period string
}

func (l liveStore) Framework(ctx context.Context, period, group string) (*scoring.Framework, error) {
	if period != l.period {
		return l.publishedStore.Framework(ctx, period, group)
	}
	return l.s.Store.Framework(ctx, period, group)
}

func (l liveStore) FrameworkGroups(ctx context.Context, period string) ([]string, error) {
	if period != l.period {
		return l.publishedStore.FrameworkGroups(ctx, period)
	}
	return l.s.Store.FrameworkGroups(ctx, period)
}

func (l liveStore) UnitData(ctx context.Context, period, group string) ([]scoring.UnitData, error) {
	if period != l.period {
		return l.publishedStore.UnitData(ctx, period, group)
	}
	return l.s.Store.UnitData(ctx, period, group)
}

func (l liveStore) ResultsStamp(ctx context.Context, period, group string) (string, error) {
	if period != l.period {
		return l.publishedStore.ResultsStamp(ctx, period, group)
	}
	return liveStamp(ctx, l.s.Store, period, group)
}
