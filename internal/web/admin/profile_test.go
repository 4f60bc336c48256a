package admin_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"pay/internal/team"
)

// TestProfile: a user sees their services, changes their password (the
// current one is asked for, and other sessions end) and replaces their
// authenticator app.
func TestProfile(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.user("me@example.org", team.RoleViewOnly, true)
	elsewhere := e.browser()
	elsewhere.signIn(u)
	b := e.browser()
	b.signIn(u)
	if p := b.get("/admin/profile"); p.status != http.StatusOK || !p.has("Licence service: View only") || !p.has(`id="replace-authenticator"`) {
		t.Fatalf("profile: %d\n%s", p.status, p.body)
	}
	b.get("/admin/profile/password")
	for _, tt := range []struct {
		current, password string
		want              []string
	}{
		{"wrong password", "a new password, long", []string{"current-password: Your current password is wrong"}},
		{testPassword, "short", []string{"password: Password must be 10 characters or more"}},
	} {
		p := b.post("/admin/profile/password", url.Values{"current-password": {tt.current}, "password": {tt.password}})
		if !slices.Equal(p.errors(), tt.want) {
			t.Errorf("%q/%q: %v", tt.current, tt.password, p.errors())
		}
	}
	p := b.post("/admin/profile/password", url.Values{"current-password": {testPassword}, "password": {"a new password, long"}})
	if p.status != http.StatusSeeOther || !b.follow(p).has(`id="password-changed"`) {
		t.Fatalf("change password: %d %v", p.status, p.errors())
	}
	if p := elsewhere.get("/admin"); p.status != http.StatusSeeOther {
		t.Fatalf("another session outlived the change: %d", p.status)
	}
	if got, _ := e.Store.UserGet(e.Ctx, u.ID); got.FailedSignIns != 0 || !team.CheckPassword(got.PasswordHash, "a new password, long") {
		t.Fatalf("after the change: %d failures", got.FailedSignIns)
	}
	if p := b.get("/admin/authenticator?replace"); p.status != http.StatusOK || p.heading() != "Set up an authenticator app" {
		t.Fatalf("replace the app: %d %q", p.status, p.heading())
	}
}

// TestResetMemberAuthenticator: an admin removes a member's authenticator
// app, which signs them out; the team's history says so.
func TestResetMemberAuthenticator(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.user("admin@example.org", team.RoleAdmin, false)
	member := e.user("lost-phone@example.org", team.RoleViewOnly, true)
	mb := e.browser()
	mb.signIn(member)
	b := e.browser()
	b.signIn(admin)
	b.get(e.accountPath("/team"))
	if p := b.post(e.memberPath(member, "reset-2fa"), nil); p.status != http.StatusSeeOther {
		t.Fatalf("reset: %d %v", p.status, p.errors())
	}
	if got, _ := e.Store.UserGet(e.Ctx, member.ID); got.TOTPSecret != "" {
		t.Fatal("the app is still set up")
	}
	if p := mb.get("/admin"); p.status != http.StatusSeeOther {
		t.Fatalf("the member's session outlived the reset: %d", p.status)
	}
	if p := b.get(e.accountPath("/team")); !p.has("Reset the authenticator app of lost-phone@example.org") {
		t.Fatal("no history of the reset")
	}
	member.Secret = "" // signs in without a code now
	mb.signIn(member)
	mb.get(e.accountPath("/team"))
	if p := mb.post(e.memberPath(admin, "reset-2fa"), nil); p.status != http.StatusForbidden {
		t.Fatalf("a view-only member's reset: %d", p.status)
	}
}
