package sqlite

import (
	"container/list"
	"context"
	"database/sql/driver"

	"modernc.org/sqlite"
)

// stmtCacheSize bounds the statements kept prepared on one connection. Pay's
// and River's fixed statements number well under it; searches, whose SQL
// depends on their filters, take the rest in turn.
const stmtCacheSize = 256

// cachingConnector opens modernc.org/sqlite connections that keep the
// statements they run prepared. The driver parses a statement's SQL on every
// Exec and Query otherwise, which was the largest part of the CPU a
// payment's journey cost on SQLite, River's statements included: River runs
// its own SQL on the same pool, so no list of Pay's statements could cover it.
type cachingConnector struct {
	driver.Connector
}

func newCachingConnector(dsn string) (driver.Connector, error) {
	c, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return cachingConnector{c}, nil
}

func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &cachingConn{sqliteConn: conn.(sqliteConn), stmts: map[string]*list.Element{}, lru: list.New()}, nil
}

// sqliteConn is what database/sql uses of a modernc.org/sqlite connection.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// cachingConn runs Exec and Query through statements it keeps prepared,
// least recently used first out. database/sql never uses one connection from
// two goroutines at once, so it needs no lock. A statement whose rows are
// still open when its SQL runs again (a query inside a loop over its own
// results) runs unprepared instead, as it would without the cache.
type cachingConn struct {
	sqliteConn
	stmts map[string]*list.Element // SQL → element of lru holding its *cachedStmt
	lru   *list.List               // most recently used first
}

type cachedStmt struct {
	query string
	stmt  interface {
		driver.Stmt
		driver.StmtExecContext
		driver.StmtQueryContext
	}
	busy bool // its rows are open
}

// stmt returns the kept statement for query, preparing it on first use, or
// nil if it is busy.
func (c *cachingConn) stmt(ctx context.Context, query string) (*cachedStmt, error) {
	if e, ok := c.stmts[query]; ok {
		c.lru.MoveToFront(e)
		cs := e.Value.(*cachedStmt)
		if cs.busy {
			return nil, nil
		}
		return cs, nil
	}
	st, err := c.sqliteConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	cs := &cachedStmt{query: query, stmt: st.(interface {
		driver.Stmt
		driver.StmtExecContext
		driver.StmtQueryContext
	})}
	c.stmts[query] = c.lru.PushFront(cs)
	if c.lru.Len() > stmtCacheSize {
		c.evict()
	}
	return cs, nil
}

// evict closes the least recently used statement that is not busy.
func (c *cachingConn) evict() {
	for e := c.lru.Back(); e != nil; e = e.Prev() {
		if cs := e.Value.(*cachedStmt); !cs.busy {
			c.lru.Remove(e)
			delete(c.stmts, cs.query)
			cs.stmt.Close()
			return
		}
	}
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.sqliteConn.ExecContext(ctx, query, args)
	}
	return cs.stmt.ExecContext(ctx, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	rows, err := cs.stmt.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	cs.busy = true
	return &cachedRows{sqliteRows: rows.(sqliteRows), stmt: cs}, nil
}

// Close closes the kept statements, then the connection.
func (c *cachingConn) Close() error {
	for e := c.lru.Front(); e != nil; e = e.Next() {
		e.Value.(*cachedStmt).stmt.Close()
	}
	c.stmts, c.lru = nil, list.New()
	return c.sqliteConn.Close()
}

// sqliteRows is what database/sql uses of a modernc.org/sqlite result set.
type sqliteRows interface {
	driver.Rows
	driver.RowsColumnTypeDatabaseTypeName
	driver.RowsColumnTypeLength
	driver.RowsColumnTypeNullable
	driver.RowsColumnTypePrecisionScale
	driver.RowsColumnTypeScanType
}

// cachedRows frees its statement for the next use when closed.
type cachedRows struct {
	sqliteRows
	stmt *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.sqliteRows.Close()
	if r.stmt != nil {
		r.stmt.busy = false
		r.stmt = nil
	}
	return err
}
