package team_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"pay/internal/pay"
	"pay/internal/store/sqlite"
	"pay/internal/store/storetest"
	"pay/internal/team"
)

// usersEnv is the Users service on a real SQLite store with a settable clock.
type usersEnv struct {
	ctx     context.Context
	store   *sqlite.Store
	clock   *storetest.Clock
	users   *team.Users
	service *pay.Service
}

func newUsersEnv(t *testing.T) *usersEnv {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "pay.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &usersEnv{ctx: ctx, store: st, clock: storetest.NewClock()}
	st.Now = e.clock.Now
	e.users = &team.Users{Store: st, Now: e.clock.Now}
	e.service = &pay.Service{ExternalID: pay.NewID(), Name: "Service"}
	if err := st.ServiceInsert(ctx, e.service); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *usersEnv) create(t *testing.T, email string) (*team.User, string) {
	t.Helper()
	u, password, err := e.users.Create(e.ctx, &team.NewUser{Email: email, Role: team.RoleViewOnly, ServiceID: e.service.ID})
	if err != nil {
		t.Fatal(err)
	}
	return u, password
}

func TestCreateUser(t *testing.T) {
	t.Parallel()
	e := newUsersEnv(t)
	u, password := e.create(t, " new@example.org ")
	if !u.PasswordChangeRequired || u.Email != "new@example.org" || len(password) < team.MinPasswordLength {
		t.Fatalf("created %+v with password %q", u, password)
	}
	if role, err := e.users.Role(e.ctx, u.ID, e.service.ID); err != nil || role != team.RoleViewOnly {
		t.Fatalf("role %q %v", role, err)
	}
	if _, err := e.users.Role(e.ctx, u.ID, 999); !errors.Is(err, team.ErrForbidden) {
		t.Fatalf("role in another service: %v", err)
	}
	for _, nu := range []*team.NewUser{
		{Email: "NEW@example.org", Role: team.RoleAdmin, ServiceID: e.service.ID},
		{Email: "not-an-email", Role: team.RoleAdmin, ServiceID: e.service.ID},
		{Email: "x@example.org", Role: "owner", ServiceID: e.service.ID},
		{Email: "y@example.org", Role: team.RoleAdmin, ServiceID: 999},
	} {
		if _, _, err := e.users.Create(e.ctx, nu); err == nil {
			t.Errorf("Create(%+v) succeeded", nu)
		}
	}
	if list, _ := e.store.UserList(e.ctx); len(list) != 1 {
		t.Fatalf("refused creations left %d users", len(list))
	}
	if err := e.users.ChangePassword(e.ctx, u, "too short"); err != team.ErrPasswordTooShort {
		t.Fatalf("short password: %v", err)
	}
	if err := e.users.ChangePassword(e.ctx, u, "long enough now"); err != nil {
		t.Fatal(err)
	}
	got, _ := e.store.UserGet(e.ctx, u.ID)
	if got.PasswordChangeRequired || !team.CheckPassword(got.PasswordHash, "long enough now") {
		t.Fatalf("after ChangePassword: %+v", got)
	}
}

// failingTx fails every role it is asked to set, after the user insert
// before it has written.
type failingTx struct{ team.Tx }

var errMidway = errors.New("failure injected midway")

func (failingTx) MembershipSet(context.Context, *team.Membership) error { return errMidway }

// failingStore runs transactions whose MembershipSet fails.
type failingStore struct{ team.Store }

func (s failingStore) TeamUpdate(ctx context.Context, fn func(team.Tx) error) error {
	return s.Store.TeamUpdate(ctx, func(tx team.Tx) error { return fn(failingTx{tx}) })
}

// TestCreateUserAtomic fails Create between the user and the role, and
// finds no user: the two are written together or not at all.
func TestCreateUserAtomic(t *testing.T) {
	t.Parallel()
	e := newUsersEnv(t)
	users := &team.Users{Store: failingStore{e.store}, Now: e.clock.Now}
	_, _, err := users.Create(e.ctx, &team.NewUser{Email: "half@example.org", Role: team.RoleAdmin, ServiceID: e.service.ID})
	if !errors.Is(err, errMidway) {
		t.Fatalf("Create = %v, want the injected failure", err)
	}
	if _, err := e.store.UserGetByEmail(e.ctx, "half@example.org"); !errors.Is(err, team.ErrNotFound) {
		t.Fatalf("the user of a failed Create: %v", err)
	}
	if list, err := e.store.UserList(e.ctx); err != nil || len(list) != 0 {
		t.Fatalf("a failed Create left users %+v %v", list, err)
	}
	u, _ := e.create(t, "half@example.org")
	if role, err := e.users.Role(e.ctx, u.ID, e.service.ID); err != nil || role != team.RoleViewOnly {
		t.Fatalf("after a failed Create, the same email: %q %v", role, err)
	}
}

