package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"pay/internal/pay"
	"pay/internal/team"
)

// testTeam covers team.Store: users and their sign-in state, roles in
// services, sessions, and changes of several steps in one transaction.
func testTeam(t *testing.T, open Opener) {
	t.Run("User", func(t *testing.T) { t.Parallel(); testUser(t, open) })
	t.Run("UserSignIn", func(t *testing.T) { t.Parallel(); testUserSignIn(t, open) })
	t.Run("UserSignInAttemptConcurrent", func(t *testing.T) { t.Parallel(); testSignInAttemptConcurrent(t, open) })
	t.Run("UserTOTPStepConcurrent", func(t *testing.T) { t.Parallel(); testTOTPStepConcurrent(t, open) })
	t.Run("Membership", func(t *testing.T) { t.Parallel(); testMembership(t, open) })
	t.Run("Session", func(t *testing.T) { t.Parallel(); testSession(t, open) })
	t.Run("TeamUpdate", func(t *testing.T) { t.Parallel(); testTeamUpdate(t, open) })
	t.Run("TeamUpdateRollback", func(t *testing.T) { t.Parallel(); testTeamUpdateRollback(t, open) })
	t.Run("PasswordReset", func(t *testing.T) { t.Parallel(); testPasswordReset(t, open) })
	t.Run("UserPasswordSet", func(t *testing.T) { t.Parallel(); testUserPasswordSet(t, open) })
	t.Run("Outbox", func(t *testing.T) { t.Parallel(); testOutbox(t, open) })
	t.Run("Members", func(t *testing.T) { t.Parallel(); testMembers(t, open) })
	t.Run("Invite", func(t *testing.T) { t.Parallel(); testInvite(t, open) })
}

// wantErr fails t unless err is a team error of the given kind.
func wantErr(t *testing.T, err, kind error) {
	t.Helper()
	var e *team.Error
	if !errors.Is(err, kind) || !errors.As(err, &e) {
		t.Fatalf("got error %v, want a *team.Error of kind %v", err, kind)
	}
}

func testUser(t *testing.T, open Opener) {
	f := setup(t, open)
	u := &team.User{Email: "Admin@Example.org", PasswordHash: team.HashPassword("correct horse battery")}
	mustOK(t, f.Team.UserInsert(f.ctx, u))
	if u.ID == 0 || !u.CreatedAt.Equal(f.Clock.Now()) {
		t.Fatalf("UserInsert did not set ID and CreatedAt: %+v", u)
	}
	got, err := f.Team.UserGetByEmail(f.ctx, "admin@example.ORG")
	mustOK(t, err)
	if diff := cmp.Diff(u, got); diff != "" {
		t.Fatalf("UserGetByEmail (-want +got):\n%s", diff)
	}
	wantErr(t, f.Team.UserInsert(f.ctx, &team.User{Email: "admin@example.org", PasswordHash: "x"}), team.ErrConflict)
	_, err = f.Team.UserGetByEmail(f.ctx, "nobody@example.org")
	wantErr(t, err, team.ErrNotFound)
}

// newUser stores a user with the given email.
func (f *fixture) newUser(t *testing.T, email string) *team.User {
	t.Helper()
	u := &team.User{Email: email, PasswordHash: "hash-of-" + email}
	mustOK(t, f.Team.UserInsert(f.ctx, u))
	return u
}

