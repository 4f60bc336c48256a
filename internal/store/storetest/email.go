package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"pay/internal/pay"
)

// emailOf returns an unsaved email about p.
func emailOf(p *pay.Payment, kind pay.EmailKind, refundID string) *pay.Email {
	return &pay.Email{ID: pay.NewID(), AccountID: p.AccountID, PaymentID: p.ID, RefundID: refundID, Kind: kind, To: "payer@example.org"}
}

// captureWithEmail moves a new payment to CAPTURED with a confirmation email.
func (f *fixture) captureWithEmail(t *testing.T) (*pay.Payment, *pay.Email) {
	t.Helper()
	p := f.newPayment()
	p.Status = pay.StatusCaptureReady
	f.insert(t, p)
	e := emailOf(p, pay.EmailPaymentConfirmed, "")
	_, err := pay.TransitionPayment(f.ctx, f.Store, &pay.PaymentTransitionParams{PaymentID: p.ID, To: pay.StatusCaptured,
		Emails: []*pay.Email{e}})
	mustOK(t, err)
	return p, e
}

func testEmail(t *testing.T, open Opener) {
	f := setup(t, open)
	kind := pay.EmailJob{}.Kind()

	t.Run("StoredWithTransition", func(t *testing.T) {
		jobs := f.JobCount(t, kind)
		f.Clock.Advance(time.Minute)
		_, e := f.captureWithEmail(t)
		if e.Status != pay.EmailPending || !e.CreatedAt.Equal(f.Clock.Now()) || !e.UpdatedAt.Equal(f.Clock.Now()) {
			t.Fatalf("inserted email has status %s, created %v, updated %v", e.Status, e.CreatedAt, e.UpdatedAt)
		}
		got, err := f.Store.EmailGet(f.ctx, f.account.ID, e.ID)
		mustOK(t, err)
		if diff := cmp.Diff(e, got); diff != "" {
			t.Fatalf("EmailGet (-want +got):\n%s", diff)
		}
		if n := f.JobCount(t, kind); n != jobs+1 {
			t.Fatalf("email jobs = %d, want %d", n, jobs+1)
		}
	})

	t.Run("StoredWithRefundTransition", func(t *testing.T) {
		p := f.captured(t, 500)
		r := f.insertRefund(t, p, 200)
		e := emailOf(p, pay.EmailRefundIssued, r.ID)
		_, err := pay.TransitionRefund(f.ctx, f.Store, &pay.RefundTransitionParams{RefundID: r.ID, To: pay.RefundSubmitted,
			Emails: []*pay.Email{e}})
		mustOK(t, err)
		got, err := f.Store.EmailGet(f.ctx, 0, e.ID)
		mustOK(t, err)
		if got.RefundID != r.ID || got.Kind != pay.EmailRefundIssued || got.Status != pay.EmailPending {
			t.Fatalf("refund email stored as %+v", got)
		}
	})

	t.Run("NotStoredWhenTransitionFails", func(t *testing.T) {
		p := f.insert(t, f.newPayment()) // CREATED cannot become CAPTURED
		e := emailOf(p, pay.EmailPaymentConfirmed, "")
		jobs := f.JobCount(t, kind)
		_, err := pay.TransitionPayment(f.ctx, f.Store, &pay.PaymentTransitionParams{PaymentID: p.ID, To: pay.StatusCaptured,
			Emails: []*pay.Email{e}})
		var te *pay.TransitionError
		if !errors.As(err, &te) {
			t.Fatalf("transition from CREATED to CAPTURED: got %v, want a transition error", err)
		}
		wantKind(t, mustGetEmail(f, e.ID), pay.KindNotFound)
		if n := f.JobCount(t, kind); n != jobs {
			t.Fatalf("email jobs = %d after a rolled back transition, want %d", n, jobs)
		}
	})

	t.Run("DuplicateIDRollsBack", func(t *testing.T) {
		_, e := f.captureWithEmail(t)
		p := f.newPayment()
		p.Status = pay.StatusCaptureReady
		f.insert(t, p)
		dup := emailOf(p, pay.EmailPaymentConfirmed, "")
		dup.ID = e.ID
		_, err := pay.TransitionPayment(f.ctx, f.Store, &pay.PaymentTransitionParams{PaymentID: p.ID, To: pay.StatusCaptured,
			Emails: []*pay.Email{dup}})
		wantKind(t, err, pay.KindConflict)
		got, err := f.Store.PaymentGet(f.ctx, 0, p.ID)
		mustOK(t, err)
		if got.Status != pay.StatusCaptureReady {
			t.Fatalf("payment is %s after its email failed to insert, want the change rolled back", got.Status)
		}
	})

	t.Run("Update", func(t *testing.T) {
		_, e := f.captureWithEmail(t)
		f.Clock.Advance(time.Minute)
		sent := f.Clock.Now()
		e.Status, e.Attempts, e.Error, e.UpdatedAt, e.SentAt = pay.EmailSent, 2, "", sent, &sent
		e.Subject, e.Text, e.HTML = "Your payment of £10.00 to Apply for a licence was successful", "text £", "<p>html</p>"
		mustOK(t, f.Store.EmailUpdate(f.ctx, e))
		got, err := f.Store.EmailGet(f.ctx, f.account.ID, e.ID)
		mustOK(t, err)
		if diff := cmp.Diff(e, got); diff != "" {
			t.Fatalf("after EmailUpdate (-want +got):\n%s", diff)
		}
		unknown := *e
		unknown.ID = pay.NewID()
		wantKind(t, f.Store.EmailUpdate(f.ctx, &unknown), pay.KindNotFound)
	})

	t.Run("ScopedToAccount", func(t *testing.T) {
		_, e := f.captureWithEmail(t)
		_, err := f.Store.EmailGet(f.ctx, f.other.ID, e.ID)
		wantKind(t, err, pay.KindNotFound)
		list, err := f.Store.EmailList(f.ctx, f.other.ID, "", 10)
		mustOK(t, err)
		if len(list) != 0 {
			t.Fatalf("another account lists %d emails, want none", len(list))
		}
	})

	t.Run("List", func(t *testing.T) {
		g := setup(t, open)
		var ids []string
		var first *pay.Payment
		for i := range 3 {
			g.Clock.Advance(time.Second)
			p, e := g.captureWithEmail(t)
			if i == 0 {
				first = p
			}
			ids = append([]string{e.ID}, ids...)
		}
		list, err := g.Store.EmailList(g.ctx, g.account.ID, "", 2)
		mustOK(t, err)
		if got := emailIDs(list); !cmp.Equal(got, ids[:2]) {
			t.Fatalf("EmailList limit 2 = %v, want the newest %v", got, ids[:2])
		}
		list, err = g.Store.EmailList(g.ctx, g.account.ID, first.ID, 10)
		mustOK(t, err)
		if got := emailIDs(list); !cmp.Equal(got, ids[2:]) {
			t.Fatalf("EmailList of the first payment = %v, want %v", got, ids[2:])
		}
	})
}

func mustGetEmail(f *fixture, id string) error {
	_, err := f.Store.EmailGet(f.ctx, 0, id)
	return err
}

func emailIDs(list []*pay.Email) []string {
	var out []string
	for _, e := range list {
		out = append(out, e.ID)
	}
	return out
}
