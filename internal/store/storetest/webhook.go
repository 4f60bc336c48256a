package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"pay/internal/pay"
)

// newWebhook stores an active webhook of the fixture's account subscribed to events.
func (f *fixture) newWebhook(t *testing.T, events ...pay.WebhookEvent) *pay.Webhook {
	t.Helper()
	now := f.Clock.Now()
	w := &pay.Webhook{ID: pay.NewID(), AccountID: f.account.ID, CallbackURL: "https://service.example/hooks",
		Description: "Payments", Events: events, Secret: pay.NewWebhookSecret(false), Status: pay.WebhookActive,
		CreatedAt: now, UpdatedAt: now}
	mustOK(t, f.Store.WebhookInsert(f.ctx, w))
	return w
}

// cancelled moves a new payment to USER CANCELLED: a card_payment_failed event.
func (f *fixture) cancelled(t *testing.T) *pay.Payment {
	t.Helper()
	p := f.insert(t, f.newPayment())
	_, err := pay.TransitionPayment(f.ctx, f.Store, &pay.PaymentTransitionParams{PaymentID: p.ID, To: pay.StatusUserCancelled})
	mustOK(t, err)
	return p
}

// webhookMessages returns the webhook's messages.
func (f *fixture) webhookMessages(t *testing.T, w *pay.Webhook, status pay.MessageStatus) []*pay.WebhookMessage {
	t.Helper()
	list, err := f.Store.WebhookMessageList(f.ctx, &pay.WebhookMessageListParams{AccountID: w.AccountID, WebhookID: w.ID,
		Status: status, Limit: 100})
	mustOK(t, err)
	return list
}

func testWebhook(t *testing.T, open Opener) {
	t.Run("Webhooks", func(t *testing.T) { testWebhookCRUD(t, open) })
	t.Run("Messages", func(t *testing.T) { testWebhookMessages(t, open) })
	t.Run("Delivery", func(t *testing.T) { testWebhookDelivery(t, open) })
}

func testWebhookCRUD(t *testing.T, open Opener) {
	f := setup(t, open)
	w := f.newWebhook(t, pay.WebhookPaymentSucceeded, pay.WebhookPaymentRefunded)
	got, err := f.Store.WebhookGet(f.ctx, f.account.ID, w.ID)
	mustOK(t, err)
	if diff := cmp.Diff(w, got); diff != "" {
		t.Fatalf("WebhookGet (-want +got):\n%s", diff)
	}
	_, err = f.Store.WebhookGet(f.ctx, f.other.ID, w.ID)
	wantKind(t, err, pay.KindNotFound)
	wantKind(t, f.Store.WebhookInsert(f.ctx, w), pay.KindConflict)

	f.Clock.Advance(time.Minute)
	w.CallbackURL, w.Description, w.Events = "https://other.example/h", "", []pay.WebhookEvent{pay.WebhookPaymentExpired}
	w.Secret, w.Status, w.UpdatedAt = pay.NewWebhookSecret(false), pay.WebhookInactive, f.Clock.Now()
	mustOK(t, f.Store.WebhookUpdate(f.ctx, w))
	got, err = f.Store.WebhookGet(f.ctx, 0, w.ID)
	mustOK(t, err)
	if diff := cmp.Diff(w, got); diff != "" {
		t.Fatalf("after WebhookUpdate (-want +got):\n%s", diff)
	}
	other := *w
	other.AccountID = f.other.ID
	wantKind(t, f.Store.WebhookUpdate(f.ctx, &other), pay.KindNotFound)

	second := f.newWebhook(t, pay.WebhookPaymentFailed)
	list, err := f.Store.WebhookList(f.ctx, f.account.ID)
	mustOK(t, err)
	if len(list) != 2 || list[0].ID != w.ID || list[1].ID != second.ID {
		t.Fatalf("WebhookList = %v, want both, oldest first", list)
	}
	if list, _ := f.Store.WebhookList(f.ctx, f.other.ID); len(list) != 0 {
		t.Fatalf("another account lists %d webhooks", len(list))
	}
	wantKind(t, f.Store.WebhookDelete(f.ctx, f.other.ID, w.ID), pay.KindNotFound)
	mustOK(t, f.Store.WebhookDelete(f.ctx, f.account.ID, w.ID))
	_, err = f.Store.WebhookGet(f.ctx, 0, w.ID)
	wantKind(t, err, pay.KindNotFound)
}