func testUserSignIn(t *testing.T, open Opener) {
	f := setup(t, open)
	u := &team.User{Email: "new@example.org", PasswordHash: "h", PasswordChangeRequired: true}
	mustOK(t, f.Team.UserInsert(f.ctx, u))
	other := f.newUser(t, "other@example.org")
	t.Run("GetAndList", func(t *testing.T) {
		got, err := f.Team.UserGet(f.ctx, u.ID)
		mustOK(t, err)
		if diff := cmp.Diff(u, got); diff != "" {
			t.Fatalf("UserGet (-want +got):\n%s", diff)
		}
		list, err := f.Team.UserList(f.ctx)
		mustOK(t, err)
		if len(list) != 2 || list[0].ID != u.ID || list[1].ID != other.ID {
			t.Fatalf("UserList = %+v", list)
		}
		_, err = f.Team.UserGet(f.ctx, 999999)
		wantErr(t, err, team.ErrNotFound)
	})
	t.Run("Update", func(t *testing.T) {
		u.PasswordHash, u.PasswordChangeRequired, u.TOTPSecret, u.Disabled = "new hash", false, "SECRET", true
		mustOK(t, f.Team.UserUpdate(f.ctx, u))
		got, err := f.Team.UserGetByEmail(f.ctx, u.Email)
		mustOK(t, err)
		if diff := cmp.Diff(u, got); diff != "" {
			t.Fatalf("after UserUpdate (-want +got):\n%s", diff)
		}
		wantErr(t, f.Team.UserUpdate(f.ctx, &team.User{ID: 999999}), team.ErrNotFound)
	})
	t.Run("PasswordRehash", func(t *testing.T) {
		old, _ := f.Team.UserGet(f.ctx, other.ID)
		mustOK(t, f.Team.UserPasswordRehash(f.ctx, other.ID, old.PasswordHash, "rehashed"))
		wantErr(t, f.Team.UserPasswordRehash(f.ctx, other.ID, old.PasswordHash, "stale"), team.ErrConflict)
		got, _ := f.Team.UserGet(f.ctx, other.ID)
		old.PasswordHash = "rehashed"
		if diff := cmp.Diff(old, got); diff != "" {
			t.Fatalf("after UserPasswordRehash (-want +got):\n%s", diff)
		}
		wantErr(t, f.Team.UserPasswordRehash(f.ctx, 999999, "rehashed", "x"), team.ErrNotFound)
	})
	t.Run("SignInAttempts", func(t *testing.T) {
		for want := 1; want <= 3; want++ {
			n, err := f.Team.UserSignInAttempt(f.ctx, other.ID, 3)
			mustOK(t, err)
			if n != want {
				t.Fatalf("UserSignInAttempt = %d, want %d", n, want)
			}
		}
		_, err := f.Team.UserSignInAttempt(f.ctx, other.ID, 3)
		wantErr(t, err, team.ErrConflict)
		mustOK(t, f.Team.UserSignInAttemptUndo(f.ctx, other.ID))
		got, _ := f.Team.UserGet(f.ctx, other.ID)
		if got.FailedSignIns != 2 {
			t.Fatalf("after a refused attempt and an undo, FailedSignIns = %d, want 2", got.FailedSignIns)
		}
		mustOK(t, f.Team.UserSignInReset(f.ctx, other.ID))
		mustOK(t, f.Team.UserSignInAttemptUndo(f.ctx, other.ID))
		got, _ = f.Team.UserGet(f.ctx, other.ID)
		if got.FailedSignIns != 0 {
			t.Fatalf("after a reset and an undo FailedSignIns = %d, want 0", got.FailedSignIns)
		}
		_, err = f.Team.UserSignInAttempt(f.ctx, 999999, 3)
		wantErr(t, err, team.ErrNotFound)
		wantErr(t, f.Team.UserSignInAttemptUndo(f.ctx, 999999), team.ErrNotFound)
		wantErr(t, f.Team.UserSignInReset(f.ctx, 999999), team.ErrNotFound)
	})
	t.Run("TOTPStep", func(t *testing.T) {
		mustOK(t, f.Team.UserTOTPStep(f.ctx, other.ID, 1000))
		wantErr(t, f.Team.UserTOTPStep(f.ctx, other.ID, 1000), team.ErrConflict)
		wantErr(t, f.Team.UserTOTPStep(f.ctx, other.ID, 999), team.ErrConflict)
		mustOK(t, f.Team.UserTOTPStep(f.ctx, other.ID, 1001))
		got, _ := f.Team.UserGet(f.ctx, other.ID)
		if got.TOTPLastStep != 1001 {
			t.Fatalf("TOTPLastStep = %d, want 1001", got.TOTPLastStep)
		}
		wantErr(t, f.Team.UserTOTPStep(f.ctx, 999999, 5), team.ErrNotFound)
	})
}

// testSignInAttemptConcurrent counts many attempts at once: exactly limit
// of them get through, the rest are refused as the user is locked out.
func testSignInAttemptConcurrent(t *testing.T, open Opener) {
	f := setup(t, open)
	u := f.newUser(t, "guesser@example.org")
	const limit = 10
	errs := race(4*limit, func(int) error { _, err := f.Team.UserSignInAttempt(f.ctx, u.ID, limit); return err })
	passed := 0
	for _, err := range errs {
		if err == nil {
			passed++
		} else {
			wantErr(t, err, team.ErrConflict)
		}
	}
	got, err := f.Team.UserGet(f.ctx, u.ID)
	mustOK(t, err)
	if passed != limit || got.FailedSignIns != limit {
		t.Fatalf("%d of %d racing attempts got through, count %d; want %d", passed, len(errs), got.FailedSignIns, limit)
	}
}

