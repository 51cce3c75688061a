package web_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"testing"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// fakeCatalog is an in-memory Catalog.
type fakeCatalog struct {
	mu      sync.Mutex
	periods []domain.Period
	groups  []domain.Group
	units   map[string]domain.Unit
	pingErr error
	// failWith, when set, is returned by every call but Ping.
	failWith error
	// panicOn makes Periods panic, to check the server survives.
	panicOn bool
}

func (f *fakeCatalog) Periods(ctx context.Context) ([]domain.Period, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.panicOn {
		panic("fake catalog: boom")
	}
	if f.failWith != nil {
		return nil, f.failWith
	}
	out := slices.Clone(f.periods)
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

func (f *fakeCatalog) Period(ctx context.Context, code string) (domain.Period, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failWith != nil {
		return domain.Period{}, f.failWith
	}
	for _, p := range f.periods {
		if p.Code == code {
			return p, nil
		}
	}
	return domain.Period{}, domain.NotFoundf("period %s does not exist", code)
}

func (f *fakeCatalog) Groups(ctx context.Context) ([]domain.Group, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failWith != nil {
		return nil, f.failWith
	}
	return slices.Clone(f.groups), nil
}

func (f *fakeCatalog) Unit(ctx context.Context, code string) (domain.Unit, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failWith != nil {
		return domain.Unit{}, f.failWith
	}
	u, ok := f.units[code]
	if !ok {
		return domain.Unit{}, domain.NotFoundf("unit %s does not exist", code)
	}
	return u, nil
}

func (f *fakeCatalog) Ping(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pingErr
}

// fakeResultsStore is an in-memory results.Store: criteria sets by period
// and group, and each unit's recorded data.
type fakeResultsStore struct {
	frameworks map[[2]string]*scoring.Framework // {period, group}
	data       map[[2]string][]scoring.UnitData // {period, group}
	failWith   error
}

func (s *fakeResultsStore) Framework(ctx context.Context, period, group string) (*scoring.Framework, error) {
	if s.failWith != nil {
		return nil, s.failWith
	}
	f, ok := s.frameworks[[2]string{period, group}]
	if !ok {
		return nil, domain.NotFoundf("no criteria set for group %s in period %s", group, period)
	}
	return f, nil
}

func (s *fakeResultsStore) FrameworkGroups(ctx context.Context, period string) ([]string, error) {
	if s.failWith != nil {
		return nil, s.failWith
	}
	var groups []string
	for k := range s.frameworks {
		if k[0] == period {
			groups = append(groups, k[1])
		}
	}
	sort.Strings(groups)
	return groups, nil
}

func (s *fakeResultsStore) FrameworkPeriods(ctx context.Context, group string) ([]string, error) {
	if s.failWith != nil {
		return nil, s.failWith
	}
	var periods []string
	for k := range s.frameworks {
		if k[1] == group {
			periods = append(periods, k[0])
		}
	}
	sort.Strings(periods)
	return periods, nil
}

func (s *fakeResultsStore) UnitData(ctx context.Context, period, group string) ([]scoring.UnitData, error) {
	if s.failWith != nil {
		return nil, s.failWith
	}
	return s.data[[2]string{period, group}], nil
}

// loadFramework parses a criteria set from testdata for a period.
func loadFramework(t testing.TB, file, period string) *scoring.Framework {
	t.Helper()
	fh, err := os.Open(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	f, err := scoring.ParseFramework(fh)
	if err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	f.Period = period
	return f
}

// unitData builds a unit's recorded data: final points per leaf ("na" for
// not applicable), inputs and survey ratios, all written as decimals.
func unitData(t testing.TB, code, name string, points, inputs, surveys map[string]string) scoring.UnitData {
	t.Helper()
	dec := func(s string) scoring.Decimal {
		d, err := scoring.ParseDecimal(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	u := scoring.UnitData{
		Code: code, Name: name, Points: map[string]scoring.StageValues{},
		Inputs: map[string]scoring.Decimal{}, Surveys: map[string]scoring.Decimal{},
	}
	for leaf, v := range points {
		val := scoring.Value{NA: v == "na"}
		if !val.NA {
			val.Points = dec(v)
		}
		u.SetPoints(leaf, scoring.StageFinal, val)
	}
	for n, v := range inputs {
		u.Inputs[n] = dec(v)
	}
	for n, v := range surveys {
		u.Surveys[n] = dec(v)
	}
	return u
}
