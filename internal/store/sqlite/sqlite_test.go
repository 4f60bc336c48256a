package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pay/internal/pay"
	"pay/internal/store"
	"pay/internal/store/sqlite"
	"pay/internal/store/storetest"
)

func TestStore(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, clock *storetest.Clock) *storetest.Harness {
		s := mustOpen(t)
		s.Now = clock.Now
		return &storetest.Harness{
			Store: s,
			Clock: clock,
			JobCount: func(t *testing.T, kind string) int {
				t.Helper()
				var n int
				if err := s.DB().QueryRow(`SELECT count(*) FROM river_job WHERE kind = ?`, kind).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			},
		}
	})
}

func mustOpen(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "pay.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestReopenKeepsData(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "pay.db")
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SettingInsert(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = sqlite.Open(ctx, path) // migrations must be a no-op the second time
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, err := s.SettingGet(ctx, "k"); err != nil || v != "v" {
		t.Fatalf("after reopen: %q %v", v, err)
	}
}

// TestOpenAnalyses checks Open leaves planner statistics behind: without
// them SQLite walks a whole account's payments for a reference search.
func TestOpenAnalyses(t *testing.T) {
	t.Parallel()
	s := mustOpen(t)
	var n int
	if err := s.DB().QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatal("no sqlite_stat1 after Open: ANALYZE did not run")
	}
}

// TestCheckpointsApartFromWriter checks that the log's pages reach the
// database file while the writer commits well under its own checkpoint
// threshold: a connection of the store's own copies them.
func TestCheckpointsApartFromWriter(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := sqlite.Open(context.Background(), filepath.Join(dir, "pay.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	size := func() int64 {
		fi, err := os.Stat(filepath.Join(dir, "pay.db"))
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	// 2 MB: about 500 pages of the log, against the writer's 8,000.
	if _, err := s.DB().Exec(`CREATE TABLE filler (b BLOB); INSERT INTO filler VALUES (zeroblob(2000000))`); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); size() < before+2000000; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the database file is still %d bytes (%d before the write): the log was not checkpointed", size(), before)
		}
	}
}

// TestSearchCountsFromIndexes checks that counting the matches of a search
// by card brand, by state, and by both with a date range reads an index
// alone: at a million payments, reading the table for each would take
// seconds.
func TestSearchCountsFromIndexes(t *testing.T) {
	t.Parallel()
	s := mustOpen(t)
	// Enough payments, of several brands and statuses, for the planner's
	// statistics to describe a table that is not empty.
	_, err := s.DB().Exec(`INSERT INTO services (external_id, name, created_at) VALUES ('plan', 'Plan', '2026-01-01T00:00:00.000000Z');
		INSERT INTO accounts (service_id, type, provider, settings, created_at)
			VALUES (last_insert_rowid(), 'test', 'sandbox', '{}', '2026-01-01T00:00:00.000000Z');
		WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 5000)
		INSERT INTO payments (id, account_id, amount, reference, description, language, delayed_capture, moto,
			authorisation_mode, source, status, provider, card_brand, created_at, updated_at)
		SELECT 'plan' || n, (SELECT max(id) FROM accounts), 100, 'R' || n, 'D', 'en', 0, 0, 'web', 'CARD_API',
			CASE n % 4 WHEN 0 THEN 'EXPIRED' WHEN 1 THEN 'CREATED' ELSE 'CAPTURED' END, 'sandbox',
			CASE n % 3 WHEN 0 THEN 'visa' WHEN 1 THEN 'master-card' ELSE 'maestro' END,
			strftime('%Y-%m-%dT%H:%M:%fZ', '2026-11-30', '-' || n || ' hours'), '2026-11-30T00:00:00.000000Z'
		FROM g;
		ANALYZE;`)
	if err != nil {
		t.Fatal(err)
	}
	var account int64
	if err := s.DB().QueryRow(`SELECT max(id) FROM accounts`).Scan(&account); err != nil {
		t.Fatal(err)
	}
	month := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, q := range []*pay.PaymentSearch{
		{AccountID: account, CardBrand: "visa"},
		{AccountID: account, Statuses: pay.StatusesForState("failed")},
		{AccountID: account, Statuses: pay.StatusesForState("success"), CardBrand: "visa", FromDate: &month},
	} {
		w := store.PaymentSearchWhere(q, sqlite.Codec())
		rows, err := s.DB().Query(`EXPLAIN QUERY PLAN SELECT count(*) FROM payments `+w.String(), w.Args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if len(plan) != 1 || !strings.Contains(plan[0], "COVERING INDEX") {
			t.Errorf("count %s: plan %q, want one search of a covering index", w.String(), plan)
		}
	}
}
