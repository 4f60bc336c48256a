package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"pay/internal/pay"
)

// captured inserts a captured payment of the fixture's account.
func (f *fixture) captured(t *testing.T, amount int64) *pay.Payment {
	t.Helper()
	p := f.newPayment()
	p.Amount, p.Status = amount, pay.StatusCaptured
	return f.insert(t, p)
}

// refund returns an unsaved refund of p.
func refundOf(p *pay.Payment, amount int64) *pay.Refund {
	return &pay.Refund{ID: pay.NewID(), PaymentID: p.ID, AccountID: p.AccountID, Amount: amount}
}

// insertRefund stores a refund of p with a refund job and returns it.
func (f *fixture) insertRefund(t *testing.T, p *pay.Payment, amount int64) *pay.Refund {
	t.Helper()
	r := refundOf(p, amount)
	mustOK(t, pay.InsertRefund(f.ctx, f.Store, &pay.RefundInsertParams{Refund: r, Jobs: []pay.Job{{Args: pay.RefundJob{RefundID: r.ID}}}}))
	return r
}

func (f *fixture) refundedAmount(t *testing.T, id string) int64 {
	t.Helper()
	p, err := f.Store.PaymentGet(f.ctx, 0, id)
	mustOK(t, err)
	return p.RefundedAmount
}

// wantCode checks err is a pay.Error with the given code and message.
func wantCode(t *testing.T, err error, code, message string) {
	t.Helper()
	var e *pay.Error
	if !errors.As(err, &e) || e.Code != code || e.Message != message {
		t.Fatalf("got error %v, want %s %q", err, code, message)
	}
}

const notAvailable = "The payment is not available for refund. Payment refund status: "

