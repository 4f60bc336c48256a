package postgres

import (
	"context"
	"io/fs"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"pay/internal/store/pgtest"
	"pay/internal/team"
)

// TestAdminMigrationKeepsAdmins migrates a database from before roles
// existed: its users become admins of its services, as they were.
func TestAdminMigrationKeepsAdmins(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.URL(t)
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	db := stdlib.OpenDBFromPool(pool)
	fsys, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO services (external_id, name, created_at) VALUES ('s1', 'Old service', now())`,
		`INSERT INTO users (email, password_hash, created_at) VALUES ('old@example.org', 'h', now())`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	pool.Close()
	s, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	u, err := s.UserGetByEmail(ctx, "old@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if u.FailedSignIns != 0 || u.PasswordChangeRequired || u.TOTPLastStep != 0 {
		t.Fatalf("an old user's new columns: %+v", u)
	}
	list, err := s.MembershipList(ctx, u.ID)
	if err != nil || len(list) != 1 || list[0].Role != team.RoleAdmin || list[0].ServiceName != "Old service" {
		t.Fatalf("memberships after migrating: %+v %v", list, err)
	}
}
