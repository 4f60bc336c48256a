package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
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
// alone, and that a page of the transaction list reads no more than it
// shows: at a million payments, reading the table for each would take
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
	explain := func(query string, args ...any) []string {
		t.Helper()
		rows, err := s.DB().Query(`EXPLAIN QUERY PLAN `+query, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		return plan
	}
	month := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, q := range []*pay.PaymentSearch{
		{AccountID: account, CardBrand: "visa"},
		{AccountID: account, Statuses: pay.StatusesForState("failed")},
		{AccountID: account, Statuses: pay.StatusesForState("success"), CardBrand: "visa", FromDate: &month},
	} {
		w := store.PaymentSearchWhere(q, sqlite.Codec())
		if plan := explain(`SELECT count(*) FROM payments `+w.String(), w.Args...); len(plan) != 1 || !strings.Contains(plan[0], "COVERING INDEX") {
			t.Errorf("count %s: plan %q, want one search of a covering index", w.String(), plan)
		}
	}
	// The transaction list as it first opens, payments and refunds
	// together: both read newest first from their indexes and merged, never
	// every payment sorted for one page.
	query, args := sqlite.TransactionStreamQuery(&pay.TransactionSearch{PaymentSearch: pay.PaymentSearch{AccountID: account},
		Payments: true, Refunds: true})
	if plan := explain(query+` LIMIT 20`, args...); !slices.Contains(plan, "MERGE (UNION ALL)") ||
		slices.ContainsFunc(plan, func(d string) bool { return strings.Contains(d, "TEMP B-TREE") }) {
		t.Errorf("transaction list: plan %q, want the branches merged without a sort", plan)
	}
}

