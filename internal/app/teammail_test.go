package app_test

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"pay/internal/app"
	"pay/internal/apptest"
	"pay/internal/apptest/boot"
	"pay/internal/store/pgtest"
	"pay/internal/team"
)

// TestTeamEmailsSMTP: with SMTP_URL, a reset link and the lockout email
// reach the user over SMTP, on each database; the links are on the public
// URL and open the page that sets a new password.
func TestTeamEmailsSMTP(t *testing.T) {
	t.Parallel()
	t.Run("SQLite", func(t *testing.T) { t.Parallel(); testTeamEmailsSMTP(t, apptest.SQLiteURL(t)) })
	t.Run("PostgreSQL", func(t *testing.T) { t.Parallel(); testTeamEmailsSMTP(t, pgtest.URL(t)) })
}

var mailedLink = regexp.MustCompile(`https?://\S+/admin/reset-password/(\S+)`)

func testTeamEmailsSMTP(t *testing.T, databaseURL string) {
	mp := apptest.NewMailpit(t)
	a, _, base := boot.Start(t, map[string]string{"DATABASE_URL": databaseURL, "SMTP_URL": mp.SMTPURL}, app.Options{})
	ctx := context.Background()
	to := apptest.Recipient("forgetful")
	u, _, err := a.Users.Create(ctx, &team.NewUser{Email: to})
	if err != nil {
		t.Fatal(err)
	}
	for range team.MaxFailedSignIns {
		a.Users.CheckPassword(ctx, to, "wrong password")
	}
	locked := mp.WaitMessages(t, to, 1)[0]
	if locked.Subject != "Your Pay account is locked" {
		t.Fatalf("lockout email: %q", locked.Subject)
	}
	if err := a.Users.RequestPasswordReset(ctx, to); err != nil {
		t.Fatal(err)
	}
	reset := mp.WaitMessages(t, to, 2)[0]
	m := mailedLink.FindStringSubmatch(reset.Text)
	if reset.Subject != "Reset your Pay password" || m == nil || !strings.HasPrefix(m[0], base+"/admin/reset-password/") {
		t.Fatalf("reset email %q: %q", reset.Subject, reset.Text)
	}
	res, err := http.Get(m[0])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "Choose a new password") {
		t.Fatalf("the link: %d", res.StatusCode)
	}
	// The lockout email's own link was used up with the reset's.
	if _, err := a.Users.ResetPassword(ctx, m[1], "a brand new password"); err != nil {
		t.Fatal(err)
	}
	if got, err := a.Users.CheckPassword(ctx, to, "a brand new password"); err != nil || got.ID != u.ID {
		t.Fatalf("sign in after the reset: %v", err)
	}
	if lm := mailedLink.FindStringSubmatch(locked.Text); lm == nil {
		t.Fatalf("no link in the lockout email %q", locked.Text)
	} else if _, err := a.Users.ResetPassword(ctx, lm[1], "another password here"); err != team.ErrResetLinkInvalid {
		t.Fatalf("the lockout email's link after the reset: %v", err)
	}
}

// TestTeamEmailsOutbox: without SMTP_URL, emails to users are kept in the
// outbox, where the operator reads them.
func TestTeamEmailsOutbox(t *testing.T) {
	t.Parallel()
	a, _, _ := boot.Start(t, map[string]string{"DATABASE_URL": apptest.SQLiteURL(t)}, app.Options{})
	ctx := context.Background()
	if _, _, err := a.Users.Create(ctx, &team.NewUser{Email: "kept@example.org"}); err != nil {
		t.Fatal(err)
	}
	if err := a.Users.RequestPasswordReset(ctx, "kept@example.org"); err != nil {
		t.Fatal(err)
	}
	list, err := a.Store.OutboxList(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].To != "kept@example.org" || !mailedLink.MatchString(list[0].Text) {
		t.Fatalf("outbox: %+v", list)
	}
}
