package main

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"pay/internal/app"
	"pay/internal/config"
	"pay/internal/team"
)

func TestUsersCommands(t *testing.T) {
	t.Parallel()
	env := testEnv(t)
	serveOnce(t, env) // sets up the sandbox service and its admin
	out, _, err := runCmd(t, env, "users", "create", "--email", "viewer@example.org", "--role", "view-only")
	m := regexp.MustCompile(`with password (\S+)\n`).FindStringSubmatch(out)
	if err != nil || m == nil || !strings.Contains(out, "Role: view-only in Sandbox service (service 1).") ||
		!strings.Contains(out, "/admin") {
		t.Fatalf("users create: %q %v", out, err)
	}
	for _, args := range [][]string{
		{"users", "create", "--email", "x@example.org", "--role", "owner"},
		{"users", "create", "--email", "x@example.org", "--service", "9"},
		{"users", "unlock", "nobody@example.org"},
		{"users", "role", "viewer@example.org", "--role", "owner"},
	} {
		if _, _, err := runCmd(t, env, args...); err == nil {
			t.Errorf("%v succeeded", args)
		}
	}
	if out, _, err := runCmd(t, env, "users", "role", "viewer@example.org", "--role", "view-and-refund"); err != nil ||
		!strings.Contains(out, "viewer@example.org is view-and-refund in Sandbox service now.") {
		t.Fatalf("users role: %q %v", out, err)
	}
	// Lock the user out as ten failed sign-ins would.
	cfg, err := config.FromEnv(env)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.UserGetByEmail(ctx, "viewer@example.org")
	if err != nil {
		t.Fatal(err)
	}
	for range team.MaxFailedSignIns {
		if _, err := st.UserSignInAttempt(ctx, u.ID, team.MaxFailedSignIns); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	list, _, err := runCmd(t, env, "users", "list")
	if err != nil || !regexp.MustCompile(`viewer@example.org\s+no\s+yes\s+view-and-refund in Sandbox service \(service 1\)`).MatchString(list) ||
		!regexp.MustCompile(`admin@pay.localhost\s+no\s+no\s+admin in Sandbox service`).MatchString(list) {
		t.Fatalf("users list:\n%s %v", list, err)
	}
	if out, _, err := runCmd(t, env, "users", "unlock", "VIEWER@example.org"); err != nil || !strings.Contains(out, "Unlocked") {
		t.Fatalf("users unlock: %q %v", out, err)
	}
	if list, _, _ := runCmd(t, env, "users", "list"); !regexp.MustCompile(`viewer@example.org\s+no\s+no`).MatchString(list) {
		t.Fatalf("after unlock:\n%s", list)
	}
	if out, _, err := runCmd(t, env, "users", "reset-2fa", "viewer@example.org"); err != nil || !strings.Contains(out, "Removed") {
		t.Fatalf("users reset-2fa: %q %v", out, err)
	}
	if out, _, err := runCmd(t, env, "users", "role", "viewer@example.org", "--role", "none"); err != nil ||
		!strings.Contains(out, "has no role in Sandbox service now") {
		t.Fatalf("users role none: %q %v", out, err)
	}
}
