// Package sqlite is Pay's embedded store: SQLite through modernc.org/sqlite
// (pure Go), in WAL mode, with one writer connection shared by the app and
// River and a separate pool of read-only connections, so reads never queue
// behind writes.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"pay/internal/pay"
	"pay/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

var _ store.Store = (*Store)(nil)

// Store is the SQLite implementation of pay.Store.
type Store struct {
	write *sql.DB // exactly one connection: SQLite has one writer
	read  *sql.DB // read-only connections
	ckpt  *sql.DB // one connection, which copies the log into the database file
	jobs  *river.Client[*sql.Tx]
	stop  chan struct{} // closed by Close, to end the periodic optimize and checkpoint
	// Now is the store's clock; tests may replace it. A transaction reads it once.
	Now func() time.Time
}

// Open opens (creating if needed) the database file at path and runs the
// migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" || path == ":memory:" {
		return nil, errors.New("sqlite: a file path is required (the read pool needs a shared file)")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("sqlite: create %s: %w", dir, err)
		}
	}
	// Reads map the file rather than copy each page into every connection's
	// small cache: a search counting a large share of a million payments
	// spends half its CPU on those copies otherwise. SQLite caps the size
	// at its compile-time maximum.
	pragmas := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=mmap_size(2147418112)"
	// The writer leaves checkpoints, copying the log's pages into the
	// database file and syncing it, to a connection of their own (see
	// checkpoint) unless the log grows past 32 MB: done by the writer every
	// 1,000 pages, as by default, one commit in a few dozen paid for it,
	// which set the 95th and 99th percentiles of creating a payment.
	writer, err := newCachingConnector("file:" + url.PathEscape(path) +
		"?_txlock=immediate&_pragma=journal_mode(WAL)&_pragma=wal_autocheckpoint(8000)&" + pragmas)
	if err != nil {
		return nil, err
	}
	reader, err := newCachingConnector("file:" + url.PathEscape(path) + "?mode=ro&" + pragmas)
	if err != nil {
		return nil, err
	}
	write := sql.OpenDB(writer)
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	read := sql.OpenDB(reader)
	read.SetMaxOpenConns(max(4, runtime.NumCPU()))
	ckpt, err := sql.Open("sqlite", "file:"+url.PathEscape(path)+"?"+pragmas)
	if err != nil {
		return nil, err
	}
	ckpt.SetMaxOpenConns(1)
	s := &Store{write: write, read: read, ckpt: ckpt, stop: make(chan struct{}), Now: time.Now}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.optimize(ctx); err != nil {
		s.Close()
		return nil, err
	}
	// Statistics follow the data as it grows; a failure is retried at the
	// next tick.
	go s.every(time.Hour, func() { _ = s.optimize(context.Background()) })
	go s.every(checkpointInterval, s.checkpoint)
	if s.jobs, err = river.NewClient(riversqlite.New(write), &river.Config{}); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlite: river insert client: %w", err)
	}
	return s, nil
}

// DB returns the writer connection, for River's workers.
func (s *Store) DB() *sql.DB { return s.write }

func (s *Store) migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, s.write, fsys)
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	m, err := rivermigrate.New(riversqlite.New(s.write), nil)
	if err != nil {
		return fmt.Errorf("sqlite: river migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("sqlite: river migrate: %w", err)
	}
	return nil
}

// Ping checks both pools answer.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.write.PingContext(ctx); err != nil {
		return err
	}
	return s.read.PingContext(ctx)
}

// optimize refreshes the planner's statistics where they are missing or
// stale (tables that grew or shrank tenfold since they were analysed): without
// them SQLite picks the account's date index even for a reference search and
// walks every payment of the account. analysis_limit bounds the work on a big
// database to a sample of each index.
func (s *Store) optimize(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx, `PRAGMA analysis_limit = 1000`); err != nil {
		return fmt.Errorf("sqlite: analysis limit: %w", err)
	}
	if _, err := s.write.ExecContext(ctx, `PRAGMA optimize = 0x10002`); err != nil {
		return fmt.Errorf("sqlite: optimize: %w", err)
	}
	return nil
}

// every runs fn every d until Close.
func (s *Store) every(d time.Duration, fn func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			fn()
		}
	}
}

// checkpointInterval is how often the log is copied into the database file.
const checkpointInterval = 200 * time.Millisecond

// checkpoint copies the committed pages of the log into the database file,
// apart from the writer: a passive checkpoint waits for no one and takes
// only what no reader still needs, so commits and reads go on while it
// writes and syncs the file. A failure is retried at the next tick; past
// 8,000 pages the writer checkpoints itself.
func (s *Store) checkpoint() { _, _ = s.ckpt.Exec(`PRAGMA wal_checkpoint(PASSIVE)`) }

// Close closes the pools.
func (s *Store) Close() error {
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	return errors.Join(s.read.Close(), s.write.Close(), s.ckpt.Close())
}

func (s *Store) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// withTx runs fn in one immediate (write-locked) transaction.
func (s *Store) withTx(ctx context.Context, fn func(tx *sql.Tx, now time.Time) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	defer tx.Rollback()
	if err := fn(tx, s.now()); err != nil {
		return err
	}
	return translate(tx.Commit())
}

