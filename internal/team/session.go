package team

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// Session lifetimes. A session ends after SessionIdleTimeout without a
// request, and in any case SessionMaxLifetime after sign-in.
const (
	SessionIdleTimeout = 60 * time.Minute
	SessionMaxLifetime = 12 * time.Hour
	// sessionTouchInterval limits how often a session's last-seen time is
	// written: a request within it of the last write needs no write.
	sessionTouchInterval = time.Minute
)

// SessionStage is how far a sign-in has got.
type SessionStage string

const (
	StageSecurityCode SessionStage = "security-code" // the password was right; the authenticator's code is next
	StageNewPassword  SessionStage = "new-password"  // signed in with a one-time password: choose a new one
	StageSetUp2FA     SessionStage = "set-up-2fa"    // the operator requires an authenticator app: set one up
	StageSignedIn     SessionStage = "signed-in"     // the admin site is open
)

// Session is a signed-in (or signing-in) browser. The browser holds a random
// token; the database holds only its hash, so a copy of the database opens
// no sessions.
type Session struct {
	Hash        string
	UserID      int64
	Stage       SessionStage
	PendingTOTP string // a secret being set up, until its first code confirms it
	CreatedAt   time.Time
	LastSeenAt  time.Time
}

// Expired reports whether the session has ended by now.
func (s *Session) Expired(now time.Time) bool {
	return now.Sub(s.LastSeenAt) >= SessionIdleTimeout || now.Sub(s.CreatedAt) >= SessionMaxLifetime
}

// NewSessionToken returns a fresh session token (256 random bits) and its hash.
func NewSessionToken() (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashSessionToken(token)
}

// HashSessionToken returns the stored form of a session token.
func HashSessionToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
