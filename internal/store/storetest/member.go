package storetest

import (
	"testing"

	"pay/internal/team"
)

// testMembers covers a service's team: listed by email with their roles,
// the same in a transaction, removed in one, and its history.
func testMembers(t *testing.T, open Opener) {
	f := setup(t, open)
	bee := f.newUser(t, "Bee@example.org")
	ann := f.newUser(t, "ann@example.org")
	mustOK(t, f.Team.MembershipSet(f.ctx, &team.Membership{UserID: bee.ID, ServiceID: f.service.ID, Role: team.RoleViewOnly}))
	mustOK(t, f.Team.MembershipSet(f.ctx, &team.Membership{UserID: ann.ID, ServiceID: f.service.ID, Role: team.RoleAdmin}))
	list, err := f.Team.MemberList(f.ctx, f.service.ID)
	mustOK(t, err)
	want := []team.Member{{UserID: ann.ID, Email: ann.Email, Role: team.RoleAdmin, Since: f.Clock.Now()},
		{UserID: bee.ID, Email: bee.Email, Role: team.RoleViewOnly, Since: f.Clock.Now()}}
	if len(list) != 2 || *list[0] != want[0] || *list[1] != want[1] {
		t.Fatalf("MemberList = %+v, want %+v", list, want)
	}
	if list, err := f.Team.MemberList(f.ctx, 999999); err != nil || len(list) != 0 {
		t.Fatalf("MemberList of an unknown service = %v, %v", list, err)
	}
	ev := &team.Event{ServiceID: f.service.ID, ActorEmail: ann.Email, Summary: "Removed Bee@example.org from the team"}
	mustOK(t, f.Team.TeamUpdate(f.ctx, func(tx team.Tx) error {
		locked, err := tx.MemberListLocked(f.ctx, f.service.ID)
		if err != nil || len(locked) != 2 || *locked[0] != want[0] {
			t.Errorf("MemberListLocked = %+v, %v", locked, err)
		}
		if err := tx.MembershipDelete(f.ctx, bee.ID, f.service.ID); err != nil {
			return err
		}
		return tx.EventInsert(f.ctx, ev)
	}))
	if ev.ID == 0 || !ev.CreatedAt.Equal(f.Clock.Now()) {
		t.Fatalf("EventInsert did not set ID and CreatedAt: %+v", ev)
	}
	if list, _ := f.Team.MemberList(f.ctx, f.service.ID); len(list) != 1 || list[0].UserID != ann.ID {
		t.Fatalf("after MembershipDelete: %+v", list)
	}
	wantErr(t, f.Team.TeamUpdate(f.ctx, func(tx team.Tx) error { return tx.MembershipDelete(f.ctx, bee.ID, f.service.ID) }), team.ErrNotFound)
	wantErr(t, f.Team.TeamUpdate(f.ctx, func(tx team.Tx) error {
		return tx.EventInsert(f.ctx, &team.Event{ServiceID: 999999, ActorEmail: "x", Summary: "x"})
	}), team.ErrNotFound)
	later := &team.Event{ServiceID: f.service.ID, ActorEmail: ann.Email, Summary: "Later"}
	mustOK(t, f.Team.TeamUpdate(f.ctx, func(tx team.Tx) error { return tx.EventInsert(f.ctx, later) }))
	events, err := f.Team.EventList(f.ctx, f.service.ID, 10)
	mustOK(t, err)
	if len(events) != 2 || *events[0] != *later || *events[1] != *ev {
		t.Fatalf("EventList = %+v", events)
	}
	if events, _ := f.Team.EventList(f.ctx, f.service.ID, 1); len(events) != 1 || events[0].ID != later.ID {
		t.Fatalf("EventList(1) = %+v", events)
	}
}
