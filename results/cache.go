package results

import (
	"context"
	"slices"
	"sync"

	"github.com/parindex/parindex/scoring"
)

// Stamper is a Store that tells cheaply whether the data a group's results
// are computed from have changed: two equal stamps mean equal data. An
// empty stamp means "do not cache".
type Stamper interface {
	ResultsStamp(ctx context.Context, period, group string) (string, error)
}

// Cache keeps computed group results, each with the stamp of the data it
// was computed from, so that a page asking again for unchanged data does
// not read and score them again. A Service uses it only when its Store is a
// Stamper. It is safe for concurrent use.
type Cache struct {
	mu      sync.Mutex
	max     int
	entries map[cacheKey]*cacheEntry
	order   []cacheKey // oldest first, for eviction
}

type cacheKey struct {
	view, period, group string
	stage               scoring.Stage
}

type cacheEntry struct {
	stamp string
	res   *scoring.GroupResult
	data  []scoring.UnitData
}

// NewCache returns a cache of at most max group results.
func NewCache(max int) *Cache {
	return &Cache{max: max, entries: map[cacheKey]*cacheEntry{}}
}

func (c *Cache) get(k cacheKey, stamp string) (*cacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok || e.stamp != stamp {
		return nil, false
	}
	return e, true
}

func (c *Cache) put(k cacheKey, e *cacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[k]; !ok {
		c.order = append(c.order, k)
	}
	c.entries[k] = e
	for len(c.order) > c.max {
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
}

// cachedGroup is Service.group through the cache. The result handed out
// is a copy whose Results the caller may change (CompareWith does); the
// items' scores and the data are shared and must not be changed.
func (s *Service) cachedGroup(ctx context.Context, period, group string, stage scoring.Stage) (*scoring.GroupResult, []scoring.UnitData, error) {
	st, ok := s.Store.(Stamper)
	if s.Cache == nil || !ok {
		return s.compute(ctx, period, group, stage)
	}
	stamp, err := st.ResultsStamp(ctx, period, group)
	if err != nil {
		return nil, nil, err
	}
	k := cacheKey{s.view, period, group, stage}
	if stamp != "" {
		if e, hit := s.Cache.get(k, stamp); hit {
			return copyResult(e.res), e.data, nil
		}
	}
	res, data, err := s.compute(ctx, period, group, stage)
	if err != nil || stamp == "" {
		return res, data, err
	}
	s.Cache.put(k, &cacheEntry{stamp: stamp, res: res, data: data})
	return copyResult(res), data, nil
}

func copyResult(r *scoring.GroupResult) *scoring.GroupResult {
	cp := *r
	cp.Results = slices.Clone(r.Results)
	return &cp
}