// testTOTPStepConcurrent sends one code from several requests at once:
// exactly one may use it.
func testTOTPStepConcurrent(t *testing.T, open Opener) {
	f := setup(t, open)
	u := f.newUser(t, "racer@example.org")
	wantOneWinner(t, "UserTOTPStep", race(8, func(int) error { return f.Team.UserTOTPStep(f.ctx, u.ID, 5000) }))
}

func testMembership(t *testing.T, open Opener) {
	f := setup(t, open)
	u := f.newUser(t, "member@example.org")
	second := &pay.Service{ExternalID: pay.NewID(), Name: "Another service"}
	mustOK(t, f.Store.ServiceInsert(f.ctx, second))
	m := &team.Membership{UserID: u.ID, ServiceID: second.ID, Role: team.RoleViewOnly}
	mustOK(t, f.Team.MembershipSet(f.ctx, m))
	mustOK(t, f.Team.MembershipSet(f.ctx, &team.Membership{UserID: u.ID, ServiceID: f.service.ID, Role: team.RoleViewOnly}))
	f.Clock.Advance(time.Hour)
	mustOK(t, f.Team.MembershipSet(f.ctx, &team.Membership{UserID: u.ID, ServiceID: f.service.ID, Role: team.RoleAdmin}))
	list, err := f.Team.MembershipList(f.ctx, u.ID)
	mustOK(t, err)
	if len(list) != 2 {
		t.Fatalf("MembershipList = %+v, want two services", list)
	}
	first, last := list[0], list[1]
	if first.ServiceID != f.service.ID || first.Role != team.RoleAdmin || first.ServiceName != f.service.Name ||
		last.ServiceID != second.ID || last.Role != team.RoleViewOnly || last.ServiceName != "Another service" {
		t.Fatalf("MembershipList = %+v, %+v", first, last)
	}
	if !last.CreatedAt.Equal(m.CreatedAt) {
		t.Fatalf("CreatedAt = %v, want %v", last.CreatedAt, m.CreatedAt)
	}
	mustOK(t, f.Team.MembershipDelete(f.ctx, u.ID, second.ID))
	wantErr(t, f.Team.MembershipDelete(f.ctx, u.ID, second.ID), team.ErrNotFound)
	if list, _ := f.Team.MembershipList(f.ctx, u.ID); len(list) != 1 {
		t.Fatalf("after delete: %+v", list)
	}
	wantErr(t, f.Team.MembershipSet(f.ctx, &team.Membership{UserID: 999999, ServiceID: f.service.ID, Role: team.RoleAdmin}), team.ErrNotFound)
	wantErr(t, f.Team.MembershipSet(f.ctx, &team.Membership{UserID: u.ID, ServiceID: 999999, Role: team.RoleAdmin}), team.ErrNotFound)
	if list, _ := f.Team.MembershipList(f.ctx, 999999); len(list) != 0 {
		t.Fatalf("an unknown user has memberships: %+v", list)
	}
}

