package store

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// planned returns tx running its statements, on PostgreSQL, planned for
// their values at every run: the driver sends them unnamed instead of
// preparing them once per connection and keeping them.
//
// After a few runs of a kept statement the server may plan it once for
// any values (a generic plan) from what the table held then. Made while a
// table was empty, such a plan cannot tell one index from another and may
// keep a poor one for the connection's life. A statement whose every plan
// is right needs none of this (see pgPriorsSQL); one that cannot be
// written so, and runs once per batch rather than per row, is planned.
func (s *Store) planned(tx *gorm.DB) *gorm.DB {
	if s.dialect != DialectPostgres {
		return tx
	}
	ctx := tx.Statement.Context
	if ctx == nil {
		ctx = context.Background()
	}
	// A session with a context gets a statement of its own, whose pool can
	// be replaced without touching tx's.
	out := tx.Session(&gorm.Session{Context: ctx})
	out.Statement.ConnPool = execEachTime{out.Statement.ConnPool}
	return out
}

// execEachTime is a connection pool (or transaction) whose queries pgx
// sends in QueryExecModeExec: one round trip, planned with the values.
type execEachTime struct{ gorm.ConnPool }

func (p execEachTime) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return p.ConnPool.QueryContext(ctx, query, append([]any{pgx.QueryExecModeExec}, args...)...)
}

func (p execEachTime) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return p.ConnPool.QueryRowContext(ctx, query, append([]any{pgx.QueryExecModeExec}, args...)...)
}