func testRefundInsert(t *testing.T, open Opener) {
	f := setup(t, open)
	p := f.captured(t, 1000)

	t.Run("Stored", func(t *testing.T) {
		jobs := f.JobCount(t, pay.RefundJob{}.Kind())
		f.Clock.Advance(time.Minute)
		r := f.insertRefund(t, p, 300)
		if r.Status != pay.RefundCreated || !r.CreatedAt.Equal(f.Clock.Now()) {
			t.Fatalf("RefundInsert set status %s and CreatedAt %v", r.Status, r.CreatedAt)
		}
		got, err := f.Store.RefundGet(f.ctx, f.account.ID, r.ID)
		mustOK(t, err)
		if diff := cmp.Diff(r, got); diff != "" {
			t.Fatalf("RefundGet (-want +got):\n%s", diff)
		}
		if n := f.refundedAmount(t, p.ID); n != 300 {
			t.Fatalf("refunded amount %d, want 300", n)
		}
		if n := f.JobCount(t, pay.RefundJob{}.Kind()); n != jobs+1 {
			t.Fatalf("refund jobs = %d, want %d", n, jobs+1)
		}
		events, err := f.Store.PaymentEvents(f.ctx, 0, p.ID)
		mustOK(t, err)
		want := &pay.Event{PaymentID: p.ID, Type: pay.EventRefundCreatedByService, Amount: 300, RefundID: r.ID, At: f.Clock.Now()}
		if diff := cmp.Diff(want, events[len(events)-1]); diff != "" {
			t.Fatalf("refund event (-want +got):\n%s", diff)
		}
	})
	t.Run("ByUser", func(t *testing.T) {
		r := refundOf(p, 100)
		r.CreatedBy = "admin@example.org"
		mustOK(t, pay.InsertRefund(f.ctx, f.Store, &pay.RefundInsertParams{Refund: r}))
		got, err := f.Store.RefundGet(f.ctx, 0, r.ID)
		mustOK(t, err)
		events, _ := f.Store.PaymentEvents(f.ctx, 0, p.ID)
		if got.CreatedBy != "admin@example.org" || events[len(events)-1].Type != pay.EventRefundCreatedByUser {
			t.Fatalf("admin refund: %+v, last event %s", got, events[len(events)-1].Type)
		}
	})
	t.Run("Refused", func(t *testing.T) {
		jobs := f.JobCount(t, pay.RefundJob{}.Kind())
		stale, current := int64(1000), int64(600)
		for _, tt := range []struct {
			name      string
			amount    int64
			available *int64
			code, msg string
		}{
			{"Mismatch", 10, &stale, "P0604", "Refund amount available mismatch."},
			{"TooMuch", 601, nil, "P0603", notAvailable + "amount_not_available"},
			{"TooMuchWithAvailable", 601, &current, "P0603", notAvailable + "amount_not_available"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				r := refundOf(p, tt.amount)
				err := pay.InsertRefund(f.ctx, f.Store, &pay.RefundInsertParams{Refund: r, AmountAvailable: tt.available,
					Jobs: []pay.Job{{Args: pay.RefundJob{RefundID: r.ID}}}})
				wantCode(t, err, tt.code, tt.msg)
				_, err = f.Store.RefundGet(f.ctx, 0, r.ID)
				wantKind(t, err, pay.KindNotFound)
			})
		}
		if n := f.refundedAmount(t, p.ID); n != 400 {
			t.Fatalf("refused refunds changed the refunded amount to %d", n)
		}
		if n := f.JobCount(t, pay.RefundJob{}.Kind()); n != jobs {
			t.Fatalf("refused refunds enqueued jobs: %d, want %d", n, jobs)
		}
	})
	t.Run("Full", func(t *testing.T) {
		current := int64(600)
		mustOK(t, pay.InsertRefund(f.ctx, f.Store, &pay.RefundInsertParams{Refund: refundOf(p, 600), AmountAvailable: &current}))
		err := pay.InsertRefund(f.ctx, f.Store, &pay.RefundInsertParams{Refund: refundOf(p, 1)})
		wantCode(t, err, "P0603", notAvailable+"full")
	})
	t.Run("NotCaptured", func(t *testing.T) {
		pending := f.insert(t, f.newPayment())
		wantCode(t, pay.InsertRefund(f.ctx, f.Store, &pay.RefundInsertParams{Refund: refundOf(pending, 1)}), "P0603", notAvailable+"pending")
		failed := f.newPayment()
		failed.Status = pay.StatusAuthorisationRejected
		f.insert(t, failed)
		wantCode(t, pay.InsertRefund(f.ctx, f.Store, &pay.RefundInsertParams{Refund: refundOf(failed, 1)}), "P0603", notAvailable+"unavailable")
	})
	t.Run("Disputed", func(t *testing.T) {
		q := f.captured(t, 500)
		mustOK(t, pay.OpenDispute(f.ctx, f.Store, &pay.DisputeInsertParams{Dispute: &pay.Dispute{ID: pay.NewID(), PaymentID: q.ID, Reason: "fraudulent"}}))
		err := pay.InsertRefund(f.ctx, f.Store, &pay.RefundInsertParams{Refund: refundOf(q, 1)})
		wantCode(t, err, "P0603", "The payment is disputed and cannot be refunded")
	})
	t.Run("NotFound", func(t *testing.T) {
		r := refundOf(p, 1)
		r.AccountID = f.other.ID
		wantKind(t, pay.InsertRefund(f.ctx, f.Store, &pay.RefundInsertParams{Refund: r}), pay.KindNotFound)
		r = refundOf(p, 1)
		r.PaymentID = pay.NewID()
		wantKind(t, pay.InsertRefund(f.ctx, f.Store, &pay.RefundInsertParams{Refund: r}), pay.KindNotFound)
		_, err := f.Store.RefundGet(f.ctx, 0, pay.NewID())
		wantKind(t, err, pay.KindNotFound)
	})
	t.Run("DuplicateID", func(t *testing.T) {
		q := f.captured(t, 500)
		r := f.insertRefund(t, q, 10)
		dup := refundOf(q, 20)
		dup.ID = r.ID
		wantKind(t, pay.InsertRefund(f.ctx, f.Store, &pay.RefundInsertParams{Refund: dup}), pay.KindConflict)
		if n := f.refundedAmount(t, q.ID); n != 10 {
			t.Fatalf("a refused duplicate changed the refunded amount to %d", n)
		}
	})
	t.Run("OtherAccount", func(t *testing.T) {
		r := f.insertRefund(t, f.captured(t, 100), 10)
		_, err := f.Store.RefundGet(f.ctx, f.other.ID, r.ID)
		wantKind(t, err, pay.KindNotFound)
	})
}

