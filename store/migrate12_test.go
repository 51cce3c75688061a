package store_test

import (
	"slices"
	"testing"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
)

// TestUpgradeTo12 fills a database of version 11 with points and their
// change log, migrates to version 12 (the change logs' indexes by period
// and id) and checks that the logs are kept, the indexes exist, and that
// the results stamp taken before the upgrade still tells which units
// changed after it.
func TestUpgradeTo12(t *testing.T) {
	dbURL, s, score := upgradeFixture(t, 11, "")
	ctx := t.Context()
	_, err := s.RecordScores(ctx, []domain.Score{score("S1", "50"), score("S2", "60")}, "an", "import")
	must(t, err)
	before, err := s.ResultsStamp(ctx, "2025", "SO")
	must(t, err)
	logged := count(t, s, "score_changes")

	s = storetest.OpenURL(t, dbURL)
	must(t, s.MigrateTo(ctx, 12))
	if v, err := s.SchemaVersion(ctx); err != nil || v != 12 {
		t.Fatalf("after the upgrade: SchemaVersion() = %d, %v; want 12", v, err)
	}
	if n := count(t, s, "score_changes"); n != logged {
		t.Errorf("%d score changes after the upgrade, want %d", n, logged)
	}
	q := "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%_changes_period_id' ORDER BY name"
	if storetest.Postgres() {
		q = "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_changes_period_id' ORDER BY indexname"
	}
	var indexes []string
	must(t, s.Gorm().Raw(q).Scan(&indexes).Error)
	if want := []string{"input_changes_period_id", "score_changes_period_id"}; !slices.Equal(indexes, want) {
		t.Errorf("indexes after the upgrade: %v, want %v", indexes, want)
	}
	_, err = s.RecordScores(ctx, []domain.Score{score("S2", "70")}, "an", "sửa")
	must(t, err)
	after, err := s.ResultsStamp(ctx, "2025", "SO")
	must(t, err)
	units, ok, err := s.ChangedUnits(ctx, "2025", "SO", before, after)
	must(t, err)
	if !ok || !slices.Equal(units, []string{"S2"}) {
		t.Errorf("changed since the stamp of version 11: %v (%v), want [S2]", units, ok)
	}
}

// upgradeFixture opens a fresh database at version with the seed units and
// a criteria set for SO of the manual item A and the given more items, and
// returns its URL, the store and a final score of A for a unit.
func upgradeFixture(t *testing.T, version int64, items string) (string, *store.Store, func(unit, points string) domain.Score) {
	t.Helper()
	dbURL := storetest.URL(t)
	s := storetest.OpenURL(t, dbURL)
	must(t, s.MigrateTo(t.Context(), version))
	seed(t, s)
	set := []byte(`period: "2025"
group: SO
name: Bộ chỉ số
items:
  - {code: A, name: Tiêu chí, max: 100, method: manual}
` + items)
	_, err := s.SaveFramework(t.Context(), parseSet(t, set), set, false)
	must(t, err)
	return dbURL, s, func(unit, points string) domain.Score {
		return domain.Score{Period: "2025", Unit: unit, Item: "A", Stage: scoring.StageFinal, Value: pts(t, points)}
	}
}
