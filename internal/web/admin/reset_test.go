package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sync"
	"testing"

	"pay/internal/team"
)

// teamInbox keeps the emails the admin site's users are sent.
type teamInbox struct {
	mu   sync.Mutex
	sent []*team.Email
}

func (b *teamInbox) SendTeamEmail(_ context.Context, e *team.Email) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sent = append(b.sent, e)
	return nil
}

func (b *teamInbox) all() []*team.Email {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.sent)
}

var resetLink = regexp.MustCompile(`/admin/reset-password/\S+`)

// link is the reset link in the last email sent.
func (b *teamInbox) link(t *testing.T) string { return b.lastLink(t, resetLink) }

// lastLink is the link matching pattern in the last email sent.
func (b *teamInbox) lastLink(t *testing.T, pattern *regexp.Regexp) string {
	t.Helper()
	sent := b.all()
	if len(sent) == 0 {
		t.Fatal("no email was sent")
	}
	l := pattern.FindString(sent[len(sent)-1].Text)
	if l == "" {
		t.Fatalf("no link like %s in %q", pattern, sent[len(sent)-1].Text)
	}
	return l
}

// TestForgottenPassword: "Forgot your password?" answers alike whether or
// not the address has an account; the emailed link sets a new password
// once, ends the user's other sessions and lets them sign in with it.
func TestForgottenPassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.user("forgetful@example.org", team.RoleAdmin, false)
	elsewhere := e.browser()
	elsewhere.signIn(u)
	b := e.browser()
	if p := b.get("/admin/sign-in"); !p.has(`href="/admin/forgot-password"`) {
		t.Fatal("the sign-in page has no link to reset a password")
	}
	if p := b.get("/admin/forgot-password"); p.status != http.StatusOK || p.heading() != "Forgot your password?" {
		t.Fatalf("forgot password page: %d %q", p.status, p.heading())
	}
	if p := b.post("/admin/forgot-password", url.Values{"email": {""}}); !slices.Equal(p.errors(), []string{"email: Enter a valid email address"}) {
		t.Fatalf("no email: %v", p.errors())
	}
	unknown := b.post("/admin/forgot-password", url.Values{"email": {"nobody@example.org"}})
	known := b.post("/admin/forgot-password", url.Values{"email": {"Forgetful@example.org"}})
	if unknown.status != http.StatusOK || known.status != http.StatusOK || unknown.heading() != "Check your email" ||
		known.heading() != "Check your email" {
		t.Fatalf("answers: %d %q, %d %q", unknown.status, unknown.heading(), known.status, known.heading())
	}
	if sent := e.inbox.all(); len(sent) != 1 || sent[0].To != u.Email {
		t.Fatalf("sent %+v, want one email to %s", sent, u.Email)
	}
	link := e.inbox.link(t)
	if p := b.get(link); p.status != http.StatusOK || p.heading() != "Choose a new password" {
		t.Fatalf("reset page: %d %q", p.status, p.heading())
	}
	if p := b.post(link, url.Values{"password": {"short"}}); !slices.Equal(p.errors(), []string{"password: Password must be 10 characters or more"}) {
		t.Fatalf("a short password: %v", p.errors())
	}
	p := b.post(link, url.Values{"password": {"my new password, long enough"}})
	if p.status != http.StatusSeeOther || p.location != "/admin/sign-in?password-reset" {
		t.Fatalf("reset: %d %s", p.status, p.location)
	}
	if p := b.get(p.location); !p.has(`id="password-reset"`) {
		t.Fatal("the sign-in page does not say the password changed")
	}
	if p := elsewhere.get("/admin"); p.status != http.StatusSeeOther {
		t.Fatalf("another session outlived the reset: %d", p.status)
	}
	if p := b.postSignIn(url.Values{"email": {u.Email}, "password": {"my new password, long enough"}}); p.status != http.StatusSeeOther {
		t.Fatalf("sign in with the new password: %d %v", p.status, p.errors())
	}
	for _, path := range []string{link, "/admin/reset-password/made-up"} {
		if p := b.get(path); p.status != http.StatusNotFound || p.heading() != "This link does not work any more" {
			t.Fatalf("GET %s again: %d %q", path, p.status, p.heading())
		}
		if p := b.post(path, url.Values{"password": {"yet another password"}}); p.status != http.StatusNotFound {
			t.Fatalf("POST %s again: %d", path, p.status)
		}
	}
}

// TestForgottenPasswordForm: the form needs its page's token: a forged
// post sends no email.
func TestForgottenPasswordForm(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.user("forgetful@example.org", team.RoleAdmin, false)
	fresh := e.browser()
	if p := fresh.post("/admin/forgot-password", url.Values{"email": {u.Email}}); p.status != http.StatusForbidden {
		t.Fatalf("without the form's token: %d", p.status)
	}
	if len(e.inbox.all()) != 0 {
		t.Fatal("a forged request sent an email")
	}
}
