package app_test

import (
	"context"
	"io"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"pay/internal/api/apitest"
	"pay/internal/app"
	"pay/internal/apptest"
	"pay/internal/apptest/boot"
	"pay/internal/pay"
	"pay/internal/store/pgtest"
)

// payWithEmail creates a payment of £10.00 and pays it on the payer's side,
// giving the email address as the card page does; River captures it unless
// it is a delayed capture, which waits for the service.
func payWithEmail(t *testing.T, a *app.App, c *apitest.Client, email string, delayed bool, language ...string) string {
	t.Helper()
	body := map[string]any{"amount": 1000, "reference": "REF-EMAIL", "description": "Fishing licence",
		"return_url": "https://example.org/done", "delayed_capture": delayed}
	if len(language) > 0 {
		body["language"] = language[0]
	}
	res := c.Do("POST", "/v1/payments", body)
	if res.Status != 201 {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	id := res.Str("payment_id")
	pc := &pay.Card{Number: "4444333322221111", CVC: "123", ExpiryMonth: 1, ExpiryYear: 2090, CardholderName: "J Payer", Brand: "visa"}
	if _, err := a.Payments.Authorise(context.Background(), id, pc, email); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Payments.Confirm(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	return id
}

// waitState waits for the payment to reach an external state.
func waitState(t *testing.T, c *apitest.Client, id, state string) {
	t.Helper()
	eventually(t, "the payment to be "+state, func() bool { return c.Do("GET", "/v1/payments/"+id, nil).Str("state.status") == state })
}

// waitCaptured waits for the payment to be captured: refundable.
func waitCaptured(t *testing.T, c *apitest.Client, id string) {
	t.Helper()
	eventually(t, "the payment to be captured", func() bool {
		return c.Do("GET", "/v1/payments/"+id, nil).Str("refund_summary.status") == "available"
	})
}

// emailsOf returns the emails stored for a payment of account 1.
func emailsOf(t *testing.T, a *app.App, paymentID string) []*pay.Email {
	t.Helper()
	list, err := a.Store.EmailList(context.Background(), 1, paymentID, pay.EmailListLimit)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// changeSettings changes account 1's settings.
func changeSettings(t *testing.T, a *app.App, change func(s *pay.AccountSettings)) {
	t.Helper()
	acct, err := a.Store.AccountGet(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	change(&acct.Settings)
	if err := a.Store.AccountUpdate(context.Background(), acct); err != nil {
		t.Fatal(err)
	}
}

// testEmails reads the payer's emails back from a real SMTP server.
func testEmails(t *testing.T, databaseURL string) {
	mp := apptest.NewMailpit(t)
	a, c := startClient(t, map[string]string{"DATABASE_URL": databaseURL, "SMTP_URL": mp.SMTPURL,
		"PAY_EMAIL_FROM": "Sandbox service <payments@example.org>"}, app.Options{})

	t.Run("ConfirmationAfterCapture", func(t *testing.T) {
		to := apptest.Recipient("capture")
		id := payWithEmail(t, a, c, to, false)
		msg := mp.WaitMessages(t, to, 1)[0]
		if msg.Subject != "Your payment of £10.00 to Sandbox service was successful" || msg.From.Address != "payments@example.org" {
			t.Fatalf("confirmation: %v from %s", msg, msg.From.Address)
		}
		if !strings.Contains(msg.Text, "Payment for: Fishing licence") || !strings.Contains(msg.HTML, "Fishing licence") {
			t.Fatalf("confirmation text %q", msg.Text)
		}
		eventually(t, "the email to be recorded as sent", func() bool {
			list := emailsOf(t, a, id)
			return len(list) == 1 && list[0].Status == pay.EmailSent && list[0].Subject == msg.Subject
		})
	})

	t.Run("Welsh", func(t *testing.T) {
		to := apptest.Recipient("welsh")
		payWithEmail(t, a, c, to, false, "cy")
		msg := mp.WaitMessages(t, to, 1)[0]
		if msg.Subject != "Mae eich taliad o £10.00 i Sandbox service wedi bod yn llwyddiannus" || !strings.Contains(msg.Text, "Taliad am: Fishing licence") {
			t.Fatalf("Welsh confirmation: %v\n%s", msg, msg.Text)
		}
	})

	t.Run("ConfirmationAfterDelayedCapture", func(t *testing.T) {
		to := apptest.Recipient("delayed")
		id := payWithEmail(t, a, c, to, true)
		waitState(t, c, id, "capturable")
		if list := emailsOf(t, a, id); len(list) != 0 {
			t.Fatalf("%d emails before the service captured, want none", len(list))
		}
		if res := c.Do("POST", "/v1/payments/"+id+"/capture", nil); res.Status != 204 {
			t.Fatalf("capture: %d %s", res.Status, res.Body)
		}
		msg := mp.WaitMessages(t, to, 1)[0]
		if !strings.HasPrefix(msg.Subject, "Your payment of £10.00") {
			t.Fatalf("confirmation after delayed capture: %v", msg)
		}
	})

	t.Run("RefundOncePerRefund", func(t *testing.T) {
		to := apptest.Recipient("refund")
		id := payWithEmail(t, a, c, to, false)
		waitCaptured(t, c, id)
		for _, amount := range []int{400, 250} {
			res := c.Do("POST", "/v1/payments/"+id+"/refunds", map[string]any{"amount": amount})
			if res.Status != 202 {
				t.Fatalf("refund: %d %s", res.Status, res.Body)
			}
			rid := res.Str("refund_id")
			eventually(t, "the refund to succeed", func() bool {
				return c.Do("GET", "/v1/payments/"+id+"/refunds/"+rid, nil).Str("status") == "success"
			})
		}
		msgs := mp.WaitMessages(t, to, 3)
		var subjects []string
		for _, m := range msgs {
			subjects = append(subjects, m.Subject)
			if strings.HasPrefix(m.Subject, "You have been refunded") &&
				!strings.Contains(m.Text, "Your refund may take up to 6 days to appear in your account.") {
				t.Fatalf("refund text %q", m.Text)
			}
		}
		slices.Sort(subjects) // the jobs run concurrently: any order
		want := []string{"You have been refunded £2.50 by Sandbox service", "You have been refunded £4.00 by Sandbox service",
			"Your payment of £10.00 to Sandbox service was successful"}
		if !slices.Equal(subjects, want) {
			t.Fatalf("messages %q, want %q", subjects, want)
		}
	})

	t.Run("NoneWhenCollectionIsOff", func(t *testing.T) {
		changeSettings(t, a, func(s *pay.AccountSettings) { s.EmailCollection = pay.EmailOff })
		defer changeSettings(t, a, func(s *pay.AccountSettings) { s.EmailCollection = pay.EmailMandatory })
		id := payWithEmail(t, a, c, apptest.Recipient("off"), false)
		waitCaptured(t, c, id)
		res := c.Do("POST", "/v1/payments/"+id+"/refunds", map[string]any{"amount": 100})
		rid := res.Str("refund_id")
		eventually(t, "the refund to succeed", func() bool {
			return c.Do("GET", "/v1/payments/"+id+"/refunds/"+rid, nil).Str("status") == "success"
		})
		// Emails are stored with the change that causes them: none now means none ever.
		if list := emailsOf(t, a, id); len(list) != 0 {
			t.Fatalf("%d emails with email collection off, want none", len(list))
		}
	})
}

func TestEmailsSQLite(t *testing.T) {
	t.Parallel()
	testEmails(t, apptest.SQLiteURL(t))
}

func TestEmailsPostgres(t *testing.T) {
	t.Parallel()
	testEmails(t, pgtest.URL(t))
}

// TestEmailsWhenOff covers the account's choices: an optional address left
// out, and each kind of email switched off.
func TestEmailsWhenOff(t *testing.T) {
	t.Parallel()
	a, c := startClient(t, map[string]string{"DATABASE_URL": apptest.SQLiteURL(t)}, app.Options{})
	for _, tc := range []struct {
		name   string
		change func(s *pay.AccountSettings)
		email  string
		want   []pay.EmailKind
	}{
		{"OptionalWithoutAddress", func(s *pay.AccountSettings) { s.EmailCollection = pay.EmailOptional }, "", nil},
		{"OptionalWithAddress", func(s *pay.AccountSettings) { s.EmailCollection = pay.EmailOptional }, "a@example.org",
			[]pay.EmailKind{pay.EmailRefundIssued, pay.EmailPaymentConfirmed}},
		{"ConfirmationsOff", func(s *pay.AccountSettings) { s.ConfirmationEmails = false }, "a@example.org",
			[]pay.EmailKind{pay.EmailRefundIssued}},
		{"RefundsOff", func(s *pay.AccountSettings) { s.RefundEmails = false }, "a@example.org",
			[]pay.EmailKind{pay.EmailPaymentConfirmed}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			changeSettings(t, a, func(s *pay.AccountSettings) { *s = pay.DefaultAccountSettings(); tc.change(s) })
			id := payWithEmail(t, a, c, tc.email, false)
			waitCaptured(t, c, id)
			rid := c.Do("POST", "/v1/payments/"+id+"/refunds", map[string]any{"amount": 100}).Str("refund_id")
			eventually(t, "the refund to succeed", func() bool {
				return c.Do("GET", "/v1/payments/"+id+"/refunds/"+rid, nil).Str("status") == "success"
			})
			var got []pay.EmailKind
			for _, e := range emailsOf(t, a, id) {
				got = append(got, e.Kind)
			}
			if strings.Join(kinds(got), ",") != strings.Join(kinds(tc.want), ",") {
				t.Fatalf("emails %v, want %v", got, tc.want)
			}
		})
	}
}

func kinds(list []pay.EmailKind) []string {
	out := []string{}
	for _, k := range list {
		out = append(out, string(k))
	}
	return out
}

// TestOutbox checks that without SMTP_URL emails are kept, rendered, in
// the outbox.
func TestOutbox(t *testing.T) {
	t.Parallel()
	a, c := startClient(t, map[string]string{"DATABASE_URL": apptest.SQLiteURL(t)}, app.Options{})
	if !a.Sender.Outbox() {
		t.Fatalf("without SMTP_URL the sender is %T, want the outbox", a.Sender)
	}
	id := payWithEmail(t, a, c, "outbox@example.org", false)
	eventually(t, "the email to reach the outbox", func() bool {
		list := emailsOf(t, a, id)
		return len(list) == 1 && list[0].Status == pay.EmailOutbox
	})
	e := emailsOf(t, a, id)[0]
	if e.To != "outbox@example.org" || e.Subject != "Your payment of £10.00 to Sandbox service was successful" ||
		!strings.Contains(e.Text, "Payment for: Fishing licence") || !strings.Contains(e.HTML, "<html lang=\"en\">") || e.SentAt == nil {
		t.Fatalf("outbox email %+v", e)
	}
}

// refusingSMTP stands in front of a real SMTP server: while refuse is set it
// answers every connection with a temporary failure, and otherwise passes
// the connection through.
func refusingSMTP(t *testing.T, target string, refuse *atomic.Bool) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go proxySMTP(conn, target, refuse.Load())
		}
	}()
	return "smtp://" + l.Addr().String()
}

