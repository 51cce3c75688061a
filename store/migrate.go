package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrations holds the SQL migrations, one directory per dialect. A step
// that has landed is never edited; change the schema with a new step in
// both directories.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// versionTable is goose's table of applied migrations.
const versionTable = "goose_db_version"

// provider returns a goose provider for the store's dialect. goose runs
// each step in its own transaction. On PostgreSQL an advisory lock keeps
// two processes (say `serve` and `migrate`) from migrating at once; SQLite
// serialises them with its write lock.
func (s *Store) provider() (*goose.Provider, error) {
	dir, err := fs.Sub(migrations, "migrations/"+s.dialect)
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithSlog(s.log), goose.WithDisableGlobalRegistry(true)}
	if s.dialect == DialectPostgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, s.sqlDB, dir, opts...)
}

// Migrate brings the schema up to the latest version. Running it on an
// up-to-date database changes nothing and costs one query: every command
// checks the schema as it starts.
func (s *Store) Migrate(ctx context.Context) error {
	if s.schemaCurrent(ctx) {
		return nil
	}
	p, err := s.provider()
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// MigrateTo applies the pending migrations up to and including version; it
// never rolls back. It exists to build older databases for upgrade tests.
func (s *Store) MigrateTo(ctx context.Context, version int64) error {
	p, err := s.provider()
	if err != nil {
		return fmt.Errorf("store: migrate to %d: %w", version, err)
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return fmt.Errorf("store: migrate to %d: %w", version, err)
	}
	return nil
}

// SchemaVersion returns the version of the last migration applied, 0 for a
// database never migrated. It does not write to the database.
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	has, err := s.hasTable(ctx, versionTable)
	if err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	if !has {
		return 0, nil
	}
	p, err := s.provider()
	if err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	v, err := p.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return v, nil
}

// LatestSchemaVersion returns the version Migrate brings a database to.
func (s *Store) LatestSchemaVersion() (int64, error) {
	p, err := s.provider()
	if err != nil {
		return 0, fmt.Errorf("store: latest schema version: %w", err)
	}
	sources := p.ListSources()
	if len(sources) == 0 {
		return 0, nil
	}
	return sources[len(sources)-1].Version, nil
}

// schemaCurrent reports whether the version table records exactly the
// migration steps of this binary, in one query and without goose's lock:
// then goose's Up would apply nothing. Any doubt (no version table yet, a
// step missing or unknown, an error) answers false and leaves the decision
// to goose, which takes its lock and checks again.
func (s *Store) schemaCurrent(ctx context.Context) bool {
	want, err := migrationVersions(s.dialect)
	if err != nil {
		return false
	}
	rows, err := s.sqlDB.QueryContext(ctx, "SELECT version_id FROM "+versionTable+" WHERE version_id > 0 ORDER BY version_id")
	if err != nil {
		return false
	}
	defer rows.Close()
	var got []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return false
		}
		got = append(got, v)
	}
	return rows.Err() == nil && slices.Equal(got, want)
}

// migrationVersions lists the versions of a dialect's migration steps in
// increasing order, from their file names as goose reads them (the number
// before the first underscore).
func migrationVersions(dialect string) ([]int64, error) {
	entries, err := fs.ReadDir(migrations, "migrations/"+dialect)
	if err != nil {
		return nil, err
	}
	versions := make([]int64, 0, len(entries))
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("store: migration file %s: no version number", e.Name())
		}
		versions = append(versions, v)
	}
	slices.Sort(versions)
	return versions, nil
}

// hasTable reports whether the table exists (in PostgreSQL's current schema).
func (s *Store) hasTable(ctx context.Context, name string) (bool, error) {
	q := "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
	if s.dialect == DialectPostgres {
		q = "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?"
	}
	var n int64
	if err := s.db.WithContext(ctx).Raw(q, name).Scan(&n).Error; err != nil {
		return false, err
	}
	return n > 0, nil
}
