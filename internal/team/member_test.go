package team_test

import (
	"errors"
	"sync"
	"testing"

	"pay/internal/apptest"
	"pay/internal/team"
)

// member stores a user with a role in the env's service.
func (e *usersEnv) member(t *testing.T, email string, role team.Role) *team.User {
	t.Helper()
	u := &team.User{Email: email, PasswordHash: "h"}
	if err := e.store.UserInsert(e.ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := e.store.MembershipSet(e.ctx, &team.Membership{UserID: u.ID, ServiceID: e.service.ID, Role: role}); err != nil {
		t.Fatal(err)
	}
	return u
}

// TestTeamRules: admins change roles and remove members, not themselves,
// and never the last admin; each change is in the team's history.
func TestTeamRules(t *testing.T) {
	t.Parallel()
	apptest.ForEachEngine(t, testTeamRules)
}

func testTeamRules(t *testing.T, eng apptest.Engine) {
	e := newUsersEnvOn(t, eng)
	ann := e.member(t, "ann@example.org", team.RoleAdmin)
	bob := e.member(t, "bob@example.org", team.RoleViewOnly)
	outsider, _ := e.create(t, "outsider@example.org")
	e.store.MembershipDelete(e.ctx, outsider.ID, e.service.ID)
	svc := e.service.ID
	for _, tt := range []struct {
		name string
		err  error
		want error
	}{
		{"own role", e.users.ChangeRole(e.ctx, ann, svc, ann.ID, team.RoleViewOnly), team.ErrSelfRole},
		{"remove self", e.users.RemoveMember(e.ctx, ann, svc, ann.ID), team.ErrSelfRemove},
		{"last admin demoted", e.users.ChangeRole(e.ctx, bob, svc, ann.ID, team.RoleViewOnly), team.ErrLastAdmin},
		{"last admin removed", e.users.RemoveMember(e.ctx, bob, svc, ann.ID), team.ErrLastAdmin},
		{"not in the team", e.users.ChangeRole(e.ctx, ann, svc, outsider.ID, team.RoleAdmin), team.ErrNotFound},
		{"bad role", e.users.ChangeRole(e.ctx, ann, svc, bob.ID, "owner"), team.ErrInvalid},
	} {
		if !errors.Is(tt.err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, tt.err, tt.want)
		}
	}
	if err := e.users.ChangeRole(e.ctx, ann, svc, bob.ID, team.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	// With two admins, one may demote the other.
	if err := e.users.ChangeRole(e.ctx, bob, svc, ann.ID, team.RoleViewAndRefund); err != nil {
		t.Fatal(err)
	}
	if err := e.users.RemoveMember(e.ctx, bob, svc, ann.ID); err != nil {
		t.Fatal(err)
	}
	members, events, err := e.users.Team(e.ctx, svc)
	if err != nil || len(members) != 1 || members[0].UserID != bob.ID || members[0].Role != team.RoleAdmin {
		t.Fatalf("team = %+v, %v", members, err)
	}
	want := []string{"Removed ann@example.org from the team",
		"Changed the role of ann@example.org from Administrator to View and refund",
		"Changed the role of bob@example.org from View only to Administrator"}
	if len(events) != 3 {
		t.Fatalf("history: %+v", events)
	}
	for i, ev := range events {
		if ev.Summary != want[i] {
			t.Errorf("event %d: %q, want %q", i, ev.Summary, want[i])
		}
	}
	if events[0].ActorEmail != bob.Email || events[2].ActorEmail != ann.Email {
		t.Errorf("actors: %s, %s", events[0].ActorEmail, events[2].ActorEmail)
	}
}

// TestTeamLastAdminConcurrent: two admins demoting each other at once
// leave the service one admin, on every engine.
func TestTeamLastAdminConcurrent(t *testing.T) {
	t.Parallel()
	apptest.ForEachEngine(t, func(t *testing.T, eng apptest.Engine) {
		e := newUsersEnvOn(t, eng)
		for round := range 5 {
			a := e.member(t, "a"+string(rune('0'+round))+"@example.org", team.RoleAdmin)
			b := e.member(t, "b"+string(rune('0'+round))+"@example.org", team.RoleAdmin)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			wg.Go(func() { errs[0] = e.users.ChangeRole(e.ctx, a, e.service.ID, b.ID, team.RoleViewOnly) })
			wg.Go(func() { errs[1] = e.users.ChangeRole(e.ctx, b, e.service.ID, a.ID, team.RoleViewOnly) })
			wg.Wait()
			members, _, err := e.users.Team(e.ctx, e.service.ID)
			if err != nil {
				t.Fatal(err)
			}
			admins := 0
			for _, m := range members {
				if m.Role == team.RoleAdmin {
					admins++
				}
			}
			if admins != 1 || (errs[0] == nil) == (errs[1] == nil) {
				t.Fatalf("round %d: %d admins, errors %v", round, admins, errs)
			}
			// Leave the team empty of admins for the next round.
			for _, m := range members {
				e.store.MembershipDelete(e.ctx, m.UserID, e.service.ID)
			}
		}
	})
}
