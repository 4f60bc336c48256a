package team

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
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

// argon2id parameters (RFC 9106's second recommended option, with 64 MiB).
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
)

// HashPassword returns an argon2id hash of password with a fresh salt.
func HashPassword(password string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, enc.EncodeToString(salt), enc.EncodeToString(key))
}

// CheckPassword reports whether password matches hash.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var memory, iterations uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &iterations, &threads); err != nil {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, iterations, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// NewPassword returns a random password for a bootstrap or reset account.
func NewPassword() string {
	b := make([]byte, 15)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
