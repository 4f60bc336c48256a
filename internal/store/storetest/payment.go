package storetest

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"pay/internal/pay"
)

func testPaymentInsert(t *testing.T, open Opener) {
	f := setup(t, open)
	fee := int64(12)
	canRetry := false
	settled := f.Clock.Now().Add(48 * time.Hour)
	captured := f.Clock.Now().Add(time.Hour)
	full := f.newPayment()
	full.Email = "payer@example.org"
	full.Language = pay.LanguageWelsh
	full.DelayedCapture = true
	full.Moto = true
	full.Source = pay.SourcePaymentLink
	full.Metadata = pay.Metadata{"ledger_code": "AB100", "fund": json.Number("1.50"), "urgent": true}
	full.ProviderID = "prov-123"
	full.Card = pay.CardDetails{FirstDigits: "424242", LastDigits: "4242", CardholderName: "J Payer", ExpiryDate: "04/30",
		Brand: "visa", CardType: "debit", WalletType: "Apple Pay",
		BillingAddress: pay.Address{Line1: "1 High Street", Line2: "Flat 2", City: "Cardiff", Postcode: "CF10 1AA", Country: "GB"}}
	full.AgreementID = pay.NewID()
	full.SetUpAgreement = true
	full.AgreementPaymentType = pay.AgreementInstalment
	full.ThreeDSRequired = true
	full.CanRetry = &canRetry
	full.CorporateSurcharge = 250
	full.Fee = &fee
	full.RefundedAmount = 100
	full.CaptureSubmittedAt = &captured
	full.CapturedAt = &captured
	full.SettledAt = &settled

	t.Run("RoundTrip", func(t *testing.T) {
		want := *full
		mustOK(t, pay.InsertPayment(f.ctx, f.Store, &pay.PaymentInsertParams{Payment: full, TokenHash: pay.HashToken("tok")}))
		if !full.CreatedAt.Equal(f.Clock.Now()) || !full.UpdatedAt.Equal(f.Clock.Now()) {
			t.Fatalf("PaymentInsert set CreatedAt %v UpdatedAt %v, want %v", full.CreatedAt, full.UpdatedAt, f.Clock.Now())
		}
		want.CreatedAt, want.UpdatedAt = full.CreatedAt, full.UpdatedAt
		got, err := f.Store.PaymentGet(f.ctx, f.account.ID, full.ID)
		mustOK(t, err)
		if diff := cmp.Diff(&want, got); diff != "" {
			t.Fatalf("PaymentGet (-want +got):\n%s", diff)
		}
		if n, _ := got.Metadata["fund"].(json.Number); n != "1.50" {
			t.Fatalf("metadata number = %#v, want json.Number 1.50 as written", got.Metadata["fund"])
		}
	})
	t.Run("Scoped", func(t *testing.T) {
		_, err := f.Store.PaymentGet(f.ctx, f.other.ID, full.ID)
		wantKind(t, err, pay.KindNotFound)
		got, err := f.Store.PaymentGet(f.ctx, 0, full.ID)
		mustOK(t, err)
		if got.ID != full.ID {
			t.Fatalf("PaymentGet(0) = %s", got.ID)
		}
	})
	t.Run("Missing", func(t *testing.T) {
		_, err := f.Store.PaymentGet(f.ctx, f.account.ID, pay.NewID())
		wantKind(t, err, pay.KindNotFound)
		_, _, err = f.Store.PaymentGetWithAccount(f.ctx, pay.NewID())
		wantKind(t, err, pay.KindNotFound)
	})
	t.Run("WithAccount", func(t *testing.T) {
		p := f.newPayment()
		p.AccountID, p.Metadata = f.other.ID, pay.Metadata{"fund": "A1"}
		f.insert(t, p)
		want, err := f.Store.PaymentGet(f.ctx, 0, p.ID)
		mustOK(t, err)
		wantAcct, err := f.Store.AccountGet(f.ctx, f.other.ID)
		mustOK(t, err)
		got, gotAcct, err := f.Store.PaymentGetWithAccount(f.ctx, p.ID)
		mustOK(t, err)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("payment (-PaymentGet +PaymentGetWithAccount):\n%s", diff)
		}
		if diff := cmp.Diff(wantAcct, gotAcct); diff != "" {
			t.Fatalf("account (-AccountGet +PaymentGetWithAccount):\n%s", diff)
		}
	})
	t.Run("MinimalRoundTrip", func(t *testing.T) {
		p := f.insert(t, f.newPayment())
		got, err := f.Store.PaymentGet(f.ctx, f.account.ID, p.ID)
		mustOK(t, err)
		if diff := cmp.Diff(p, got); diff != "" {
			t.Fatalf("PaymentGet (-want +got):\n%s", diff)
		}
		if got.Metadata != nil || got.Fee != nil || got.CanRetry != nil || got.CapturedAt != nil {
			t.Fatalf("unset optional fields read back as set: %+v", got)
		}
	})
	t.Run("DuplicateID", func(t *testing.T) {
		dup := f.newPayment()
		dup.ID = full.ID
		wantKind(t, pay.InsertPayment(f.ctx, f.Store, &pay.PaymentInsertParams{Payment: dup}), pay.KindConflict)
	})
	t.Run("CreatedEvent", func(t *testing.T) {
		events, err := f.Store.PaymentEvents(f.ctx, f.account.ID, full.ID)
		mustOK(t, err)
		want := []*pay.Event{{PaymentID: full.ID, Type: pay.EventPaymentCreated, Status: pay.StatusCreated, At: full.CreatedAt}}
		if diff := cmp.Diff(want, events); diff != "" {
			t.Fatalf("PaymentEvents (-want +got):\n%s", diff)
		}
		_, err = f.Store.PaymentEvents(f.ctx, f.other.ID, full.ID)
		wantKind(t, err, pay.KindNotFound)
		_, err = f.Store.PaymentEvents(f.ctx, f.account.ID, pay.NewID())
		wantKind(t, err, pay.KindNotFound)
	})
	t.Run("Jobs", func(t *testing.T) {
		before := f.JobCount(t, pay.CaptureJob{}.Kind())
		p := f.newPayment()
		mustOK(t, pay.InsertPayment(f.ctx, f.Store, &pay.PaymentInsertParams{Payment: p,
			Jobs: []pay.Job{{Args: pay.CaptureJob{PaymentID: p.ID}}}}))
		if got := f.JobCount(t, pay.CaptureJob{}.Kind()); got != before+1 {
			t.Fatalf("capture jobs = %d, want %d", got, before+1)
		}
	})
}