func testSession(t *testing.T, open Opener) {
	f := setup(t, open)
	u := f.newUser(t, "session@example.org")
	now := f.Clock.Now()
	newSession := func(created time.Time) *team.Session {
		_, hash := team.NewSessionToken()
		s := &team.Session{Hash: hash, UserID: u.ID, Stage: team.StageSecurityCode, CreatedAt: created, LastSeenAt: created}
		mustOK(t, f.Team.SessionInsert(f.ctx, s))
		return s
	}
	s := newSession(now)
	t.Run("GetUpdate", func(t *testing.T) {
		got, err := f.Team.SessionGet(f.ctx, s.Hash)
		mustOK(t, err)
		if diff := cmp.Diff(s, got); diff != "" {
			t.Fatalf("SessionGet (-want +got):\n%s", diff)
		}
		s.Stage, s.PendingTOTP, s.LastSeenAt = team.StageSignedIn, "PENDING", now.Add(time.Minute)
		mustOK(t, f.Team.SessionUpdate(f.ctx, s))
		got, err = f.Team.SessionGet(f.ctx, s.Hash)
		mustOK(t, err)
		if diff := cmp.Diff(s, got); diff != "" {
			t.Fatalf("after SessionUpdate (-want +got):\n%s", diff)
		}
	})
	t.Run("Errors", func(t *testing.T) {
		wantErr(t, f.Team.SessionInsert(f.ctx, s), team.ErrConflict)
		wantErr(t, f.Team.SessionInsert(f.ctx, &team.Session{Hash: "orphan", UserID: 999999, Stage: team.StageSignedIn,
			CreatedAt: now, LastSeenAt: now}), team.ErrNotFound)
		_, err := f.Team.SessionGet(f.ctx, "missing")
		wantErr(t, err, team.ErrNotFound)
		wantErr(t, f.Team.SessionUpdate(f.ctx, &team.Session{Hash: "missing", LastSeenAt: now}), team.ErrNotFound)
		wantErr(t, f.Team.SessionDelete(f.ctx, "missing"), team.ErrNotFound)
	})
	t.Run("DeleteIdle", func(t *testing.T) {
		old := newSession(now.Add(-3 * time.Hour))
		fresh := newSession(now)
		n, err := f.Team.SessionDeleteIdle(f.ctx, now.Add(-time.Hour), now.Add(-24*time.Hour))
		mustOK(t, err)
		if n != 1 {
			t.Fatalf("SessionDeleteIdle removed %d, want 1", n)
		}
		_, err = f.Team.SessionGet(f.ctx, old.Hash)
		wantErr(t, err, team.ErrNotFound)
		n, err = f.Team.SessionDeleteIdle(f.ctx, now.Add(-time.Hour), now.Add(time.Second))
		mustOK(t, err)
		if n < 1 {
			t.Fatal("SessionDeleteIdle ignored the creation limit")
		}
		_, err = f.Team.SessionGet(f.ctx, fresh.Hash)
		wantErr(t, err, team.ErrNotFound)
	})
	t.Run("DeleteUser", func(t *testing.T) {
		a, b := newSession(now), newSession(now)
		other := f.newUser(t, "someone-else@example.org")
		_, hash := team.NewSessionToken()
		keep := &team.Session{Hash: hash, UserID: other.ID, Stage: team.StageSignedIn, CreatedAt: now, LastSeenAt: now}
		mustOK(t, f.Team.SessionInsert(f.ctx, keep))
		n, err := f.Team.SessionDeleteUser(f.ctx, u.ID)
		mustOK(t, err)
		if n != 2 {
			t.Fatalf("SessionDeleteUser removed %d, want 2", n)
		}
		for _, gone := range []*team.Session{a, b} {
			_, err := f.Team.SessionGet(f.ctx, gone.Hash)
			wantErr(t, err, team.ErrNotFound)
		}
		_, err = f.Team.SessionGet(f.ctx, keep.Hash)
		mustOK(t, err)
		mustOK(t, f.Team.SessionDelete(f.ctx, keep.Hash))
		_, err = f.Team.SessionGet(f.ctx, keep.Hash)
		wantErr(t, err, team.ErrNotFound)
	})
}

// testTeamUpdate makes a user and their role in one transaction, and sees
// both once it commits, and the writes of the transaction's methods.
func testTeamUpdate(t *testing.T, open Opener) {
	f := setup(t, open)
	u := &team.User{Email: "together@example.org", PasswordHash: "h"}
	m := &team.Membership{ServiceID: f.service.ID, Role: team.RoleViewAndRefund}
	mustOK(t, f.Team.TeamUpdate(f.ctx, func(tx team.Tx) error {
		if err := tx.UserInsert(f.ctx, u); err != nil {
			return err
		}
		m.UserID = u.ID
		return tx.MembershipSet(f.ctx, m)
	}))
	if u.ID == 0 || !u.CreatedAt.Equal(f.Clock.Now()) || !m.CreatedAt.Equal(f.Clock.Now()) {
		t.Fatalf("TeamUpdate did not set IDs and times: %+v %+v", u, m)
	}
	got, err := f.Team.UserGet(f.ctx, u.ID)
	mustOK(t, err)
	if diff := cmp.Diff(u, got); diff != "" {
		t.Fatalf("UserGet (-want +got):\n%s", diff)
	}
	list, err := f.Team.MembershipList(f.ctx, u.ID)
	mustOK(t, err)
	if len(list) != 1 || list[0].Role != team.RoleViewAndRefund || list[0].ServiceID != f.service.ID {
		t.Fatalf("MembershipList = %+v", list)
	}
	f.newSession(t, u)
	u.TOTPSecret = "SECRET"
	mustOK(t, f.Team.TeamUpdate(f.ctx, func(tx team.Tx) error {
		if err := tx.UserUpdate(f.ctx, u); err != nil {
			return err
		}
		n, err := tx.SessionDeleteUser(f.ctx, u.ID)
		if err == nil && n != 1 {
			t.Errorf("SessionDeleteUser in a transaction removed %d, want 1", n)
		}
		return err
	}))
	if got, _ := f.Team.UserGet(f.ctx, u.ID); got.TOTPSecret != "SECRET" {
		t.Fatalf("UserUpdate in a transaction: %+v", got)
	}
	if n, _ := f.Team.SessionDeleteUser(f.ctx, u.ID); n != 0 {
		t.Fatalf("%d sessions outlived SessionDeleteUser in a transaction", n)
	}
}

