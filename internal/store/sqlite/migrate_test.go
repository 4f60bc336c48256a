package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"

	"pay/internal/pay"
	"pay/internal/team"
)

// migratedTo returns a new database file migrated up to version, open, and
// the migrations' provider; the database is closed when t ends.
func migratedTo(t *testing.T, version int64) (path string, db *sql.DB, p *goose.Provider) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "pay.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	fsys, _ := fs.Sub(migrations, "migrations")
	if p, err = goose.NewProvider(goose.DialectSQLite3, db, fsys); err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(context.Background(), version); err != nil {
		t.Fatal(err)
	}
	return path, db, p
}

// TestAdminMigrationKeepsAdmins migrates a database from before roles
// existed: its users become admins of its services, as they were.
func TestAdminMigrationKeepsAdmins(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path, db, _ := migratedTo(t, 1)
	for _, q := range []string{
		`INSERT INTO services (external_id, name, created_at) VALUES ('s1', 'Old service', '2025-01-01T00:00:00.000000Z')`,
		`INSERT INTO users (email, password_hash, created_at) VALUES ('old@example.org', 'h', '2025-01-02T00:00:00.000000Z')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	u, err := s.UserGetByEmail(ctx, "old@example.org")
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.MembershipList(ctx, u.ID)
	if err != nil || len(list) != 1 || list[0].Role != team.RoleAdmin || list[0].ServiceName != "Old service" {
		t.Fatalf("memberships after migrating: %+v %v", list, err)
	}
	if u.FailedSignIns != 0 || u.PasswordChangeRequired || u.TOTPLastStep != 0 {
		t.Fatalf("new columns of an old user: %+v", u)
	}
}

// TestStatusCountsMigration migrates a database whose payments predate the
// counts per account and status: the migration counts them, and its down
// migration leaves payments writable without the counts.
func TestStatusCountsMigration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path, db, p := migratedTo(t, 13)
	insertPayments := `INSERT INTO payments (id, account_id, amount, reference, description, language, delayed_capture, moto,
		authorisation_mode, source, status, provider, created_at, updated_at)
		SELECT ? || n, ?, 100, 'R', 'D', 'en', 0, 0, 'web', 'CARD_API', CASE n % 3 WHEN 0 THEN 'CREATED' ELSE 'CAPTURED' END,
			'sandbox', '2025-01-01T00:00:00.000000Z', '2025-01-01T00:00:00.000000Z'
		FROM (WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ?) SELECT n FROM g)`
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO services (external_id, name, created_at) VALUES ('s1', 'Old service', '2025-01-01T00:00:00.000000Z')`, nil},
		{`INSERT INTO accounts (service_id, type, provider, settings, created_at) VALUES (1, 'test', 'sandbox', '{}', '2025-01-01T00:00:00.000000Z')`, nil},
		{`INSERT INTO accounts (service_id, type, provider, settings, created_at) VALUES (1, 'live', 'sandbox', '{}', '2025-01-01T00:00:00.000000Z')`, nil},
		{insertPayments, []any{"a", 1, 9}},
		{insertPayments, []any{"b", 2, 4}},
	} {
		if _, err := db.ExecContext(ctx, q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	counts := func(db *sql.DB) map[string]int {
		t.Helper()
		rows, err := db.QueryContext(ctx, `SELECT account_id, status, n FROM payment_status_counts`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var account, n int
			var status string
			if err := rows.Scan(&account, &status, &n); err != nil {
				t.Fatal(err)
			}
			out[fmt.Sprint(account, " ", status)] = n
		}
		return out
	}
	want := map[string]int{"1 CAPTURED": 6, "1 CREATED": 3, "2 CAPTURED": 3, "2 CREATED": 1}
	if got := counts(s.DB()); !maps.Equal(got, want) {
		t.Fatalf("counts after migrating: %v, want %v", got, want)
	}
	page, err := s.PaymentSearch(ctx, &pay.PaymentSearch{AccountID: 1, Statuses: []pay.Status{pay.StatusCaptured}, Page: 2, DisplaySize: 1})
	if err != nil || page.Total != 6 {
		t.Fatalf("search after migrating: %+v, %v", page, err)
	}
	s.Close()

	if _, err := p.DownTo(ctx, 13); err != nil {
		t.Fatal(err)
	}
	var left int
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name LIKE 'payment_status_counts%'`).Scan(&left)
	if err != nil || left != 0 {
		t.Fatalf("after the down migration: %d tables and triggers left, %v", left, err)
	}
	if _, err := db.ExecContext(ctx, insertPayments, "c", 1, 2); err != nil {
		t.Fatalf("insert after the down migration: %v", err)
	}
}
