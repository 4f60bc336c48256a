package apptest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"pay/internal/pay"
	"pay/internal/testenv"
)

// Mailpit is a real SMTP server that keeps what it receives and shows it
// through its API: PAY_TEST_SMTP_URL is where Pay sends, PAY_TEST_MAILPIT_API
// where tests read messages back. Tests share it, so each reads only the
// messages to addresses of its own (see Recipient).
type Mailpit struct {
	SMTPURL string
	API     string
}

// NewMailpit returns the configured server; the test skips without one (and
// fails in CI).
func NewMailpit(t testing.TB) *Mailpit {
	t.Helper()
	return &Mailpit{SMTPURL: testenv.Require(t, "PAY_TEST_SMTP_URL"), API: testenv.Require(t, "PAY_TEST_MAILPIT_API")}
}

// Recipient returns an address no other test sends to.
func Recipient(name string) string { return name + "-" + pay.NewID() + "@example.org" }

// MailMessage is a message as Mailpit shows it.
type MailMessage struct {
	ID      string
	From    struct{ Address string }
	To      []struct{ Address string }
	Subject string
	Text    string
	HTML    string
	Date    time.Time
}

// Messages returns the messages to the address, newest first.
func (m *Mailpit) Messages(t testing.TB, to string) []*MailMessage {
	t.Helper()
	var list struct{ Messages []struct{ ID string } }
	m.get(t, "/api/v1/search?query="+url.QueryEscape("to:"+to), &list)
	out := make([]*MailMessage, 0, len(list.Messages))
	for _, s := range list.Messages {
		var msg MailMessage
		m.get(t, "/api/v1/message/"+url.PathEscape(s.ID), &msg)
		out = append(out, &msg)
	}
	return out
}

// WaitMessages waits up to 20 s for n messages to the address and returns
// them; it fails the test if fewer arrive, and returns more if more do.
func (m *Mailpit) WaitMessages(t testing.TB, to string, n int) []*MailMessage {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		msgs := m.Messages(t, to)
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d messages to %s after 20 s, want %d", len(msgs), to, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (m *Mailpit) get(t testing.TB, path string, v any) {
	t.Helper()
	resp, err := http.Get(m.API + path)
	if err != nil {
		t.Fatalf("mailpit: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("mailpit: GET %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("mailpit: GET %s: %v", path, err)
	}
}

// String describes the message, for test failures.
func (m *MailMessage) String() string { return fmt.Sprintf("%q to %v", m.Subject, m.To) }
