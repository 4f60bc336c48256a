package stripe_test

import (
	"context"
	"testing"

	"pay/internal/pay"
	"pay/internal/provider/stripe"
	"pay/internal/testenv"
)

// TestStripeMock sends every call Pay makes to stripe-mock, which checks
// each request against Stripe's API definition. stripe-mock keeps no state
// and answers every intent as requires_payment_method, so only the calls'
// validity is checked here; the outcomes are checked with recorded answers.
func TestStripeMock(t *testing.T) {
	url := testenv.Require(t, "PAY_TEST_STRIPE_MOCK_URL")
	ctx := context.Background()
	prov := &stripe.Provider{URL: url, Keys: staticKey("sk_test_mock"),
		ReturnURL: func(p *pay.Payment) string {
			return "https://pay.example/card_details/" + p.ID + "/3ds_required?returned=1"
		}}
	if err := prov.CheckKey(ctx, "sk_test_mock"); err != nil {
		t.Fatalf("CheckKey: %v", err)
	}
	p := newPayment()
	p.Email, p.SetUpAgreement, p.AgreementID = "payer@example.org", true, pay.NewID()
	res, err := prov.Authorise(ctx, &pay.AuthoriseRequest{Payment: p, Card: newCard(cardSuccess), SaveCard: true})
	accepted(t, res, err)
	p.ProviderID = res.ProviderID
	moto := newPayment()
	moto.Moto = true
	res, err = prov.Authorise(ctx, &pay.AuthoriseRequest{Payment: moto, Card: newCard(cardSuccess)})
	accepted(t, res, err)
	inst := &pay.PaymentInstrument{ProviderRef: "cus_mock pm_mock"}
	res, err = prov.Authorise(ctx, &pay.AuthoriseRequest{Payment: newPayment(), Instrument: inst})
	accepted(t, res, err)
	if _, err := prov.Complete3DS(ctx, p, true); err != nil {
		t.Fatalf("Complete3DS: %v", err)
	}
	if _, err := prov.Capture(ctx, p); err != nil {
		t.Logf("Capture: %v (stripe-mock answers requires_payment_method)", err)
	}
	if err := prov.Cancel(ctx, p); err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	if _, err := prov.Refund(ctx, p, &pay.Refund{ID: pay.NewID(), PaymentID: p.ID, Amount: 100}); err != nil {
		t.Fatalf("Refund: %v", err)
	}
}

// accepted fails unless stripe-mock took the request: it then answers with
// its fixed intent, while a request it finds invalid comes back as an error
// outcome with Stripe's message and no intent.
func accepted(t *testing.T, res *pay.AuthoriseResult, err error) {
	t.Helper()
	if err != nil || res.ProviderID == "" {
		t.Fatalf("Authorise: %+v %v", res, err)
	}
}
