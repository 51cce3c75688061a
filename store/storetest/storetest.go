// Package storetest gives tests an isolated, migrated parindex database:
// SQLite in the test's temporary directory, or, when the environment
// variable PARINDEX_TEST_DATABASE_URL holds a PostgreSQL URL, a brand-new
// database on that server, dropped when the test ends.
//
// When the PostgreSQL server does not answer, tests are skipped, except
// under CI=true, where they fail: a CI run must never pass by skipping.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", to create and drop databases

	"github.com/parindex/parindex/store"
)

// EnvURL names the environment variable that selects PostgreSQL.
const EnvURL = "PARINDEX_TEST_DATABASE_URL"

// Open returns a store on a fresh database migrated to the latest version,
// closed (and on PostgreSQL dropped) when the test ends.
func Open(t testing.TB) *store.Store {
	t.Helper()
	return OpenWith(t, store.Options{})
}

// OpenWith is Open with options, say a fixed clock. A nil Logger sends the
// store's warnings to the test log.
func OpenWith(t testing.TB, opts store.Options) *store.Store {
	t.Helper()
	s := open(t, URL(t), opts)
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("storetest: %v", err)
	}
	return s
}

// OpenAt returns a store on a fresh database migrated only up to version,
// for upgrade tests.
func OpenAt(t testing.TB, version int64) *store.Store {
	t.Helper()
	s := open(t, URL(t), store.Options{})
	if err := s.MigrateTo(context.Background(), version); err != nil {
		t.Fatalf("storetest: %v", err)
	}
	return s
}

// URL returns the --db value of a fresh, empty database (not migrated) that
// lives as long as the test: an SQLite file in t.TempDir(), or a new
// PostgreSQL database. Tests that run the command line use it.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		return filepath.Join(t.TempDir(), "parindex.db")
	}
	if !store.IsPostgresURL(base) {
		t.Fatalf("storetest: %s=%q is not a postgres:// URL", EnvURL, base)
	}
	return createDatabase(t, base)
}

// OpenURL opens a store on a database of URL(t), say after the command line
// has worked on it, without migrating it; it is closed when the test ends.
func OpenURL(t testing.TB, dbURL string) *store.Store {
	t.Helper()
	return open(t, dbURL, store.Options{})
}

// DefaultPostgres is the PostgreSQL server of CI and of the README.
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// UsePostgres makes a test that is about PostgreSQL run on it in both
// suites: on the SQLite run it takes DefaultPostgres (and, as every
// PostgreSQL test, skips when no server answers, except under CI=true,
// where it fails).
func UsePostgres(t testing.TB) {
	t.Helper()
	if !Postgres() {
		t.Setenv(EnvURL, DefaultPostgres)
	}
}

// Postgres reports whether the tests run on PostgreSQL.
func Postgres() bool { return os.Getenv(EnvURL) != "" }

func open(t testing.TB, dbURL string, opts store.Options) *store.Store {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = testLogger(t)
	}
	s, err := store.Open(context.Background(), dbURL, opts)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("storetest: %v", err)
		}
	})
	return s
}

// testLogger sends the store's warnings to the test log, and drops the
// migrations' progress messages.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// createDatabase creates a database with a unique name on the server of
// base, connecting to the maintenance database base names, and drops it when
// the test ends. It returns base with the new database's name.
func createDatabase(t testing.TB, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: %s: %v", EnvURL, err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		unavailable(t, fmt.Sprintf("PostgreSQL at %s does not answer: %v", u.Redacted(), err))
	}
	name := "parindex_test_" + randomHex(8)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatalf("storetest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		// Registered before the store's Close, so it runs after it; FORCE
		// ends any connection a test left behind.
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("storetest: drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// unavailable skips the test, or fails it under CI=true.
func unavailable(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("storetest: %s (CI=true: not skipping)", msg)
	}
	t.Skipf("storetest: %s", msg)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
