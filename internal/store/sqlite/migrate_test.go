package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"

	"pay/internal/team"
)

// TestAdminMigrationKeepsAdmins migrates a database from before roles
// existed: its users become admins of its services, as they were.
func TestAdminMigrationKeepsAdmins(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pay.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	fsys, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
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
