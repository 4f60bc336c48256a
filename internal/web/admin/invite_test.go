package admin_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"pay/internal/team"
)

var invitationLink = regexp.MustCompile(`/admin/invitations/\S+`)

// invitation is the invitation link in the last email sent.
func (b *teamInbox) invitation(t *testing.T) string { return b.lastLink(t, invitationLink) }

// TestInviteNewPerson: an admin invites a new person, who chooses a
// password from the emailed link, once, and signs in with it.
func TestInviteNewPerson(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.user("admin@example.org", team.RoleAdmin, false)
	b := e.browser()
	b.signIn(admin)
	if p := b.get(e.accountPath("/team")); !p.has(`href="` + e.accountPath("/team/invite") + `"`) {
		t.Fatal("the team page does not offer to invite")
	}
	if p := b.get(e.accountPath("/team/invite")); p.status != http.StatusOK || p.heading() != "Invite a team member" {
		t.Fatalf("invite page: %d %q", p.status, p.heading())
	}
	for _, tt := range []struct {
		email, role string
		want        []string
	}{
		{"", "view-only", []string{"email: Enter a valid email address"}},
		{"admin@example.org", "view-only", []string{"email: This person is already a member of the team"}},
		{"new@example.org", "owner", []string{"role-admin: Choose a role"}},
	} {
		if p := b.post(e.accountPath("/team/invite"), url.Values{"email": {tt.email}, "role": {tt.role}}); !slices.Equal(p.errors(), tt.want) {
			t.Errorf("%q %q: %v, want %v", tt.email, tt.role, p.errors(), tt.want)
		}
	}
	p := b.post(e.accountPath("/team/invite"), url.Values{"email": {"new@example.org"}, "role": {"view-and-refund"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("invite: %d %v", p.status, p.errors())
	}
	if p := b.follow(p); !p.has(`id="invitation-sent"`) || !p.has(`<td class="invitation-email">new@example.org</td>`) {
		t.Fatalf("team page after inviting:\n%s", p.body)
	}
	link := e.inbox.invitation(t)
	guest := e.browser()
	if p := guest.get(link); p.status != http.StatusOK || p.heading() != "Join Licence service" || !p.has(`id="password"`) {
		t.Fatalf("invitation page: %d %q", p.status, p.heading())
	}
	if p := guest.post(link, url.Values{"password": {"short"}}); !slices.Equal(p.errors(), []string{"password: Password must be 10 characters or more"}) {
		t.Fatalf("short password: %v", p.errors())
	}
	p = guest.post(link, url.Values{"password": {"my very own password"}})
	if p.status != http.StatusSeeOther || p.location != "/admin/sign-in?joined" {
		t.Fatalf("accept: %d %s %v", p.status, p.location, p.errors())
	}
	if p := guest.postSignIn(url.Values{"email": {"new@example.org"}, "password": {"my very own password"}}); p.status != http.StatusSeeOther {
		t.Fatalf("sign in: %d %v", p.status, p.errors())
	}
	if p := guest.get(link); p.status != http.StatusNotFound || p.heading() != "This invitation does not work any more" {
		t.Fatalf("the link again: %d %q", p.status, p.heading())
	}
	if p := guest.post(link, url.Values{"password": {"my very own password"}}); p.status != http.StatusNotFound {
		t.Fatalf("the link posted again: %d", p.status)
	}
	if p := b.get(e.accountPath("/team")); !p.has("new@example.org accepted the invitation and joined as View and refund") {
		t.Fatalf("history:\n%s", p.body)
	}
}

// TestInviteExistingCancelResend: an existing user joins with one button;
// an invitation sent again has a new link, and a cancelled one none; only
// admins of the service may do any of it.
func TestInviteExistingCancelResend(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.user("admin@example.org", team.RoleAdmin, false)
	viewer := e.user("viewer@example.org", team.RoleViewOnly, false)
	must(t, e.users.RemoveMember(e.Ctx, admin.User, e.service.ID, viewer.ID))
	b := e.browser()
	b.signIn(admin)
	b.get(e.accountPath("/team/invite"))
	b.post(e.accountPath("/team/invite"), url.Values{"email": {"viewer@example.org"}, "role": {"view-only"}})
	guest := e.browser()
	if p := guest.get(e.inbox.invitation(t)); !p.has(`id="accept-invitation"`) || p.has(`id="password"`) {
		t.Fatalf("an existing user's invitation page:\n%s", p.body)
	}
	if p := guest.post(e.inbox.invitation(t), nil); p.status != http.StatusSeeOther {
		t.Fatalf("join: %d %v", p.status, p.errors())
	}
	if role, _ := e.users.Role(e.Ctx, viewer.ID, e.service.ID); role != team.RoleViewOnly {
		t.Fatalf("role after joining: %s", role)
	}

	b.post(e.accountPath("/team/invite"), url.Values{"email": {"later@example.org"}, "role": {"admin"}})
	first := e.inbox.invitation(t)
	list, _ := e.Store.InviteList(e.Ctx, e.service.ID)
	inv := e.accountPath("/team/invitations/" + strconv.FormatInt(list[0].ID, 10))
	if p := b.post(inv+"/resend", nil); p.status != http.StatusSeeOther {
		t.Fatalf("send again: %d", p.status)
	}
	second := e.inbox.invitation(t)
	if p := guest.get(first); p.status != http.StatusNotFound || second == first {
		t.Fatalf("the first link after sending again: %d", p.status)
	}
	vb := e.browser()
	vb.signIn(viewer)
	for _, path := range []string{inv + "/cancel", inv + "/resend", e.accountPath("/team/invite")} {
		if p := vb.post(path, url.Values{"email": {"x@example.org"}, "role": {"admin"}}); p.status != http.StatusForbidden {
			t.Errorf("a view-only member's POST %s: %d", path, p.status)
		}
	}
	if p := vb.get(e.accountPath("/team/invite")); p.status != http.StatusForbidden {
		t.Errorf("a view-only member's invite page: %d", p.status)
	}
	other := "/admin/accounts/" + strconv.FormatInt(e.other.ID, 10) + "/team/invitations/" + strconv.FormatInt(list[0].ID, 10)
	if p := b.post(other+"/cancel", nil); p.status != http.StatusNotFound {
		t.Errorf("through another service's account: %d", p.status)
	}
	if p := b.post(inv+"/cancel", nil); p.status != http.StatusSeeOther {
		t.Fatalf("cancel: %d", p.status)
	}
	if p := guest.get(second); p.status != http.StatusNotFound {
		t.Fatalf("a cancelled invitation's link: %d", p.status)
	}
	if p := b.post(inv+"/cancel", nil); p.status != http.StatusNotFound {
		t.Fatalf("cancelled twice: %d", p.status)
	}
}
