package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/parindex/parindex/domain"
)

// faultDriver is a database/sql driver whose connections fail the next n
// statements (or BEGINs) with PostgreSQL's "terminating connection due to
// administrator command" (57P01), as pg_terminate_backend makes them, and
// then answer. It records what reached it.
type faultDriver struct {
	mu    sync.Mutex
	fails int
	seen  []string
	conns int
}

func (d *faultDriver) Open(string) (driver.Conn, error) {
	d.mu.Lock()
	d.conns++
	d.mu.Unlock()
	return &faultConn{d: d}, nil
}

// next records a statement and reports the failure to return, if any.
func (d *faultDriver) next(what string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seen = append(d.seen, what)
	if d.fails > 0 {
		d.fails--
		return &pgconn.PgError{Severity: "FATAL", Code: "57P01", Message: "terminating connection due to administrator command"}
	}
	return nil
}

type faultConn struct {
	d      *faultDriver
	broken bool
}

func (c *faultConn) Prepare(string) (driver.Stmt, error) { return nil, errors.New("not supported") }
func (c *faultConn) Close() error                        { return nil }
func (c *faultConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// IsValid makes database/sql discard a connection that failed, as pgx's does.
func (c *faultConn) IsValid() bool { return !c.broken }

func (c *faultConn) fail(what string) error {
	err := c.d.next(what)
	if err != nil {
		c.broken = true
	}
	return err
}

func (c *faultConn) BeginTx(context.Context, driver.TxOptions) (driver.Tx, error) {
	if err := c.fail("BEGIN"); err != nil {
		return nil, err
	}
	return faultTx{}, nil
}

func (c *faultConn) QueryContext(_ context.Context, q string, _ []driver.NamedValue) (driver.Rows, error) {
	if err := c.fail(q); err != nil {
		return nil, err
	}
	return &oneRow{}, nil
}

func (c *faultConn) ExecContext(_ context.Context, q string, _ []driver.NamedValue) (driver.Result, error) {
	if err := c.fail(q); err != nil {
		return nil, err
	}
	return driver.RowsAffected(1), nil
}

type faultTx struct{}

func (faultTx) Commit() error   { return nil }
func (faultTx) Rollback() error { return nil }

// oneRow is a result of one row with the column n = 1.
type oneRow struct{ done bool }

func (r *oneRow) Columns() []string { return []string{"n"} }
func (r *oneRow) Close() error      { return nil }
func (r *oneRow) Next(dest []driver.Value) error {
	if r.done {
		return io.EOF
	}
	r.done, dest[0] = true, int64(1)
	return nil
}

type faultConnector struct{ d *faultDriver }

func (c faultConnector) Connect(context.Context) (driver.Conn, error) { return c.d.Open("") }
func (c faultConnector) Driver() driver.Driver                        { return c.d }

func newFaultPool(t *testing.T) (*retryPool, *faultDriver) {
	d := &faultDriver{}
	db := sql.OpenDB(faultConnector{d})
	t.Cleanup(func() { db.Close() })
	db.SetMaxIdleConns(4)
	return &retryPool{db: db, idle: 4}, d
}

// TestRetryPool: after a lost connection a read and a BEGIN are sent once
// more, on a fresh connection; a write is not, and its error is of kind
// domain.ErrUnavailable once translated.
func TestRetryPool(t *testing.T) {
	ctx := t.Context()
	p, d := newFaultPool(t)

	d.fails = 1
	var n int
	if err := p.QueryRowContext(ctx, "SELECT count(*) FROM units").Scan(&n); err != nil || n != 1 {
		t.Fatalf("a read after one lost connection: %d, %v", n, err)
	}
	rows, err := p.QueryContext(ctx, "  select 1")
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	rows.Close()

	d.fails = 1
	if _, err := p.BeginTx(ctx, nil); err != nil {
		t.Errorf("BEGIN after one lost connection: %v", err)
	}

	d.seen = nil
	d.fails = 1
	_, err = p.ExecContext(ctx, "INSERT INTO units (code) VALUES ('X')")
	if err == nil || len(d.seen) != 1 {
		t.Fatalf("a write after a lost connection: %v, sent %d times", err, len(d.seen))
	}
	if got := (pgDialector{}).Translate(err); !errors.Is(got, domain.ErrUnavailable) || !strings.Contains(got.Error(), "57P01") {
		t.Errorf("translated: %v, want domain.ErrUnavailable keeping the cause", got)
	}
	d.seen = nil
	d.fails = 1
	if _, err := p.QueryContext(ctx, "WITH x AS (DELETE FROM units RETURNING code) SELECT * FROM x"); err == nil || len(d.seen) != 1 {
		t.Errorf("a WITH that deletes was retried: %v, sent %d times", err, len(d.seen))
	}

	// Two losses in a row (another dead connection came back to the
	// pool): still read. Three: the read gives up with the error.
	d.fails = 2
	if err := p.QueryRowContext(ctx, "SELECT 1").Scan(&n); err != nil {
		t.Errorf("two lost connections: %v", err)
	}
	d.fails = 3
	err = p.QueryRowContext(ctx, "SELECT 1").Scan(&n)
	if !connectionLost(err) {
		t.Errorf("three lost connections: %v", err)
	}
	if err := wrap("read", err); !errors.Is(err, domain.ErrUnavailable) {
		t.Errorf("wrap: %v", err)
	}
}

func TestConnectionLost(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "57P01"}, true},
		{&pgconn.PgError{Code: "08006"}, true},
		{&pgconn.PgError{Code: "23505"}, false},
		{&pgconn.PgError{Code: "22021"}, false},
		{io.ErrUnexpectedEOF, true},
		{driver.ErrBadConn, true},
		{context.Canceled, false},
		{errors.New("syntax error"), false},
		{domain.ErrConflict, false},
	} {
		if got := connectionLost(tc.err); got != tc.want {
			t.Errorf("connectionLost(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
