package admin_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"pay/internal/team"
)

// memberPath is the path of a member's forms on the env's account.
func (e *env) memberPath(u *testUser, action string) string {
	return e.accountPath("/team/" + strconv.FormatInt(u.ID, 10) + "/" + action)
}

// TestTeamPage: every member sees the team; an admin changes a member's
// role and removes them, never themselves, and the page's history says who
// did what. A member who is not an admin gets 403 on every change, even by
// direct URL.
func TestTeamPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.user("admin@example.org", team.RoleAdmin, false)
	viewer := e.user("viewer@example.org", team.RoleViewOnly, false)
	b := e.browser()
	b.signIn(admin)
	p := b.get(e.accountPath("/team"))
	if p.status != http.StatusOK || p.heading() != "Team members" || !p.has("viewer@example.org") ||
		!p.has(`action="`+e.memberPath(viewer, "role")+`"`) || p.has(`action="`+e.memberPath(admin, "role")+`"`) {
		t.Fatalf("team page: %d %q\n%s", p.status, p.heading(), p.body)
	}
	if p := b.post(e.memberPath(viewer, "role"), url.Values{"role": {"view-and-refund"}}); p.status != http.StatusSeeOther {
		t.Fatalf("change role: %d %v", p.status, p.errors())
	}
	if role, _ := e.users.Role(e.Ctx, viewer.ID, e.service.ID); role != team.RoleViewAndRefund {
		t.Fatalf("role after the change: %s", role)
	}
	for _, action := range []string{"role", "remove"} {
		p := b.post(e.memberPath(admin, action), url.Values{"role": {"view-only"}})
		want := []string{"members: You cannot change your own role"}
		if action == "remove" {
			want = []string{"members: You cannot remove yourself from a team"}
		}
		if p.status != http.StatusForbidden || !slices.Equal(p.errors(), want) {
			t.Errorf("%s of self: %d %v", action, p.status, p.errors())
		}
	}
	if p := b.post(e.memberPath(viewer, "role"), url.Values{"role": {"owner"}}); !slices.Equal(p.errors(), []string{"members: Choose a role"}) {
		t.Errorf("a bad role: %v", p.errors())
	}

	vb := e.browser()
	vb.signIn(viewer)
	if p := vb.get(e.accountPath("/team")); p.status != http.StatusOK || p.has(`action="`+e.memberPath(admin, "remove")+`"`) {
		t.Fatalf("a member's view of the team: %d", p.status)
	}
	for _, action := range []string{"role", "remove"} {
		if p := vb.post(e.memberPath(admin, action), url.Values{"role": {"view-only"}}); p.status != http.StatusForbidden {
			t.Errorf("view-and-refund member's %s: %d", action, p.status)
		}
	}

	if p := b.post(e.memberPath(viewer, "remove"), nil); p.status != http.StatusSeeOther {
		t.Fatalf("remove: %d %v", p.status, p.errors())
	}
	p = b.get(e.accountPath("/team"))
	if p.has("member-"+strconv.FormatInt(viewer.ID, 10)) || !p.has("Removed viewer@example.org from the team</span>, by admin@example.org") ||
		!p.has("Changed the role of viewer@example.org from View only to View and refund</span>, by admin@example.org") {
		t.Fatalf("team page after the changes:\n%s", p.body)
	}
	if p := vb.get(e.accountPath("/team")); p.status == http.StatusOK {
		t.Fatalf("a removed member still sees the team: %d", p.status)
	}
}

// TestTeamOtherService: one service's admin can neither see nor change
// another service's team.
func TestTeamOtherService(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.user("admin@example.org", team.RoleAdmin, false)
	outsider := &testUser{User: &team.User{Email: "outsider@example.org", PasswordHash: testHash()}}
	must(t, e.Store.UserInsert(e.Ctx, outsider.User))
	must(t, e.Store.MembershipSet(e.Ctx, &team.Membership{UserID: outsider.ID, ServiceID: e.other.ServiceID, Role: team.RoleAdmin}))
	b := e.browser()
	b.signIn(admin)
	other := "/admin/accounts/" + strconv.FormatInt(e.other.ID, 10) + "/team"
	if p := b.get(other); p.status != http.StatusNotFound {
		t.Fatalf("another service's team page: %d", p.status)
	}
	if p := b.post(other+"/"+strconv.FormatInt(outsider.ID, 10)+"/remove", nil); p.status != http.StatusNotFound {
		t.Fatalf("removing from another service's team: %d", p.status)
	}
	// Nor through the admin's own account, naming the other service's member.
	for _, action := range []string{"role", "remove"} {
		if p := b.post(e.memberPath(outsider, action), url.Values{"role": {"view-only"}}); p.status != http.StatusNotFound {
			t.Fatalf("%s of another service's member: %d", action, p.status)
		}
	}
	if role, err := e.users.Role(e.Ctx, outsider.ID, e.other.ServiceID); err != nil || role != team.RoleAdmin {
		t.Fatalf("the other service's member: %s %v", role, err)
	}
}