func testPaymentIdempotency(t *testing.T, open Opener) {
	f := setup(t, open)
	first := f.newPayment()
	mustOK(t, pay.InsertPayment(f.ctx, f.Store, &pay.PaymentInsertParams{Payment: first, IdempotencyKey: "key-1", RequestHash: "h1"}))

	t.Run("Get", func(t *testing.T) {
		got, hash, err := f.Store.PaymentGetByIdempotencyKey(f.ctx, f.account.ID, "key-1", f.Clock.Now().Add(-time.Hour))
		mustOK(t, err)
		if got.ID != first.ID || hash != "h1" {
			t.Fatalf("PaymentGetByIdempotencyKey = %s %q, want %s h1", got.ID, hash, first.ID)
		}
		_, _, err = f.Store.PaymentGetByIdempotencyKey(f.ctx, f.other.ID, "key-1", f.Clock.Now().Add(-time.Hour))
		wantKind(t, err, pay.KindNotFound)
		_, _, err = f.Store.PaymentGetByIdempotencyKey(f.ctx, f.account.ID, "key-1", f.Clock.Now().Add(time.Second))
		wantKind(t, err, pay.KindNotFound)
	})
	t.Run("ReusedKeyWritesNothing", func(t *testing.T) {
		jobs := f.JobCount(t, pay.CaptureJob{}.Kind())
		second := f.newPayment()
		err := pay.InsertPayment(f.ctx, f.Store, &pay.PaymentInsertParams{Payment: second, IdempotencyKey: "key-1", RequestHash: "h2",
			TokenHash: pay.HashToken("second"), Jobs: []pay.Job{{Args: pay.CaptureJob{PaymentID: second.ID}}}})
		wantKind(t, err, pay.KindConflict)
		_, err = f.Store.PaymentGet(f.ctx, 0, second.ID)
		wantKind(t, err, pay.KindNotFound)
		_, err = f.Store.TokenUse(f.ctx, pay.HashToken("second"), f.Clock.Now())
		wantKind(t, err, pay.KindNotFound)
		if got := f.JobCount(t, pay.CaptureJob{}.Kind()); got != jobs {
			t.Fatalf("a rolled-back insert left %d jobs, want %d", got, jobs)
		}
	})
	t.Run("SameKeyOtherAccount", func(t *testing.T) {
		p := f.newPayment()
		p.AccountID = f.other.ID
		mustOK(t, pay.InsertPayment(f.ctx, f.Store, &pay.PaymentInsertParams{Payment: p, IdempotencyKey: "key-1", RequestHash: "h3"}))
	})
	t.Run("ExpiredKeyReused", func(t *testing.T) {
		f.Clock.Advance(pay.IdempotencyKeyLifetime + time.Second)
		p := f.newPayment()
		mustOK(t, pay.InsertPayment(f.ctx, f.Store, &pay.PaymentInsertParams{Payment: p, IdempotencyKey: "key-1", RequestHash: "h4"}))
		got, hash, err := f.Store.PaymentGetByIdempotencyKey(f.ctx, f.account.ID, "key-1", f.Clock.Now().Add(-time.Hour))
		mustOK(t, err)
		if got.ID != p.ID || hash != "h4" {
			t.Fatalf("after reuse the key points at %s %q, want %s h4", got.ID, hash, p.ID)
		}
	})
}

