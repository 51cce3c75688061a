package store_test

import (
	"fmt"

	"testing"

	"github.com/parindex/parindex/store/storetest"
)

// TestMigrateCheapWhenCurrentStillUpgrades: the one-query check that lets
// Migrate return at once on a current schema still sends every other state
// of the version table to goose, as before.
func TestMigrateCheapWhenCurrentStillUpgrades(t *testing.T) {
	latest := latestVersion(t)

	t.Run("one step behind is migrated", func(t *testing.T) {
		s := storetest.OpenAt(t, latest-1)
		must(t, s.Migrate(t.Context()))
		if v, err := s.SchemaVersion(t.Context()); err != nil || v != latest {
			t.Fatalf("after Migrate: version %d, %v; want %d", v, err, latest)
		}
		if n := count(t, s, fmt.Sprintf("goose_db_version WHERE version_id = %d", latest)); n != 1 {
			t.Errorf("the last step is recorded %d times, want once", n)
		}
	})

	t.Run("a step missing below the latest is refused", func(t *testing.T) {
		s := storetest.Open(t)
		must(t, s.Gorm().Exec("DELETE FROM goose_db_version WHERE version_id = 2").Error)
		if err := s.Migrate(t.Context()); err == nil {
			t.Error("Migrate accepted a database that misses step 2")
		}
	})

	t.Run("a step this binary does not know is not taken for current", func(t *testing.T) {
		s := storetest.Open(t)
		must(t, s.Gorm().Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, ?)", latest+1000, true).Error)
		// goose accepts a database ahead of the binary and applies nothing.
		must(t, s.Migrate(t.Context()))
		if v, err := s.SchemaVersion(t.Context()); err != nil || v != latest+1000 {
			t.Errorf("version %d, %v; want %d left alone", v, err, latest+1000)
		}
	})

	t.Run("a current schema is left alone", func(t *testing.T) {
		s := storetest.Open(t)
		before := count(t, s, "goose_db_version")
		must(t, s.Migrate(t.Context()))
		if n := count(t, s, "goose_db_version"); n != before {
			t.Errorf("version table: %d rows after Migrate, %d before", n, before)
		}
	})
}
