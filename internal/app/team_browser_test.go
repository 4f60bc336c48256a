package app_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"pay/internal/app"
	"pay/internal/apptest"
	"pay/internal/apptest/boot"
	"pay/internal/store/pgtest"
	"pay/internal/team"
	bt "pay/internal/web/browsertest"
)

// teamAdminPassword is the password of the admin the browser tests add.
const teamAdminPassword = "team admin password"

// startWithMail boots the real app on the database, sending email to
// Mailpit, with an admin of the first service who signs in with
// teamAdminPassword; it returns the app, the admin's email and the base URL.
func startWithMail(t *testing.T, mp *apptest.Mailpit, databaseURL string) (*app.App, string, string, int64) {
	t.Helper()
	a, creds, base := boot.Start(t, map[string]string{"DATABASE_URL": databaseURL, "SMTP_URL": mp.SMTPURL}, app.Options{})
	ctx := context.Background()
	admin := &team.User{Email: apptest.Recipient("admin"), PasswordHash: team.HashPassword(teamAdminPassword)}
	if err := a.Store.UserInsert(ctx, admin); err != nil {
		t.Fatal(err)
	}
	if err := a.Store.MembershipSet(ctx, &team.Membership{UserID: admin.ID, ServiceID: creds.Service.ID, Role: team.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	return a, admin.Email, base, creds.Account.ID
}

// signInSteps signs in through the sign-in page, leaving the browser at the
// offer to set up an authenticator app.
func signInSteps(base, email, password string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Navigate(base+"/admin/sign-in"), chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email), chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("continue")), chromedp.WaitVisible(chromedp.ID("skip")))
}

// mailedLinkTo waits for the n-th email to the address and returns the Pay
// link in it, which must be on base.
func mailedLinkTo(t *testing.T, mp *apptest.Mailpit, to, base, path string, n int) string {
	t.Helper()
	msg := mp.WaitMessages(t, to, n)[0]
	for _, field := range strings.Fields(msg.Text) {
		if strings.HasPrefix(field, base+path) {
			return field
		}
	}
	t.Fatalf("no link to %s%s in %q", base, path, msg.Text)
	return ""
}

// TestBrowserInvite: in a real browser, on both databases, an admin invites
// a new person from the team page; the person opens the link in the email
// Pay sent over SMTP, chooses a password and signs in; the team page then
// lists them.
func TestBrowserInvite(t *testing.T) {
	t.Parallel()
	for name, databaseURL := range map[string]func(testing.TB) string{"SQLite": apptest.SQLiteURL, "PostgreSQL": pgtest.URL} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tab := bt.Tab(t)
			mp := apptest.NewMailpit(t)
			_, adminEmail, base, account := startWithMail(t, mp, databaseURL(t))
			teamPage := base + "/admin/accounts/" + strconv.FormatInt(account, 10) + "/team"
			newcomer := apptest.Recipient("newcomer")
			bt.Do(t, tab, signInSteps(base, adminEmail, teamAdminPassword), chromedp.Navigate(teamPage),
				chromedp.WaitVisible(chromedp.ID("invite-member")))
			bt.Accessible(t, tab)
			bt.Do(t, tab, chromedp.Click(chromedp.ID("invite-member")), chromedp.WaitVisible(chromedp.ID("invite-form")))
			bt.Accessible(t, tab)
			bt.Do(t, tab, chromedp.SendKeys(chromedp.ID("email"), newcomer), chromedp.Click(chromedp.ID("role-view-and-refund")),
				chromedp.Click(chromedp.ID("send-invitation")), chromedp.WaitVisible(chromedp.ID("invitation-sent")))
			bt.Accessible(t, tab)

			guest := bt.Tab(t)
			link := mailedLinkTo(t, mp, newcomer, base, "/admin/invitations/", 1)
			bt.Do(t, guest, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("invitation-form")))
			bt.Accessible(t, guest)
			bt.Do(t, guest, chromedp.SendKeys(chromedp.ID("password"), "the newcomer's password"),
				chromedp.Click(chromedp.ID("accept-invitation")), chromedp.WaitVisible(chromedp.ID("joined")),
				signInSteps(base, newcomer, "the newcomer's password"))
			if loc := bt.Location(t, guest); !strings.Contains(loc, "/admin/authenticator") {
				t.Fatalf("after signing in the newcomer is at %s", loc)
			}
			bt.Do(t, tab, chromedp.Navigate(teamPage), chromedp.WaitVisible(chromedp.ID("members-list")))
			if got := bt.Text(t, tab, "#members-list"); !strings.Contains(got, newcomer) || !strings.Contains(got, "View and refund") {
				t.Fatalf("team after the newcomer joined: %q", got)
			}
		})
	}
}

