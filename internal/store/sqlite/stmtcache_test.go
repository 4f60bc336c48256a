package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"testing"
)

// openCaching opens a one-connection pool on a new file through the caching
// connector, with a table t of ids 1 to 3.
func openCaching(t *testing.T) *sql.DB {
	t.Helper()
	c, err := newCachingConnector("file:" + url.PathEscape(filepath.Join(t.TempDir(), "c.db")) + "?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)`); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		if _, err := db.Exec(`INSERT INTO t (id, name) VALUES (?, ?)`, i, fmt.Sprint("n", i)); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// cached is how many statements the pool's connection keeps.
func cached(t *testing.T, db *sql.DB) int {
	t.Helper()
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	n := -1
	conn.Raw(func(c any) error { n = len(c.(*cachingConn).stmts); return nil })
	return n
}

func name(t *testing.T, q interface {
	QueryRow(string, ...any) *sql.Row
}, id int) string {
	t.Helper()
	var s string
	if err := q.QueryRow(`SELECT name FROM t WHERE id = ?`, id).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStmtCacheReusesStatements(t *testing.T) {
	db := openCaching(t)
	before := cached(t, db)
	for i := 1; i <= 3; i++ {
		if got := name(t, db, i); got != fmt.Sprint("n", i) {
			t.Fatalf("id %d: %q", i, got)
		}
	}
	if after := cached(t, db); after != before+1 {
		t.Fatalf("kept %d statements after one query run three times, %d before", after, before)
	}
}

// A statement whose rows are open runs again unprepared, with its own
// arguments, and the loop over the first rows goes on undisturbed.
func TestStmtCacheNestedUseOfOneStatement(t *testing.T) {
	db := openCaching(t)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	const q = `SELECT id, name FROM t WHERE id >= ? ORDER BY id`
	rows, err := tx.Query(q, 1)
	if err != nil {
		t.Fatal(err)
	}
	var outer []string
	for rows.Next() {
		var id int
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		var innerID int
		var inner string
		if err := tx.QueryRow(q, 3).Scan(&innerID, &inner); err != nil || inner != "n3" {
			t.Fatalf("inner query: %q, %v", inner, err)
		}
		outer = append(outer, n)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(outer) != "[n1 n2 n3]" {
		t.Fatalf("outer rows: %v", outer)
	}
	if got := name(t, tx, 2); got != "n2" {
		t.Fatalf("after the loop: %q", got)
	}
}

func TestStmtCacheErrors(t *testing.T) {
	db := openCaching(t)
	if _, err := db.Exec(`SELEC nonsense`); err == nil {
		t.Fatal("a syntax error ran")
	}
	const insert = `INSERT INTO t (id, name) VALUES (?, ?)`
	if _, err := db.Exec(insert, 4, "n1"); err == nil {
		t.Fatal("a duplicate name was inserted")
	}
	if _, err := db.Exec(insert, 4, "n4"); err != nil {
		t.Fatalf("the statement after its failure: %v", err)
	}
	if got := name(t, db, 4); got != "n4" {
		t.Fatalf("inserted row: %q", got)
	}
}

func TestStmtCacheFollowsSchemaChanges(t *testing.T) {
	db := openCaching(t)
	const q = `SELECT * FROM t WHERE id = 1`
	cols := func() []string {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		c, _ := rows.Columns()
		return c
	}
	if c := cols(); len(c) != 2 {
		t.Fatalf("columns: %v", c)
	}
	if _, err := db.Exec(`ALTER TABLE t ADD COLUMN extra TEXT`); err != nil {
		t.Fatal(err)
	}
	if c := cols(); len(c) != 3 {
		t.Fatalf("columns after ALTER TABLE: %v", c)
	}
}

func TestStmtCacheIsBounded(t *testing.T) {
	db := openCaching(t)
	for i := range stmtCacheSize + 10 {
		var n int
		if err := db.QueryRow(fmt.Sprintf(`SELECT count(*) + %d FROM t`, i)).Scan(&n); err != nil || n != 3+i {
			t.Fatalf("query %d: %d, %v", i, n, err)
		}
	}
	if n := cached(t, db); n != stmtCacheSize {
		t.Fatalf("kept %d statements, want %d", n, stmtCacheSize)
	}
}