func testWebhookMessages(t *testing.T, open Opener) {
	f := setup(t, open)
	failed := f.newWebhook(t, pay.WebhookPaymentFailed, pay.WebhookPaymentExpired)
	succeeded := f.newWebhook(t, pay.WebhookPaymentSucceeded)
	inactive := f.newWebhook(t, pay.WebhookPaymentFailed)
	inactive.Status = pay.WebhookInactive
	mustOK(t, f.Store.WebhookUpdate(f.ctx, inactive))
	kind := pay.WebhookJob{}.Kind()

	jobs := f.JobCount(t, kind)
	p := f.cancelled(t)
	list := f.webhookMessages(t, failed, "")
	if len(list) != 1 || list[0].PaymentID != p.ID || list[0].EventType != pay.WebhookPaymentFailed ||
		list[0].Status != pay.MessagePending || !list[0].CreatedAt.Equal(f.Clock.Now()) {
		t.Fatalf("messages of the subscribed webhook: %+v", list)
	}
	if n := len(f.webhookMessages(t, succeeded, "")) + len(f.webhookMessages(t, inactive, "")); n != 0 {
		t.Fatalf("%d messages for webhooks not subscribed or inactive", n)
	}
	if n := f.JobCount(t, kind); n != jobs+1 {
		t.Fatalf("webhook jobs = %d, want %d", n, jobs+1)
	}

	// A transition that fails makes no message.
	q := f.insert(t, f.newPayment())
	_, err := pay.TransitionPayment(f.ctx, f.Store, &pay.PaymentTransitionParams{PaymentID: q.ID, To: pay.StatusCaptured})
	wantKind(t, err, pay.KindConflict)
	if n := len(f.webhookMessages(t, failed, "")); n != 1 {
		t.Fatalf("%d messages after a failed transition, want 1", n)
	}

	_, err = f.Store.WebhookMessageGet(f.ctx, f.other.ID, list[0].ID)
	wantKind(t, err, pay.KindNotFound)
	f.Clock.Advance(8 * 24 * time.Hour)
	f.cancelled(t)
	n, err := f.Store.WebhookCleanup(f.ctx, f.Clock.Now().Add(-pay.WebhookRetention))
	mustOK(t, err)
	if left := f.webhookMessages(t, failed, ""); n != 1 || len(left) != 1 || left[0].ID == list[0].ID {
		t.Fatalf("cleanup deleted %d, left %v", n, left)
	}
}

func testWebhookDelivery(t *testing.T, open Opener) {
	f := setup(t, open)
	w := f.newWebhook(t, pay.WebhookPaymentFailed)
	f.cancelled(t)
	m := f.webhookMessages(t, w, "")[0]
	now := f.Clock.Now()

	ok, err := f.Store.WebhookMessageClaim(f.ctx, m.ID, 1, now, now.Add(time.Minute))
	if mustOK(t, err); ok {
		t.Fatal("claimed a message for its second attempt before its first")
	}
	errs := race(4, func(int) error {
		ok, err := f.Store.WebhookMessageClaim(f.ctx, m.ID, 0, now, now.Add(time.Minute))
		if err == nil && !ok {
			return pay.Errorf(pay.KindConflict, "held")
		}
		return err
	})
	wantOneWinner(t, "WebhookMessageClaim", errs)
	ok, err = f.Store.WebhookMessageClaim(f.ctx, m.ID, 0, now.Add(2*time.Minute), now.Add(3*time.Minute))
	if mustOK(t, err); !ok {
		t.Fatal("could not claim a message whose lease ran out")
	}

	next := now.Add(time.Minute)
	m.Status, m.Attempts, m.NextAttemptAt, m.Body, m.UpdatedAt = pay.MessageFailed, 1, &next, `{"a":"£"}`, now
	a := &pay.WebhookAttempt{MessageID: m.ID, Number: 1, Status: pay.MessageFailed, StatusCode: 500, Duration: 1500 * time.Millisecond, At: now}
	mustOK(t, f.Store.Update(f.ctx, func(tx pay.Tx) error {
		if err := tx.WebhookAttemptInsert(f.ctx, a); err != nil {
			return err
		}
		return tx.WebhookMessageUpdate(f.ctx, m)
	}))
	got, err := f.Store.WebhookMessageGet(f.ctx, f.account.ID, m.ID)
	mustOK(t, err)
	if diff := cmp.Diff(m, got); diff != "" {
		t.Fatalf("after WebhookMessageUpdate (-want +got):\n%s", diff)
	}
	ok, err = f.Store.WebhookMessageClaim(f.ctx, m.ID, 1, now, now.Add(time.Minute))
	if mustOK(t, err); !ok {
		t.Fatal("the update did not free the lease")
	}
	attempts, err := f.Store.WebhookAttemptList(f.ctx, m.ID)
	mustOK(t, err)
	if diff := cmp.Diff([]*pay.WebhookAttempt{a}, attempts); diff != "" {
		t.Fatalf("WebhookAttemptList (-want +got):\n%s", diff)
	}
	err = f.Store.Update(f.ctx, func(tx pay.Tx) error { return tx.WebhookAttemptInsert(f.ctx, a) })
	wantKind(t, err, pay.KindConflict)
	if n := len(f.webhookMessages(t, w, pay.MessageFailed)); n != 1 {
		t.Fatalf("%d failed messages listed, want 1", n)
	}
	if n := len(f.webhookMessages(t, w, pay.MessageSuccessful)); n != 0 {
		t.Fatalf("%d successful messages listed, want 0", n)
	}
}
