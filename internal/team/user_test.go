package team_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"pay/internal/apptest"
	"pay/internal/pay"
	"pay/internal/store"
	"pay/internal/store/storetest"
	"pay/internal/team"
)

// usersEnv is the Users service on a real store with a settable clock.
type usersEnv struct {
	ctx     context.Context
	store   store.Store
	clock   *storetest.Clock
	users   *team.Users
	service *pay.Service
}

// newUsersEnv is a usersEnv on SQLite.
func newUsersEnv(t *testing.T) *usersEnv {
	t.Helper()
	return newUsersEnvOn(t, apptest.SQLite)
}

// newUsersEnvOn is a usersEnv on eng, with one service.
func newUsersEnvOn(t *testing.T, eng apptest.Engine) *usersEnv {
	t.Helper()
	env := apptest.New(t, eng)
	e := &usersEnv{ctx: env.Ctx, store: env.Store, clock: env.Clock}
	// A bound of its own that waits long: tests running in parallel on a
	// busy machine must not turn each other away (TestPasswordHashingBound
	// tests the bound itself).
	e.users = &team.Users{Store: env.Store, Now: e.clock.Now,
		Hashing: team.NewPasswordHashing(team.DefaultHashingMemory, time.Minute)}
	e.service = &pay.Service{ExternalID: pay.NewID(), Name: "Service"}
	if err := env.Store.ServiceInsert(e.ctx, e.service); err != nil {
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
	apptest.ForEachEngine(t, testLockout)
}

func testLockout(t *testing.T, eng apptest.Engine) {
	e := newUsersEnvOn(t, eng)
	var told []string
	e.users.LockedOut = func(_ context.Context, u *team.User) error {
		told = append(told, u.Email)
		return nil
	}
	u, password := e.create(t, "locked@example.org")
	if _, err := e.users.CheckPassword(e.ctx, "nobody@example.org", password); err != team.ErrInvalidCredentials {
		t.Fatalf("unknown email: %v", err)
	}
	for i := 1; i <= team.MaxFailedSignIns; i++ {
		if _, err := e.users.CheckPassword(e.ctx, u.Email, "wrong password"); err != team.ErrInvalidCredentials {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	// Locked out, the user gets the answer an unknown email gets; only the
	// user hears (once) that they are locked out.
	for range 2 {
		if _, err := e.users.CheckPassword(e.ctx, u.Email, password); err != team.ErrInvalidCredentials {
			t.Fatalf("the right password after lockout: %v", err)
		}
	}
	if len(told) != 1 || told[0] != u.Email {
		t.Fatalf("LockedOut was called for %v, want once for %s", told, u.Email)
	}
	if got, _ := e.store.UserGet(e.ctx, u.ID); got.FailedSignIns != team.MaxFailedSignIns {
		t.Fatalf("after lockout FailedSignIns = %d, want %d", got.FailedSignIns, team.MaxFailedSignIns)
	}
	if _, err := e.users.Unlock(e.ctx, "LOCKED@example.org"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.users.CheckPassword(e.ctx, u.Email, "wrong password"); err != team.ErrInvalidCredentials {
		t.Fatalf("after unlock, a wrong password: %v", err)
	}
	// A right password takes its own attempt back, and leaves the failures
	// before it counted: only a whole sign-in ends the run.
	if _, err := e.users.CheckPassword(e.ctx, u.Email, password); err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	if got, _ := e.store.UserGet(e.ctx, u.ID); got.FailedSignIns != 1 {
		t.Fatalf("after a wrong and a right password FailedSignIns = %d, want 1", got.FailedSignIns)
	}
}

// TestLockedOutFails shows that a failure to tell a user they are locked
// out is not hidden: the attempt that locked them out fails with it.
func TestLockedOutFails(t *testing.T) {
	t.Parallel()
	e := newUsersEnv(t)
	errMail := errors.New("mail server down")
	e.users.LockedOut = func(context.Context, *team.User) error { return errMail }
	u, _ := e.create(t, "unlucky@example.org")
	for i := 1; i < team.MaxFailedSignIns; i++ {
		if _, err := e.users.CheckPassword(e.ctx, u.Email, "wrong password"); err != team.ErrInvalidCredentials {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	if _, err := e.users.CheckPassword(e.ctx, u.Email, "wrong password"); !errors.Is(err, errMail) {
		t.Fatalf("the failure that locked the user out: %v, want the hook's error", err)
	}
}

func TestDisabledUser(t *testing.T) {
	t.Parallel()
	e := newUsersEnv(t)
	u, password := e.create(t, "gone@example.org")
	u.Disabled = true
	if err := e.store.UserUpdate(e.ctx, u); err != nil {
		t.Fatal(err)
	}
	if _, err := e.users.CheckPassword(e.ctx, u.Email, password); err != team.ErrInvalidCredentials {
		t.Fatalf("a disabled user's right password: %v", err)
	}
	if got, _ := e.store.UserGet(e.ctx, u.ID); got.FailedSignIns != 0 {
		t.Fatalf("a disabled user's attempt counted: %d", got.FailedSignIns)
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
	told := 0
	e.users.LockedOut = func(context.Context, *team.User) error { told++; return nil }
	if err := e.users.CheckCode(e.ctx, got, "12345x"); err != team.ErrLocked || told != 1 {
		t.Fatalf("the tenth failure: %v, LockedOut called %d times, want once", err, told)
	}
	if err := e.users.CheckCode(e.ctx, got, next); err != team.ErrLocked || told != 1 {
		t.Fatalf("a code once locked out: %v, LockedOut called %d times, want once", err, told)
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

// TestLockoutBurst sends 39 wrong passwords and the right one at once,
// through two Users services on one database, as two instances would: no
// more than MaxFailedSignIns wrong passwords may ever be checked, however
// the requests interleave.
func TestLockoutBurst(t *testing.T) {
	t.Parallel()
	apptest.ForEachEngine(t, func(t *testing.T, eng apptest.Engine) {
		env := newUsersEnvOn(t, eng)
		instances := []*team.Users{env.users, {Store: env.store, Now: env.clock.Now}}
		u, password := env.create(t, "burst@example.org")
		const burst = 40
		results := make([]error, burst)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range burst {
			guess := "wrong guess " + strconv.Itoa(i)
			if i == burst-1 {
				guess = password
			}
			wg.Go(func() {
				<-start
				_, results[i] = instances[i%2].CheckPassword(env.ctx, u.Email, guess)
			})
		}
		close(start)
		wg.Wait()
		got, err := env.store.UserGet(env.ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Each wrong password checked counts one failure, and the count
		// never goes past the limit: more would mean more were checked.
		if got.FailedSignIns > team.MaxFailedSignIns {
			t.Fatalf("%d wrong passwords were checked, want at most %d", got.FailedSignIns, team.MaxFailedSignIns)
		}
		for i, err := range results[:burst-1] {
			if err != nil && err != team.ErrInvalidCredentials && !errors.Is(err, team.ErrUnavailable) {
				t.Errorf("wrong guess %d: %v", i, err)
			}
		}
	})
}

// TestPasswordHashingBound holds all of the hashing memory and shows that a
// sign-in is turned away, neither checked nor counted, until it is free.
func TestPasswordHashingBound(t *testing.T) {
	t.Parallel()
	e := newUsersEnv(t)
	e.users.Hashing = team.NewPasswordHashing(team.DefaultHashingMemory, 50*time.Millisecond)
	u, password := e.create(t, "busy@example.org")
	held, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		done <- e.users.Hashing.Do(e.ctx, team.DefaultHashingMemory, func() error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	for _, guess := range []string{"wrong password", password} {
		if _, err := e.users.CheckPassword(e.ctx, u.Email, guess); err != team.ErrBusy || !errors.Is(err, team.ErrUnavailable) {
			t.Fatalf("with the bound full: %v, want ErrBusy", err)
		}
	}
	if err := e.users.ChangePassword(e.ctx, u, "a new password"); err != team.ErrBusy {
		t.Fatalf("ChangePassword with the bound full: %v, want ErrBusy", err)
	}
	if got, _ := e.store.UserGet(e.ctx, u.ID); got.FailedSignIns != 0 {
		t.Fatalf("turned-away attempts counted %d failures", got.FailedSignIns)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := e.users.CheckPassword(e.ctx, u.Email, password); err != nil {
		t.Fatalf("once the bound is free: %v", err)
	}
}

// TestOutdatedHashReplaced signs in a user whose hash has the parameters
// earlier versions used (64 MiB, 3 iterations): the sign-in works and
// replaces the hash with one of today's parameters.
func TestOutdatedHashReplaced(t *testing.T) {
	t.Parallel()
	e := newUsersEnv(t)
	const password = "an old but good password"
	old := outdatedHash(password)
	u := &team.User{Email: "old@example.org", PasswordHash: old}
	if err := e.store.UserInsert(e.ctx, u); err != nil {
		t.Fatal(err)
	}
	if _, err := e.users.CheckPassword(e.ctx, u.Email, password); err != nil {
		t.Fatalf("the right password against an outdated hash: %v", err)
	}
	got, _ := e.store.UserGet(e.ctx, u.ID)
	if got.PasswordHash == old || !strings.Contains(got.PasswordHash, "$m=19456,t=2,p=1$") || !team.CheckPassword(got.PasswordHash, password) {
		t.Fatalf("the hash after sign-in is %q, want today's parameters for the same password", got.PasswordHash)
	}
	if _, err := e.users.CheckPassword(e.ctx, u.Email, password); err != nil || got.FailedSignIns != 0 {
		t.Fatalf("signing in with the new hash: %v, failures %d", err, got.FailedSignIns)
	}
}

// racingStore changes the user's password hash, as an operator or the user
// might on another instance, just before an outdated hash is replaced.
type racingStore struct {
	team.Store
	changeTo string
}

func (s racingStore) UserPasswordRehash(ctx context.Context, id int64, old, newHash string) error {
	u, err := s.UserGet(ctx, id)
	if err != nil {
		return err
	}
	u.PasswordHash, u.Disabled = s.changeTo, true
	if err := s.UserUpdate(ctx, u); err != nil {
		return err
	}
	return s.Store.UserPasswordRehash(ctx, id, old, newHash)
}

// TestOutdatedHashRace changes and disables a user while their outdated
// hash is being replaced: the sign-in still works, and the change stands.
func TestOutdatedHashRace(t *testing.T) {
	t.Parallel()
	e := newUsersEnv(t)
	const password = "an old but good password"
	u := &team.User{Email: "raced@example.org", PasswordHash: outdatedHash(password)}
	if err := e.store.UserInsert(e.ctx, u); err != nil {
		t.Fatal(err)
	}
	users := &team.Users{Store: racingStore{Store: e.store, changeTo: "changed meanwhile"}, Now: e.clock.Now}
	if _, err := users.CheckPassword(e.ctx, u.Email, password); err != nil {
		t.Fatalf("sign-in while the hash changed: %v", err)
	}
	if got, _ := e.store.UserGet(e.ctx, u.ID); got.PasswordHash != "changed meanwhile" || !got.Disabled {
		t.Fatalf("the concurrent change was overwritten: hash %q, disabled %v", got.PasswordHash, got.Disabled)
	}
}

// outdatedHash hashes password with the parameters earlier versions used.
func outdatedHash(password string) string {
	salt := []byte("sixteen byte salt")[:16]
	key := argon2.IDKey([]byte(password), salt, 3, 64*1024, 2, 32)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=65536,t=3,p=2$%s$%s", argon2.Version, enc.EncodeToString(salt), enc.EncodeToString(key))
}
