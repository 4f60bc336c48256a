package notify

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"pay/internal/pay"
)

// Message is one rendered email to send.
type Message struct {
	ID      string // the email's id, which becomes the Message-ID
	To      string
	Content *pay.EmailContent
}

// ErrBadAddress wraps the error of a message whose recipient is not an
// email address: sending it again cannot work.
var ErrBadAddress = errors.New("not an email address")

// Sender delivers messages.
type Sender interface {
	// Send delivers m, or returns why it could not. An error wrapping
	// ErrBadAddress is for good; the caller may retry others.
	Send(ctx context.Context, m *Message) error
	// Outbox reports whether messages are only kept (no SMTP server is
	// configured), for people to read in the admin site.
	Outbox() bool
}

// Outbox is the Sender used without SMTP_URL: it sends nothing, so that
// the email's record, which keeps what was rendered, is the outbox.
type Outbox struct{}

// Send keeps nothing itself and never fails.
func (Outbox) Send(context.Context, *Message) error { return nil }

// Outbox is true.
func (Outbox) Outbox() bool { return true }

// SMTP sends over SMTP: STARTTLS when the server offers it for smtp://
// URLs, TLS from the first byte for smtps:// ones, and authentication when
// the URL has a user.
type SMTP struct {
	from    string
	host    string
	options []mail.Option
}

// SMTPTimeout bounds each connection to the SMTP server.
const SMTPTimeout = 30 * time.Second

// NewSMTP checks an SMTP URL (smtp://user:pass@host:587 or smtps://host:465)
// and a From address and returns a sender for them; an error says what is
// wrong with either.
func NewSMTP(rawURL, from string) (*SMTP, error) {
	if _, err := netmail.ParseAddress(from); err != nil {
		return nil, fmt.Errorf("PAY_EMAIL_FROM %q: want an email address: %v", from, err)
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") {
		return nil, fmt.Errorf("SMTP_URL: want smtp://user:password@host:port or smtps://…")
	}
	s := &SMTP{from: from, host: u.Hostname(), options: []mail.Option{mail.WithTimeout(SMTPTimeout)}}
	port, tls := 587, mail.WithTLSPolicy(mail.TLSOpportunistic)
	if u.Scheme == "smtps" {
		port, tls = 465, mail.WithSSL()
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port < 1 || port > 65535 {
			return nil, fmt.Errorf("SMTP_URL: port %q is not a port number", p)
		}
	}
	s.options = append(s.options, mail.WithPort(port), tls)
	if u.User != nil {
		password, _ := u.User.Password()
		s.options = append(s.options, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(u.User.Username()), mail.WithPassword(password))
	}
	return s, nil
}

// Outbox is false: messages go to the SMTP server.
func (s *SMTP) Outbox() bool { return false }

// Send delivers m on a connection of its own, so concurrent jobs do not
// share one.
func (s *SMTP) Send(ctx context.Context, m *Message) error {
	msg := mail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return fmt.Errorf("from: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("to %q: %w: %v", m.To, ErrBadAddress, err)
	}
	msg.Subject(m.Content.Subject)
	msg.SetMessageIDWithValue(m.ID + "@" + s.domain())
	msg.SetDate()
	msg.SetBodyString(mail.TypeTextPlain, m.Content.Text)
	msg.AddAlternativeString(mail.TypeTextHTML, m.Content.HTML)
	client, err := mail.NewClient(s.host, s.options...)
	if err != nil {
		return err
	}
	return client.DialAndSendWithContext(ctx, msg)
}

// domain is the right-hand side of Message-IDs: the From address's domain.
func (s *SMTP) domain() string {
	a, err := netmail.ParseAddress(s.from)
	if err != nil {
		return s.host
	}
	return a.Address[strings.LastIndex(a.Address, "@")+1:]
}
