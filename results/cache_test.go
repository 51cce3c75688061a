package results_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// stampedStore is a memStore that stamps its data with a version and
// counts the reads of unit data.
type stampedStore struct {
	memStore
	mu      sync.Mutex
	version map[[2]string]int
	reads   int
	stamps  int
}

func (s *stampedStore) ResultsStamp(_ context.Context, period, group string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stamps++
	if period == "nocache" {
		return "", nil
	}
	return fmt.Sprint(s.version[[2]string{period, group}]), nil
}

func (s *stampedStore) UnitData(ctx context.Context, period, group string) ([]scoring.UnitData, error) {
	s.mu.Lock()
	s.reads++
	s.mu.Unlock()
	return s.memStore.UnitData(ctx, period, group)
}

func (s *stampedStore) change(period, group string, data []scoring.UnitData) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.units[[2]string{period, group}] = data
	s.version[[2]string{period, group}]++
}

// A cached service reads a group's data once while its stamp is unchanged,
// again as soon as it changes, and hands out results a caller may change
// without changing what others get.
func TestCachedResults(t *testing.T) {
	st := &stampedStore{memStore: memStore{
		sets: map[[2]string]*scoring.Framework{{"2024", "G"}: set(t, "2024", "G"), {"2025", "G"}: set(t, "2025", "G"),
			{"nocache", "G"}: set(t, "nocache", "G")},
		units: map[[2]string][]scoring.UnitData{{"2024", "G"}: units("50", "60"), {"2025", "G"}: units("70", "40"),
			{"nocache", "G"}: units("1")},
	}, version: map[[2]string]int{}}
	svc := &results.Service{Store: st, Cache: results.NewCache(8)}
	ctx := context.Background()
	compute := func(period string) *results.Output {
		t.Helper()
		out, err := svc.Compute(ctx, period, "G", scoring.StageFinal)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	first := compute("2025") // reads 2025 and, for the comparison, 2024
	if st.reads != 2 {
		t.Fatalf("%d reads, want 2", st.reads)
	}
	// A caller changing its copy does not change the cache.
	first.Groups[0].Results[0].Rank = 99
	first.Groups[0].Results[0].RankChange = nil
	second := compute("2025")
	if st.reads != 2 {
		t.Errorf("unchanged data read again: %d reads", st.reads)
	}
	r := second.Groups[0].Results[0]
	if r.Unit != "U1" || r.Rank != 1 || r.RankChange == nil || *r.RankChange != 1 {
		t.Errorf("cached result: %s rank %d change %v; want U1 rank 1, up 1", r.Unit, r.Rank, r.RankChange)
	}
	// New data: read and scored again.
	st.change("2025", "G", units("30", "40"))
	third := compute("2025")
	if st.reads != 3 {
		t.Errorf("changed data not read again: %d reads", st.reads)
	}
	if got := third.Groups[0].Results[0].Unit; got != "U2" {
		t.Errorf("after the change the first is %s, want U2", got)
	}
	// An empty stamp is never cached.
	compute("nocache")
	compute("nocache")
	if st.reads != 5 {
		t.Errorf("%d reads, want 5: an empty stamp must not be cached", st.reads)
	}
	// Concurrent computations share the cache safely (run with -race).
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := svc.Compute(ctx, "2025", "G", scoring.StageFinal)
			if err != nil || out.Groups[0].Results[0].Unit != "U2" {
				t.Errorf("concurrent compute: %v %+v", err, out)
			}
		}()
	}
	wg.Wait()
}

// TestOneState: under WithOneState the results of a group, at two stages
// and more than once, come from one stamp of its data, read once; without
// it the stamp is read for each result, and a change between them shows.
func TestOneState(t *testing.T) {
	st := &stampedStore{memStore: memStore{
		sets:  map[[2]string]*scoring.Framework{{"2025", "G"}: set(t, "2025", "G")},
		units: map[[2]string][]scoring.UnitData{{"2025", "G"}: units("70", "40")},
	}, version: map[[2]string]int{}}
	svc := &results.Service{Store: st, Cache: results.NewCache(8)}
	run := func(ctx context.Context) (stamps int, first, last string) {
		t.Helper()
		before := st.stamps
		for i, stage := range []scoring.Stage{scoring.StageFinal, scoring.StageSelf, scoring.StageFinal} {
			out, err := svc.Compute(ctx, "2025", "G", stage)
			if err != nil {
				t.Fatal(err)
			}
			got := out.Groups[0].Results[0].Index.String()
			if i == 0 {
				first = got
				// Another process changes the data meanwhile.
				st.change("2025", "G", units("90", "40"))
			}
			last = got
		}
		return st.stamps - before, first, last
	}
	if n, first, last := run(context.Background()); n != 3 || first == last {
		t.Errorf("without one state: %d stamps read, results %s then %s; want 3, the change seen", n, first, last)
	}
	if n, first, last := run(results.WithOneState(context.Background())); n != 1 || first != last {
		t.Errorf("under one state: %d stamps read, results %s then %s; want 1, one state", n, first, last)
	}
}

// TestCachedStages: the results at another stage are scored from the data
// already read for the group, not read again, and match those of a service
// without a cache.
func TestCachedStages(t *testing.T) {
	data := units("70", "40")
	data[0].SetPoints("1", scoring.StageSelf, scoring.Value{Points: scoring.NewInt(9)})
	st := &stampedStore{memStore: memStore{
		sets:  map[[2]string]*scoring.Framework{{"2025", "G"}: set(t, "2025", "G")},
		units: map[[2]string][]scoring.UnitData{{"2025", "G"}: data},
	}, version: map[[2]string]int{}}
	cached := &results.Service{Store: st, Cache: results.NewCache(8)}
	plain := &results.Service{Store: &st.memStore}
	for _, stage := range []scoring.Stage{scoring.StageFinal, scoring.StageSelf} {
		got, err := cached.Compute(context.Background(), "2025", "G", stage)
		if err != nil {
			t.Fatal(err)
		}
		want, err := plain.Compute(context.Background(), "2025", "G", stage)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := got.Groups[0].Results, want.Groups[0].Results; len(g) != len(w) || g[0].Unit != w[0].Unit || !g[0].Index.Equal(w[0].Index) || !g[1].Index.Equal(w[1].Index) {
			t.Errorf("stage %s: cached %+v, want %+v", stage, g, w)
		}
	}
	if st.reads != 1 {
		t.Errorf("the group's data read %d times for two stages, want once", st.reads)
	}
}
