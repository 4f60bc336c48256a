package team_test

import (
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"pay/internal/apptest"
	"pay/internal/team"
)

// mailbox is a team.Mailer that keeps what it is given.
type mailbox struct{ sent []*team.Email }

func (m *mailbox) SendTeamEmail(_ context.Context, e *team.Email) error {
	m.sent = append(m.sent, e)
	return nil
}

// resetToken is the token of the reset link in the last email sent.
func (m *mailbox) resetToken(t *testing.T) string {
	t.Helper()
	if len(m.sent) == 0 {
		t.Fatal("no email was sent")
	}
	got := regexp.MustCompile(`https://pay\.example/reset/(\S+)`).FindStringSubmatch(m.sent[len(m.sent)-1].Text)
	if got == nil {
		t.Fatalf("no reset link in %q", m.sent[len(m.sent)-1].Text)
	}
	return got[1]
}

// newMailEnv is a usersEnv whose emails go to a mailbox.
func newMailEnv(t *testing.T, eng apptest.Engine) (*usersEnv, *mailbox) {
	e := newUsersEnvOn(t, eng)
	box := &mailbox{}
	e.users.Mailer = box
	e.users.ResetURL = func(token string) string { return "https://pay.example/reset/" + token }
	return e, box
}

// TestPasswordReset: a reset link sets a new password once, ends the
// user's sessions and clears a lockout; an unknown email gets no email and
// no error; a used, expired or made-up link is refused alike.
func TestPasswordReset(t *testing.T) {
	t.Parallel()
	apptest.ForEachEngine(t, testPasswordReset)
}

func testPasswordReset(t *testing.T, eng apptest.Engine) {
	e, box := newMailEnv(t, eng)
	u, _ := e.create(t, "forgetful@example.org")
	if err := e.users.RequestPasswordReset(e.ctx, "nobody@example.org"); err != nil || len(box.sent) != 0 {
		t.Fatalf("unknown email: %v, sent %d", err, len(box.sent))
	}
	if err := e.users.RequestPasswordReset(e.ctx, " FORGETFUL@example.org "); err != nil {
		t.Fatal(err)
	}
	if box.sent[0].To != u.Email || box.sent[0].Subject != "Reset your Pay password" {
		t.Fatalf("sent %+v", box.sent[0])
	}
	token := box.resetToken(t)
	for range team.MaxFailedSignIns {
		e.users.CheckPassword(e.ctx, u.Email, "wrong password")
	}
	if _, _, err := e.users.StartSession(e.ctx, u, team.StageSignedIn); err != nil {
		t.Fatal(err)
	}
	if ok, err := e.users.ResetLinkValid(e.ctx, token); !ok || err != nil {
		t.Fatalf("ResetLinkValid = %v, %v", ok, err)
	}
	if _, err := e.users.ResetPassword(e.ctx, token, "too short"); err != team.ErrPasswordTooShort {
		t.Fatalf("short password: %v", err)
	}
	got, err := e.users.ResetPassword(e.ctx, token, "a brand new password")
	if err != nil || got.ID != u.ID || got.FailedSignIns != 0 || got.PasswordChangeRequired {
		t.Fatalf("ResetPassword = %+v, %v", got, err)
	}
	if n, _ := e.store.SessionDeleteUser(e.ctx, u.ID); n != 0 {
		t.Fatalf("%d sessions outlived the reset", n)
	}
	if _, err := e.users.CheckPassword(e.ctx, u.Email, "a brand new password"); err != nil {
		t.Fatalf("sign in with the new password: %v", err)
	}
	if _, err := e.users.ResetPassword(e.ctx, token, "another new password"); err != team.ErrResetLinkInvalid {
		t.Fatalf("the link used again: %v", err)
	}
	if _, err := e.users.ResetPassword(e.ctx, "made-up", "another new password"); err != team.ErrResetLinkInvalid {
		t.Fatalf("a made-up link: %v", err)
	}
	if ok, _ := e.users.ResetLinkValid(e.ctx, token); ok {
		t.Fatal("a used link is still valid")
	}
}

// TestPasswordResetExpiry: a link works until 90 minutes have passed.
func TestPasswordResetExpiry(t *testing.T) {
	t.Parallel()
	e, box := newMailEnv(t, apptest.SQLite)
	u, _ := e.create(t, "slow@example.org")
	if err := e.users.RequestPasswordReset(e.ctx, u.Email); err != nil {
		t.Fatal(err)
	}
	token := box.resetToken(t)
	e.clock.Advance(team.ResetLinkLifetime - time.Second)
	if ok, _ := e.users.ResetLinkValid(e.ctx, token); !ok {
		t.Fatal("the link expired early")
	}
	e.clock.Advance(time.Second)
	if ok, _ := e.users.ResetLinkValid(e.ctx, token); ok {
		t.Fatal("the link is valid after 90 minutes")
	}
	if _, err := e.users.ResetPassword(e.ctx, token, "a brand new password"); err != team.ErrResetLinkInvalid {
		t.Fatalf("an expired link: %v", err)
	}
}

// TestTellLockedOut: the lockout email carries a reset link that lets the
// user back in.
func TestTellLockedOut(t *testing.T) {
	t.Parallel()
	e, box := newMailEnv(t, apptest.SQLite)
	e.users.LockedOut = e.users.TellLockedOut
	u, _ := e.create(t, "locked@example.org")
	for range team.MaxFailedSignIns {
		e.users.CheckPassword(e.ctx, u.Email, "wrong password")
	}
	if len(box.sent) != 1 || box.sent[0].Subject != "Your Pay account is locked" || box.sent[0].To != u.Email {
		t.Fatalf("sent %+v", box.sent)
	}
	if _, err := e.users.ResetPassword(e.ctx, box.resetToken(t), "a brand new password"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.users.CheckPassword(e.ctx, u.Email, "a brand new password"); err != nil {
		t.Fatalf("after the reset: %v", err)
	}
}

// TestRequestPasswordResetMailFails: a mailer's error is returned.
func TestRequestPasswordResetMailFails(t *testing.T) {
	t.Parallel()
	e := newUsersEnv(t)
	errMail := errors.New("mail server down")
	e.users.Mailer = failingMailer{errMail}
	u, _ := e.create(t, "unlucky@example.org")
	if err := e.users.RequestPasswordReset(e.ctx, u.Email); !errors.Is(err, errMail) {
		t.Fatalf("got %v, want the mailer's error", err)
	}
}

type failingMailer struct{ err error }

func (f failingMailer) SendTeamEmail(context.Context, *team.Email) error { return f.err }
