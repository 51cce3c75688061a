package store_test

import (
	"database/sql"
	"slices"
	"strings"
	"testing"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
)

// TestUpgradeTo13 fills a database of version 12 with points and inputs,
// migrates to version 13 (the indexes that carry what scoring reads) and
// checks that the narrower indexes gave way to them, that the units' data
// reads the same, and, on SQLite, that the read no longer visits the
// tables.
func TestUpgradeTo13(t *testing.T) {
	dbURL, s, score := upgradeFixture(t, 12, "  - {code: B, name: Tỷ lệ, max: 10, method: ratio, numerator: done, denominator: total}\n")
	ctx := t.Context()
	_, err := s.RecordScores(ctx, []domain.Score{score("S1", "50"), score("S2", "60.5")}, "an", "import")
	must(t, err)
	must(t, s.RecordInputs(ctx, []domain.Input{{Period: "2025", Unit: "S1", Name: "done", Value: dec(t, "3")},
		{Period: "2025", Unit: "S1", Name: "total", Value: dec(t, "4")}}, "an"))
	before, err := s.UnitData(ctx, "2025", "SO")
	must(t, err)

	s = storetest.OpenURL(t, dbURL)
	must(t, s.MigrateTo(ctx, 13))
	if v, err := s.SchemaVersion(ctx); err != nil || v != 13 {
		t.Fatalf("after the upgrade: SchemaVersion() = %d, %v; want 13", v, err)
	}
	q := "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('scores', 'inputs') AND name LIKE '%_unit_%' ORDER BY name"
	if storetest.Postgres() {
		q = "SELECT indexname FROM pg_indexes WHERE tablename IN ('scores', 'inputs') AND indexname LIKE '%_unit_%' AND indexname NOT LIKE '%_key' ORDER BY indexname"
	}
	var indexes []string
	must(t, s.Gorm().Raw(q).Scan(&indexes).Error)
	if want := []string{"inputs_unit_values", "scores_unit_points"}; !slices.Equal(indexes, want) {
		t.Errorf("indexes after the upgrade: %v, want %v", indexes, want)
	}
	after, err := s.UnitData(ctx, "2025", "SO")
	must(t, err)
	if !unitDataEqual(before, after) {
		t.Errorf("the units' data after the upgrade differs:\n%v\n%v", before, after)
	}
	if got := finalPoints(after[1], "A"); after[1].Code != "S2" || got.String() != "60.5" {
		t.Errorf("S2's points after the upgrade: %s %s", after[1].Code, got)
	}
	if s.Dialect() == store.DialectSQLite {
		rows, err := s.Gorm().Raw("EXPLAIN QUERY PLAN "+store.UnitDataSQL, sql.Named("period", "2025"), sql.Named("group", "SO")).Rows()
		must(t, err)
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			must(t, rows.Scan(&id, &parent, &notused, &detail))
			plan = append(plan, detail)
		}
		must(t, rows.Close())
		joined := strings.Join(plan, "\n")
		for _, want := range []string{"COVERING INDEX scores_unit_points", "COVERING INDEX inputs_unit_values"} {
			if !strings.Contains(joined, want) {
				t.Errorf("the read of the units' data does not use %s:\n%s", want, joined)
			}
		}
	}
}