func testPaymentTransition(t *testing.T, open Opener) {
	f := setup(t, open)
	p := f.insert(t, f.newPayment())
	created := p.CreatedAt

	t.Run("Allowed", func(t *testing.T) {
		f.Clock.Advance(time.Minute)
		got, err := pay.TransitionPayment(f.ctx, f.Store, &pay.PaymentTransitionParams{
			AccountID: f.account.ID, PaymentID: p.ID, To: pay.StatusEnteringCardDetails,
		})
		mustOK(t, err)
		if got.Status != pay.StatusEnteringCardDetails || !got.UpdatedAt.Equal(f.Clock.Now()) || !got.CreatedAt.Equal(created) {
			t.Fatalf("PaymentTransition returned %+v", got)
		}
		stored, err := f.Store.PaymentGet(f.ctx, f.account.ID, p.ID)
		mustOK(t, err)
		if diff := cmp.Diff(got, stored); diff != "" {
			t.Fatalf("stored payment differs from returned (-returned +stored):\n%s", diff)
		}
	})
	t.Run("UpdateAndJobs", func(t *testing.T) {
		jobs := f.JobCount(t, pay.CaptureJob{}.Kind())
		got, err := pay.TransitionPayment(f.ctx, f.Store, &pay.PaymentTransitionParams{
			PaymentID: p.ID, To: pay.StatusAuthorisationReady,
			Update: func(p *pay.Payment) { p.Card.LastDigits = "4242"; p.ProviderID = "abc" },
			Jobs:   []pay.Job{{Args: pay.CaptureJob{PaymentID: p.ID}, ScheduledAt: f.Clock.Now().Add(time.Hour)}},
		})
		mustOK(t, err)
		stored, err := f.Store.PaymentGet(f.ctx, 0, p.ID)
		mustOK(t, err)
		if stored.Card.LastDigits != "4242" || stored.ProviderID != "abc" || got.ProviderID != "abc" {
			t.Fatalf("Update was not stored: %+v", stored)
		}
		if n := f.JobCount(t, pay.CaptureJob{}.Kind()); n != jobs+1 {
			t.Fatalf("capture jobs = %d, want %d", n, jobs+1)
		}
	})
	t.Run("Forbidden", func(t *testing.T) {
		jobs := f.JobCount(t, pay.CaptureJob{}.Kind())
		_, err := pay.TransitionPayment(f.ctx, f.Store, &pay.PaymentTransitionParams{
			PaymentID: p.ID, To: pay.StatusCaptured, Update: func(p *pay.Payment) { p.Reference = "changed" },
			Jobs: []pay.Job{{Args: pay.CaptureJob{PaymentID: p.ID}}},
		})
		wantKind(t, err, pay.KindConflict)
		var te *pay.TransitionError
		if !errors.As(err, &te) || te.From != pay.StatusAuthorisationReady || te.To != pay.StatusCaptured {
			t.Fatalf("error %v does not wrap the TransitionError", err)
		}
		stored, _ := f.Store.PaymentGet(f.ctx, 0, p.ID)
		if stored.Status != pay.StatusAuthorisationReady || stored.Reference == "changed" {
			t.Fatalf("a refused transition changed the payment: %+v", stored)
		}
		if n := f.JobCount(t, pay.CaptureJob{}.Kind()); n != jobs {
			t.Fatalf("a refused transition enqueued jobs: %d, want %d", n, jobs)
		}
	})
	t.Run("FromGuard", func(t *testing.T) {
		_, err := pay.TransitionPayment(f.ctx, f.Store, &pay.PaymentTransitionParams{
			PaymentID: p.ID, From: []pay.Status{pay.StatusCreated}, To: pay.StatusAuthorisationSuccess,
		})
		wantKind(t, err, pay.KindConflict)
	})
	t.Run("OtherAccount", func(t *testing.T) {
		_, err := pay.TransitionPayment(f.ctx, f.Store, &pay.PaymentTransitionParams{
			AccountID: f.other.ID, PaymentID: p.ID, To: pay.StatusAuthorisationSuccess,
		})
		wantKind(t, err, pay.KindNotFound)
	})
	t.Run("Missing", func(t *testing.T) {
		_, err := pay.TransitionPayment(f.ctx, f.Store, &pay.PaymentTransitionParams{PaymentID: pay.NewID(), To: pay.StatusExpired})
		wantKind(t, err, pay.KindNotFound)
	})
	t.Run("Events", func(t *testing.T) {
		events, err := f.Store.PaymentEvents(f.ctx, f.account.ID, p.ID)
		mustOK(t, err)
		var types []pay.EventType
		for _, ev := range events {
			types = append(types, ev.Type)
		}
		want := []pay.EventType{pay.EventPaymentCreated, pay.EventPaymentStarted, "AUTHORISATION_READY"}
		if diff := cmp.Diff(want, types); diff != "" {
			t.Fatalf("event types (-want +got):\n%s", diff)
		}
		if !events[1].At.After(events[0].At) || events[2].Status != pay.StatusAuthorisationReady {
			t.Fatalf("events = %+v", events)
		}
	})
}

