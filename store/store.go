// Package store keeps parindex's data in a relational database through gorm:
// SQLite (pure Go, the embedded default) or PostgreSQL (production). It owns
// the row structs, the versioned migrations of both dialects and the
// repository methods the command line, the web server and the results
// service use.
//
// Errors of the kinds in package domain (not found, invalid, conflict) are
// returned as they are, so that their text can be shown to people; every
// other error is wrapped with a "store: <what>:" prefix.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// The dialects Store.Dialect reports.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// poolSize is the number of database connections kept open.
const poolSize = 16

// slowQuery is the duration above which gorm logs a query as slow.
const slowQuery = 500 * time.Millisecond

// Options configure a Store. The zero value is ready to use.
type Options struct {
	// Logger receives gorm's warnings (slow queries, errors) and the
	// migrations' progress; slog.Default() when nil.
	Logger *slog.Logger
	// Now is the clock for every timestamp the store writes; time.Now when nil.
	Now func() time.Time
}

// Store is a parindex database. It is safe for concurrent use.
type Store struct {
	db      *gorm.DB
	sqlDB   *sql.DB
	dialect string
	// writer is the survey writer's own connection on PostgreSQL (nil on
	// SQLite): see openWriterPool.
	writer *retryPool
	log    *slog.Logger
	clock  func() time.Time
	// batch is the number of rows per multi-row INSERT.
	batch int

	mu         sync.Mutex
	frameworks map[frameworkKey]*scoring.Framework
}

// IsPostgresURL reports whether a --db value selects PostgreSQL.
func IsPostgresURL(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// Open connects to the database named by url: a "postgres://" or
// "postgresql://" URL selects PostgreSQL, anything else is the path of an
// SQLite file, created when missing (its directory must exist). SQLite
// connections enforce foreign keys, use the WAL journal, wait up to 10 s on
// a locked database and begin write transactions immediately. Open does not
// migrate; call Migrate.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	s := &Store{log: opts.Logger, clock: opts.Now, frameworks: map[frameworkKey]*scoring.Framework{}}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	var dialector gorm.Dialector
	var pool *retryPool
	if IsPostgresURL(url) {
		s.dialect = DialectPostgres
		s.batch = 500 // 500 rows × ~13 columns, far below PostgreSQL's 65535 parameters
		cfg, err := pgx.ParseConfig(url)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres database: %w", err)
		}
		// No JIT compilation unless the URL asks for it (?jit=on): the
		// statements that cross its cost threshold are the packed reads of
		// a whole group, whose plans PostgreSQL overestimates, and
		// compiling them took 190 of the 370 ms the read of 2,000 units
		// took (issue 16; TestPostgresJIT).
		if _, set := cfg.RuntimeParams["jit"]; !set {
			cfg.RuntimeParams["jit"] = "off"
		}
		// The pool retries reads and BEGIN once after a lost connection;
		// the dialector marks other losses domain.ErrUnavailable (see
		// unavailable.go).
		pool = &retryPool{db: stdlib.OpenDB(*cfg), idle: poolSize}
		s.writer = openWriterPool(cfg)
		dialector = pgDialector{postgres.New(postgres.Config{Conn: pool}).(*postgres.Dialector)}
	} else {
		if url == "" {
			return nil, errors.New("store: open: the SQLite file path is empty")
		}
		s.dialect = DialectSQLite
		// The driver matches each bound parameter by scanning all of them,
		// so a statement costs O(parameters²): small batches are faster.
		s.batch = 25
		dialector = sqlite.Open(sqliteDSN(url))
	}
	db, err := gorm.Open(dialector, &gorm.Config{
		TranslateError:         true,
		NowFunc:                s.now,
		SkipDefaultTransaction: true,
		// Open pings once itself, below, once the pool is sized.
		DisableAutomaticPing: true,
		Logger: lazyLogger{logger.NewSlogLogger(s.log, logger.Config{
			LogLevel:                  logger.Warn,
			SlowThreshold:             slowQuery,
			IgnoreRecordNotFoundError: true,
			ParameterizedQueries:      true,
		}), logger.Warn},
	})
	if err != nil {
		if pool != nil {
			pool.db.Close()
			s.writer.db.Close()
		}
		return nil, fmt.Errorf("store: open %s database: %w", s.dialect, err)
	}
	if s.sqlDB, err = db.DB(); err != nil {
		return nil, fmt.Errorf("store: open %s database: %w", s.dialect, err)
	}
	s.db = db
	// database/sql keeps only 2 idle connections by default: under a load
	// of concurrent requests (public survey submissions) every other
	// request would open a new connection, which costs a process fork on
	// PostgreSQL. Keep a pool; on PostgreSQL also bound it, so that the
	// server's two cores are not shared by dozens of busy backends (waiting
	// requests queue cheaply in Go, and concurrent commits share a WAL
	// flush).
	s.sqlDB.SetMaxIdleConns(poolSize)
	if s.dialect == DialectPostgres {
		s.sqlDB.SetMaxOpenConns(poolSize)
	}
	if url == ":memory:" {
		// Every connection to ":memory:" is a database of its own.
		s.sqlDB.SetMaxOpenConns(1)
	}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// openWriterPool opens the connection the survey writer stores its batches
