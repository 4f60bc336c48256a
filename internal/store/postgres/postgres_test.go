package postgres_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"pay/internal/pay"
	"pay/internal/store"
	"pay/internal/store/pgtest"
	"pay/internal/store/postgres"
	"pay/internal/store/storetest"
)

func TestStore(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, clock *storetest.Clock) *storetest.Harness {
		s := mustOpen(t, pgtest.URL(t))
		s.Now = clock.Now
		return &storetest.Harness{
			Store: s,
			Clock: clock,
			JobCount: func(t *testing.T, kind string) int {
				t.Helper()
				var n int
				err := s.Pool().QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = $1`, kind).Scan(&n)
				if err != nil {
					t.Fatal(err)
				}
				return n
			},
		}
	})
}

func mustOpen(t *testing.T, url string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestOpenConcurrently starts several stores at once on one new database:
// the migration lock must let every one of them succeed, and they must all
// see the same data.
func TestOpenConcurrently(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	ctx := context.Background()
	stores := make([]*postgres.Store, 4)
	errs := make([]error, len(stores))
	var wg sync.WaitGroup
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = postgres.Open(ctx, url) })
	}
	wg.Wait()
	for i, s := range stores {
		if s != nil {
			t.Cleanup(func() { s.Close() })
		}
		if errs[i] != nil {
			t.Fatalf("Open %d of %d: %v", i+1, len(stores), errs[i])
		}
	}
	if err := stores[0].SettingInsert(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	if v, err := stores[len(stores)-1].SettingGet(ctx, "k"); err != nil || v != "v" {
		t.Fatalf("another store reads %q, %v; want v", v, err)
	}
	var applied int
	err := stores[0].Pool().QueryRow(ctx, `SELECT count(*) FROM goose_db_version WHERE version_id = 1`).Scan(&applied)
	if err != nil || applied != 1 {
		t.Fatalf("migration 1 recorded %d times (%v), want once", applied, err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	ctx := context.Background()
	s, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SettingInsert(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = mustOpen(t, url) // migrations must be a no-op the second time
	if v, err := s.SettingGet(ctx, "k"); err != nil || v != "v" {
		t.Fatalf("after reopen: %q %v", v, err)
	}
}

// TestOtherErrorsPassThrough checks that only the SQLSTATEs the store knows
// become domain errors: a CHECK violation stays an internal error with its cause.
func TestOtherErrorsPassThrough(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, pgtest.URL(t))
	ctx := context.Background()
	svc := &pay.Service{ExternalID: pay.NewID(), Name: "Service"}
	if err := s.ServiceInsert(ctx, svc); err != nil {
		t.Fatal(err)
	}
	err := s.AccountInsert(ctx, &pay.Account{ServiceID: svc.ID, Type: "bogus", Provider: pay.ProviderSandbox,
		Settings: pay.DefaultAccountSettings()})
	var pgErr *pgconn.PgError
	if pay.ErrorKind(err) != pay.KindInternal || !errors.As(err, &pgErr) || pgErr.Code != "23514" {
		t.Fatalf("AccountInsert with a bad type: %v, want the check_violation (23514) as an internal error", err)
	}
}

// TestSearchCountsFromIndexes checks that counting the matches of a search
// by card brand, by state, and by both with a date range can be answered
// from an index alone (an index-only scan): at a million payments, reading
// the table for each would take seconds.
func TestSearchCountsFromIndexes(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, pgtest.URL(t))
	ctx := context.Background()
	// Enough payments, of several brands and statuses, for the planner's
	// statistics to describe a table that is not empty.
	var account int64
	err := s.Pool().QueryRow(ctx, `WITH sv AS (INSERT INTO services (external_id, name, created_at) VALUES ('plan', 'Plan', now()) RETURNING id)
		INSERT INTO accounts (service_id, type, provider, settings, created_at) SELECT id, 'test', 'sandbox', '{}', now() FROM sv RETURNING id`).Scan(&account)
	if err == nil {
		_, err = s.Pool().Exec(ctx, `INSERT INTO payments (id, account_id, amount, reference, description, language,
			delayed_capture, moto, authorisation_mode, source, status, provider, card_brand, created_at, updated_at)
			SELECT 'plan' || g, $1, 100, 'R' || g, 'D', 'en', false, false, 'web', 'CARD_API',
				(ARRAY['CAPTURED', 'CAPTURED', 'EXPIRED', 'CREATED'])[1 + g % 4], 'sandbox',
				(ARRAY['visa', 'master-card', 'maestro'])[1 + g % 3], now() - g * interval '1 hour', now()
			FROM generate_series(1, 5000) g`, account)
	}
	if err == nil {
		_, err = s.Pool().Exec(ctx, `VACUUM ANALYZE payments`)
	}
	if err != nil {
		t.Fatal(err)
	}
	month := time.Now().AddDate(0, -1, 0)
	for _, q := range []*pay.PaymentSearch{
		{AccountID: account, CardBrand: "visa"},
		{AccountID: account, Statuses: pay.StatusesForState("failed")},
		{AccountID: account, Statuses: pay.StatusesForState("success"), CardBrand: "visa", FromDate: &month},
	} {
		w := store.PaymentSearchWhere(q, postgres.Codec())
		// A small table is cheaper to read whole: rule out the plans that
		// read the table, so the planner shows whether an index covers it.
		tx, err := s.Pool().Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var plan string
		_, err = tx.Exec(ctx, `SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off`)
		if err == nil {
			err = tx.QueryRow(ctx, `EXPLAIN (FORMAT JSON) SELECT count(*) FROM payments `+w.String(), w.Args...).Scan(&plan)
		}
		tx.Rollback(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(plan, `"Index Only Scan"`) || strings.Contains(plan, `"Seq Scan"`) ||
			strings.Contains(plan, `"Bitmap Heap Scan"`) {
			t.Errorf("count %s: plan %s, want an index-only scan", w.String(), plan)
		}
	}
}
