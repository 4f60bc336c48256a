// Package postgres is Pay's PostgreSQL store: pgx through one pgxpool shared
// by the app and River. Changes to one row are serialised with row locks
// (SELECT … FOR UPDATE), so several Pay instances may share one database.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"pay/internal/pay"
	"pay/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

var _ store.Store = (*Store)(nil)

// Store is the PostgreSQL implementation of pay.Store.
type Store struct {
	pool *pgxpool.Pool
	jobs *river.Client[pgx.Tx]
	// Now is the store's clock; tests may replace it. A transaction reads it once.
	Now func() time.Time
}

// migrationLock is the advisory lock key held while migrating ("paymigr").
const migrationLock int64 = 0x7061796d69677200

// SQLSTATE codes the store translates into domain errors.
const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
)

// Open connects to the database at url (a postgres:// URL or a key=value
// connection string), runs Pay's and River's migrations under an advisory
// lock, so instances starting together migrate one at a time, and prepares
// an insert-only River client. It returns an error if the URL is invalid,
// the database cannot be reached or a migration fails.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	// No parallel workers, unless the URL asks for them: PostgreSQL's
	// parallel index scan over a list of values (a search by state is one
	// over eleven statuses) ran 5–10 times slower than the same scan in one
	// process at a million payments, and requests run side by side anyway.
	if _, set := cfg.ConnConfig.RuntimeParams["max_parallel_workers_per_gather"]; !set {
		cfg.ConnConfig.RuntimeParams["max_parallel_workers_per_gather"] = "0"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s := &Store{pool: pool, Now: time.Now}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	if s.jobs, err = river.NewClient(riverpgxv5.New(pool), &river.Config{}); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: river insert client: %w", err)
	}
	return s, nil
}

// Pool returns the connection pool, for River's workers.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// Close closes the pool, waiting for connections in use to be returned. It
// always returns nil.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

func (s *Store) migrate(ctx context.Context) (err error) {
	unlock, err := s.lockMigrations(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, unlock()) }()
	if err := s.migrateSchema(ctx); err != nil {
		return err
	}
	return s.migrateRiver(ctx)
}

// lockMigrations takes the migration lock on a connection of its own, outside
// the pool, so the migrations can use the pool's connections meanwhile.
func (s *Store) lockMigrations(ctx context.Context) (unlock func() error, err error) {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("postgres: take migration lock: %w", err)
	}
	return func() error {
		// Unlock even when ctx is done; closing the session would release the
		// lock anyway, so a failed unlock cannot leave it held.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_, err := conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, migrationLock)
		if err != nil {
			err = fmt.Errorf("postgres: release migration lock: %w", err)
		}
		return errors.Join(err, conn.Close(ctx))
	}, nil
}

func (s *Store) migrateSchema(ctx context.Context) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	db := stdlib.OpenDBFromPool(s.pool)
	defer db.Close() // closes the adapter only, not the pool
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys)
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	return nil
}

