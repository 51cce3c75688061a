package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

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
// up-to-date database changes nothing.
func (s *Store) Migrate(ctx context.Context) error {
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