// testRefundConcurrent fires refunds at one payment at once: whatever the
// engine, the accepted ones never add up to more than was captured, and the
// payment's refunded amount is exactly their sum.
func testRefundConcurrent(t *testing.T, open Opener) {
	f := setup(t, open)
	const racers, each, amount = 20, 150, 1000
	p := f.captured(t, amount)
	accepted := int64(0)
	for _, err := range race(racers, func(int) error {
		return pay.InsertRefund(f.ctx, f.Store, &pay.RefundInsertParams{Refund: refundOf(p, each)})
	}) {
		var e *pay.Error
		switch {
		case err == nil:
			accepted += each
		case errors.As(err, &e) && e.Code == "P0603":
		default:
			t.Errorf("concurrent refund: %v", err)
		}
	}
	if accepted != amount/each*each {
		t.Fatalf("accepted %d pence of refunds on a %d payment, want %d", accepted, amount, amount/each*each)
	}
	refunds, err := f.Store.RefundList(f.ctx, 0, p.ID)
	mustOK(t, err)
	sum := int64(0)
	for _, r := range refunds {
		sum += r.Amount
	}
	if got := f.refundedAmount(t, p.ID); got != accepted || sum != accepted {
		t.Fatalf("refunded amount %d and stored refunds %d, want both %d", got, sum, accepted)
	}
}

func testRefundTransition(t *testing.T, open Opener) {
	f := setup(t, open)
	p := f.captured(t, 1000)
	r := f.insertRefund(t, p, 400)

	t.Run("Success", func(t *testing.T) {
		f.Clock.Advance(time.Second)
		got, err := pay.TransitionRefund(f.ctx, f.Store, &pay.RefundTransitionParams{RefundID: r.ID, To: pay.RefundSubmitted,
			Update: func(r *pay.Refund) { r.ProviderID = "prov-1" }})
		mustOK(t, err)
		if got.Status != pay.RefundSubmitted || got.ProviderID != "prov-1" {
			t.Fatalf("RefundTransition returned %+v", got)
		}
		settled := f.Clock.Now().Add(48 * time.Hour)
		_, err = pay.TransitionRefund(f.ctx, f.Store, &pay.RefundTransitionParams{RefundID: r.ID, From: []pay.RefundStatus{pay.RefundSubmitted},
			To: pay.RefundSucceeded, Update: func(r *pay.Refund) { r.SettledAt = &settled }})
		mustOK(t, err)
		stored, err := f.Store.RefundGet(f.ctx, 0, r.ID)
		mustOK(t, err)
		if stored.Status != pay.RefundSucceeded || stored.ProviderID != "prov-1" || stored.SettledAt == nil || !stored.SettledAt.Equal(settled) {
			t.Fatalf("stored refund %+v", stored)
		}
		if n := f.refundedAmount(t, p.ID); n != 400 {
			t.Fatalf("a successful refund changed the refunded amount to %d", n)
		}
	})
	t.Run("Forbidden", func(t *testing.T) {
		_, err := pay.TransitionRefund(f.ctx, f.Store, &pay.RefundTransitionParams{RefundID: r.ID, To: pay.RefundError})
		wantKind(t, err, pay.KindConflict)
		var te *pay.RefundTransitionError
		if !errors.As(err, &te) || te.From != pay.RefundSucceeded || te.To != pay.RefundError {
			t.Fatalf("error %v does not wrap the RefundTransitionError", err)
		}
		if n := f.refundedAmount(t, p.ID); n != 400 {
			t.Fatalf("a refused transition changed the refunded amount to %d", n)
		}
	})
	t.Run("FromGuard", func(t *testing.T) {
		q := f.insertRefund(t, p, 100)
		_, err := pay.TransitionRefund(f.ctx, f.Store, &pay.RefundTransitionParams{RefundID: q.ID,
			From: []pay.RefundStatus{pay.RefundSubmitted}, To: pay.RefundError})
		wantKind(t, err, pay.KindConflict)
	})
	t.Run("ErrorGivesAmountBack", func(t *testing.T) {
		q := f.insertRefund(t, p, 500)
		if n := f.refundedAmount(t, p.ID); n != 1000 {
			t.Fatalf("refunded amount %d, want 1000", n)
		}
		_, err := pay.TransitionRefund(f.ctx, f.Store, &pay.RefundTransitionParams{RefundID: q.ID, To: pay.RefundError})
		mustOK(t, err)
		if n := f.refundedAmount(t, p.ID); n != 500 {
			t.Fatalf("refunded amount after an error %d, want 500", n)
		}
		mustOK(t, pay.InsertRefund(f.ctx, f.Store, &pay.RefundInsertParams{Refund: refundOf(p, 500)}))
	})
	t.Run("Events", func(t *testing.T) {
		events, err := f.Store.PaymentEvents(f.ctx, 0, p.ID)
		mustOK(t, err)
		var types []pay.EventType
		for _, ev := range events {
			if ev.RefundID == r.ID {
				types = append(types, ev.Type)
			}
		}
		want := []pay.EventType{pay.EventRefundCreatedByService, pay.EventRefundSubmitted, pay.EventRefundSucceeded}
		if diff := cmp.Diff(want, types); diff != "" {
			t.Fatalf("refund events (-want +got):\n%s", diff)
		}
	})
	t.Run("Missing", func(t *testing.T) {
		_, err := pay.TransitionRefund(f.ctx, f.Store, &pay.RefundTransitionParams{RefundID: pay.NewID(), To: pay.RefundSubmitted})
		wantKind(t, err, pay.KindNotFound)
	})
}

