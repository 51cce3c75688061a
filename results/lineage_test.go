package results_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// lineageStore is a memStore that also gives a lineage.
type lineageStore struct {
	*memStore
	lin *scoring.Lineage
}

func (l lineageStore) Lineage(context.Context) (*scoring.Lineage, error) { return l.lin, nil }

// TestPreviousPeriodIsOfTheSameKind: a quarter compares with the quarter
// before, a year with the year before, a month with the month before,
// however their codes sort among each other.
func TestPreviousPeriodIsOfTheSameKind(t *testing.T) {
	sets := map[[2]string]*scoring.Framework{}
	data := map[[2]string][]scoring.UnitData{}
	for _, p := range []string{"2024", "2024-Q4", "2024-12", "2025", "2025-Q1", "2025-01", "2025-02"} {
		sets[[2]string{p, "G"}] = set(t, p, "G")
		data[[2]string{p, "G"}] = units("50", "60")
	}
	svc := &results.Service{Store: &memStore{sets: sets, units: data}}
	for period, want := range map[string]string{
		"2025": "2024", "2025-Q1": "2024-Q4", "2025-01": "2024-12", "2025-02": "2025-01", "2024": "", "2024-Q4": "",
	} {
		out, err := svc.Compute(context.Background(), period, "G", scoring.StageFinal)
		if err != nil {
			t.Fatal(err)
		}
		if got := out.Groups[0].Previous; got != want {
			t.Errorf("%s compares with %q, want %q", period, got, want)
		}
	}
}

// TestComputeFollowsTheStoresLineage: U3 of 2025 was formed from U1 and
// U2 of 2024 (indices 50 and 70.01): its index 65 is compared with 60.01
// (the mean 60.005 rounded half up), with no change of rank; the JSON
// says so.
func TestComputeFollowsTheStoresLineage(t *testing.T) {
	m := &memStore{
		sets: map[[2]string]*scoring.Framework{{"2024", "G"}: set(t, "2024", "G"), {"2025", "G"}: set(t, "2025", "G")},
		units: map[[2]string][]scoring.UnitData{
			{"2024", "G"}: units("50", "70.01"),
			{"2025", "G"}: {units("0", "0", "65")[2]},
		},
	}
	lin, err := scoring.NewLineage([]scoring.Link{
		{FromPeriod: "2024", FromUnit: "U1", ToPeriod: "2025", ToUnit: "U3"},
		{FromPeriod: "2024", FromUnit: "U2", ToPeriod: "2025", ToUnit: "U3"},
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := (&results.Service{Store: lineageStore{m, lin}}).Compute(context.Background(), "2025", "G", scoring.StageFinal)
	if err != nil {
		t.Fatal(err)
	}
	r := out.Groups[0].Results[0]
	if r.RankChange != nil || r.IndexChange == nil || r.IndexChange.StringFixed(2) != "4.99" {
		t.Fatalf("U3: rank change %v, index change %v; want none and 4.99", r.RankChange, r.IndexChange)
	}
	var b bytes.Buffer
	if err := out.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Results []struct {
			Unit       string
			RankChange *int `json:"rank_change"`
			Comparison struct {
				Kind     string
				Period   string
				Previous json.Number `json:"previous_index"`
				Units    []struct {
					Unit   string
					Index  json.Number
					Weight json.Number
				}
			}
		}
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	c := doc.Results[0].Comparison
	if c.Kind != "merged" || c.Period != "2024" || c.Previous != "60.01" || len(c.Units) != 2 ||
		c.Units[1].Unit != "U2" || c.Units[1].Index != "70.01" || c.Units[1].Weight != "0.5" {
		t.Errorf("comparison %+v\n%s", c, b.String())
	}
	// Without a lineage U3 is new: nothing to compare.
	out, _ = (&results.Service{Store: m}).Compute(context.Background(), "2025", "G", scoring.StageFinal)
	if r := out.Groups[0].Results[0]; r.IndexChange != nil || r.Compared != nil {
		t.Errorf("by code alone U3 was compared: %+v", r.Compared)
	}
}

// TestSimulateAddsRankColumns: the CSV gains rank_low,rank_high right after
// index_change, the JSON rank_low, rank_high and statistically_tied.
func TestSimulateAddsRankColumns(t *testing.T) {
	m := &memStore{sets: map[[2]string]*scoring.Framework{{"2025", "G"}: set(t, "2025", "G")},
		units: map[[2]string][]scoring.UnitData{{"2025", "G"}: units("90", "80", "80")}}
	out, err := (&results.Service{Store: m}).Compute(context.Background(), "2025", "G", scoring.StageFinal)
	if err != nil {
		t.Fatal(err)
	}
	if err := out.Simulate(scoring.UncertaintyOptions{Draws: 0}); err == nil {
		t.Error("0 draws accepted")
	}
	if err := out.Simulate(scoring.UncertaintyOptions{Draws: 200, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := out.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	// No survey leaf: nothing is uncertain, U2 and U3 share rank 2.
	want := "period,group,unit,unit_name,points,max,index,rank,grade,rank_change,index_change,rank_low,rank_high,item:a\n" +
		"2025,G,U1,,90.00,100.00,90.00,1,,,,1,1,90.00\n" +
		"2025,G,U2,,80.00,100.00,80.00,2,,,,2,2,80.00\n" +
		"2025,G,U3,,80.00,100.00,80.00,2,,,,2,2,80.00\n"
	if b.String() != want {
		t.Errorf("csv:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	if err := out.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`"rank_low": 1,`, `"rank_high": 2,`, `"statistically_tied": true`, `"statistically_tied": false`} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("json lacks %s:\n%s", w, b.String())
		}
	}
	b.Reset()
	if err := out.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "  2 tied") || !strings.Contains(b.String(), "rank intervals of 200 draws (seed 5)") {
		t.Errorf("table:\n%s", b.String())
	}
}
