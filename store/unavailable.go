package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"regexp"
	"strings"
	"sync"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"github.com/parindex/parindex/domain"
)

// Transient loss of the database. When PostgreSQL's connections are
// terminated (a restart, a failover, pg_terminate_backend), every pooled
// connection fails once: under load, 30 of 1,795 reads and 15 of 216 writes
// answered 500 before recovery. Here
//
//   - a read outside a transaction (a SELECT) that fails because its
//     connection was lost is run again, on a fresh connection; so is a
//     BEGIN, which had not started anything. Again means up to twice: a
//     connection checked out when the others were dropped may come back to
//     the pool dead, and be handed to the retry;
//   - the idle connections are dropped at each loss, so that the retry and
//     the next requests do not pick another dead one;
//   - any other failure from a lost connection (a write, a statement inside
//     a transaction) is an error of kind domain.ErrUnavailable, which the web
//     answers with 503 and a message saying nothing was saved, instead of a
//     bare 500. A transaction that failed was rolled back by PostgreSQL.

// unavailableError marks an error caused by a lost or refused connection.
type unavailableError struct{ err error }

func (e *unavailableError) Error() string { return "database unavailable: " + e.err.Error() }

// Unwrap gives both the kind and the cause to errors.Is and errors.As.
func (e *unavailableError) Unwrap() []error { return []error{domain.ErrUnavailable, e.err} }

// unavailable wraps a connection-loss error in the domain kind (once).
func unavailable(err error) error {
	if err == nil || errors.Is(err, domain.ErrUnavailable) || !connectionLost(err) {
		return err
	}
	return &unavailableError{err: err}
}

// connectionLost reports whether err means the connection to the database
// was lost or refused, as opposed to a statement the database refused.
func connectionLost(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P01-57P03: the server is
		// shutting down, crashed or is starting.
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	var netErr net.Error
	var connectErr *pgconn.ConnectError
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE) || errors.As(err, &netErr) || errors.As(err, &connectErr) ||
		pgconn.SafeToRetry(err) || strings.Contains(err.Error(), "conn closed")
}

// pgDialector is gorm's PostgreSQL dialector whose error translation also
// marks lost connections (gorm passes every statement's, BEGIN's and
// COMMIT's error through Translate when TranslateError is set).
type pgDialector struct {
	*postgres.Dialector
}

// Translate marks connection losses, then translates as the driver does.
func (d pgDialector) Translate(err error) error {
	if connectionLost(err) {
		return unavailable(err)
	}
	return d.Dialector.Translate(err)
}

// retryPool is the connection pool gorm uses on PostgreSQL: database/sql's
// pool, with reads and BEGIN run once more after a lost connection.
type retryPool struct {
	db   *sql.DB
	idle int // the pool's usual number of idle connections

	mu sync.Mutex // serialises flushes
}

// flush closes the idle connections: when one was lost, the others most
// likely were too (a restart terminates them all).
func (p *retryPool) flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.db.SetMaxIdleConns(0)
	p.db.SetMaxIdleConns(p.idle)
}

// readQuery matches a statement that only reads: a SELECT, or a WITH that
// does not modify data.
var (
	readQuery  = regexp.MustCompile(`(?is)^\s*(SELECT|WITH)\b`)
	writeWords = regexp.MustCompile(`(?i)\b(INSERT|UPDATE|DELETE|MERGE|FOR\s+UPDATE|FOR\s+SHARE|NEXTVAL|SETVAL)\b`)
)

func isRead(query string) bool { return readQuery.MatchString(query) && !writeWords.MatchString(query) }

// again reports whether a failed statement is worth running once more, and
// drops the idle connections when the failure was a lost one.
// Callers test err != nil first, so that a statement that went well is
// not classified (isRead) at all.
func (p *retryPool) again(ctx context.Context, err error, retryable bool) bool {
	if err == nil || !connectionLost(err) {
		return false
	}
	p.flush()
	return retryable && ctx.Err() == nil
}

// retries is how many times a read or a BEGIN is sent again after lost
// connections.
const retries = 2

// QueryContext runs a query; a read is run again after a lost connection.
func (p *retryPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := p.db.QueryContext(ctx, query, args...)
	for i := 0; i < retries && err != nil && p.again(ctx, err, isRead(query)); i++ {
		rows, err = p.db.QueryContext(ctx, query, args...)
	}
	return rows, err
}

// QueryRowContext runs a query for one row; a read is run again after a
// lost connection (Row.Err tells the failure without consuming the row).
func (p *retryPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	row := p.db.QueryRowContext(ctx, query, args...)
	for i := 0; i < retries && row.Err() != nil && p.again(ctx, row.Err(), isRead(query)); i++ {
		row = p.db.QueryRowContext(ctx, query, args...)
	}
	return row
}

// ExecContext runs a statement that writes: never run twice, since the
// first may have been applied before the connection was lost.
func (p *retryPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := p.db.ExecContext(ctx, query, args...)
	p.again(ctx, err, false)
	return res, err
}

// PrepareContext prepares a statement.
func (p *retryPool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	st, err := p.db.PrepareContext(ctx, query)
	for i := 0; i < retries && p.again(ctx, err, true); i++ {
		st, err = p.db.PrepareContext(ctx, query)
	}
	return st, err
}

// BeginTx starts a transaction; a BEGIN that failed on a lost connection
// started nothing and is sent again.
func (p *retryPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
	tx, err := p.db.BeginTx(ctx, opts)
	for i := 0; i < retries && p.again(ctx, err, true); i++ {
		tx, err = p.db.BeginTx(ctx, opts)
	}
	return tx, err
}

// GetDBConn gives gorm's DB() the underlying pool.
func (p *retryPool) GetDBConn() (*sql.DB, error) { return p.db, nil }

// Ping checks that the database answers (gorm.Open calls it).
func (p *retryPool) Ping() error { return p.db.Ping() }

var _ gorm.ConnPool = (*retryPool)(nil)