// on (pgInsertUnlessPriorsSQL), with plan_cache_mode=force_generic_plan.
// PostgreSQL otherwise plans that statement again for every batch: the
// plan it would cache estimates ten rows per array where a batch holds a
// few, so it never looks cheaper than planning, and planning (0.12 ms)
// cost more than running it (0.09 ms; issue 16). The cached plan looks
// priors up in the same index (TestSurveyWriterPlans). The other
// statements keep the main pool, where plans are made for the values.
// Connections open on first use; a second is there for a query that
// overlaps the writer's, the writer being one goroutine.
func openWriterPool(cfg *pgx.ConnConfig) *retryPool {
	cfg = cfg.Copy()
	cfg.RuntimeParams["plan_cache_mode"] = "force_generic_plan"
	p := &retryPool{db: stdlib.OpenDB(*cfg), idle: 1}
	p.db.SetMaxOpenConns(2)
	p.db.SetMaxIdleConns(1)
	return p
}

// sqliteDSN adds the connection settings to an SQLite file path. The driver
// runs each _pragma on every new connection. _txlock=immediate makes write
// transactions take the write lock at BEGIN, so that two writers wait for
// each other (busy_timeout) instead of failing when one upgrades a read lock.
// synchronous=FULL syncs the WAL at every commit, so that a commit the
// server has acknowledged (a survey response's 201) survives a power cut,
// not only a crash of the process; the cost is measured in
// docs/performance.md.
func sqliteDSN(path string) string {
	sep := "?"
	if strings.Contains(path, "?") { // a file: URI with parameters of its own
		sep = "&"
	}
	return path + sep + "_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)" +
		"&_pragma=synchronous(FULL)&_txlock=immediate"
}

// Close closes the database.
func (s *Store) Close() error {
	if s.writer != nil {
		s.writer.db.Close()
	}
	if err := s.sqlDB.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// Dialect returns "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping %s database: %w", s.dialect, err)
	}
	return nil
}

// now is the store's clock in UTC, to the microsecond both databases keep.
func (s *Store) now() time.Time { return s.clock().UTC().Truncate(time.Microsecond) }

// wrap prefixes an error with what the store was doing, leaving domain
// errors (whose text is meant for people) as they are.
func wrap(what string, err error) error {
	if err == nil || isDomain(err) {
		return err
	}
	// A lost connection that reached here without passing through gorm's
	// translation (Row().Scan) is still marked for a 503.
	return fmt.Errorf("store: %s: %w", what, unavailable(err))
}

func isDomain(err error) bool {
	return errors.Is(err, domain.ErrNotFound) || errors.Is(err, domain.ErrInvalid) ||
		errors.Is(err, domain.ErrConflict) || errors.Is(err, domain.ErrForbidden)
}

// transaction runs fn in one transaction of the store's database.
func (s *Store) transaction(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.db.WithContext(ctx).Transaction(fn)
}

// inBatches splits n items into ranges of at most size, calling fn on each.
func inBatches(n, size int, fn func(lo, hi int) error) error {
	for lo := 0; lo < n; lo += size {
		if err := fn(lo, min(lo+size, n)); err != nil {
			return err
		}
	}
	return nil
}