func proxySMTP(conn net.Conn, target string, refuse bool) {
	defer conn.Close()
	if refuse {
		io.WriteString(conn, "421 4.3.2 Service not available, try later\r\n")
		return
	}
	up, err := net.Dial("tcp", target)
	if err != nil {
		return
	}
	defer up.Close()
	go io.Copy(up, conn)
	io.Copy(conn, up)
}

// TestEmailRetry sends an email to a server that refuses it, then works:
// the email is retrying with the server's error, and then sent once.
func TestEmailRetry(t *testing.T) {
	t.Parallel()
	mp := apptest.NewMailpit(t)
	var refuse atomic.Bool
	refuse.Store(true)
	proxy := refusingSMTP(t, strings.TrimPrefix(mp.SMTPURL, "smtp://"), &refuse)
	opts := boot.FastJobs
	opts.EmailRetryDelay = 300 * time.Millisecond // instead of an hour
	a, creds, base := boot.StartJobs(t, map[string]string{"DATABASE_URL": apptest.SQLiteURL(t), "SMTP_URL": proxy}, app.Options{}, opts)
	c := &apitest.Client{T: t, BaseURL: base, Key: creds.APIKey}

	to := apptest.Recipient("retry")
	id := payWithEmail(t, a, c, to, false)
	eventually(t, "the email to be retrying", func() bool {
		list := emailsOf(t, a, id)
		return len(list) == 1 && list[0].Status == pay.EmailRetrying && strings.Contains(list[0].Error, "421")
	})
	refuse.Store(false)
	mp.WaitMessages(t, to, 1)
	eventually(t, "the email to be recorded as sent", func() bool {
		e := emailsOf(t, a, id)[0]
		return e.Status == pay.EmailSent && e.Error == "" && e.Attempts >= 2
	})
	eventually(t, "the job to complete", func() bool { return jobCount(t, a, pay.EmailJob{}.Kind(), "completed") == 1 })
	if n := len(mp.Messages(t, to)); n != 1 {
		t.Fatalf("%d messages, want 1", n)
	}
}