// testPaymentTransitionConcurrent races transitions of one payment: whatever
// the engine, exactly one may win and exactly one event may be written.
func testPaymentTransitionConcurrent(t *testing.T, open Opener) {
	f := setup(t, open)
	const racers = 16
	for round := 0; round < 3; round++ {
		p := f.insert(t, f.newPayment())
		targets := []pay.Status{pay.StatusSystemCancelled, pay.StatusUserCancelled, pay.StatusEnteringCardDetails, pay.StatusExpired}
		wantOneWinner(t, "PaymentTransition", race(racers, func(i int) error {
			_, err := pay.TransitionPayment(f.ctx, f.Store, &pay.PaymentTransitionParams{
				PaymentID: p.ID, From: []pay.Status{pay.StatusCreated}, To: targets[i%len(targets)],
			})
			return err
		}))
		events, err := f.Store.PaymentEvents(f.ctx, 0, p.ID)
		mustOK(t, err)
		if len(events) != 2 {
			t.Fatalf("round %d: %d events, want 2 (created and the one winner)", round, len(events))
		}
		stored, _ := f.Store.PaymentGet(f.ctx, 0, p.ID)
		if stored.Status != events[1].Status {
			t.Fatalf("round %d: status %s but last event %s", round, stored.Status, events[1].Status)
		}
	}
}

func testToken(t *testing.T, open Opener) {
	f := setup(t, open)
	p := f.insert(t, f.newPayment())
	mustOK(t, f.Store.TokenInsert(f.ctx, p.ID, pay.HashToken("one"), f.Clock.Now()))
	mustOK(t, f.Store.TokenInsert(f.ctx, p.ID, pay.HashToken("two"), f.Clock.Now()))
	wantKind(t, f.Store.TokenInsert(f.ctx, p.ID, pay.HashToken("one"), f.Clock.Now()), pay.KindConflict)
	wantKind(t, f.Store.TokenInsert(f.ctx, pay.NewID(), pay.HashToken("orphan"), f.Clock.Now()), pay.KindNotFound)

	got, err := f.Store.TokenUse(f.ctx, pay.HashToken("one"), f.Clock.Now())
	mustOK(t, err)
	if diff := cmp.Diff(p, got); diff != "" {
		t.Fatalf("TokenUse's payment (-inserted +read):\n%s", diff)
	}
	_, err = f.Store.TokenUse(f.ctx, pay.HashToken("one"), f.Clock.Now())
	wantKind(t, err, pay.KindConflict)
	var used *pay.TokenUsedError
	if !errors.As(err, &used) || used.PaymentID != p.ID {
		t.Fatalf("a used token's error %v does not name its payment", err)
	}
	_, err = f.Store.TokenUse(f.ctx, pay.HashToken("unknown"), f.Clock.Now())
	wantKind(t, err, pay.KindNotFound)
	if got, err := f.Store.TokenUse(f.ctx, pay.HashToken("two"), f.Clock.Now()); err != nil || got.ID != p.ID {
		t.Fatalf("second token: %v %v", got, err)
	}

	t.Run("ConcurrentUse", func(t *testing.T) {
		mustOK(t, f.Store.TokenInsert(f.ctx, p.ID, pay.HashToken("race"), f.Clock.Now()))
		wantOneWinner(t, "TokenUse", race(8, func(int) error {
			_, err := f.Store.TokenUse(f.ctx, pay.HashToken("race"), f.Clock.Now())
			return err
		}))
	})
}

