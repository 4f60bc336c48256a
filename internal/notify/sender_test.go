package notify_test

import (
	"context"
	"strings"
	"testing"

	"pay/internal/apptest"
	"pay/internal/notify"
	"pay/internal/pay"
)

func TestNewSMTPRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ url, from, want string }{
		{"http://mail.example.org", "pay@example.org", "SMTP_URL: want smtp://"},
		{"smtp://", "pay@example.org", "SMTP_URL: want smtp://"},
		{"smtp://mail.example.org:99999", "pay@example.org", `port "99999"`},
		{"smtp://mail.example.org", "not an address", "PAY_EMAIL_FROM"},
	} {
		_, err := notify.NewSMTP(tc.url, tc.from)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewSMTP(%q, %q) = %v, want an error containing %q", tc.url, tc.from, err, tc.want)
		}
	}
	for _, u := range []string{"smtp://user:secret@mail.example.org:587", "smtps://mail.example.org", "smtp://127.0.0.1:2525"} {
		if _, err := notify.NewSMTP(u, "Pay <pay@example.org>"); err != nil {
			t.Errorf("NewSMTP(%q): %v", u, err)
		}
	}
}

// TestSMTPSend sends a message to a real SMTP server and reads both parts
// back.
func TestSMTPSend(t *testing.T) {
	t.Parallel()
	mp := apptest.NewMailpit(t)
	content, err := mustParse(t).Render(data(pay.EmailPaymentConfirmed, pay.LanguageWelsh))
	if err != nil {
		t.Fatal(err)
	}
	s, err := notify.NewSMTP(mp.SMTPURL, "Pay <pay@example.org>")
	if err != nil {
		t.Fatal(err)
	}
	to := apptest.Recipient("smtp")
	if err := s.Send(context.Background(), &notify.Message{ID: pay.NewID(), To: to, Content: content}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	msg := mp.WaitMessages(t, to, 1)[0]
	if msg.Subject != content.Subject || msg.From.Address != "pay@example.org" || msg.To[0].Address != to {
		t.Fatalf("received %v from %s", msg, msg.From.Address)
	}
	// Lines end in CRLF on the wire.
	if text := strings.ReplaceAll(msg.Text, "\r\n", "\n"); text != content.Text || !strings.Contains(msg.HTML, "Swyddfa Basbort</div>") {
		t.Fatalf("received text %q and HTML %q", msg.Text, msg.HTML)
	}
}

// TestSMTPNoPasswordInClear checks a password is not sent over a connection
// without TLS (the test server offers neither STARTTLS nor a challenge
// mechanism): sending fails, and nothing is delivered.
func TestSMTPNoPasswordInClear(t *testing.T) {
	t.Parallel()
	mp := apptest.NewMailpit(t)
	s, err := notify.NewSMTP(strings.Replace(mp.SMTPURL, "smtp://", "smtp://pay:secret@", 1), "pay@example.org")
	if err != nil {
		t.Fatal(err)
	}
	to := apptest.Recipient("clear")
	err = s.Send(context.Background(), &notify.Message{ID: pay.NewID(), To: to, Content: &pay.EmailContent{Subject: "s", Text: "t", HTML: "h"}})
	if err == nil || !strings.Contains(err.Error(), "authentication") {
		t.Fatalf("Send with a password and no TLS: %v, want an authentication error", err)
	}
	if n := len(mp.Messages(t, to)); n != 0 {
		t.Fatalf("%d messages delivered", n)
	}
}