// newAccount stores a service and a test account of it.
func newAccount(t *testing.T, s *sqlite.Store) int64 {
	t.Helper()
	ctx := context.Background()
	svc := &pay.Service{ExternalID: pay.NewID(), Name: "Counts"}
	if err := s.ServiceInsert(ctx, svc); err != nil {
		t.Fatal(err)
	}
	a := &pay.Account{ServiceID: svc.ID, Type: pay.AccountTest, Provider: pay.ProviderSandbox, Settings: pay.DefaultAccountSettings()}
	if err := s.AccountInsert(ctx, a); err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// seedPayments inserts n payments of the account directly, as the load
// tool seeds them: created, captured, captured and expired in turn, one a
// minute from 2026-01-01, referenced R1, R2, ….
func seedPayments(t *testing.T, s *sqlite.Store, account int64, n int) {
	t.Helper()
	_, err := s.DB().Exec(`WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ?)
		INSERT INTO payments (id, account_id, amount, reference, description, language, delayed_capture, moto,
			authorisation_mode, source, status, provider, created_at, updated_at)
		SELECT 'seed-' || ? || '-' || n, ?, 100, 'R' || n, 'D', 'en', 0, 0, 'web', 'CARD_API',
			CASE n % 4 WHEN 0 THEN 'EXPIRED' WHEN 1 THEN 'CREATED' ELSE 'CAPTURED' END, 'sandbox',
			strftime('%Y-%m-%dT%H:%M:%S.000000Z', '2026-01-01', '+' || n || ' minutes'), '2026-01-01T00:00:00.000000Z'
		FROM g`, n, account, account)
	if err != nil {
		t.Fatal(err)
	}
}

// checkStatusCounts fails t unless the counts per account and status are
// those of the payments, with no count below zero.
func checkStatusCounts(t *testing.T, s *sqlite.Store, after string) {
	t.Helper()
	read := func(query string) []string {
		rows, err := s.DB().Query(query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var account, n int64
			var status string
			if err := rows.Scan(&account, &status, &n); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%d %s %d", account, status, n))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	want := read(`SELECT account_id, status, count(*) FROM payments GROUP BY account_id, status ORDER BY 1, 2`)
	got := read(`SELECT account_id, status, n FROM payment_status_counts WHERE n <> 0 ORDER BY 1, 2`)
	if !slices.Equal(got, want) {
		t.Fatalf("after %s: counts per status %q, payments %q", after, got, want)
	}
}

// TestStatusCountsFollowPayments checks the counts per account and status
// (migration 00014) against the payments after each way payments are
// written: the store's creates and changes, and direct SQL as the load tool
// writes, including changes of account and deletes, which Pay never makes.
func TestStatusCountsFollowPayments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := mustOpen(t)
	a, b := newAccount(t, s), newAccount(t, s)
	var created []*pay.Payment
	for i := range 4 {
		p := &pay.Payment{ID: pay.NewID(), AccountID: a, Amount: 100, Reference: fmt.Sprint("P", i), Description: "D",
			Language: pay.LanguageEnglish, AuthorisationMode: pay.ModeWeb, Source: pay.SourceAPI, Status: pay.StatusCreated,
			Provider: pay.ProviderSandbox}
		if err := pay.InsertPayment(ctx, s, &pay.PaymentInsertParams{Payment: p}); err != nil {
			t.Fatal(err)
		}
		created = append(created, p)
	}
	checkStatusCounts(t, s, "creates")
	for _, p := range created[:3] {
		if _, err := pay.TransitionPayment(ctx, s, &pay.PaymentTransitionParams{PaymentID: p.ID, To: pay.StatusEnteringCardDetails}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := pay.TransitionPayment(ctx, s, &pay.PaymentTransitionParams{PaymentID: created[0].ID, To: pay.StatusUserCancelled})
	if err != nil {
		t.Fatal(err)
	}
	checkStatusCounts(t, s, "transitions")
	seedPayments(t, s, b, 100)
	checkStatusCounts(t, s, "a seed")
	for _, step := range []struct{ name, sql string }{
		{"a change of status", `UPDATE payments SET status = 'CAPTURED' WHERE account_id = ` + fmt.Sprint(b) + ` AND status = 'CREATED'`},
		{"a change of account", `UPDATE payments SET account_id = ` + fmt.Sprint(a) + ` WHERE id IN ('seed-` + fmt.Sprint(b) + `-1', 'seed-` + fmt.Sprint(b) + `-4')`},
		{"a change of both", `UPDATE payments SET account_id = ` + fmt.Sprint(b) + `, status = 'EXPIRED' WHERE id = '` + created[3].ID + `'`},
		{"a rewrite without change", `UPDATE payments SET account_id = account_id, status = status`},
		{"deletes", `DELETE FROM payments WHERE id LIKE 'seed-%' AND status = 'EXPIRED'`},
	} {
		if _, err := s.DB().Exec(step.sql); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		checkStatusCounts(t, s, step.name)
	}
}

// TestSearchTotalsFromStatusCounts checks that a search by state alone, or
// of all an account's payments, takes its total from the counts per status,
// and that a search with any other filter counts its payments: the counts
// are made wrong on purpose, by 100 for each status.
func TestSearchTotalsFromStatusCounts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := mustOpen(t)
	a, b := newAccount(t, s), newAccount(t, s)
	seedPayments(t, s, a, 8) // 2 created, 4 captured, 2 expired
	seedPayments(t, s, b, 4)
	if _, err := s.DB().Exec(`UPDATE payment_status_counts SET n = n + 100 WHERE account_id = ?`, a); err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 1, 1, 0, 4, 0, 0, time.UTC)
	success := pay.StatusesForState(pay.StateSuccess)
	for _, tt := range []struct {
		name string
		q    pay.PaymentSearch
		want int
	}{
		{"State", pay.PaymentSearch{Statuses: success}, 104},
		{"States", pay.PaymentSearch{Statuses: append(pay.StatusesForState(pay.StateCreated), success...)}, 206},
		{"All", pay.PaymentSearch{}, 308},
		{"StateAndReference", pay.PaymentSearch{Statuses: success, Reference: "R2"}, 1},
		{"StateAndDate", pay.PaymentSearch{Statuses: success, FromDate: &from}, 2},
		{"Brand", pay.PaymentSearch{CardBrand: "visa"}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			q.AccountID, q.Page, q.DisplaySize = a, 2, 1
			page, err := s.PaymentSearch(ctx, &q)
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != tt.want {
				t.Errorf("PaymentSearch total %d, want %d", page.Total, tt.want)
			}
			if query, _ := sqlite.PaymentCountQuery(&q); strings.Contains(query, "payment_status_counts") != (tt.want > 100) {
				t.Fatalf("PaymentCountQuery = %q", query)
			}
		})
	}
}
