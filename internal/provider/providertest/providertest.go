// Package providertest is the contract suite every pay.Provider must pass.
package providertest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"pay/internal/pay"
)

// Cards names test cards with a known outcome on the provider under test.
type Cards struct {
	Success  string
	Declined string
	Error    string
}

// Run checks the behaviour every provider shares: a good card authorises
// and can be captured, cancelled and refunded; a declined card is an
// outcome, not an error; and nothing the provider returns carries the full
// card number.
func Run(t *testing.T, p pay.Provider, cards Cards) {
	ctx := context.Background()
	payment := func() *pay.Payment {
		return &pay.Payment{ID: pay.NewID(), Amount: 1234, Reference: "ref", Description: "desc",
			Provider: p.Name(), AuthorisationMode: pay.ModeWeb, Status: pay.StatusAuthorisationReady}
	}
	card := func(number string) *pay.Card {
		return &pay.Card{Number: number, CVC: "123", ExpiryMonth: 12, ExpiryYear: 2099, CardholderName: "J Payer",
			Brand: pay.DetectBrand(number)}
	}
	noNumber := func(t *testing.T, number string, v any) {
		t.Helper()
		if s := fmt.Sprintf("%+v %#v", v, v); strings.Contains(s, number) {
			t.Fatalf("provider output carries the full card number: %s", s)
		}
	}
	t.Run("Authorise", func(t *testing.T) {
		p1 := payment()
		res, err := p.Authorise(ctx, &pay.AuthoriseRequest{Payment: p1, Card: card(cards.Success)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcome != pay.AuthAuthorised || res.ProviderID == "" {
			t.Fatalf("success card: %+v", res)
		}
		noNumber(t, cards.Success, res)
		p1.ProviderID = res.ProviderID
		if _, err := p.Capture(ctx, p1); err != nil {
			t.Fatalf("Capture: %v", err)
		}
		r, err := p.Refund(ctx, p1, &pay.Refund{ID: pay.NewID(), PaymentID: p1.ID, Amount: 100})
		if err != nil || r == nil {
			t.Fatalf("Refund: %+v %v", r, err)
		}
	})
	t.Run("Cancel", func(t *testing.T) {
		p1 := payment()
		res, err := p.Authorise(ctx, &pay.AuthoriseRequest{Payment: p1, Card: card(cards.Success)})
		if err != nil || res.Outcome != pay.AuthAuthorised {
			t.Fatalf("Authorise: %+v %v", res, err)
		}
		p1.ProviderID = res.ProviderID
		if err := p.Cancel(ctx, p1); err != nil {
			t.Fatalf("Cancel: %v", err)
		}
	})
	t.Run("AskedAgain", func(t *testing.T) {
		// After a crash Pay asks again what it may already have asked:
		// the same payment or refund must get the same answer, once.
		p1 := payment()
		first, err := p.Authorise(ctx, &pay.AuthoriseRequest{Payment: p1, Card: card(cards.Success)})
		if err != nil {
			t.Fatal(err)
		}
		again, err := p.Authorise(ctx, &pay.AuthoriseRequest{Payment: p1, Card: card(cards.Success)})
		if err != nil || again.Outcome != first.Outcome || again.ProviderID != first.ProviderID {
			t.Fatalf("authorised again: %+v %v, first %+v", again, err, first)
		}
		p1.ProviderID = first.ProviderID
		for range 2 {
			if _, err := p.Capture(ctx, p1); err != nil {
				t.Fatalf("Capture: %v", err)
			}
		}
		refund := &pay.Refund{ID: pay.NewID(), PaymentID: p1.ID, Amount: 100}
		r1, err1 := p.Refund(ctx, p1, refund)
		r2, err2 := p.Refund(ctx, p1, refund)
		if err1 != nil || err2 != nil || r1.ProviderID == "" || r1.ProviderID != r2.ProviderID {
			t.Fatalf("refunded again: %+v %v, first %+v %v", r2, err2, r1, err1)
		}
		other, err := p.Refund(ctx, p1, &pay.Refund{ID: pay.NewID(), PaymentID: p1.ID, Amount: 100})
		if err != nil || other.ProviderID == r1.ProviderID {
			t.Fatalf("another refund has the first one's id: %+v %v", other, err)
		}
	})
	t.Run("Declined", func(t *testing.T) {
		res, err := p.Authorise(ctx, &pay.AuthoriseRequest{Payment: payment(), Card: card(cards.Declined)})
		if err != nil {
			t.Fatalf("a decline must be an outcome, not an error: %v", err)
		}
		if res.Outcome != pay.AuthRejected {
			t.Fatalf("declined card: %+v", res)
		}
		noNumber(t, cards.Declined, res)
	})
	t.Run("Error", func(t *testing.T) {
		res, err := p.Authorise(ctx, &pay.AuthoriseRequest{Payment: payment(), Card: card(cards.Error)})
		if err != nil {
			t.Fatalf("a provider-side refusal must be an outcome: %v", err)
		}
		if res.Outcome != pay.AuthError {
			t.Fatalf("error card: %+v", res)
		}
	})
}
