package team

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"
)

// User is a person who signs in to the admin site.
type User struct {
	ID           int64
	Email        string
	PasswordHash string // argon2id, in the PHC string format
	TOTPSecret   string // empty until two-factor sign-in is set up
	Disabled     bool
	CreatedAt    time.Time

	// PasswordChangeRequired says the user signed in with a one-time
	// password and must choose their own before anything else.
	PasswordChangeRequired bool
	// TOTPLastStep is the last time step whose code was accepted, so that
	// no code works twice.
	TOTPLastStep int64
	// FailedSignIns counts failed attempts in a row; MaxFailedSignIns of
	// them lock the user out until an operator unlocks them.
	FailedSignIns int
}

// Locked reports whether failed sign-in attempts have locked the user out.
func (u *User) Locked() bool { return u.FailedSignIns >= MaxFailedSignIns }

// MinPasswordLength is GOV.UK Pay's minimum password length.
const MinPasswordLength = 10

// argon2id parameters: OWASP's recommendation of 19 MiB and 2 iterations.
// Each check of a password allocates argonMemory, so PasswordHashing bounds
// how many run at once. Hashes made with other parameters (earlier
// versions used 64 MiB and 3 iterations) still check, and are replaced at
// the user's next sign-in.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
)

// HashPassword returns an argon2id hash of password with a fresh salt. It
// takes argonMemory; Users runs it within its PasswordHashing bound.
func HashPassword(password string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, enc.EncodeToString(salt), enc.EncodeToString(key))
}

// argonHash is a parsed argon2id hash in the PHC string format.
type argonHash struct {
	memory, iterations uint32
	threads            uint8
	salt, key          []byte
}

// parseHash parses an argon2id hash; false if it is not one.
func parseHash(hash string) (*argonHash, bool) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return nil, false
	}
	var version int
	var h argonHash
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return nil, false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &h.memory, &h.iterations, &h.threads); err != nil {
		return nil, false
	}
	enc := base64.RawStdEncoding
	var err1, err2 error
	h.salt, err1 = enc.DecodeString(parts[4])
	h.key, err2 = enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(h.key) == 0 || h.threads == 0 {
		return nil, false
	}
	return &h, true
}

