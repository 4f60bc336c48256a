package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

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
