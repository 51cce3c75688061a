package results_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// memStore holds criteria sets and unit data by period and group.
type memStore struct {
	sets  map[[2]string]*scoring.Framework
	units map[[2]string][]scoring.UnitData
}

func (m *memStore) Framework(_ context.Context, period, group string) (*scoring.Framework, error) {
	if f := m.sets[[2]string{period, group}]; f != nil {
		return f, nil
	}
	return nil, domain.NotFoundf("no criteria set for %s in %s", group, period)
}

func (m *memStore) FrameworkGroups(_ context.Context, period string) ([]string, error) {
	var out []string
	for k := range m.sets {
		if k[0] == period {
			out = append(out, k[1])
		}
	}
	sort.Strings(out)
	return out, nil
}

func (m *memStore) FrameworkPeriods(_ context.Context, group string) ([]string, error) {
	var out []string
	for k := range m.sets {
		if k[1] == group {
			out = append(out, k[0])
		}
	}
	sort.Strings(out)
	return out, nil
}

func (m *memStore) UnitData(_ context.Context, period, group string) ([]scoring.UnitData, error) {
	return m.units[[2]string{period, group}], nil
}

func set(t *testing.T, period, group string) *scoring.Framework {
	t.Helper()
	f, err := scoring.ParseFramework(strings.NewReader(fmt.Sprintf(`period: %q
group: %s
items:
  - {code: a, name: a, max: 100, method: manual}
`, period, group)))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func units(points ...string) []scoring.UnitData {
	var out []scoring.UnitData
	for i, p := range points {
		v, _ := scoring.ParseDecimal(p)
		out = append(out, scoring.UnitData{Code: fmt.Sprintf("U%d", i+1), Points: map[string]scoring.StageValues{
			"a": scoring.ValuesOf(map[scoring.Stage]scoring.Value{scoring.StageFinal: {Points: v}})}})
	}
	return out
}

func TestPreviousPeriodIsLatestEarlierWithResults(t *testing.T) {
	m := &memStore{
		sets: map[[2]string]*scoring.Framework{
			{"2023", "G"}: set(t, "2023", "G"), {"2024", "G"}: set(t, "2024", "G"),
			{"2025", "G"}: set(t, "2025", "G"), {"2026", "G"}: set(t, "2026", "G"),
		},
		units: map[[2]string][]scoring.UnitData{
			{"2023", "G"}: units("50", "70"), // U1 rank 2, U2 rank 1
			// 2024 has a criteria set but no results: skipped.
			{"2025", "G"}: units("80", "60"),
			{"2026", "G"}: units("10", "20"), // later periods never count
		},
	}
	out, err := (&results.Service{Store: m}).Compute(context.Background(), "2025", "", scoring.StageFinal)
	if err != nil {
		t.Fatal(err)
	}
	g := out.Groups[0]
	if g.Previous != "2023" {
		t.Fatalf("previous = %q, want 2023", g.Previous)
	}
	var b bytes.Buffer
	if err := out.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	want := "period,group,unit,unit_name,points,max,index,rank,grade,rank_change,index_change,item:a\n" +
		"2025,G,U1,,80.00,100.00,80.00,1,,1,30.00,80.00\n" +
		"2025,G,U2,,60.00,100.00,60.00,2,,-1,-10.00,60.00\n"
	if b.String() != want {
		t.Errorf("csv:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestUnknownPeriodIsNotFound(t *testing.T) {
	_, err := (&results.Service{Store: &memStore{}}).Compute(context.Background(), "2030", "", scoring.StageFinal)
	if !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("err = %v, want not found", err)
	}
	_, err = (&results.Service{Store: &memStore{}}).Compute(context.Background(), "2030", "G", scoring.StageFinal)
	if !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("err = %v, want not found", err)
	}
}

func TestJSONNumbersHaveTwoDecimals(t *testing.T) {
	m := &memStore{sets: map[[2]string]*scoring.Framework{{"2025", "G"}: set(t, "2025", "G")},
		units: map[[2]string][]scoring.UnitData{{"2025", "G"}: units("90.1", "66.666")}}
	out, err := (&results.Service{Store: m}).Compute(context.Background(), "2025", "G", scoring.StageFinal)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := out.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`"index": 90.10`, `"index": 66.67`, `"mean_index": 78.38`, `"rank_change": null`, `"items": {`} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("json lacks %s:\n%s", w, b.String())
		}
	}
}
