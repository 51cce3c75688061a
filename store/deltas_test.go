package store_test

import (
	"reflect"
	"testing"

	"gorm.io/gorm"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store/storetest"
)

// TestChangedUnits: after points and inputs changed, the cached results
// read and score only the units that changed, and equal the results of the
// whole group read afresh; a change the logs cannot place exactly, or any
// other change, makes them read the group again.
func TestChangedUnits(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	ctx := t.Context()
	_, _, err := s.ImportUnits(ctx, []domain.Unit{{Code: "S3", Name: "Sở Y tế", Group: "SO"}, {Code: "S4", Name: "Sở Xây dựng", Group: "SO"}})
	must(t, err)
	set := []byte(`period: "2025"
group: SO
name: Bộ chỉ số
items:
  - {code: A, name: Tiêu chí, max: 80, method: manual}
  - {code: R, name: Tỷ lệ, max: 20, method: ratio, numerator: done, denominator: assigned}
`)
	_, err = s.SaveFramework(ctx, parseSet(t, set), set, false)
	must(t, err)
	score := func(unit, points string) domain.Score {
		return domain.Score{Period: "2025", Unit: unit, Item: "A", Stage: scoring.StageFinal, Value: pts(t, points)}
	}
	_, err = s.RecordScores(ctx, []domain.Score{score("S1", "50"), score("S2", "60"), score("S3", "70"), score("S4", "40")}, "an", "import")
	must(t, err)
	must(t, s.RecordInputs(ctx, []domain.Input{{Period: "2025", Unit: "S1", Name: "done", Value: dec(t, "3")},
		{Period: "2025", Unit: "S1", Name: "assigned", Value: dec(t, "4")}}, "an"))

	cached := &results.Service{Store: s, Cache: results.NewCache(8)}
	check := func(what string) {
		t.Helper()
		got, err := cached.Compute(ctx, "2025", "SO", scoring.StageFinal)
		must(t, err)
		want, err := (&results.Service{Store: s}).Compute(ctx, "2025", "SO", scoring.StageFinal)
		must(t, err)
		if !reflect.DeepEqual(got.Groups[0].Results, want.Groups[0].Results) || !reflect.DeepEqual(got.Groups[0].Data, want.Groups[0].Data) {
			t.Errorf("%s: cached results differ from the group read afresh:\n%+v\nwant\n%+v", what, got.Groups[0].Results, want.Groups[0].Results)
		}
	}
	check("first")
	stamp := func() string {
		st, err := s.ResultsStamp(ctx, "2025", "SO")
		must(t, err)
		return st
	}
	changed := func(from string) ([]string, bool) {
		t.Helper()
		units, ok, err := s.ChangedUnits(ctx, "2025", "SO", from, stamp())
		must(t, err)
		return units, ok
	}

	before := stamp()
	_, err = s.RecordScores(ctx, []domain.Score{score("S4", "90")}, "an", "sửa")
	must(t, err)
	must(t, s.RecordInputs(ctx, []domain.Input{{Period: "2025", Unit: "S2", Name: "done", Value: dec(t, "1")}}, "an"))
	_, err = s.RecordScores(ctx, []domain.Score{{Period: "2024", Unit: "S3", Item: "A", Stage: scoring.StageFinal, Value: pts(t, "1")}}, "an", "import")
	must(t, err)
	if units, ok := changed(before); !ok || !reflect.DeepEqual(units, []string{"S2", "S4"}) {
		t.Errorf("changed units %v (%v), want [S2 S4]: a point, an input; not another period's", units, ok)
	}
	check("after a point and an input changed")
	// S4 now ranks first: the cache's ranking moved with it.
	out, err := cached.Compute(ctx, "2025", "SO", scoring.StageFinal)
	must(t, err)
	if r := out.Groups[0].Results[0]; r.Unit != "S4" || r.Rank != 1 {
		t.Errorf("first after the change: %s rank %d, want S4", r.Unit, r.Rank)
	}
	if units, ok := changed(stamp()); !ok || len(units) != 0 {
		t.Errorf("no change: %v %v", units, ok)
	}

	// Something else than points and inputs: read afresh.
	before = stamp()
	_, _, err = s.ImportUnits(ctx, []domain.Unit{{Code: "S3", Name: "Sở Y tế tỉnh", Group: "SO"}})
	must(t, err)
	if _, ok := changed(before); ok {
		t.Error("a unit renamed: the changed units were told")
	}
	check("after a unit renamed")

	// A change committed below the last id seen (as a PostgreSQL
	// transaction may): the counts say so, and the group is read afresh.
	if storetest.Postgres() {
		before = stamp()
		must(t, s.Gorm().Transaction(func(tx *gorm.DB) error {
			for _, q := range []string{
				"CREATE TEMP TABLE late ON COMMIT DROP AS SELECT * FROM score_changes WHERE period_code = '2025' ORDER BY id LIMIT 1",
				"UPDATE late SET id = id - 1000000",
				"INSERT INTO score_changes SELECT * FROM late",
			} {
				if err := tx.Exec(q).Error; err != nil {
					return err
				}
			}
			return nil
		}))
		if _, ok := changed(before); ok {
			t.Error("a change committed below the last id seen was not noticed")
		}
	}
}
