package card

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// The payer's browser holds a signed cookie listing the payments it opened
// with a next_url token. It holds no card data, and any instance can check
// it, so card pages need no server-side session store.
const (
	sessionCookie   = "pay_card_session"
	sessionLifetime = 2 * time.Hour // beyond a payment's 90 minutes
	sessionMax      = 10            // payments per browser; the oldest is dropped
)

type sessionEntry struct {
	ID string `json:"i"`
	At int64  `json:"t"` // unix seconds when the token was used
}

type session struct {
	Entries []sessionEntry `json:"p"`
}

// has reports whether this browser opened the payment.
func (s *session) has(id string) bool {
	for _, e := range s.Entries {
		if e.ID == id {
			return true
		}
	}
	return false
}

// add records the payment, dropping the oldest beyond sessionMax.
func (s *session) add(id string, now time.Time) {
	if s.has(id) {
		return
	}
	s.Entries = append(s.Entries, sessionEntry{ID: id, At: now.Unix()})
	if len(s.Entries) > sessionMax {
		s.Entries = s.Entries[len(s.Entries)-sessionMax:]
	}
}

// sessions reads and writes the cookie.
type sessions struct {
	key    []byte
	secure bool
	now    func() time.Time
}

func newSessions(secret []byte, secure bool, now func() time.Time) *sessions {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("pay card session v1"))
	return &sessions{key: mac.Sum(nil), secure: secure, now: now}
}

func (s *sessions) sign(payload []byte) []byte {
	mac := hmac.New(sha256.New, s.key)
	mac.Write(payload)
	return mac.Sum(nil)
}

// read returns the browser's session; a missing, forged or stale cookie
// reads as an empty session.
func (s *sessions) read(r *http.Request) *session {
	out := &session{}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return out
	}
	payload64, sig64, ok := strings.Cut(c.Value, ".")
	payload, err1 := base64.RawURLEncoding.DecodeString(payload64)
	sig, err2 := base64.RawURLEncoding.DecodeString(sig64)
	if !ok || err1 != nil || err2 != nil || !hmac.Equal(sig, s.sign(payload)) {
		return out
	}
	var stored session
	if json.Unmarshal(payload, &stored) != nil {
		return out
	}
	oldest := s.now().Add(-sessionLifetime).Unix()
	for _, e := range stored.Entries {
		if e.At >= oldest {
			out.Entries = append(out.Entries, e)
		}
	}
	return out
}

// write stores the session in the browser.
func (s *sessions) write(w http.ResponseWriter, sess *session) {
	payload, _ := json.Marshal(sess)
	value := base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(s.sign(payload))
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: value, Path: "/", MaxAge: int(sessionLifetime.Seconds()),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
}