func testCleanup(t *testing.T, open Opener) {
	f := setup(t, open)
	old := f.newPayment()
	mustOK(t, pay.InsertPayment(f.ctx, f.Store, &pay.PaymentInsertParams{Payment: old, IdempotencyKey: "old", RequestHash: "h",
		TokenHash: pay.HashToken("old")}))
	f.Clock.Advance(48 * time.Hour)
	fresh := f.newPayment()
	mustOK(t, pay.InsertPayment(f.ctx, f.Store, &pay.PaymentInsertParams{Payment: fresh, IdempotencyKey: "fresh", RequestHash: "h",
		TokenHash: pay.HashToken("fresh")}))

	n, err := f.Store.Cleanup(f.ctx, f.Clock.Now().Add(-24*time.Hour), f.Clock.Now().Add(-24*time.Hour))
	mustOK(t, err)
	if n != 2 {
		t.Fatalf("Cleanup removed %d rows, want 2 (one key, one token)", n)
	}
	long := f.Clock.Now().Add(-time.Hour * 24 * 365)
	if _, _, err := f.Store.PaymentGetByIdempotencyKey(f.ctx, f.account.ID, "old", long); !pay.IsKind(err, pay.KindNotFound) {
		t.Fatalf("old idempotency key survived: %v", err)
	}
	if _, _, err := f.Store.PaymentGetByIdempotencyKey(f.ctx, f.account.ID, "fresh", long); err != nil {
		t.Fatalf("fresh idempotency key was removed: %v", err)
	}
	if _, err := f.Store.TokenUse(f.ctx, pay.HashToken("old"), f.Clock.Now()); !pay.IsKind(err, pay.KindNotFound) {
		t.Fatalf("old token survived: %v", err)
	}
	if _, err := f.Store.TokenUse(f.ctx, pay.HashToken("fresh"), f.Clock.Now()); err != nil {
		t.Fatalf("fresh token was removed: %v", err)
	}
	if _, err := f.Store.PaymentGet(f.ctx, 0, old.ID); err != nil {
		t.Fatalf("cleanup removed a payment: %v", err)
	}
}

func testPaymentExpirable(t *testing.T, open Opener) {
	f := setup(t, open)
	old := f.insert(t, f.newPayment()) // created first, then left alone
	f.Clock.Advance(time.Minute)
	touched := f.insert(t, f.newPayment())
	f.Clock.Advance(time.Minute)
	finished := f.insert(t, f.newPayment())
	_, err := pay.TransitionPayment(f.ctx, f.Store, &pay.PaymentTransitionParams{PaymentID: finished.ID, To: pay.StatusSystemCancelled})
	mustOK(t, err)
	f.Clock.Advance(time.Minute)
	_, err = pay.TransitionPayment(f.ctx, f.Store, &pay.PaymentTransitionParams{PaymentID: touched.ID, To: pay.StatusEnteringCardDetails})
	mustOK(t, err)
	young := f.insert(t, f.newPayment())

	q := &pay.PaymentExpirableParams{
		Statuses:      []pay.Status{pay.StatusCreated, pay.StatusEnteringCardDetails},
		CreatedBefore: young.CreatedAt, // young is not old enough
		UpdatedBefore: f.Clock.Now().Add(time.Second),
		Limit:         10,
	}
	ids, err := f.Store.PaymentListExpirable(f.ctx, q)
	mustOK(t, err)
	if diff := cmp.Diff([]string{old.ID, touched.ID}, ids); diff != "" {
		t.Fatalf("expirable (-want +got):\n%s", diff)
	}
	q.UpdatedBefore = f.Clock.Now() // touched changed at this instant: skip it
	if ids, _ = f.Store.PaymentListExpirable(f.ctx, q); len(ids) != 1 || ids[0] != old.ID {
		t.Fatalf("recently changed payments must be skipped: %v", ids)
	}
	q.Limit = 1
	q.UpdatedBefore = f.Clock.Now().Add(time.Second)
	if ids, _ = f.Store.PaymentListExpirable(f.ctx, q); len(ids) != 1 || ids[0] != old.ID {
		t.Fatalf("limit 1 must give the oldest: %v", ids)
	}
	q.Statuses = []pay.Status{pay.StatusAwaitingCaptureRequest}
	if ids, _ = f.Store.PaymentListExpirable(f.ctx, q); len(ids) != 0 {
		t.Fatalf("status filter: %v", ids)
	}
}
