package jobs

import (
	"context"
	"errors"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"pay/internal/apptest"
	"pay/internal/notify"
	"pay/internal/pay"
)

// fakeSender counts what it is asked to send and fails while err is set.
type fakeSender struct {
	sent   int
	err    error
	outbox bool
}

func (s *fakeSender) Send(context.Context, *notify.Message) error {
	if s.err != nil {
		return s.err
	}
	s.sent++
	return nil
}

func (s *fakeSender) Outbox() bool { return s.outbox }

// storedEmail stores a captured payment of a new account with its
// confirmation email, as capture does.
func storedEmail(t *testing.T, env *apptest.Env) *pay.Email {
	t.Helper()
	return storedEmailTo(t, env, "payer@example.org")
}

func storedEmailTo(t *testing.T, env *apptest.Env, to string) *pay.Email {
	t.Helper()
	var acct *pay.Account
	err := env.Store.Update(env.Ctx, func(tx pay.Tx) error {
		var err error
		acct, err = pay.NewSandboxService(env.Ctx, tx, &pay.Service{Name: "Licences"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	p := &pay.Payment{ID: pay.NewID(), AccountID: acct.ID, Amount: 500, Reference: "R1", Description: "Licence",
		Email: to, Language: pay.LanguageEnglish, Status: pay.StatusCaptureReady, Provider: pay.ProviderSandbox,
		AuthorisationMode: pay.ModeWeb, Source: pay.SourceAPI}
	if err := pay.InsertPayment(env.Ctx, env.Store, &pay.PaymentInsertParams{Payment: p}); err != nil {
		t.Fatal(err)
	}
	e := &pay.Email{ID: pay.NewID(), AccountID: acct.ID, PaymentID: p.ID, Kind: pay.EmailPaymentConfirmed, To: p.Email}
	if _, err := pay.TransitionPayment(env.Ctx, env.Store, &pay.PaymentTransitionParams{PaymentID: p.ID, To: pay.StatusCaptured,
		Emails: []*pay.Email{e}}); err != nil {
		t.Fatal(err)
	}
	return e
}

func newEmailWorker(t *testing.T, env *apptest.Env, s notify.Sender) *emailWorker {
	t.Helper()
	tpl, err := notify.Parse()
	if err != nil {
		t.Fatal(err)
	}
	return &emailWorker{emails: &pay.Emails{Store: env.Store, Now: env.Clock.Now}, templates: tpl, sender: s,
		retryDelay: DefaultEmailRetryDelay}
}

func emailJob(id string, attempt int) *river.Job[pay.EmailJob] {
	return &river.Job[pay.EmailJob]{JobRow: &rivertype.JobRow{Attempt: attempt, MaxAttempts: 3}, Args: pay.EmailJob{EmailID: id}}
}

func (w *emailWorker) mustGet(t *testing.T, id string) *pay.Email {
	t.Helper()
	e, err := w.emails.Store.EmailGet(context.Background(), 0, id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestEmailWorker runs the job by hand through failures, the last attempt
// and runs after it was sent.
func TestEmailWorker(t *testing.T) {
	t.Parallel()
	apptest.ForEachEngine(t, func(t *testing.T, eng apptest.Engine) {
		env := apptest.New(t, eng)
		s := &fakeSender{err: errors.New("421 try later")}
		w := newEmailWorker(t, env, s)

		t.Run("RetryThenSendOnce", func(t *testing.T) {
			e := storedEmail(t, env)
			if err := w.Work(env.Ctx, emailJob(e.ID, 1)); err == nil {
				t.Fatal("a failed send returned no error, so River would not retry")
			}
			if got := w.mustGet(t, e.ID); got.Status != pay.EmailRetrying || got.Error != "421 try later" || got.Attempts != 1 {
				t.Fatalf("after a failure: %s %q %d", got.Status, got.Error, got.Attempts)
			}
			s.err = nil
			for attempt := 2; attempt <= 3; attempt++ { // the second run stands for a rescued job
				if err := w.Work(env.Ctx, emailJob(e.ID, attempt)); err != nil {
					t.Fatal(err)
				}
			}
			got := w.mustGet(t, e.ID)
			if s.sent != 1 || got.Status != pay.EmailSent || got.Error != "" || got.Attempts != 2 || got.SentAt == nil ||
				got.Subject != "Your payment of £5.00 to Licences was successful" {
				t.Fatalf("sent %d times; stored %s %q %d %q", s.sent, got.Status, got.Error, got.Attempts, got.Subject)
			}
		})

		t.Run("FailedOnLastAttempt", func(t *testing.T) {
			s.err, s.sent = errors.New("550 no such user"), 0
			e := storedEmail(t, env)
			if err := w.Work(env.Ctx, emailJob(e.ID, 3)); err == nil {
				t.Fatal("no error")
			}
			if got := w.mustGet(t, e.ID); got.Status != pay.EmailFailed || got.Error != "550 no such user" {
				t.Fatalf("after the last attempt: %s %q", got.Status, got.Error)
			}
			s.err = nil
			if err := w.Work(env.Ctx, emailJob(e.ID, 3)); err != nil || s.sent != 0 {
				t.Fatalf("a failed email was sent again: %v, %d", err, s.sent)
			}
		})

		t.Run("BadAddressFailsAtOnce", func(t *testing.T) {
			smtp, err := notify.NewSMTP("smtp://127.0.0.1:1", "pay@example.org") // never reached
			if err != nil {
				t.Fatal(err)
			}
			w := newEmailWorker(t, env, smtp)
			e := storedEmailTo(t, env, "payer@example.org\r\nBcc: everyone@example.org")
			err = w.Work(env.Ctx, emailJob(e.ID, 1))
			var cancel *river.JobCancelError
			if !errors.As(err, &cancel) || !errors.Is(err, notify.ErrBadAddress) {
				t.Fatalf("Work: %v, want the job cancelled for a bad address", err)
			}
			if got := w.mustGet(t, e.ID); got.Status != pay.EmailFailed {
				t.Fatalf("status %s after a bad address, want failed", got.Status)
			}
		})

		t.Run("Outbox", func(t *testing.T) {
			w := newEmailWorker(t, env, notify.Outbox{})
			e := storedEmail(t, env)
			if err := w.Work(env.Ctx, emailJob(e.ID, 1)); err != nil {
				t.Fatal(err)
			}
			if got := w.mustGet(t, e.ID); got.Status != pay.EmailOutbox || got.Text == "" || got.HTML == "" {
				t.Fatalf("outbox email: %+v", got)
			}
		})
	})
}