// Update runs fn in one immediate transaction: SQLite's single writer runs
// the domain's changes one at a time, so a payment read in one is locked.
func (s *Store) Update(ctx context.Context, fn func(pay.Tx) error) error {
	return s.withTx(ctx, func(t *sql.Tx, now time.Time) error {
		return fn(&tx{tx: t, jobs: s.jobs, now: now})
	})
}

// tx is the engine's pay.Tx: one write transaction and its time.
type tx struct {
	tx   *sql.Tx
	jobs *river.Client[*sql.Tx]
	now  time.Time
	// payments are the rows of the payments read or written in the
	// transaction (PaymentArgs), by id, so an update writes only changes.
	payments map[string][]any
}

var _ pay.Tx = (*tx)(nil)

func (t *tx) Now() time.Time { return t.now }

// JobInsert enqueues jobs in the transaction, so they exist exactly when it commits.
func (t *tx) JobInsert(ctx context.Context, jobs []pay.Job) error {
	if err := store.InsertJobs(ctx, t.jobs, t.tx, jobs); err != nil {
		return fmt.Errorf("sqlite: insert jobs: %w", err)
	}
	return nil
}

// readSnapshot runs fn in a read-only transaction, so every query in fn reads the
// same snapshot.
func (s *Store) readSnapshot(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

// countQuery is a query that counts a search's matches, and its arguments.
type countQuery struct {
	sql  string
	args []any
}

// searchPage reads one page of table's rows matching w, newest first, and
// how many match in all, from one snapshot. It counts only when the page
// does not tell the total (store.PageTotal), with count, or when count is
// nil with count(*) over w.
func searchPage[T any](ctx context.Context, s *Store, table, cols string, w *store.Where, count *countQuery, size, offset int,
	scan func(func(...any) error, store.Codec) (T, error)) (list []T, total int, err error) {
	if count == nil {
		count = &countQuery{`SELECT count(*) FROM ` + table + ` ` + w.String(), w.Args[:len(w.Args):len(w.Args)]}
	}
	err = s.readSnapshot(ctx, func(tx *sql.Tx) error {
		limit, off := w.Next(size), w.Next(offset)
		rows, err := tx.QueryContext(ctx, `SELECT `+cols+` FROM `+table+` `+w.String()+
			` ORDER BY created_at DESC, id DESC LIMIT `+limit+` OFFSET `+off, w.Args...)
		if list, err = collect(rows, err, withCodec(scan)); err != nil {
			return err
		}
		var ok bool
		if total, ok = store.PageTotal(len(list), size, offset); ok {
			return nil
		}
		return tx.QueryRowContext(ctx, count.sql, count.args...).Scan(&total)
	})
	return list, total, err
}

// withCodec adapts a store scanner to this engine's codec.
func withCodec[T any](scan func(func(...any) error, store.Codec) (T, error)) func(func(...any) error) (T, error) {
	return func(f func(...any) error) (T, error) { return scan(f, sc) }
}

// collect scans every row with scan and closes rows.
func collect[T any](rows *sql.Rows, err error, scan func(func(...any) error) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return store.Collect(rows, scan)
}

// translate turns driver errors into domain errors by code, never by text.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var serr *sqlite.Error
	if errors.As(err, &serr) {
		switch serr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &pay.Error{Kind: pay.KindConflict, Message: "already exists", Err: err}
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return &pay.Error{Kind: pay.KindNotFound, Message: "referenced row not found", Err: err}
		}
	}
	return err
}

// notFound maps sql.ErrNoRows to a domain not-found error naming what.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return pay.ErrNotFound(what)
	}
	return translate(err)
}

// timeLayout is fixed-width, so stored times sort as text.
const timeLayout = "2006-01-02T15:04:05.000000Z"

type codec struct{}

var _ store.SubstringIndex = codec{}

// Contains narrows a substring search to the candidates of the trigram
// table payments_text (migration 00011), whose LIKE ignores case.
func (codec) Contains(prefix, col string) string {
	return prefix + "rowid IN (SELECT rowid FROM payments_text WHERE " + col + " LIKE ?)"
}

func (codec) Time(t *time.Time) any      { return timeScanner{t: t} }
func (codec) NullTime(t **time.Time) any { return nullTimeScanner{t: t} }
func (codec) TimeArg(t time.Time) any    { return t.UTC().Format(timeLayout) }
func (codec) NullTimeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Format(timeLayout)
}
func (codec) Placeholder(int) string { return "?" }

var sc codec

type timeScanner struct{ t *time.Time }

func (s timeScanner) Scan(v any) error {
	str, ok := v.(string)
	if !ok {
		return fmt.Errorf("sqlite: time column holds %T", v)
	}
	t, err := time.Parse(timeLayout, str)
	if err != nil {
		return err
	}
	*s.t = t
	return nil
}

type nullTimeScanner struct{ t **time.Time }

func (s nullTimeScanner) Scan(v any) error {
	if v == nil {
		*s.t = nil
		return nil
	}
	var t time.Time
	if err := (timeScanner{&t}).Scan(v); err != nil {
		return err
	}
	*s.t = &t
	return nil
}

var _ store.Codec = codec{}

// Codec returns how this engine writes arguments and placeholders, for tools
// that run Pay's own SQL directly (the load tool's anchor).
func Codec() store.Codec { return sc }
