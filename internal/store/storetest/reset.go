package storetest

import (
	"testing"
	"time"

	"pay/internal/team"
)

// testPasswordReset covers reset links: stored by hash, used once, refused
// once expired, and every other unused link of the user used up with one.
func testPasswordReset(t *testing.T, open Opener) {
	f := setup(t, open)
	u := f.newUser(t, "forgetful@example.org")
	other := f.newUser(t, "other@example.org")
	now := f.Clock.Now()
	first := &team.PasswordReset{Hash: "hash-1", UserID: u.ID, ExpiresAt: now.Add(time.Hour)}
	second := &team.PasswordReset{Hash: "hash-2", UserID: u.ID, ExpiresAt: now.Add(time.Hour)}
	others := &team.PasswordReset{Hash: "hash-3", UserID: other.ID, ExpiresAt: now.Add(time.Hour)}
	for _, r := range []*team.PasswordReset{first, second, others} {
		mustOK(t, f.Team.PasswordResetInsert(f.ctx, r))
	}
	if !first.CreatedAt.Equal(now) {
		t.Fatalf("CreatedAt = %v, want %v", first.CreatedAt, now)
	}
	wantErr(t, f.Team.PasswordResetInsert(f.ctx, &team.PasswordReset{Hash: "hash-1", UserID: u.ID, ExpiresAt: now}), team.ErrConflict)
	wantErr(t, f.Team.PasswordResetInsert(f.ctx, &team.PasswordReset{Hash: "hash-x", UserID: 999999, ExpiresAt: now}), team.ErrNotFound)
	got, err := f.Team.PasswordResetGet(f.ctx, "hash-1")
	mustOK(t, err)
	if got.UserID != u.ID || got.UsedAt != nil || !got.ExpiresAt.Equal(first.ExpiresAt) {
		t.Fatalf("PasswordResetGet = %+v", got)
	}
	_, err = f.Team.PasswordResetGet(f.ctx, "nothing")
	wantErr(t, err, team.ErrNotFound)

	mustOK(t, f.Team.TeamUpdate(f.ctx, func(tx team.Tx) error {
		id, err := tx.PasswordResetUse(f.ctx, "hash-1")
		if err == nil && id != u.ID {
			t.Errorf("PasswordResetUse = user %d, want %d", id, u.ID)
		}
		return err
	}))
	for _, hash := range []string{"hash-1", "hash-2"} { // used, and used up with it
		wantErr(t, useReset(f, hash), team.ErrConflict)
	}
	wantErr(t, useReset(f, "nothing"), team.ErrNotFound)
	if got, _ := f.Team.PasswordResetGet(f.ctx, "hash-1"); got.UsedAt == nil || !got.UsedAt.Equal(now) {
		t.Fatalf("UsedAt = %v, want %v", got.UsedAt, now)
	}
	f.Clock.Set(now.Add(time.Hour)) // the other user's link has just expired
	wantErr(t, useReset(f, "hash-3"), team.ErrConflict)
}

// useReset uses a reset link in a transaction of its own.
func useReset(f *fixture, hash string) error {
	return f.Team.TeamUpdate(f.ctx, func(tx team.Tx) error {
		_, err := tx.PasswordResetUse(f.ctx, hash)
		return err
	})
}

// testUserPasswordSet covers setting a password through a reset: it ends a
// lockout and the need to change the password, and nothing else.
func testUserPasswordSet(t *testing.T, open Opener) {
	f := setup(t, open)
	u := &team.User{Email: "locked@example.org", PasswordHash: "old", TOTPSecret: "SECRET", PasswordChangeRequired: true}
	mustOK(t, f.Team.UserInsert(f.ctx, u))
	for range team.MaxFailedSignIns {
		_, err := f.Team.UserSignInAttempt(f.ctx, u.ID, team.MaxFailedSignIns)
		mustOK(t, err)
	}
	mustOK(t, f.Team.TeamUpdate(f.ctx, func(tx team.Tx) error { return tx.UserPasswordSet(f.ctx, u.ID, "new") }))
	got, err := f.Team.UserGet(f.ctx, u.ID)
	mustOK(t, err)
	if got.PasswordHash != "new" || got.FailedSignIns != 0 || got.PasswordChangeRequired || got.TOTPSecret != "SECRET" {
		t.Fatalf("after UserPasswordSet: %+v", got)
	}
	wantErr(t, f.Team.TeamUpdate(f.ctx, func(tx team.Tx) error { return tx.UserPasswordSet(f.ctx, 999999, "x") }), team.ErrNotFound)
}

// testOutbox covers the outbox of emails to users: kept, and listed newest
// first up to a limit.
func testOutbox(t *testing.T, open Opener) {
	f := setup(t, open)
	first := &team.Email{To: "a@example.org", Subject: "First", Text: "Hello\nthere"}
	mustOK(t, f.Team.OutboxInsert(f.ctx, first))
	second := &team.Email{To: "b@example.org", Subject: "Second", Text: "Again"}
	mustOK(t, f.Team.OutboxInsert(f.ctx, second))
	if first.ID == 0 || second.ID <= first.ID || !first.CreatedAt.Equal(f.Clock.Now()) {
		t.Fatalf("OutboxInsert did not set ID and CreatedAt: %+v %+v", first, second)
	}
	list, err := f.Team.OutboxList(f.ctx, 10)
	mustOK(t, err)
	if len(list) != 2 || *list[0] != *second || *list[1] != *first {
		t.Fatalf("OutboxList = %+v", list)
	}
	if list, _ := f.Team.OutboxList(f.ctx, 1); len(list) != 1 || list[0].ID != second.ID {
		t.Fatalf("OutboxList(1) = %+v", list)
	}
}
