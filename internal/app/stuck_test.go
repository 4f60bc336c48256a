package app_test

import (
	"context"
	"testing"
	"time"

	"pay/internal/app"
	"pay/internal/apptest"
	"pay/internal/pay"
	"pay/internal/store/pgtest"
)

// testSweepStuck leaves work without its job, as when River gives up on a
// job, and a cancel half done, as when a process dies in the middle of
// one, and checks that the sweep of stuck work finishes them.
func testSweepStuck(t *testing.T, databaseURL string) {
	// The sweep takes up what has waited StuckAfter: look from later.
	later := func() time.Time { return time.Now().Add(2 * pay.StuckAfter) }
	a, c := startClient(t, map[string]string{"DATABASE_URL": databaseURL}, app.Options{Now: later})
	ctx := context.Background()
	move := func(id string, to pay.Status) {
		t.Helper()
		if _, err := pay.TransitionPayment(ctx, a.Store, &pay.PaymentTransitionParams{PaymentID: id, To: to}); err != nil {
			t.Fatal(err)
		}
	}
	authorised := func() string {
		t.Helper()
		id := c.Do("POST", "/v1/payments", map[string]any{"amount": 1000, "reference": "r", "description": "d",
			"return_url": "https://example.org/done"}).Str("payment_id")
		pc := &pay.Card{Number: "4444333322221111", CVC: "123", ExpiryMonth: 1, ExpiryYear: 2090, CardholderName: "J Payer", Brand: "visa"}
		if _, err := a.Payments.Authorise(ctx, id, pc, ""); err != nil {
			t.Fatal(err)
		}
		return id
	}
	noCaptureJob := authorised()
	move(noCaptureJob, pay.StatusCaptureApproved) // approved, and no job to capture it
	cancelHalfDone := authorised()
	move(cancelHalfDone, pay.StatusSystemCancelReady)
	captured := paid(t, a, c, "4444333322221111")
	refund := &pay.Refund{ID: pay.NewID(), PaymentID: captured, AccountID: 1, Amount: 100}
	if err := pay.InsertRefund(ctx, a.Store, &pay.RefundInsertParams{Refund: refund}); err != nil { // and no job
		t.Fatal(err)
	}

	// The periodic sweep may run too; either takes each up once.
	if n, err := a.Payments.SweepStuck(ctx); err != nil || n > 3 {
		t.Fatalf("SweepStuck = %d, %v; want at most the 3 left stuck", n, err)
	}
	if got := c.Do("GET", "/v1/payments/"+cancelHalfDone, nil); got.Str("state.status") != "cancelled" {
		t.Fatalf("half-cancelled payment after the sweep: %s", got.Body)
	}
	eventually(t, "River to capture the payment that had no job", func() bool {
		return c.Do("GET", "/v1/payments/"+noCaptureJob, nil).Str("settlement_summary.captured_date") != ""
	})
	eventually(t, "River to send the refund that had no job", func() bool {
		return c.Do("GET", "/v1/payments/"+captured+"/refunds/"+refund.ID, nil).Str("status") == "success"
	})
	if n, err := a.Payments.SweepStuck(ctx); err != nil || n != 0 {
		t.Fatalf("a second sweep took up %d (%v); want nothing left", n, err)
	}
}

func TestSweepStuck(t *testing.T) {
	for name, databaseURL := range map[string]func(testing.TB) string{"SQLite": apptest.SQLiteURL, "PostgreSQL": pgtest.URL} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testSweepStuck(t, databaseURL(t))
		})
	}
}
