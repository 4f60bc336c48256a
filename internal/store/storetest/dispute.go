package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"pay/internal/pay"
)

func (f *fixture) openDispute(t *testing.T, p *pay.Payment, jobs ...pay.Job) *pay.Dispute {
	t.Helper()
	d := &pay.Dispute{ID: pay.NewID(), PaymentID: p.ID, Reason: "fraudulent"}
	mustOK(t, pay.OpenDispute(f.ctx, f.Store, &pay.DisputeInsertParams{Dispute: d, EvidenceWindow: 7 * 24 * time.Hour, Jobs: jobs}))
	return d
}

func testDispute(t *testing.T, open Opener) {
	f := setup(t, open)
	p := f.newPayment()
	p.Amount, p.CorporateSurcharge, p.Status = 1000, 250, pay.StatusCaptured
	f.insert(t, p)

	jobs := f.JobCount(t, pay.DisputeJob{}.Kind())
	d := f.openDispute(t, p, pay.Job{Args: pay.DisputeJob{PaymentID: p.ID, From: pay.DisputeNeedsResponse}})
	t.Run("Opened", func(t *testing.T) {
		want := &pay.Dispute{ID: d.ID, PaymentID: p.ID, AccountID: f.account.ID, Amount: 1250, Reason: "fraudulent",
			Status: pay.DisputeNeedsResponse, CreatedAt: f.Clock.Now(), EvidenceDueAt: f.Clock.Now().Add(7 * 24 * time.Hour)}
		got, err := f.Store.DisputeGetByPayment(f.ctx, f.account.ID, p.ID)
		mustOK(t, err)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("DisputeGetByPayment (-want +got):\n%s", diff)
		}
		stored, _ := f.Store.PaymentGet(f.ctx, 0, p.ID)
		if stored.DisputeStatus != pay.DisputeNeedsResponse || stored.RefundSummary().Status != pay.RefundUnavailable {
			t.Fatalf("disputed payment: status %q, refund summary %+v", stored.DisputeStatus, stored.RefundSummary())
		}
		if n := f.JobCount(t, pay.DisputeJob{}.Kind()); n != jobs+1 {
			t.Fatalf("dispute jobs = %d, want %d", n, jobs+1)
		}
	})
	t.Run("Refused", func(t *testing.T) {
		again := &pay.Dispute{ID: pay.NewID(), PaymentID: p.ID, Reason: "duplicate"}
		wantKind(t, pay.OpenDispute(f.ctx, f.Store, &pay.DisputeInsertParams{Dispute: again}), pay.KindConflict)
		notCaptured := f.insert(t, f.newPayment())
		wantKind(t, pay.OpenDispute(f.ctx, f.Store, &pay.DisputeInsertParams{
			Dispute: &pay.Dispute{ID: pay.NewID(), PaymentID: notCaptured.ID}}), pay.KindConflict)
		wantKind(t, pay.OpenDispute(f.ctx, f.Store, &pay.DisputeInsertParams{
			Dispute: &pay.Dispute{ID: pay.NewID(), PaymentID: pay.NewID()}}), pay.KindNotFound)
		_, err := f.Store.DisputeGetByPayment(f.ctx, f.other.ID, p.ID)
		wantKind(t, err, pay.KindNotFound)
		_, err = f.Store.DisputeGetByPayment(f.ctx, 0, notCaptured.ID)
		wantKind(t, err, pay.KindNotFound)
	})
	t.Run("Lifecycle", func(t *testing.T) {
		f.Clock.Advance(time.Hour)
		got, err := pay.TransitionDispute(f.ctx, f.Store, &pay.DisputeTransitionParams{PaymentID: p.ID,
			From: pay.DisputeNeedsResponse, To: pay.DisputeUnderReview})
		mustOK(t, err)
		if got.Status != pay.DisputeUnderReview {
			t.Fatalf("DisputeTransition returned %+v", got)
		}
		_, err = pay.TransitionDispute(f.ctx, f.Store, &pay.DisputeTransitionParams{PaymentID: p.ID,
			From: pay.DisputeNeedsResponse, To: pay.DisputeUnderReview})
		var te *pay.DisputeTransitionError
		if !pay.IsKind(err, pay.KindConflict) || !errors.As(err, &te) || te.From != pay.DisputeUnderReview {
			t.Fatalf("a repeated step: %v, want a conflict wrapping the DisputeTransitionError", err)
		}
		fee, net, settled := int64(1500), int64(-2750), f.Clock.Now()
		_, err = pay.TransitionDispute(f.ctx, f.Store, &pay.DisputeTransitionParams{PaymentID: p.ID, To: pay.DisputeLost,
			Update: func(d *pay.Dispute) { d.Fee, d.NetAmount, d.SettledAt = &fee, &net, &settled }})
		mustOK(t, err)
		stored, err := f.Store.DisputeGetByPayment(f.ctx, 0, p.ID)
		mustOK(t, err)
		if stored.Status != pay.DisputeLost || *stored.Fee != 1500 || *stored.NetAmount != -2750 || !stored.SettledAt.Equal(settled) {
			t.Fatalf("lost dispute %+v", stored)
		}
		payment, _ := f.Store.PaymentGet(f.ctx, 0, p.ID)
		if payment.DisputeStatus != pay.DisputeLost {
			t.Fatalf("payment dispute status %q, want lost", payment.DisputeStatus)
		}
		_, err = pay.TransitionDispute(f.ctx, f.Store, &pay.DisputeTransitionParams{PaymentID: p.ID, To: pay.DisputeWon})
		wantKind(t, err, pay.KindConflict)
		_, err = pay.TransitionDispute(f.ctx, f.Store, &pay.DisputeTransitionParams{PaymentID: f.captured(t, 1).ID, To: pay.DisputeWon})
		wantKind(t, err, pay.KindNotFound)
	})
	t.Run("Events", func(t *testing.T) {
		events, err := f.Store.PaymentEvents(f.ctx, 0, p.ID)
		mustOK(t, err)
		var types []pay.EventType
		for _, ev := range events[1:] {
			types = append(types, ev.Type)
		}
		want := []pay.EventType{pay.EventDisputeCreated, pay.EventDisputeEvidenceSubmitted, pay.EventDisputeLost}
		if diff := cmp.Diff(want, types); diff != "" {
			t.Fatalf("dispute events (-want +got):\n%s", diff)
		}
	})
	t.Run("WonAllowsRefunds", func(t *testing.T) {
		q := f.captured(t, 500)
		f.openDispute(t, q)
		_, err := pay.TransitionDispute(f.ctx, f.Store, &pay.DisputeTransitionParams{PaymentID: q.ID, To: pay.DisputeWon})
		mustOK(t, err)
		mustOK(t, pay.InsertRefund(f.ctx, f.Store, &pay.RefundInsertParams{Refund: refundOf(q, 500)}))
	})
}

