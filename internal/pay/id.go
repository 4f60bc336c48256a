package pay

import (
	"crypto/rand"
	"encoding/base64"
	"math/big"
	"strings"
)

// IDLength is the length of payment, refund and agreement ids.
const IDLength = 26

// NewID returns a fresh id: 130 random bits written in base 32 with the
// digits 0-9a-v, left-padded with zeros to 26 characters, like GOV.UK Pay.
func NewID() string {
	s := randomBase32(130)
	if len(s) < IDLength {
		s = strings.Repeat("0", IDLength-len(s)) + s
	}
	return s
}

func randomBase32(bits int) string {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), uint(bits)))
	if err != nil {
		panic("pay: crypto/rand failed: " + err.Error()) // never happens on supported platforms
	}
	return n.Text(32)
}

// ValidID reports whether s looks like an id Pay hands out. Handlers use it to
// answer 404 without a database round trip.
func ValidID(s string) bool {
	if len(s) != IDLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'v') {
			return false
		}
	}
	return true
}

// NewToken returns a random URL-safe secret, used for one-time payment links.
func NewToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
