package storetest

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"pay/internal/pay"
)

// testUpdate covers the transactional seam every domain change runs on:
// what fn writes commits together, or not at all, jobs included, and
// changes of one payment run one after another.
func testUpdate(t *testing.T, open Opener) {
	f := setup(t, open)
	kind := pay.CaptureJob{}.Kind()

	t.Run("Commit", func(t *testing.T) {
		p := f.newPayment()
		err := f.Store.Update(f.ctx, func(tx pay.Tx) error {
			if !tx.Now().Equal(f.Clock.Now()) {
				t.Errorf("tx.Now() = %v, want the store's clock %v", tx.Now(), f.Clock.Now())
			}
			p.CreatedAt, p.UpdatedAt = tx.Now(), tx.Now()
			mustOK(t, tx.PaymentInsert(f.ctx, p))
			mustOK(t, tx.EventInsert(f.ctx, &pay.Event{PaymentID: p.ID, Type: pay.EventPaymentCreated, Status: p.Status, At: tx.Now()}))
			return tx.JobInsert(f.ctx, []pay.Job{{Args: pay.CaptureJob{PaymentID: p.ID}}})
		})
		mustOK(t, err)
		if _, err := f.Store.PaymentGet(f.ctx, f.account.ID, p.ID); err != nil {
			t.Fatalf("committed payment: %v", err)
		}
		if events, err := f.Store.PaymentEvents(f.ctx, 0, p.ID); err != nil || len(events) != 1 {
			t.Fatalf("committed events = %v, %v; want 1", events, err)
		}
		if n := f.JobCount(t, kind); n != 1 {
			t.Fatalf("%d %s jobs after commit, want 1", n, kind)
		}
	})

	t.Run("JobOnceWhileNotDone", func(t *testing.T) {
		// The sweep of stuck work enqueues again what may have lost its
		// job; a job still waiting must not get a twin.
		p, other := f.insert(t, f.newPayment()), f.insert(t, f.newPayment())
		before := f.JobCount(t, kind)
		for _, id := range []string{p.ID, p.ID, other.ID} {
			mustOK(t, f.Store.Update(f.ctx, func(tx pay.Tx) error {
				return tx.JobInsert(f.ctx, []pay.Job{{Args: pay.CaptureJob{PaymentID: id}}})
			}))
		}
		if n := f.JobCount(t, kind); n != before+2 {
			t.Fatalf("%d new %s jobs for two payments, one enqueued twice; want 2", n-before, kind)
		}
	})

	t.Run("RollbackOnError", func(t *testing.T) {
		before := f.JobCount(t, kind)
		p := f.newPayment()
		failure := errors.New("injected failure")
		err := f.Store.Update(f.ctx, func(tx pay.Tx) error {
			p.CreatedAt, p.UpdatedAt = tx.Now(), tx.Now()
			mustOK(t, tx.PaymentInsert(f.ctx, p))
			mustOK(t, tx.TokenInsert(f.ctx, p.ID, pay.HashToken("rolled-back")))
			mustOK(t, tx.JobInsert(f.ctx, []pay.Job{{Args: pay.CaptureJob{PaymentID: p.ID}}}))
			return failure
		})
		if !errors.Is(err, failure) {
			t.Fatalf("Update = %v, want fn's error", err)
		}
		wantKind(t, func() error { _, err := f.Store.PaymentGet(f.ctx, 0, p.ID); return err }(), pay.KindNotFound)
		_, err = f.Store.TokenUse(f.ctx, pay.HashToken("rolled-back"), f.Clock.Now())
		wantKind(t, err, pay.KindNotFound)
		if n := f.JobCount(t, kind); n != before {
			t.Fatalf("%d %s jobs after a rollback, want %d: a job was enqueued for a change that never happened", n, kind, before)
		}
	})

	t.Run("RollbackOnStoreError", func(t *testing.T) {
		p := f.insert(t, f.newPayment())
		err := f.Store.Update(f.ctx, func(tx pay.Tx) error {
			locked, err := tx.PaymentLock(f.ctx, 0, p.ID)
			mustOK(t, err)
			locked.Reference = "changed"
			mustOK(t, tx.PaymentUpdate(f.ctx, locked))
			return tx.PaymentInsert(f.ctx, locked) // its id is taken
		})
		wantKind(t, err, pay.KindConflict)
		stored, err := f.Store.PaymentGet(f.ctx, 0, p.ID)
		mustOK(t, err)
		if stored.Reference != p.Reference {
			t.Fatalf("reference %q after a failed change, want %q", stored.Reference, p.Reference)
		}
	})

	t.Run("UpdateRoundTrips", func(t *testing.T) {
		// Every column set, then every optional one cleared, then two
		// changes in one transaction: what is read back is what was written,
		// however an engine chooses the columns it writes.
		p := f.insert(t, f.newPayment())
		fee, canRetry, at := int64(12), true, f.Clock.Now().Add(time.Hour)
		change := func(edit func(*pay.Payment)) {
			t.Helper()
			var want *pay.Payment
			mustOK(t, f.Store.Update(f.ctx, func(tx pay.Tx) error {
				locked, err := tx.PaymentLock(f.ctx, 0, p.ID)
				if err != nil {
					return err
				}
				edit(locked)
				want = locked
				return tx.PaymentUpdate(f.ctx, locked)
			}))
			got, err := f.Store.PaymentGet(f.ctx, 0, p.ID)
			mustOK(t, err)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("after PaymentUpdate (-want +got):\n%s", diff)
			}
		}
		change(func(p *pay.Payment) {
			p.Amount, p.Reference, p.Description, p.ReturnURL = 2000, "R2", "D2", "https://service.example/other"
			p.Email, p.Language, p.DelayedCapture, p.Moto = "payer@example.org", pay.LanguageWelsh, true, true
			p.Metadata = pay.Metadata{"fund": json.Number("1.50")}
			p.Status, p.ProviderID = pay.StatusAuthorisationSuccess, "prov-1"
			p.Card = pay.CardDetails{FirstDigits: "424242", LastDigits: "4242", CardholderName: "J Payer", ExpiryDate: "04/30",
				Brand: "visa", CardType: "debit", WalletType: "Apple Pay",
				BillingAddress: pay.Address{Line1: "1 High Street", Line2: "Flat 2", City: "Cardiff", Postcode: "CF10 1AA", Country: "GB"}}
			p.AgreementID, p.SetUpAgreement, p.AgreementPaymentType = pay.NewID(), true, pay.AgreementInstalment
			p.ThreeDSRequired, p.CanRetry, p.CorporateSurcharge, p.Fee, p.RefundedAmount = true, &canRetry, 250, &fee, 100
			p.UpdatedAt, p.CaptureSubmittedAt, p.CapturedAt, p.SettledAt = at, &at, &at, &at
			p.DisputeStatus = pay.DisputeUnderReview
		})
		change(func(p *pay.Payment) {
			p.Metadata, p.CanRetry, p.Fee, p.CaptureSubmittedAt, p.CapturedAt, p.SettledAt = nil, nil, nil, nil, nil, nil
			p.Card, p.Email, p.DisputeStatus = pay.CardDetails{}, "", ""
		})
		mustOK(t, f.Store.Update(f.ctx, func(tx pay.Tx) error {
			locked, err := tx.PaymentLock(f.ctx, 0, p.ID)
			if err != nil {
				return err
			}
			locked.Reference = "first"
			mustOK(t, tx.PaymentUpdate(f.ctx, locked))
			locked.Reference, locked.RefundedAmount = "R2", 7 // the reference back as it was read
			return tx.PaymentUpdate(f.ctx, locked)
		}))
		if got, err := f.Store.PaymentGet(f.ctx, 0, p.ID); err != nil || got.Reference != "R2" || got.RefundedAmount != 7 {
			t.Fatalf("after two updates in one transaction: %+v, %v", got, err)
		}
	})

	t.Run("LockScopedToAccount", func(t *testing.T) {
		p := f.insert(t, f.newPayment())
		err := f.Store.Update(f.ctx, func(tx pay.Tx) error {
			_, err := tx.PaymentLock(f.ctx, f.other.ID, p.ID)
			return err
		})
		wantKind(t, err, pay.KindNotFound)
	})

	t.Run("ChangesOfOnePaymentSerialised", func(t *testing.T) {
		// Each change reads the payment, then writes what it read plus one:
		// without the lock, concurrent changes would overwrite each other.
		p := f.insert(t, f.newPayment())
		const racers = 12
		for i, err := range race(racers, func(int) error {
			return f.Store.Update(f.ctx, func(tx pay.Tx) error {
				locked, err := tx.PaymentLock(f.ctx, f.account.ID, p.ID)
				if err != nil {
					return err
				}
				locked.RefundedAmount++
				return tx.PaymentUpdate(f.ctx, locked)
			})
		}) {
			if err != nil {
				t.Fatalf("racer %d: %v", i, err)
			}
		}
		stored, err := f.Store.PaymentGet(f.ctx, 0, p.ID)
		mustOK(t, err)
		if stored.RefundedAmount != racers {
			t.Fatalf("after %d serialised increments the count is %d", racers, stored.RefundedAmount)
		}
	})
}
