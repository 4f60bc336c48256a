package storetest

import (
	"testing"
	"time"

	"pay/internal/team"
)

// inTx runs fn in a transaction of its own.
func (f *fixture) inTx(fn func(tx team.Tx) error) error { return f.Team.TeamUpdate(f.ctx, fn) }

// testInvite covers invitations: stored by hash with their service's name,
// accepted once, renewed with a new hash, cancelled, refused once expired,
// and only the service's own changed.
func testInvite(t *testing.T, open Opener) {
	f := setup(t, open)
	now := f.Clock.Now()
	newInvite := func(hash, email string) *team.Invite {
		inv := &team.Invite{Hash: hash, ServiceID: f.service.ID, Email: email, Role: team.RoleViewOnly,
			InvitedBy: "admin@example.org", ExpiresAt: now.Add(time.Hour)}
		mustOK(t, f.inTx(func(tx team.Tx) error { return tx.InviteInsert(f.ctx, inv) }))
		return inv
	}
	first, second := newInvite("h1", "one@example.org"), newInvite("h2", "two@example.org")
	if first.ID == 0 || second.ID <= first.ID || !first.CreatedAt.Equal(now) {
		t.Fatalf("InviteInsert did not set ID and CreatedAt: %+v", first)
	}
	got, err := f.Team.InviteGet(f.ctx, "h1")
	mustOK(t, err)
	if got.ServiceName != f.service.Name || got.Email != first.Email || got.Role != team.RoleViewOnly ||
		!got.ExpiresAt.Equal(first.ExpiresAt) || got.AcceptedAt != nil || !got.Pending(now) {
		t.Fatalf("InviteGet = %+v", got)
	}
	_, err = f.Team.InviteGet(f.ctx, "nothing")
	wantErr(t, err, team.ErrNotFound)
	wantErr(t, f.inTx(func(tx team.Tx) error {
		return tx.InviteInsert(f.ctx, &team.Invite{Hash: "hx", ServiceID: 999999, Email: "x@example.org", Role: team.RoleAdmin, InvitedBy: "a", ExpiresAt: now})
	}), team.ErrNotFound)

	mustOK(t, f.inTx(func(tx team.Tx) error { return tx.InviteUse(f.ctx, "h1") }))
	wantErr(t, f.inTx(func(tx team.Tx) error { return tx.InviteUse(f.ctx, "h1") }), team.ErrConflict)
	wantErr(t, f.inTx(func(tx team.Tx) error { return tx.InviteUse(f.ctx, "nothing") }), team.ErrNotFound)
	if list, _ := f.Team.InviteList(f.ctx, f.service.ID); len(list) != 1 || list[0].ID != second.ID {
		t.Fatalf("InviteList after one was accepted = %+v", list)
	}

	later := now.Add(2 * time.Hour)
	mustOK(t, f.inTx(func(tx team.Tx) error {
		inv, err := tx.InviteRenew(f.ctx, f.service.ID, second.ID, "h2b", later)
		if err == nil && (inv.Hash != "h2b" || !inv.ExpiresAt.Equal(later) || inv.Email != second.Email) {
			t.Errorf("InviteRenew = %+v", inv)
		}
		return err
	}))
	_, err = f.Team.InviteGet(f.ctx, "h2")
	wantErr(t, err, team.ErrNotFound)
	for _, fn := range []func(tx team.Tx) error{
		func(tx team.Tx) error {
			_, err := tx.InviteRenew(f.ctx, f.service.ID, first.ID, "h1b", later)
			return err
		},
		func(tx team.Tx) error { _, err := tx.InviteCancel(f.ctx, f.service.ID+1, second.ID); return err },
	} {
		wantErr(t, f.inTx(fn), team.ErrNotFound) // accepted; another service's
	}
	f.Clock.Set(later) // expired just now
	wantErr(t, f.inTx(func(tx team.Tx) error { return tx.InviteUse(f.ctx, "h2b") }), team.ErrConflict)
	mustOK(t, f.inTx(func(tx team.Tx) error {
		inv, err := tx.InviteCancel(f.ctx, f.service.ID, second.ID)
		if err == nil && (inv.CancelledAt == nil || !inv.CancelledAt.Equal(later)) {
			t.Errorf("InviteCancel = %+v", inv)
		}
		return err
	}))
	if list, _ := f.Team.InviteList(f.ctx, f.service.ID); len(list) != 0 {
		t.Fatalf("InviteList after cancelling = %+v", list)
	}
}