var errMidway = errors.New("failure injected midway")

// testTeamUpdateRollback fails a change midway, in fn or in a store
// method, and sees nothing of it written.
func testTeamUpdateRollback(t *testing.T, open Opener) {
	f := setup(t, open)
	kept := f.newUser(t, "kept@example.org")
	keptSession := f.newSession(t, kept)
	for _, tt := range []struct {
		name string
		fail func(tx team.Tx, u *team.User) error // runs after the user insert
		want error
	}{
		{"InjectedError", func(team.Tx, *team.User) error { return errMidway }, errMidway},
		{"UnknownService", func(tx team.Tx, u *team.User) error {
			return tx.MembershipSet(f.ctx, &team.Membership{UserID: u.ID, ServiceID: 999999, Role: team.RoleAdmin})
		}, team.ErrNotFound},
		{"AfterMoreWrites", func(tx team.Tx, u *team.User) error {
			mustOK(t, tx.MembershipSet(f.ctx, &team.Membership{UserID: u.ID, ServiceID: f.service.ID, Role: team.RoleAdmin}))
			kept.Disabled = true
			mustOK(t, tx.UserUpdate(f.ctx, kept))
			if _, err := tx.SessionDeleteUser(f.ctx, kept.ID); err != nil {
				return err
			}
			return errMidway
		}, errMidway},
	} {
		t.Run(tt.name, func(t *testing.T) {
			u := &team.User{Email: "half@example.org", PasswordHash: "h"}
			err := f.Team.TeamUpdate(f.ctx, func(tx team.Tx) error {
				if err := tx.UserInsert(f.ctx, u); err != nil {
					return err
				}
				return tt.fail(tx, u)
			})
			if !errors.Is(err, tt.want) {
				t.Fatalf("TeamUpdate = %v, want %v", err, tt.want)
			}
			f.wantNothingWritten(t, u, keptSession)
		})
	}
}

// wantNothingWritten fails t if a rolled-back change left the user u or
// a role behind, or changed the other user or ended their session.
func (f *fixture) wantNothingWritten(t *testing.T, u *team.User, kept *team.Session) {
	t.Helper()
	_, err := f.Team.UserGetByEmail(f.ctx, u.Email)
	wantErr(t, err, team.ErrNotFound)
	if list, err := f.Team.UserList(f.ctx); err != nil || len(list) != 1 || list[0].Disabled {
		t.Fatalf("users after a rolled-back change: %+v %v", list, err)
	}
	if list, _ := f.Team.MembershipList(f.ctx, u.ID); len(list) != 0 {
		t.Fatalf("a rolled-back change left memberships: %+v", list)
	}
	_, err = f.Team.SessionGet(f.ctx, kept.Hash)
	mustOK(t, err)
}

// newSession stores a session of u, signed in now.
func (f *fixture) newSession(t *testing.T, u *team.User) *team.Session {
	t.Helper()
	_, hash := team.NewSessionToken()
	now := f.Clock.Now()
	s := &team.Session{Hash: hash, UserID: u.ID, Stage: team.StageSignedIn, CreatedAt: now, LastSeenAt: now}
	mustOK(t, f.Team.SessionInsert(f.ctx, s))
	return s
}
