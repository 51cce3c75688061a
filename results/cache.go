package results

import (
	"cmp"
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

// Deltas is a Stamper that can tell, between two of its stamps of a
// group's data, which units' points and inputs changed and nothing else,
// and read those units alone: after a change the cache then reads and
// scores the units that changed, not the group.
type Deltas interface {
	// ChangedUnits returns the units of the group whose points or inputs
	// changed between the stamps, or ok false when it cannot tell (then
	// the group is read afresh).
	ChangedUnits(ctx context.Context, period, group, from, to string) (units []string, ok bool, err error)
	// UnitDataOf is UnitData for the units named only, their survey
	// results those of prev (the group's data at the first stamp).
	UnitDataOf(ctx context.Context, period, group string, units []string, prev []scoring.UnitData) ([]scoring.UnitData, error)
}

// Cache keeps computed group results, each with the stamp of the data it
// was computed from, so that a page asking again for unchanged data does
// not read and score them again. The data read for a group serve every
// stage: the results at another stage are scored from them without reading
// them again. A Service uses it only when its Store is a Stamper. It is
// safe for concurrent use.
type Cache struct {
	mu      sync.Mutex
	max     int
	entries map[cacheKey]*cacheEntry
	order   []cacheKey // oldest first, for eviction
}

type cacheKey struct {
	view, period, group string
}

// cacheEntry is a group's data at one stamp and its results by stage.
type cacheEntry struct {
	stamp string
	fw    *scoring.Framework
	data  []scoring.UnitData
	res   map[scoring.Stage]*scoring.GroupResult
}

// NewCache returns a cache of at most max groups' data and results.
func NewCache(max int) *Cache {
	return &Cache{max: max, entries: map[cacheKey]*cacheEntry{}}
}

// get returns the group's entry if it is of the stamp, with its result at
// the stage (nil when not scored yet).
func (c *Cache) get(k cacheKey, stamp string, stage scoring.Stage) (*cacheEntry, *scoring.GroupResult) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok || e.stamp != stamp {
		return nil, nil
	}
	return e, e.res[stage]
}

// last returns the group's entry, whatever its stamp, or nil.
func (c *Cache) last(k cacheKey) *cacheEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entries[k]
}

// result returns an entry's result at a stage, or nil.
func (c *Cache) result(e *cacheEntry, stage scoring.Stage) *scoring.GroupResult {
	c.mu.Lock()
	defer c.mu.Unlock()
	return e.res[stage]
}

// put keeps a group's entry, or adds a stage's result to the entry of the
// same stamp.
func (c *Cache) put(k cacheKey, e *cacheEntry, stage scoring.Stage, res *scoring.GroupResult) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[k]; ok && old.stamp == e.stamp {
		old.res[stage] = res
		return
	}
	if _, ok := c.entries[k]; !ok {
		c.order = append(c.order, k)
	}
	e.res = map[scoring.Stage]*scoring.GroupResult{stage: res}
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
	k := cacheKey{s.view, period, group}
	var stamp string
	var err error
	if isView(s.Store) {
		stamp, err = st.ResultsStamp(ctx, period, group) // the live data's memoized in liveStamp
	} else {
		stamp, err = memoStamp(ctx, period, group, func() (string, error) { return st.ResultsStamp(ctx, period, group) })
	}
	if err != nil {
		return nil, nil, err
	}
	if stamp == "" {
		return s.compute(ctx, period, group, stage)
	}
	e, res := s.Cache.get(k, stamp, stage)
	switch {
	case res != nil:
		return copyResult(res), e.data, nil
	case e != nil:
		// The same data at another stage: scored, not read again.
		res = scoring.ScoreGroup(e.fw, e.data, stage)
	default:
		if e, res, err = s.update(ctx, k, stamp, stage); err != nil {
			return nil, nil, err
		}
		if e == nil {
			e = &cacheEntry{stamp: stamp}
			if e.fw, e.data, err = s.read(ctx, period, group); err != nil {
				return nil, nil, err
			}
			res = scoring.ScoreGroup(e.fw, e.data, stage)
		}
	}
	s.Cache.put(k, e, stage, res)
	return copyResult(res), e.data, nil
}

// maxUpdated is the share of a group's units, in percent, past which the
// cache reads the group afresh rather than the units that changed.
const maxUpdated = 25

// update brings the group's cached entry at an earlier stamp to the new
// one when the store can tell which units changed: it reads those units
// alone and scores them again (scoring.Rescore), the others' scores kept.
// It returns a nil entry when it cannot.
func (s *Service) update(ctx context.Context, k cacheKey, stamp string, stage scoring.Stage) (*cacheEntry, *scoring.GroupResult, error) {
	d, ok := s.Store.(Deltas)
	old := s.Cache.last(k)
	if !ok || old == nil {
		return nil, nil, nil
	}
	changed, ok, err := d.ChangedUnits(ctx, k.period, k.group, old.stamp, stamp)
	if err != nil || !ok || len(changed)*100 > len(old.data)*maxUpdated {
		return nil, nil, err
	}
	data := old.data
	set := map[string]bool{}
	if len(changed) > 0 {
		fresh, err := d.UnitDataOf(ctx, k.period, k.group, changed, old.data)
		if err != nil {
			return nil, nil, err
		}
		for _, u := range changed {
			set[u] = true
		}
		data = make([]scoring.UnitData, 0, len(old.data)+len(fresh))
		for _, u := range old.data {
			if !set[u.Code] {
				data = append(data, u)
			}
		}
		data = append(data, fresh...)
		slices.SortFunc(data, func(a, b scoring.UnitData) int { return cmp.Compare(a.Code, b.Code) })
	}
	e := &cacheEntry{stamp: stamp, fw: old.fw, data: data}
	if prev := s.Cache.result(old, stage); prev != nil {
		return e, scoring.Rescore(old.fw, prev, data, set), nil
	}
	return e, scoring.ScoreGroup(old.fw, data, stage), nil
}

func copyResult(r *scoring.GroupResult) *scoring.GroupResult {
	cp := *r
	cp.Results = slices.Clone(r.Results)
	return &cp
}

// WithOneState returns a context under which the live data's stamp of a
// group is read once: for a request that only reads (a page), whose
// results then all come from one state of the data, and which reads the
// stamps of a period several times (the results at two stages, through
// the views of published and live data). Never for a request that writes
// and then reads what it wrote. The stamps of publications, which never
// change, are not kept.
func WithOneState(ctx context.Context) context.Context {
	return context.WithValue(ctx, stampMemoKey{}, &stampMemo{stamps: map[[2]string]string{}})
}

type stampMemoKey struct{}

type stampMemo struct {
	mu     sync.Mutex
	stamps map[[2]string]string // by period and group
}

// memoStamp returns the live data's stamp of a group, read once per
// context made by WithOneState, every time otherwise.
func memoStamp(ctx context.Context, period, group string, read func() (string, error)) (string, error) {
	m, _ := ctx.Value(stampMemoKey{}).(*stampMemo)
	if m == nil {
		return read()
	}
	k := [2]string{period, group}
	m.mu.Lock()
	defer m.mu.Unlock()
	if st, ok := m.stamps[k]; ok {
		return st, nil
	}
	st, err := read()
	if err == nil {
		m.stamps[k] = st
	}
	return st, err
}

// isView says whether a Store is one of the service's views of the data
// (published, pinned, live, scoped), whose stamps name their source.
func isView(st Store) bool {
	switch st.(type) {
	case publishedStore, pinnedStore, liveStore, scopedStore:
		return true
	}
	return false
}