// TestBrowserForgottenPassword: in a real browser, a user who forgot their
// password asks for a link on the sign-in page, opens it from the email,
// chooses a new password and signs in with it.
func TestBrowserForgottenPassword(t *testing.T) {
	t.Parallel()
	tab := bt.Tab(t)
	mp := apptest.NewMailpit(t)
	_, email, base, _ := startWithMail(t, mp, apptest.SQLiteURL(t))
	bt.Do(t, tab, chromedp.Navigate(base+"/admin/sign-in"), chromedp.WaitVisible(chromedp.ID("forgot-password")),
		chromedp.Click(chromedp.ID("forgot-password")), chromedp.WaitVisible(chromedp.ID("forgot-password-form")))
	bt.Accessible(t, tab)
	bt.Do(t, tab, chromedp.SendKeys(chromedp.ID("email"), email), chromedp.Click(chromedp.ID("continue")),
		chromedp.WaitVisible(chromedp.ID("message-heading")))
	if h := bt.Text(t, tab, "#message-heading"); h != "Check your email" {
		t.Fatalf("after asking for a link: %q", h)
	}
	bt.Do(t, tab, chromedp.Navigate(mailedLinkTo(t, mp, email, base, "/admin/reset-password/", 1)),
		chromedp.WaitVisible(chromedp.ID("reset-password-form")))
	bt.Accessible(t, tab)
	bt.Do(t, tab, chromedp.SendKeys(chromedp.ID("password"), "my new password here"), chromedp.Click(chromedp.ID("continue")),
		chromedp.WaitVisible(chromedp.ID("password-reset")), signInSteps(base, email, "my new password here"))
}

// TestBrowserAddService: a user adds a service from "Switch service or
// account"; it has a sandbox account at once, whose dashboard opens, and
// the user is its admin. A name that is too long is refused.
func TestBrowserAddService(t *testing.T) {
	t.Parallel()
	tab := bt.Tab(t)
	mp := apptest.NewMailpit(t)
	a, email, base, _ := startWithMail(t, mp, apptest.SQLiteURL(t))
	bt.Do(t, tab, signInSteps(base, email, teamAdminPassword), chromedp.Navigate(base+"/admin/services"),
		chromedp.WaitVisible(chromedp.ID("add-service")), chromedp.Click(chromedp.ID("add-service")),
		chromedp.WaitVisible(chromedp.ID("new-service-form")))
	bt.Accessible(t, tab)
	bt.Do(t, tab, chromedp.SendKeys(chromedp.ID("service-name"), strings.Repeat("x", 51)),
		chromedp.Click(chromedp.ID("add-service-button")), chromedp.WaitVisible(chromedp.ID("error-summary")))
	if got := bt.Text(t, tab, "#error-summary"); !strings.Contains(got, "Service name must be 50 characters or fewer") {
		t.Fatalf("a long name: %q", got)
	}
	bt.Do(t, tab, chromedp.Clear(chromedp.ID("service-name")), chromedp.SendKeys(chromedp.ID("service-name"), "Fishing licences"),
		chromedp.SendKeys(chromedp.ID("service-name-welsh"), "Trwyddedau pysgota"),
		chromedp.Click(chromedp.ID("add-service-button")), chromedp.WaitVisible(chromedp.ID("account-mode")))
	u, err := a.Store.UserGetByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	list, err := a.Store.MembershipList(context.Background(), u.ID)
	if err != nil || len(list) != 2 || list[1].ServiceName != "Fishing licences" || list[1].Role != team.RoleAdmin {
		t.Fatalf("memberships after adding a service: %+v %v", list, err)
	}
	if loc := bt.Location(t, tab); !strings.HasPrefix(loc, base+"/admin/accounts/") {
		t.Fatalf("after adding a service the browser is at %s", loc)
	}
}
