package storetest_test

import (
	"context"
	"log/slog"
	"os"
	"testing"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
)

func TestOpenIsIsolated(t *testing.T) {
	a, b := storetest.Open(t), storetest.Open(t)
	if err := a.UpsertGroups(t.Context(), []domain.Group{{Code: "SO", Name: "Sở"}}); err != nil {
		t.Fatal(err)
	}
	groups, err := b.Groups(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 0 {
		t.Errorf("a write to one store shows in another: %v", groups)
	}
	for _, s := range []*store.Store{a, b} {
		latest, err := s.LatestSchemaVersion()
		if err != nil {
			t.Fatal(err)
		}
		if v, err := s.SchemaVersion(t.Context()); err != nil || v != latest {
			t.Errorf("SchemaVersion() = %d, %v; want the latest, %d", v, err, latest)
		}
	}
}

func TestOpenAt(t *testing.T) {
	s := storetest.OpenAt(t, 1)
	if v, err := s.SchemaVersion(t.Context()); err != nil || v != 1 {
		t.Errorf("SchemaVersion() = %d, %v; want 1", v, err)
	}
}

// TestCleanup checks that a test's database is gone once the test ends.
func TestCleanup(t *testing.T) {
	var dbURL string
	t.Run("user", func(t *testing.T) {
		dbURL = storetest.URL(t)
		if err := storetest.OpenURL(t, dbURL).Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
	})
	if !storetest.Postgres() {
		if _, err := os.Stat(dbURL); err == nil {
			t.Errorf("%s still exists", dbURL)
		}
		return
	}
	s, err := store.Open(context.Background(), dbURL, store.Options{Logger: slog.New(slog.DiscardHandler)})
	if err == nil {
		s.Close()
		t.Errorf("the database %s still exists", dbURL)
	}
}
