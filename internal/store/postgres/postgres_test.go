package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"pay/internal/pay"
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
