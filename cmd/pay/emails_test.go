package main

import (
	"context"
	"strings"
	"testing"

	"pay/internal/app"
	"pay/internal/config"
)

// TestEmailsList: without SMTP_URL, a reset link asked for in the admin
// site is in the outbox that pay emails list prints.
func TestEmailsList(t *testing.T) {
	t.Parallel()
	env := testEnv(t)
	if out, _, err := runCmd(t, env, "emails", "list"); err != nil || out != "The outbox is empty.\n" {
		t.Fatalf("emails list: %q %v", out, err)
	}
	cfg, err := config.FromEnv(env)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := app.Open(ctx, cfg, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, env, "users", "create", "--email", "forgetful@example.org"); err != nil {
		t.Fatal(err)
	}
	if err := a.Users.RequestPasswordReset(ctx, "forgetful@example.org"); err != nil {
		t.Fatal(err)
	}
	a.Shutdown(ctx)
	out, _, err := runCmd(t, env, "emails", "list", "--limit", "5")
	if err != nil || !strings.Contains(out, "To: forgetful@example.org\nSubject: Reset your Pay password\n") ||
		!strings.Contains(out, "/admin/reset-password/") {
		t.Fatalf("emails list: %q %v", out, err)
	}
	for _, args := range [][]string{{"emails", "send"}, {"emails", "list", "--limit", "0"}} {
		if _, _, err := runCmd(t, env, args...); err == nil {
			t.Errorf("%v succeeded", args)
		}
	}
}