func TestLockout(t *testing.T) {
	t.Parallel()
	e := newUsersEnv(t)
	u, password := e.create(t, "locked@example.org")
	if _, err := e.users.CheckPassword(e.ctx, "nobody@example.org", password); err != team.ErrInvalidCredentials {
		t.Fatalf("unknown email: %v", err)
	}
	for i := 1; i < team.MaxFailedSignIns; i++ {
		if _, err := e.users.CheckPassword(e.ctx, u.Email, "wrong password"); err != team.ErrInvalidCredentials {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	if _, err := e.users.CheckPassword(e.ctx, u.Email, "wrong password"); err != team.ErrLocked {
		t.Fatalf("failure %d: %v, want locked", team.MaxFailedSignIns, err)
	}
	if _, err := e.users.CheckPassword(e.ctx, u.Email, password); err != team.ErrLocked {
		t.Fatalf("the right password after lockout: %v", err)
	}
	if _, err := e.users.Unlock(e.ctx, "LOCKED@example.org"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.users.CheckPassword(e.ctx, u.Email, password); err != nil {
		t.Fatalf("after unlock: %v", err)
	}
}

func TestSecurityCodes(t *testing.T) {
	t.Parallel()
	e := newUsersEnv(t)
	u, _ := e.create(t, "codes@example.org")
	token, sess, err := e.users.StartSession(e.ctx, u, team.StageSetUp2FA)
	if err != nil || token == "" {
		t.Fatal(err)
	}
	secret := team.NewTOTPSecret()
	sess.PendingTOTP = secret
	code := func() string {
		c, err := team.TOTPCode(secret, e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if err := e.users.SetUpTOTP(e.ctx, sess, u, "000000"); err != team.ErrInvalidCode && code() != "000000" {
		t.Fatalf("wrong set-up code: %v", err)
	}
	first := code()
	if err := e.users.SetUpTOTP(e.ctx, sess, u, first); err != nil {
		t.Fatal(err)
	}
	if u.TOTPSecret == "" || sess.PendingTOTP != "" {
		t.Fatalf("after set-up: user %+v, session %+v", u, sess)
	}
	u, _ = e.store.UserGet(e.ctx, u.ID)
	if err := e.users.CheckCode(e.ctx, u, first); err != team.ErrInvalidCode {
		t.Fatalf("the set-up code used again to sign in: %v", err)
	}
	e.clock.Advance(team.TOTPPeriod)
	next := code()
	if err := e.users.CheckCode(e.ctx, u, next); err != nil {
		t.Fatalf("a fresh code: %v", err)
	}
	if err := e.users.CheckCode(e.ctx, u, next); err != team.ErrInvalidCode {
		t.Fatalf("a replayed code: %v", err)
	}
	got, _ := e.store.UserGet(e.ctx, u.ID)
	if got.FailedSignIns != 1 {
		t.Fatalf("a replay counted as %d failures, want 1", got.FailedSignIns)
	}
	for i := 1; i < team.MaxFailedSignIns-1; i++ {
		if err := e.users.CheckCode(e.ctx, got, "12345x"); err != team.ErrInvalidCode {
			t.Fatalf("wrong code %d: %v", i, err)
		}
	}
	if err := e.users.CheckCode(e.ctx, got, "12345x"); err != team.ErrLocked {
		t.Fatalf("the tenth failure: %v", err)
	}
}

func TestSessions(t *testing.T) {
	t.Parallel()
	e := newUsersEnv(t)
	u, _ := e.create(t, "session@example.org")
	token, sess, err := e.users.StartSession(e.ctx, u, team.StageSecurityCode)
	if err != nil {
		t.Fatal(err)
	}
	if got, gu, err := e.users.Session(e.ctx, token); err != nil || got.Hash != sess.Hash || gu.ID != u.ID {
		t.Fatalf("Session: %+v %+v %v", got, gu, err)
	}
	if _, _, err := e.users.Session(e.ctx, sess.Hash); err != team.ErrNoSession {
		t.Fatalf("the stored hash opened a session: %v", err)
	}
	newToken, _, err := e.users.RotateSession(e.ctx, sess, u, team.StageSignedIn)
	if err != nil || newToken == token {
		t.Fatalf("RotateSession: %v", err)
	}
	if _, _, err := e.users.Session(e.ctx, token); err != team.ErrNoSession {
		t.Fatalf("the old token after rotation: %v", err)
	}
	// Requests keep a session alive; idleness ends it.
	for range 3 {
		e.clock.Advance(team.SessionIdleTimeout - time.Minute)
		if _, _, err := e.users.Session(e.ctx, newToken); err != nil {
			t.Fatalf("an active session: %v", err)
		}
	}
	e.clock.Advance(team.SessionIdleTimeout)
	if _, _, err := e.users.Session(e.ctx, newToken); err != team.ErrNoSession {
		t.Fatalf("an idle session: %v", err)
	}
	// A disabled user's sessions end at their next request.
	token, _, err = e.users.StartSession(e.ctx, u, team.StageSignedIn)
	if err != nil {
		t.Fatal(err)
	}
	u.Disabled = true
	if err := e.store.UserUpdate(e.ctx, u); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.users.Session(e.ctx, token); err != team.ErrNoSession {
		t.Fatalf("a disabled user's session: %v", err)
	}
	if err := e.users.EndSession(e.ctx, newToken); err != nil {
		t.Fatalf("ending an ended session: %v", err)
	}
}