// CheckPassword reports whether password matches hash. It takes the memory
// that hash names; Users runs it within its PasswordHashing bound.
func CheckPassword(hash, password string) bool {
	h, ok := parseHash(hash)
	if !ok {
		return false
	}
	got := argon2.IDKey([]byte(password), h.salt, h.iterations, h.memory, h.threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(got, h.key) == 1
}

// hashMemory is the memory, in KiB, that checking a password against hash
// takes: at least that of a fresh hash, which a check may make to replace
// an outdated one, or check against instead (see checkAttempt).
func hashMemory(hash string) int64 {
	if h, ok := parseHash(hash); ok && h.memory > argonMemory {
		return int64(h.memory)
	}
	return argonMemory
}

// outdated reports whether hash was made with other parameters than
// HashPassword's, and should be replaced.
func outdated(hash string) bool {
	h, ok := parseHash(hash)
	return !ok || h.memory != argonMemory || h.iterations != argonTime || h.threads != argonThreads ||
		len(h.key) != argonKeyLen
}

// NewPassword returns a random password for a bootstrap or reset account.
func NewPassword() string {
	b := make([]byte, 15)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// MaxFailedSignIns is how many failed attempts in a row (passwords and
// security codes together) lock a user out: GOV.UK Pay's loginAttemptCap.
const MaxFailedSignIns = 10

// TOTPIssuer names Pay in authenticator apps.
const TOTPIssuer = "Pay"

// Sign-in errors, in GOV.UK Pay's wording where it has one.
var (
	ErrInvalidCredentials = &Error{Kind: ErrUnauthorised, Message: "Invalid email or password"}
	ErrInvalidCode        = &Error{Kind: ErrUnauthorised, Field: "code", Message: "Invalid security code."}
	ErrLocked             = &Error{Kind: ErrForbidden, Message: "Your account is locked. Ask an administrator of your service to unlock it."}
	ErrPasswordTooShort   = &Error{Kind: ErrInvalid, Field: "password", Message: "Password must be 10 characters or more"}
)

// Users is the domain's service for the people who use the admin site:
// users and their roles, signing in with a password and an authenticator
// app, lockout, and server-side sessions.
type Users struct {
	Store Store
	Now   func() time.Time
	// Require2FA makes everyone set up an authenticator app before they
	// can use the admin site; otherwise it is offered after each sign-in.
	Require2FA bool
	// Hashing bounds the memory that password hashes take at once; nil
	// shares one bound with every other Users of the process.
	Hashing *PasswordHashing
	// LockedOut is called once when a failed attempt locks a user out. It
	// is where the user will be told, by email, that they are locked out
	// and how to get unlocked: the sign-in page says no more to them than
	// to someone guessing at an unknown email. An error fails the attempt
	// with it. Nil tells no one.
	LockedOut func(ctx context.Context, u *User) error
	// Mailer sends emails to users (reset links, lockouts); nil sends none.
	Mailer Mailer
	// ResetURL is the address of the page a reset link's token opens.
	ResetURL func(token string) string
	// InviteURL is the address of the page an invitation's token opens.
	InviteURL func(token string) string
}

func (s *Users) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Users) hashing() *PasswordHashing {
	if s.Hashing != nil {
		return s.Hashing
	}
	return processHashing
}

// dummyHash is checked against when an email is unknown, so that a wrong
// email takes as long as a wrong password and reveals nothing.
var dummyHash = sync.OnceValue(func() string { return HashPassword(NewPassword()) })

// CheckPassword checks an email and password. It returns the user on
// success, with an outdated hash of the password replaced; and
// ErrInvalidCredentials for an unknown email, a wrong password, and a user
// who is disabled or locked out, whose password it does not check, so that
// the answer tells nothing about which emails have accounts. The attempt
// is counted before the password is checked, in the database, so that no
// more than MaxFailedSignIns wrong passwords are ever checked however many
// arrive at once on however many instances. ErrBusy, without counting or
// checking, when password hashing is at its memory bound.
func (s *Users) CheckPassword(ctx context.Context, email, password string) (*User, error) {
	u, err := s.Store.UserGetByEmail(ctx, strings.TrimSpace(email))
	if errors.Is(err, ErrNotFound) {
		u = nil
	} else if err != nil {
		return nil, err
	}
	memory := int64(argonMemory)
	if u != nil {
		memory = hashMemory(u.PasswordHash)
	}
	var got outcome
	err = s.hashing().Do(ctx, memory, func() (err error) {
		got, err = s.checkAttempt(ctx, u, password)
		return err
	})
	switch {
	case err != nil:
		return nil, err
	case got == rightPassword:
		return u, nil
	case got == lockingOut:
		// Told once the hashing memory is free again: telling may be slow.
		if err := s.lockedOut(ctx, u); err != nil {
			return nil, err
		}
	}
	return nil, ErrInvalidCredentials
}

// outcome is what checking a password found.
type outcome int

const (
	wrongPassword outcome = iota // or not checked: see checkAttempt
	rightPassword
	lockingOut // a wrong password, the failure that locked the user out
)

// checkAttempt counts an attempt at u's password and checks it. For an
// unknown email (u is nil), a disabled user or one locked out, it checks
// the password against a dummy hash instead, which takes as long, and
// reports wrongPassword. A right password takes its attempt back and
// replaces an outdated hash.
func (s *Users) checkAttempt(ctx context.Context, u *User, password string) (outcome, error) {
	if u != nil && !u.Disabled {
		err := s.countAttempt(ctx, u)
		if err == nil {
			return s.checkCounted(ctx, u, password)
		} else if err != ErrLocked {
			return wrongPassword, err
		}
	}
	CheckPassword(dummyHash(), password)
	return wrongPassword, nil
}

// checkCounted checks u's password once its attempt is counted.
func (s *Users) checkCounted(ctx context.Context, u *User, password string) (outcome, error) {
	if !CheckPassword(u.PasswordHash, password) {
		if u.Locked() {
			return lockingOut, nil
		}
		return wrongPassword, nil
	}
	if err := s.Store.UserSignInAttemptUndo(ctx, u.ID); err != nil {
		return wrongPassword, err
	}
	u.FailedSignIns = max(u.FailedSignIns-1, 0)
	if !outdated(u.PasswordHash) {
		return rightPassword, nil
	}
	// Within the memory CheckPassword holds, which counts a fresh hash.
	fresh := HashPassword(password)
	err := s.Store.UserPasswordRehash(ctx, u.ID, u.PasswordHash, fresh)
	if errors.Is(err, ErrConflict) {
		return rightPassword, nil // changed meanwhile: the change stands
	} else if err != nil {
		return wrongPassword, err
	}
	u.PasswordHash = fresh
	return rightPassword, nil
}

// countAttempt counts an attempt to sign in as u before it is checked;
// ErrLocked if u has reached MaxFailedSignIns, in which case it must not
// be checked.
func (s *Users) countAttempt(ctx context.Context, u *User) error {
	n, err := s.Store.UserSignInAttempt(ctx, u.ID, MaxFailedSignIns)
	if errors.Is(err, ErrConflict) {
		u.FailedSignIns = MaxFailedSignIns
		return ErrLocked
	} else if err != nil {
		return err
	}
	u.FailedSignIns = n
	return nil
}

// lockedOut tells u, through LockedOut, that the failure just counted
// locked them out.
func (s *Users) lockedOut(ctx context.Context, u *User) error {
	if s.LockedOut == nil {
		return nil
	}
	return s.LockedOut(ctx, u)
}

// CheckCode checks a security code from the user's authenticator app. Each
// code is accepted once. The attempt is counted before the code is
// checked, as a password's is; a wrong or reused code stays counted:
// ErrInvalidCode, or ErrLocked when the user is (or now becomes) locked out
// or is disabled. A right code ends the run of failures.
func (s *Users) CheckCode(ctx context.Context, u *User, code string) error {
	if u.Disabled {
		return ErrLocked
	}
	if err := s.countAttempt(ctx, u); err != nil {
		return err
	}
	step, ok := MatchTOTP(u.TOTPSecret, code, s.now())
	if ok {
		err := s.Store.UserTOTPStep(ctx, u.ID, step)
		if errors.Is(err, ErrConflict) {
			ok = false
		} else if err != nil {
			return err
		}
	}
	if !ok {
		return s.codeFailed(ctx, u)
	}
	u.TOTPLastStep, u.FailedSignIns = step, 0
	return s.Store.UserSignInReset(ctx, u.ID)
}

// codeFailed answers a counted, wrong security code.
func (s *Users) codeFailed(ctx context.Context, u *User) error {
	if !u.Locked() {
		return ErrInvalidCode
	}
	if err := s.lockedOut(ctx, u); err != nil {
		return err
	}
	return ErrLocked
}

// SignedIn records a sign-in that needed no security code (the user has no
// authenticator app): it ends the run of failures.
func (s *Users) SignedIn(ctx context.Context, u *User) error {
	return s.Store.UserSignInReset(ctx, u.ID)
}

// NextStage says what a user must do next once their password (and, if
// they have an authenticator app, their code when codeChecked) is right.
func (s *Users) NextStage(u *User, codeChecked bool) SessionStage {
	switch {
	case u.TOTPSecret != "" && !codeChecked:
		return StageSecurityCode
	case u.PasswordChangeRequired:
		return StageNewPassword
	case u.TOTPSecret == "" && s.Require2FA:
		return StageSetUp2FA
	}
	return StageSignedIn
}

// OfferTOTP starts setting up an authenticator app in the session: it
// gives the session a fresh pending secret unless it has one already, and
// returns the pending secret for the app to scan.
func (s *Users) OfferTOTP(ctx context.Context, sess *Session) (string, error) {
	if sess.PendingTOTP == "" {
		sess.PendingTOTP = NewTOTPSecret()
		if err := s.Store.SessionUpdate(ctx, sess); err != nil {
			return "", err
		}
	}
	return sess.PendingTOTP, nil
}

// SetUpTOTP turns the session's pending authenticator secret on for the
// user once code shows the app has it. ErrInvalidCode if the code is wrong.
func (s *Users) SetUpTOTP(ctx context.Context, sess *Session, u *User, code string) error {
	if sess.PendingTOTP == "" {
		return Errorf(ErrConflict, "no authenticator app is being set up")
	}
	step, ok := MatchTOTP(sess.PendingTOTP, code, s.now())
	if !ok {
		return ErrInvalidCode
	}
	u.TOTPSecret = sess.PendingTOTP
	if err := s.Store.UserUpdate(ctx, u); err != nil {
		return err
	}
	// The code just used must not open another sign-in.
	if err := s.Store.UserTOTPStep(ctx, u.ID, step); err != nil && !errors.Is(err, ErrConflict) {
		return err
	}
	sess.PendingTOTP = ""
	return s.Store.SessionUpdate(ctx, sess)
}

// ChangePassword sets the user's password: ErrPasswordTooShort for one of
// fewer than MinPasswordLength characters, ErrBusy when password hashing is
// at its memory bound. It ends every session of the
// user, which the old password opened, in the same transaction; the caller
// starts a fresh one.
func (s *Users) ChangePassword(ctx context.Context, u *User, password string) error {
	if len([]rune(password)) < MinPasswordLength {
		return ErrPasswordTooShort
	}
	changed := *u
	changed.PasswordChangeRequired = false
	if err := s.hash(ctx, &changed.PasswordHash, password); err != nil {
		return err
	}
	if err := s.updateSignedOut(ctx, &changed); err != nil {
		return err
	}
	*u = changed
	return nil
}

// hash sets *dst to a hash of password, within the memory bound; ErrBusy
// if the bound stays full.
func (s *Users) hash(ctx context.Context, dst *string, password string) error {
	return s.hashing().Do(ctx, argonMemory, func() error {
		*dst = HashPassword(password)
		return nil
	})
}

// updateSignedOut stores u and ends every session of the user, in one
// transaction: a change to how the user signs in closes what the old way
// opened.
func (s *Users) updateSignedOut(ctx context.Context, u *User) error {
	return s.Store.TeamUpdate(ctx, func(tx Tx) error {
		if err := tx.UserUpdate(ctx, u); err != nil {
			return err
		}
		_, err := tx.SessionDeleteUser(ctx, u.ID)
		return err
	})
}

// NewUser describes a user an operator creates.
type NewUser struct {
	Email     string
	Role      Role
	ServiceID int64 // 0: no service yet
}

// maxEmailLength is the longest email address RFC 5321 allows.
const maxEmailLength = 254

// Create makes a user with a one-time password, which it returns: the
// user chooses their own at first sign-in. The user gets the role in the
// service unless ServiceID is 0, in the same transaction, so a refused
// role leaves no user behind. Invalid for a bad email or role, conflict if
// the email is taken, not found if the service does not exist, ErrBusy
// when password hashing is at its memory bound.
func (s *Users) Create(ctx context.Context, nu *NewUser) (*User, string, error) {
	email := strings.TrimSpace(nu.Email)
	if !strings.Contains(email, "@") || len(email) > maxEmailLength {
		return nil, "", Errorf(ErrInvalid, "%q is not an email address", nu.Email)
	}
	if nu.ServiceID != 0 && !nu.Role.Valid() {
		return nil, "", Errorf(ErrInvalid, "unknown role %q", nu.Role)
	}
	password := NewPassword()
	u := &User{Email: email, PasswordChangeRequired: true}
	if err := s.hash(ctx, &u.PasswordHash, password); err != nil {
		return nil, "", err
	}
	if err := s.Store.TeamUpdate(ctx, func(tx Tx) error { return InsertMember(ctx, tx, u, nu) }); err != nil {
		return nil, "", err
	}
	return u, password, nil
}

// InsertMember stores u in tx and, unless nu.ServiceID is 0, its role in
// the service, translating the store's errors into ones that name the email
// and the service. Create runs it in a transaction of its own; a larger
// change (first-start setup) runs it in that change's transaction.
func InsertMember(ctx context.Context, tx Tx, u *User, nu *NewUser) error {
	if err := tx.UserInsert(ctx, u); errors.Is(err, ErrConflict) {
		return Errorf(ErrConflict, "a user with email %s already exists", u.Email)
	} else if err != nil || nu.ServiceID == 0 {
		return err
	}
	err := tx.MembershipSet(ctx, &Membership{UserID: u.ID, ServiceID: nu.ServiceID, Role: nu.Role})
	if errors.Is(err, ErrNotFound) {
		return &Error{Kind: ErrNotFound, Message: fmt.Sprintf("service %d not found", nu.ServiceID), Err: err}
	}
	return err
}

// Unlock lets a locked-out user try again; not found for an unknown email.
func (s *Users) Unlock(ctx context.Context, email string) (*User, error) {
	u, err := s.Store.UserGetByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	return u, s.Store.UserSignInReset(ctx, u.ID)
}

// ResetTOTP removes the user's authenticator app (they lost it) and ends
// their sessions, in one transaction; not found for an unknown email.
func (s *Users) ResetTOTP(ctx context.Context, email string) (*User, error) {
	u, err := s.Store.UserGetByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	u.TOTPSecret = ""
	return u, s.updateSignedOut(ctx, u)
}

// SetRole gives the user a role in the service, replacing any other:
// invalid for an unknown role, not found if the user or the service does
// not exist.
func (s *Users) SetRole(ctx context.Context, userID, serviceID int64, role Role) error {
	if !role.Valid() {
		return Errorf(ErrInvalid, "unknown role %q", role)
	}
	return s.Store.MembershipSet(ctx, &Membership{UserID: userID, ServiceID: serviceID, Role: role})
}

// RemoveRole takes the user's role in the service away; not found if they
// had none.
func (s *Users) RemoveRole(ctx context.Context, userID, serviceID int64) error {
	return s.Store.MembershipDelete(ctx, userID, serviceID)
}

// Role returns the user's role in a service; forbidden if they have none.
func (s *Users) Role(ctx context.Context, userID, serviceID int64) (Role, error) {
	list, err := s.Store.MembershipList(ctx, userID)
	if err != nil {
		return "", err
	}
	for _, m := range list {
		if m.ServiceID == serviceID {
			return m.Role, nil
		}
	}
	return "", Errorf(ErrForbidden, "user %d has no role in service %d", userID, serviceID)
}

// StartSession opens a session at the given stage and returns its token,
// for the browser's cookie. Sessions idle for too long are cleared out at
// the same time, so the table does not grow without a job to prune it.
func (s *Users) StartSession(ctx context.Context, u *User, stage SessionStage) (string, *Session, error) {
	now := s.now()
	if _, err := s.Store.SessionDeleteIdle(ctx, now.Add(-SessionIdleTimeout), now.Add(-SessionMaxLifetime)); err != nil {
		return "", nil, err
	}
	token, hash := NewSessionToken()
	sess := &Session{Hash: hash, UserID: u.ID, Stage: stage, CreatedAt: now, LastSeenAt: now}
	if err := s.Store.SessionInsert(ctx, sess); err != nil {
		return "", nil, err
	}
	return token, sess, nil
}

// RotateSession replaces a session with a fresh one at a new stage, as each
// sign-in step does, so a token seen before the step opens nothing after it.
func (s *Users) RotateSession(ctx context.Context, old *Session, u *User, stage SessionStage) (string, *Session, error) {
	if err := s.Store.SessionDelete(ctx, old.Hash); err != nil && !errors.Is(err, ErrNotFound) {
		return "", nil, err
	}
	return s.StartSession(ctx, u, stage)
}

// ErrNoSession says a browser's session token opens nothing: there is no
// such session, or it has expired.
var ErrNoSession = &Error{Kind: ErrUnauthorised, Message: "no session"}

// Session returns the session a token opens and its user, and records the
// request, which keeps the session alive. ErrNoSession for an unknown or
// expired token, or a disabled user; such a session is deleted.
func (s *Users) Session(ctx context.Context, token string) (*Session, *User, error) {
	if token == "" {
		return nil, nil, ErrNoSession
	}
	sess, err := s.Store.SessionGet(ctx, HashSessionToken(token))
	if errors.Is(err, ErrNotFound) {
		return nil, nil, ErrNoSession
	} else if err != nil {
		return nil, nil, err
	}
	now := s.now()
	u, err := s.Store.UserGet(ctx, sess.UserID)
	if err != nil {
		return nil, nil, err
	}
	if sess.Expired(now) || u.Disabled {
		if err := ignoreNotFound(s.Store.SessionDelete(ctx, sess.Hash)); err != nil {
			return nil, nil, err
		}
		return nil, nil, ErrNoSession
	}
	if now.Sub(sess.LastSeenAt) >= sessionTouchInterval {
		sess.LastSeenAt = now
		if err := s.Store.SessionUpdate(ctx, sess); err != nil {
			return nil, nil, err
		}
	}
	return sess, u, nil
}

// EndSession signs a browser out. An unknown token is not an error.
func (s *Users) EndSession(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return ignoreNotFound(s.Store.SessionDelete(ctx, HashSessionToken(token)))
}
