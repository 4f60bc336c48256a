package team_test

import (
	"errors"
	"regexp"
	"testing"

	"pay/internal/apptest"
	"pay/internal/team"
)

var inviteLink = regexp.MustCompile(`https://pay\.example/invite/(\S+)`)

// inviteToken is the token of the invitation in the last email sent.
func (m *mailbox) inviteToken(t *testing.T) string {
	t.Helper()
	got := inviteLink.FindStringSubmatch(m.sent[len(m.sent)-1].Text)
	if got == nil {
		t.Fatalf("no invitation link in %q", m.sent[len(m.sent)-1].Text)
	}
	return got[1]
}

// TestInvite: a new person accepts once with a password of their own; an
// existing user simply joins; a member cannot be invited again; links
// expire after two days, and cancelling or sending again ends the old one.
func TestInvite(t *testing.T) {
	t.Parallel()
	apptest.ForEachEngine(t, testInvite)
}

func testInvite(t *testing.T, eng apptest.Engine) {
	e, box := newMailEnv(t, eng)
	e.users.InviteURL = func(token string) string { return "https://pay.example/invite/" + token }
	admin := e.member(t, "admin@example.org", team.RoleAdmin)
	svc := e.service.ID
	if _, err := e.users.Invite(e.ctx, admin, svc, "Service", "not an email", team.RoleViewOnly); err != team.ErrBadEmail {
		t.Fatalf("bad email: %v", err)
	}
	if _, err := e.users.Invite(e.ctx, admin, svc, "Service", "ADMIN@example.org", team.RoleViewOnly); err != team.ErrAlreadyMember {
		t.Fatalf("a member: %v", err)
	}
	inv, err := e.users.Invite(e.ctx, admin, svc, "Service", "new@example.org", team.RoleViewAndRefund)
	if err != nil {
		t.Fatal(err)
	}
	if m := box.sent[len(box.sent)-1]; m.To != "new@example.org" || m.Subject != "You have been invited to join Service on Pay" {
		t.Fatalf("invitation email %+v", m)
	}
	token := box.inviteToken(t)
	if got, u, err := e.users.OpenInvite(e.ctx, token); err != nil || u != nil || got.ID != inv.ID || got.ServiceName != "Service" {
		t.Fatalf("OpenInvite = %+v, %v, %v", got, u, err)
	}
	if _, _, err := e.users.AcceptInvite(e.ctx, token, "short"); err != team.ErrPasswordTooShort {
		t.Fatalf("short password: %v", err)
	}
	_, u, err := e.users.AcceptInvite(e.ctx, token, "a password of my own")
	if err != nil {
		t.Fatal(err)
	}
	if role, _ := e.users.Role(e.ctx, u.ID, svc); role != team.RoleViewAndRefund || u.PasswordChangeRequired {
		t.Fatalf("the new member: role %s, %+v", role, u)
	}
	if _, err := e.users.CheckPassword(e.ctx, "new@example.org", "a password of my own"); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	if _, _, err := e.users.AcceptInvite(e.ctx, token, "a password of my own"); err != team.ErrInviteInvalid {
		t.Fatalf("the link used again: %v", err)
	}

	// An existing user of another service joins without a password.
	other, _ := e.create(t, "other@example.org")
	e.store.MembershipDelete(e.ctx, other.ID, svc)
	if _, err := e.users.Invite(e.ctx, admin, svc, "Service", "other@example.org", team.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if _, u, err := e.users.AcceptInvite(e.ctx, box.inviteToken(t), ""); err != nil || u.ID != other.ID {
		t.Fatalf("an existing user: %+v %v", u, err)
	}
	if role, _ := e.users.Role(e.ctx, other.ID, svc); role != team.RoleAdmin {
		t.Fatalf("the existing user's role: %s", role)
	}
}

// TestInviteExpiryCancelResend: a link works for two days; sending again
// replaces it; cancelling ends it.
func TestInviteExpiryCancelResend(t *testing.T) {
	t.Parallel()
	e, box := newMailEnv(t, apptest.SQLite)
	e.users.InviteURL = func(token string) string { return "https://pay.example/invite/" + token }
	admin := e.member(t, "admin@example.org", team.RoleAdmin)
	inv, err := e.users.Invite(e.ctx, admin, e.service.ID, "Service", "late@example.org", team.RoleViewOnly)
	if err != nil {
		t.Fatal(err)
	}
	first := box.inviteToken(t)
	e.clock.Advance(team.InviteLifetime)
	if _, _, err := e.users.AcceptInvite(e.ctx, first, "a password of my own"); err != team.ErrInviteInvalid {
		t.Fatalf("after two days: %v", err)
	}
	if _, err := e.users.ResendInvite(e.ctx, admin, e.service.ID, inv.ID); err != nil {
		t.Fatal(err)
	}
	second := box.inviteToken(t)
	if _, _, err := e.users.OpenInvite(e.ctx, second); err != nil {
		t.Fatalf("the link sent again: %v", err)
	}
	if err := e.users.CancelInvite(e.ctx, admin, e.service.ID, inv.ID); err != nil {
		t.Fatal(err)
	}
	for _, token := range []string{first, second} {
		if _, _, err := e.users.OpenInvite(e.ctx, token); err != team.ErrInviteInvalid {
			t.Fatalf("a cancelled invitation: %v", err)
		}
	}
	if err := e.users.CancelInvite(e.ctx, admin, e.service.ID, inv.ID); !errors.Is(err, team.ErrNotFound) {
		t.Fatalf("cancelled twice: %v", err)
	}
	_, events, _ := e.users.Team(e.ctx, e.service.ID)
	want := []string{"Cancelled the invitation to late@example.org", "Sent the invitation to late@example.org again",
		"Invited late@example.org as View only"}
	if len(events) != 3 || events[0].Summary != want[0] || events[1].Summary != want[1] || events[2].Summary != want[2] {
		t.Fatalf("history: %+v", events)
	}
}
