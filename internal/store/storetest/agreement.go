package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"pay/internal/pay"
)

func (f *fixture) newAgreement(t *testing.T, reference string) *pay.Agreement {
	t.Helper()
	a := &pay.Agreement{ID: pay.NewID(), AccountID: f.account.ID, Reference: reference, Description: "Council tax",
		UserIdentifier: "user-1", Status: pay.AgreementCreated}
	mustOK(t, f.Store.AgreementInsert(f.ctx, a))
	f.Clock.Advance(time.Second)
	return a
}

var testInstrument = &pay.PaymentInstrument{
	Card: pay.CardDetails{FirstDigits: "510510", LastDigits: "5100", CardholderName: "J Payer", ExpiryDate: "04/30",
		Brand: "master-card", CardType: "credit", BillingAddress: pay.Address{Line1: "1 Road", City: "Bath", Postcode: "BA1 1AA", Country: "GB"}},
	ProviderRef: "ref-1",
	CreatedAt:   time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC),
}

func testAgreement(t *testing.T, open Opener) {
	f := setup(t, open)
	a := f.newAgreement(t, "CT-1")
	t.Run("Get", func(t *testing.T) {
		got, err := f.Store.AgreementGet(f.ctx, f.account.ID, a.ID)
		mustOK(t, err)
		if diff := cmp.Diff(a, got); diff != "" {
			t.Fatalf("AgreementGet (-want +got):\n%s", diff)
		}
		_, err = f.Store.AgreementGet(f.ctx, f.other.ID, a.ID)
		wantKind(t, err, pay.KindNotFound)
		_, err = f.Store.AgreementGet(f.ctx, f.account.ID, pay.NewID())
		wantKind(t, err, pay.KindNotFound)
	})
	t.Run("DuplicateID", func(t *testing.T) {
		dup := *a
		wantKind(t, f.Store.AgreementInsert(f.ctx, &dup), pay.KindConflict)
	})
	t.Run("CancelNotActive", func(t *testing.T) {
		wantKind(t, f.Store.AgreementCancel(f.ctx, f.account.ID, a.ID, f.Clock.Now()), pay.KindConflict)
		wantKind(t, f.Store.AgreementCancel(f.ctx, f.other.ID, a.ID, f.Clock.Now()), pay.KindNotFound)
	})
	t.Run("Cancel", func(t *testing.T) {
		active := &pay.Agreement{ID: pay.NewID(), AccountID: f.account.ID, Reference: "r", Description: "d",
			Status: pay.AgreementActive, Instrument: testInstrument}
		mustOK(t, f.Store.AgreementInsert(f.ctx, active))
		got, _ := f.Store.AgreementGet(f.ctx, f.account.ID, active.ID)
		if diff := cmp.Diff(testInstrument, got.Instrument); diff != "" {
			t.Fatalf("instrument (-want +got):\n%s", diff)
		}
		at := f.Clock.Now()
		wantOneWinner(t, "AgreementCancel", race(6, func(int) error {
			return f.Store.AgreementCancel(f.ctx, f.account.ID, active.ID, at)
		}))
		got, _ = f.Store.AgreementGet(f.ctx, f.account.ID, active.ID)
		if got.Status != pay.AgreementCancelled || got.CancelledAt == nil || !got.CancelledAt.Equal(at) {
			t.Fatalf("after the cancels: agreement %+v", got)
		}
	})
}

func testAgreementSearch(t *testing.T, open Opener) {
	f := setup(t, open)
	var all []*pay.Agreement
	for i, ref := range []string{"A-1", "a-1", "B-2", "C-3", "D-4"} {
		a := f.newAgreement(t, ref)
		if i == 2 {
			a.Status = pay.AgreementActive
		}
		all = append(all, a)
	}
	mustOK(t, f.Store.AgreementInsert(f.ctx, &pay.Agreement{ID: pay.NewID(), AccountID: f.other.ID, Reference: "A-1", Description: "x", Status: pay.AgreementCreated}))
	search := func(q pay.AgreementSearch) *pay.AgreementPage {
		t.Helper()
		q.AccountID = f.account.ID
		if q.Page == 0 {
			q.Page, q.DisplaySize = 1, 100
		}
		page, err := f.Store.AgreementSearch(f.ctx, &q)
		mustOK(t, err)
		return page
	}
	if p := search(pay.AgreementSearch{}); p.Total != 5 || p.Agreements[0].ID != all[4].ID || p.Agreements[4].ID != all[0].ID {
		t.Fatalf("all, newest first: %d", p.Total)
	}
	if p := search(pay.AgreementSearch{Reference: "A-1"}); p.Total != 2 {
		t.Fatalf("reference ignoring case: %d", p.Total)
	}
	if p := search(pay.AgreementSearch{Status: pay.AgreementCreated}); p.Total != 5 {
		t.Fatalf("status created: %d", p.Total)
	}
	if p := search(pay.AgreementSearch{Status: pay.AgreementActive}); p.Total != 0 {
		t.Fatalf("status active: %d", p.Total)
	}
	if p := search(pay.AgreementSearch{Page: 2, DisplaySize: 2}); p.Total != 5 || len(p.Agreements) != 2 || p.Agreements[0].ID != all[2].ID {
		t.Fatalf("page 2 of size 2: %d results", len(p.Agreements))
	}
	if p := search(pay.AgreementSearch{Page: 4, DisplaySize: 2}); p.Total != 5 || len(p.Agreements) != 0 {
		t.Fatalf("page past the end: %d results", len(p.Agreements))
	}
}

// testAgreementChange saves a card to an agreement and activates it in the
// same transaction as the payment's transitions.
func testAgreementChange(t *testing.T, open Opener) {
	f := setup(t, open)
	a := f.newAgreement(t, "SETUP")
	p := f.newPayment()
	p.AgreementID, p.SetUpAgreement = a.ID, true
	f.insert(t, p)
	_, err := pay.TransitionPayment(f.ctx, f.Store, &pay.PaymentTransitionParams{PaymentID: p.ID, To: pay.StatusAuthorisationReady,
		Agreement: &pay.AgreementChange{ID: a.ID, Instrument: testInstrument}})
	mustOK(t, err)
	got, _ := f.Store.AgreementGet(f.ctx, f.account.ID, a.ID)
	if got.Status != pay.AgreementCreated || got.Instrument == nil || got.Instrument.ProviderRef != "ref-1" {
		t.Fatalf("after saving the card: %+v", got)
	}
	_, err = pay.TransitionPayment(f.ctx, f.Store, &pay.PaymentTransitionParams{PaymentID: p.ID, To: pay.StatusAuthorisationSuccess,
		Agreement: &pay.AgreementChange{ID: a.ID, Status: pay.AgreementActive}})
	mustOK(t, err)
	got, _ = f.Store.AgreementGet(f.ctx, f.account.ID, a.ID)
	if !got.IsActive() || got.Instrument.Card.LastDigits != "5100" {
		t.Fatalf("after activation: %+v", got)
	}
	// A change to a missing agreement rolls the whole transition back.
	_, err = pay.TransitionPayment(f.ctx, f.Store, &pay.PaymentTransitionParams{PaymentID: p.ID, To: pay.StatusCaptureApproved,
		Agreement: &pay.AgreementChange{ID: pay.NewID(), Status: pay.AgreementInactive}})
	wantKind(t, err, pay.KindNotFound)
	if stored, _ := f.Store.PaymentGet(f.ctx, 0, p.ID); stored.Status != pay.StatusAuthorisationSuccess {
		t.Fatalf("a failed agreement change left the payment in %s", stored.Status)
	}
}
