package pay

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strings"
	"time"
)

// API key prefixes, by account type.
const (
	KeyPrefixTest = "api_test_"
	KeyPrefixLive = "api_live_"
)

const keyChecksumLength = 32 // base32 of a 20-byte HMAC-SHA1, unpadded

var lowerBase32Hex = base32.NewEncoding("0123456789abcdefghijklmnopqrstuv").WithPadding(base32.NoPadding)

// APIKey is a service's credential for the public API. Only a hash of the key
// is stored; the key itself is shown once, when it is created.
type APIKey struct {
	ID          int64
	AccountID   int64
	Description string
	Hash        string // SHA-256 of the whole key, hex
	Hint        string // enough of the key for a person to tell keys apart
	CreatedBy   string
	CreatedAt   time.Time
	LastUsedAt  *time.Time
	RevokedAt   *time.Time
}

// Revoked reports whether the key has been revoked.
func (k *APIKey) Revoked() bool { return k.RevokedAt != nil }

// GenerateAPIKey returns a new key in GOV.UK Pay's format: a prefix for the
// account type, 26 random base-32 characters, and a 32-character checksum
// (HMAC-SHA1 of the rest under the instance secret).
func GenerateAPIKey(accountType AccountType, secret []byte) string {
	prefix := KeyPrefixTest
	if accountType == AccountLive {
		prefix = KeyPrefixLive
	}
	token := prefix + NewID()
	return token + keyChecksum(token, secret)
}

func keyChecksum(token string, secret []byte) string {
	mac := hmac.New(sha1.New, secret)
	mac.Write([]byte(token))
	return lowerBase32Hex.EncodeToString(mac.Sum(nil))
}

// CheckAPIKey reports whether key carries a valid checksum. It needs no
// database, so forged keys are turned away before any lookup.
func CheckAPIKey(key string, secret []byte) bool {
	if len(key) < keyChecksumLength+1 || len(key) > len(KeyPrefixTest)+IDLength+keyChecksumLength {
		return false
	}
	token, sum := key[:len(key)-keyChecksumLength], key[len(key)-keyChecksumLength:]
	return hmac.Equal([]byte(sum), []byte(keyChecksum(token, secret)))
}

// HashAPIKey returns the stored form of key. Keys carry 130 random bits, so a
// plain SHA-256 cannot be reversed and lets the database look keys up by hash.
func HashAPIKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// APIKeyHint returns the part of a key that may be shown after creation:
// its prefix and its last four characters.
func APIKeyHint(key string) string {
	prefix := ""
	for _, p := range []string{KeyPrefixTest, KeyPrefixLive} {
		if strings.HasPrefix(key, p) {
			prefix = p
		}
	}
	if len(key) < 4 {
		return prefix + "…"
	}
	return prefix + "…" + key[len(key)-4:]
}

// MaxKeyDescriptionLength is GOV.UK Pay's limit on an API key's name.
const MaxKeyDescriptionLength = 50

// Errors of an API key's name, in GOV.UK Pay's wording.
var (
	ErrKeyNameMissing = &Error{Kind: KindInvalid, Field: "keyName", Message: "Enter the API key name"}
	ErrKeyNameTooLong = &Error{Kind: KindInvalid, Field: "keyName", Message: "Name must be 50 characters or fewer"}
	ErrKeyNameInvalid = &Error{Kind: KindInvalid, Field: "keyName", Message: "Enter a valid API key name"}
)

// CheckKeyDescription trims a key's name and checks it is given, is text
// (ValidText) and is at most MaxKeyDescriptionLength characters long.
func CheckKeyDescription(description string) (string, error) {
	description = strings.TrimSpace(description)
	switch {
	case description == "":
		return "", ErrKeyNameMissing
	case !ValidText(description):
		return "", ErrKeyNameInvalid
	case len([]rune(description)) > MaxKeyDescriptionLength:
		return "", ErrKeyNameTooLong
	}
	return description, nil
}

// NewAPIKey generates a key for the account and the record to store. The
// key itself is returned to be shown once; only its hash is kept.
func NewAPIKey(acct *Account, secret []byte, description, createdBy string) (string, *APIKey) {
	key := GenerateAPIKey(acct.Type, secret)
	return key, &APIKey{AccountID: acct.ID, Description: description, Hash: HashAPIKey(key),
		Hint: APIKeyHint(key), CreatedBy: createdBy}
}