func testDisputeSearch(t *testing.T, open Opener) {
	f := setup(t, open)
	var disputes []*pay.Dispute
	for range 4 {
		f.Clock.Advance(time.Hour)
		disputes = append(disputes, f.openDispute(t, f.captured(t, 100)))
	}
	d := disputes
	settled := time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC)
	_, err := pay.TransitionDispute(f.ctx, f.Store, &pay.DisputeTransitionParams{PaymentID: d[1].PaymentID, To: pay.DisputeLost,
		Update: func(d *pay.Dispute) { d.SettledAt = &settled }})
	mustOK(t, err)
	_, err = pay.TransitionDispute(f.ctx, f.Store, &pay.DisputeTransitionParams{PaymentID: d[2].PaymentID, To: pay.DisputeWon})
	mustOK(t, err)
	elsewhere := f.newPayment()
	elsewhere.AccountID, elsewhere.Status = f.other.ID, pay.StatusCaptured
	f.openDispute(t, f.insert(t, elsewhere))

	ids := func(ds []*pay.Dispute) []string {
		var out []string
		for _, x := range ds {
			out = append(out, x.ID)
		}
		return out
	}
	nextDay := settled.AddDate(0, 0, 1)
	for _, tt := range []struct {
		name  string
		q     pay.DisputeSearch
		want  []*pay.Dispute
		total int
	}{
		{"All", pay.DisputeSearch{}, []*pay.Dispute{d[3], d[2], d[1], d[0]}, 4},
		{"Status", pay.DisputeSearch{Status: pay.DisputeNeedsResponse}, []*pay.Dispute{d[3], d[0]}, 2},
		{"Won", pay.DisputeSearch{Status: pay.DisputeWon}, []*pay.Dispute{d[2]}, 1},
		{"Dates", pay.DisputeSearch{FromDate: &d[1].CreatedAt, ToDate: &d[3].CreatedAt}, []*pay.Dispute{d[2], d[1]}, 2},
		{"SettledDay", pay.DisputeSearch{FromSettled: &settled, ToSettled: &settled}, []*pay.Dispute{d[1]}, 1},
		{"SettledLater", pay.DisputeSearch{FromSettled: &nextDay}, nil, 0},
		{"Page", pay.DisputeSearch{Page: 2, DisplaySize: 3}, []*pay.Dispute{d[0]}, 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			q.AccountID = f.account.ID
			if q.Page == 0 {
				q.Page, q.DisplaySize = 1, pay.DefaultDisplaySize
			}
			page, err := f.Store.DisputeSearch(f.ctx, &q)
			mustOK(t, err)
			if diff := cmp.Diff(ids(tt.want), ids(page.Disputes)); diff != "" {
				t.Fatalf("results (-want +got):\n%s", diff)
			}
			if page.Total != tt.total {
				t.Fatalf("Total = %d, want %d", page.Total, tt.total)
			}
		})
	}
}