func testRefundListAndSearch(t *testing.T, open Opener) {
	f := setup(t, open)
	p, q := f.captured(t, 1000), f.captured(t, 1000)
	var refunds []*pay.Refund
	for i, target := range []*pay.Payment{p, q, p, q, p} {
		f.Clock.Advance(time.Hour)
		refunds = append(refunds, f.insertRefund(t, target, int64(10+i)))
	}
	day := func(r *pay.Refund, days int) *time.Time {
		v := time.Date(2026, 5, days, 0, 0, 0, 0, time.UTC)
		_, err := pay.TransitionRefund(f.ctx, f.Store, &pay.RefundTransitionParams{RefundID: r.ID, To: pay.RefundSubmitted,
			Update: func(r *pay.Refund) { r.SettledAt = &v }})
		mustOK(t, err)
		return &v
	}
	may1, may3 := day(refunds[0], 1), day(refunds[3], 3)
	elsewhere := f.newPayment()
	elsewhere.AccountID, elsewhere.Status = f.other.ID, pay.StatusCaptured
	f.insert(t, elsewhere)
	mustOK(t, pay.InsertRefund(f.ctx, f.Store, &pay.RefundInsertParams{Refund: refundOf(elsewhere, 5)}))

	ids := func(rs []*pay.Refund) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	t.Run("List", func(t *testing.T) {
		got, err := f.Store.RefundList(f.ctx, f.account.ID, p.ID)
		mustOK(t, err)
		if diff := cmp.Diff(ids([]*pay.Refund{refunds[0], refunds[2], refunds[4]}), ids(got)); diff != "" {
			t.Fatalf("RefundList, oldest first (-want +got):\n%s", diff)
		}
		none, err := f.Store.RefundList(f.ctx, f.account.ID, f.captured(t, 1).ID)
		if err != nil || len(none) != 0 {
			t.Fatalf("a payment without refunds: %v %v", none, err)
		}
		_, err = f.Store.RefundList(f.ctx, f.other.ID, p.ID)
		wantKind(t, err, pay.KindNotFound)
		_, err = f.Store.RefundList(f.ctx, 0, pay.NewID())
		wantKind(t, err, pay.KindNotFound)
	})
	search := func(t *testing.T, q pay.RefundSearch) *pay.RefundPage {
		t.Helper()
		q.AccountID = f.account.ID
		if q.Page == 0 {
			q.Page, q.DisplaySize = 1, pay.DefaultDisplaySize
		}
		page, err := f.Store.RefundSearch(f.ctx, &q)
		mustOK(t, err)
		return page
	}
	r := refunds
	for _, tt := range []struct {
		name string
		q    pay.RefundSearch
		want []*pay.Refund
	}{
		{"All", pay.RefundSearch{}, []*pay.Refund{r[4], r[3], r[2], r[1], r[0]}},
		{"FromDateInclusive", pay.RefundSearch{FromDate: &r[3].CreatedAt}, []*pay.Refund{r[4], r[3]}},
		{"ToDateExclusive", pay.RefundSearch{ToDate: &r[1].CreatedAt}, []*pay.Refund{r[0]}},
		{"SettledDay", pay.RefundSearch{FromSettled: may1, ToSettled: may1}, []*pay.Refund{r[0]}},
		{"SettledFrom", pay.RefundSearch{FromSettled: may3}, []*pay.Refund{r[3]}},
		{"SettledRange", pay.RefundSearch{FromSettled: may1, ToSettled: may3}, []*pay.Refund{r[3], r[0]}},
		{"Page2", pay.RefundSearch{Page: 2, DisplaySize: 2}, []*pay.Refund{r[2], r[1]}},
		{"PastTheEnd", pay.RefundSearch{Page: 4, DisplaySize: 2}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			page := search(t, tt.q)
			if diff := cmp.Diff(ids(tt.want), ids(page.Refunds)); diff != "" {
				t.Fatalf("results (-want +got):\n%s", diff)
			}
			wantTotal := len(tt.want)
			if tt.q.Page != 0 {
				wantTotal = 5
			}
			if page.Total != wantTotal {
				t.Fatalf("Total = %d, want %d", page.Total, wantTotal)
			}
		})
	}
	t.Run("ResultsAreFullRefunds", func(t *testing.T) {
		page := search(t, pay.RefundSearch{FromSettled: may3})
		stored, err := f.Store.RefundGet(f.ctx, 0, r[3].ID)
		mustOK(t, err)
		if diff := cmp.Diff(stored, page.Refunds[0]); diff != "" {
			t.Fatalf("search result differs from the stored refund (-want +got):\n%s", diff)
		}
	})
}

