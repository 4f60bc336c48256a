// Package apptest is the harness that the API, card page, admin site and
// app tests share: a real store on each engine, a settable clock, the
// domain services on the sandbox provider, test servers on 127.0.0.1:0,
// and a cookie-keeping page client. The real App booted as pay serve runs
// it is in apptest/boot, Chromium for page tests in internal/web/browsertest.
package apptest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"pay/internal/store"
	"pay/internal/store/pgtest"
	"pay/internal/store/postgres"
	"pay/internal/store/sqlite"
)

// Engine opens a fresh, empty store on one database engine, closed when
// the test ends. The store reads the time from now.
type Engine struct {
	Name string
	Open func(t testing.TB, now func() time.Time) store.Store
	// URL returns a DATABASE_URL for a fresh, empty database on the
	// engine, for tests that boot the whole app.
	URL func(t testing.TB) string
}

// Engines are the engines every store-backed test runs on. SQLite always
// runs; PostgreSQL skips without PAY_TEST_POSTGRES_URL, or fails under CI
// (internal/testenv).
var Engines = []Engine{
	{"SQLite", func(t testing.TB, now func() time.Time) store.Store { t.Helper(); return OpenSQLite(t, now) }, SQLiteURL},
	{"PostgreSQL", func(t testing.TB, now func() time.Time) store.Store { t.Helper(); return OpenPostgres(t, now) }, pgtest.URL},
}

// SQLite is the engine of tests about one surface's own logic.
var SQLite = Engines[0]

// OpenSQLite opens a store in a new SQLite file in the test's temporary
// directory and closes it when the test ends. A nil now keeps the store's
// own clock.
func OpenSQLite(t testing.TB, now func() time.Time) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "pay.db"))
	mustOpen(t, s, err)
	if now != nil {
		s.Now = now
	}
	return s
}

// OpenPostgres opens a store in a new PostgreSQL database of the test's
// own (pgtest.URL, which skips or fails without a server) and closes it
// when the test ends. A nil now keeps the store's own clock.
func OpenPostgres(t testing.TB, now func() time.Time) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), pgtest.URL(t))
	mustOpen(t, s, err)
	if now != nil {
		s.Now = now
	}
	return s
}

// mustOpen fails t on an error opening a store, and otherwise closes the
// store when the test ends.
func mustOpen(t testing.TB, s interface{ Close() error }, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
}

// SQLiteURL is a DATABASE_URL for a new SQLite file in the test's
// temporary directory.
func SQLiteURL(t testing.TB) string { return "sqlite:" + filepath.Join(t.TempDir(), "pay.db") }

// ForEachEngine runs f as a parallel subtest named for each engine.
func ForEachEngine(t *testing.T, f func(t *testing.T, eng Engine)) {
	t.Helper()
	for _, eng := range Engines {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			f(t, eng)
		})
	}
}