func (s *Store) migrateRiver(ctx context.Context) error {
	m, err := rivermigrate.New(riverpgxv5.New(s.pool), nil)
	if err != nil {
		return fmt.Errorf("postgres: river migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("postgres: river migrate: %w", err)
	}
	return nil
}

func (s *Store) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// withTx runs fn in one read-committed transaction and commits it if fn
// succeeds. Writers that must see the latest row lock it with FOR UPDATE.
func (s *Store) withTx(ctx context.Context, fn func(tx pgx.Tx, now time.Time) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if err := fn(tx, s.now()); err != nil {
		return err
	}
	return translate(tx.Commit(ctx))
}

// readTx runs fn in a read-only repeatable-read transaction, so every query
// in fn reads the same snapshot.
func (s *Store) readTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// Update runs fn in one read-committed transaction. The domain's changes
// lock the rows they change (tx.PaymentLock), so changes of one payment on
// any number of instances run one after another.
func (s *Store) Update(ctx context.Context, fn func(pay.Tx) error) error {
	return s.withTx(ctx, func(t pgx.Tx, now time.Time) error {
		return fn(&tx{tx: t, jobs: s.jobs, now: now})
	})
}

// tx is the engine's pay.Tx: one transaction and its time.
type tx struct {
	tx   pgx.Tx
	jobs *river.Client[pgx.Tx]
	now  time.Time
}

var _ pay.Tx = (*tx)(nil)

func (t *tx) Now() time.Time { return t.now }

// JobInsert enqueues jobs in the transaction, so they exist exactly when it commits.
func (t *tx) JobInsert(ctx context.Context, jobs []pay.Job) error {
	if err := store.InsertJobs(ctx, t.jobs, t.tx, jobs); err != nil {
		return fmt.Errorf("postgres: insert jobs: %w", err)
	}
	return nil
}

// collect scans every row with scan. No rows is a nil slice, as in the
// SQLite engine.
func collect[T any](rows pgx.Rows, err error, scan func(func(...any) error) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return store.Collect(rows, scan)
}

// searchPage reads one page of table's rows matching w, newest first, and
// how many match in all, from one snapshot. It counts only when the page
// does not tell the total (store.PageTotal).
func searchPage[T any](ctx context.Context, s *Store, table, cols string, w *store.Where, size, offset int,
	scan func(func(...any) error, store.Codec) (T, error)) (list []T, total int, err error) {
	err = s.readTx(ctx, func(tx pgx.Tx) error {
		args := w.Args[:len(w.Args):len(w.Args)]
		limit, off := w.Next(size), w.Next(offset)
		rows, err := tx.Query(ctx, `SELECT `+cols+` FROM `+table+` `+w.String()+
			` ORDER BY created_at DESC, id DESC LIMIT `+limit+` OFFSET `+off, custom(w.Args)...)
		if list, err = collect(rows, err, withCodec(scan)); err != nil {
			return err
		}
		var ok bool
		if total, ok = store.PageTotal(len(list), size, offset); ok {
			return nil
		}
		return tx.QueryRow(ctx, `SELECT count(*) FROM `+table+` `+w.String(), custom(args)...).Scan(&total)
	})
	return list, total, err
}

// withCodec adapts a store scanner to this engine's codec.
func withCodec[T any](scan func(func(...any) error, store.Codec) (T, error)) func(func(...any) error) (T, error) {
	return func(f func(...any) error) (T, error) { return scan(f, pc) }
}

// affectedOne turns "no row changed" into not found.
func affectedOne(tag pgconn.CommandTag, err error, what string) error {
	if err != nil {
		return translate(err)
	}
	if tag.RowsAffected() == 0 {
		return pay.ErrNotFound(what)
	}
	return nil
}

// translate turns driver errors into domain errors by SQLSTATE, never by
// text. Other errors pass through unchanged.
func translate(err error) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return err
	}
	switch pgErr.Code {
	case uniqueViolation:
		return &pay.Error{Kind: pay.KindConflict, Message: "already exists", Err: err}
	case foreignKeyViolation:
		return &pay.Error{Kind: pay.KindNotFound, Message: "referenced row not found", Err: err}
	}
	return err
}

// notFound maps pgx.ErrNoRows to a domain not-found error naming what.
func notFound(err error, what string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return pay.ErrNotFound(what)
	}
	return translate(err)
}

// codec passes times to pgx as time.Time (timestamptz) and reads them back in UTC.
type codec struct{}

func (codec) Time(t *time.Time) any      { return timeDest{t: t} }
func (codec) NullTime(t **time.Time) any { return nullTimeDest{t: t} }
func (codec) TimeArg(t time.Time) any    { return t }
func (codec) NullTimeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}
func (codec) Placeholder(n int) string { return "$" + strconv.Itoa(n) }

var pc codec

var _ store.Codec = codec{}

// timeDest scans a NOT NULL timestamptz in UTC; pgx would use the local zone.
type timeDest struct{ t *time.Time }

func (d timeDest) ScanTimestamptz(v pgtype.Timestamptz) error {
	if !v.Valid || v.InfinityModifier != pgtype.Finite {
		return fmt.Errorf("postgres: cannot scan %v into time.Time", v)
	}
	*d.t = v.Time.UTC()
	return nil
}

// nullTimeDest scans a nullable timestamptz in UTC, nil for NULL.
type nullTimeDest struct{ t **time.Time }

func (d nullTimeDest) ScanTimestamptz(v pgtype.Timestamptz) error {
	if !v.Valid {
		*d.t = nil
		return nil
	}
	var t time.Time
	if err := (timeDest{t: &t}).ScanTimestamptz(v); err != nil {
		return err
	}
	*d.t = &t
	return nil
}

// conn is the pool or a transaction: a write that needs no transaction of
// its own runs on the pool in one round trip, and the same write runs inside
// a pay.Tx.
type conn interface {
	querier
	execer
}

// custom runs a search with args on the unnamed statement, which PostgreSQL
// plans with the values at hand. A cached prepared statement switches to a
// generic plan after five runs, and a generic plan cannot see that a
// reference is rare or use a trigram index for a LIKE pattern.
func custom(args []any) []any {
	return append([]any{pgx.QueryExecModeExec}, args...)
}

// Codec returns how this engine writes arguments and placeholders, for tools
// that run Pay's own SQL directly (the load tool's anchor).
func Codec() store.Codec { return pc }