// testRefundUnfinished covers how the sweep of stuck work finds refunds
// that no job has finished: created or submitted, oldest first.
func testRefundUnfinished(t *testing.T, open Opener) {
	f := setup(t, open)
	p := f.captured(t, 1000)
	move := func(r *pay.Refund, to ...pay.RefundStatus) {
		t.Helper()
		for _, st := range to {
			_, err := pay.TransitionRefund(f.ctx, f.Store, &pay.RefundTransitionParams{RefundID: r.ID, To: st})
			mustOK(t, err)
		}
	}
	created := f.insertRefund(t, p, 100)
	f.Clock.Advance(time.Minute)
	submitted := f.insertRefund(t, p, 100)
	move(submitted, pay.RefundSubmitted)
	move(f.insertRefund(t, p, 100), pay.RefundSubmitted, pay.RefundSucceeded)
	move(f.insertRefund(t, p, 100), pay.RefundError)
	f.Clock.Advance(time.Minute)
	young := f.insertRefund(t, p, 100)

	ids, err := f.Store.RefundListUnfinished(f.ctx, young.CreatedAt, 10)
	mustOK(t, err)
	if diff := cmp.Diff([]string{created.ID, submitted.ID}, ids); diff != "" {
		t.Fatalf("unfinished refunds (-want +got):\n%s", diff)
	}
	if ids, _ = f.Store.RefundListUnfinished(f.ctx, young.CreatedAt, 1); len(ids) != 1 || ids[0] != created.ID {
		t.Fatalf("limit 1 must give the oldest: %v", ids)
	}
}
