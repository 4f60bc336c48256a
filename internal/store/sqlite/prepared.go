package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// prepared keeps the hot statements of one pool prepared. modernc's driver
// parses a statement's SQL on every call otherwise, a quarter of the CPU of
// creating a payment; database/sql prepares a kept statement once on each
// connection that runs it. Only the SQL is kept, never a result, so a
// revoked key or a changed setting reads as it is at once.
type prepared struct {
	db    *sql.DB
	stmts sync.Map // query → *sql.Stmt
}

// stmt returns query's statement, preparing it on first use.
func (p *prepared) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := p.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := p.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if old, loaded := p.stmts.LoadOrStore(query, st); loaded {
		st.Close() // another caller prepared it first
		return old.(*sql.Stmt), nil
	}
	return st, nil
}

// QueryRowContext runs a one-row query on the pool; a statement that cannot
// be prepared runs unprepared, so its error comes out of Scan as usual.
func (p *prepared) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := p.stmt(ctx, query)
	if err != nil {
		return p.db.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// close closes every kept statement.
func (p *prepared) close() {
	p.stmts.Range(func(_, st any) bool {
		st.(*sql.Stmt).Close()
		return true
	})
}

// prepareAll prepares queries now. The writer pool has one connection, which
// a transaction holds, so its statements must be prepared before any: a
// transaction cannot wait for the pool to prepare one.
func (p *prepared) prepareAll(ctx context.Context, queries []string) error {
	for _, q := range queries {
		if _, err := p.stmt(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// preparedTx runs the pool's kept statements inside one transaction; a
// statement not kept (see prepareAll) runs unprepared.
type preparedTx struct {
	tx *sql.Tx
	p  *prepared
}

// QueryRowContext runs a one-row query in the transaction.
func (t preparedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, ok := t.p.stmts.Load(query)
	if !ok {
		return t.tx.QueryRowContext(ctx, query, args...)
	}
	return t.tx.StmtContext(ctx, st.(*sql.Stmt)).QueryRowContext(ctx, args...)
}

// ExecContext runs a statement in the transaction.
func (t preparedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, ok := t.p.stmts.Load(query)
	if !ok {
		return t.tx.ExecContext(ctx, query, args...)
	}
	return t.tx.StmtContext(ctx, st.(*sql.Stmt)).ExecContext(ctx, args...)
}
