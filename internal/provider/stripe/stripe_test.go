package stripe_test

import (
	"context"
	"strings"
	"testing"

	"pay/internal/pay"
	"pay/internal/provider/providertest"
	"pay/internal/provider/stripe/stripetest"
)

const testKey = stripetest.Key

func TestContractRecorded(t *testing.T) {
	rec := stripetest.New(t)
	providertest.Run(t, providerFor(rec, testKey), providertest.Cards{
		Success: cardSuccess, Declined: cardDeclined, Error: cardProcessing,
	})
}

func newPayment() *pay.Payment {
	return &pay.Payment{ID: pay.NewID(), AccountID: 7, Amount: 1234, Reference: "ref", Description: "desc",
		Provider: pay.ProviderStripe, AuthorisationMode: pay.ModeWeb, Status: pay.StatusAuthorisationReady}
}

func newCard(number string) *pay.Card {
	return &pay.Card{Number: number, CVC: "123", ExpiryMonth: 12, ExpiryYear: 2099, CardholderName: "J Payer",
		BillingAddress: pay.Address{Line1: "1 High Street", City: "London", Postcode: "SW1A 1AA", Country: "GB"}}
}

// TestAuthoriseOutcomes maps each recorded Stripe answer to the outcome
// that takes the payment to GOV.UK Pay's state: success, declined (P0010),
// error (P0050) or 3-D Secure.
func TestAuthoriseOutcomes(t *testing.T) {
	tests := []struct {
		name, number string
		want         pay.AuthOutcome
		providerID   string
		message      string
		canRetry     bool
	}{
		{"Authorised", cardSuccess, pay.AuthAuthorised, "pi_3QfakeAuthorised", "", false},
		{"Declined", cardDeclined, pay.AuthRejected, "pi_3QfakeDeclined", "card_declined/generic_decline: Your card was declined.", true},
		{"Expired", cardExpired, pay.AuthRejected, "pi_3QfakeExpired", "expired_card: Your card has expired.", false},
		{"ProcessingError", cardProcessing, pay.AuthError, "pi_3QfakeProcessing", "processing_error: An error occurred", true},
		{"ThreeDSecure", card3DS, pay.AuthRequires3DS, "pi_3Qfake3DS", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := stripetest.New(t)
			res, err := providerFor(rec, testKey).Authorise(context.Background(),
				&pay.AuthoriseRequest{Payment: newPayment(), Card: newCard(tt.number)})
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != tt.want || res.ProviderID != tt.providerID || !strings.HasPrefix(res.Message, tt.message) {
				t.Fatalf("got %+v, want outcome %d, id %s, message %q", res, tt.want, tt.providerID, tt.message)
			}
			if res.CanRetry != nil && *res.CanRetry != tt.canRetry {
				t.Errorf("can retry %v, want %v", *res.CanRetry, tt.canRetry)
			}
		})
	}
}

// TestAuthoriseSends checks what goes to Stripe: the card only in the
// payment method, then a manual-capture intent confirmed with it, each
// with an idempotency key of its own made from the payment id.
func TestAuthoriseSends(t *testing.T) {
	rec := stripetest.New(t)
	p := newPayment()
	p.Email = "payer@example.org"
	if _, err := providerFor(rec, testKey).Authorise(context.Background(),
		&pay.AuthoriseRequest{Payment: p, Card: newCard(cardSuccess)}); err != nil {
		t.Fatal(err)
	}
	calls := rec.Calls()
	if len(calls) != 2 || calls[0].Path != "/v1/payment_methods" || calls[1].Path != "/v1/payment_intents" {
		t.Fatalf("calls: %+v", calls)
	}
	pm, pi := calls[0].Form, calls[1].Form
	for k, want := range map[string]string{"type": "card", "card[number]": cardSuccess, "card[cvc]": "123",
		"card[exp_month]": "12", "card[exp_year]": "2099", "billing_details[name]": "J Payer",
		"billing_details[address][postal_code]": "SW1A 1AA", "billing_details[email]": "payer@example.org"} {
		if got := pm.Get(k); got != want {
			t.Errorf("payment method %s = %q, want %q", k, got, want)
		}
	}
	for k, want := range map[string]string{"amount": "1234", "currency": "gbp", "confirm": "true",
		"capture_method": "manual", "payment_method": "pm_4242", "metadata[pay_payment_id]": p.ID,
		"return_url": "https://pay.example/card_details/" + p.ID + "/3ds_required?returned=1"} {
		if got := pi.Get(k); got != want {
			t.Errorf("payment intent %s = %q, want %q", k, got, want)
		}
	}
	if strings.Contains(pi.Encode(), cardSuccess) || strings.Contains(pi.Encode(), "cvc") {
		t.Errorf("the payment intent carries card data: %s", pi.Encode())
	}
	if calls[0].IdempotencyKey != "pay-payment-method-"+p.ID || calls[1].IdempotencyKey != "pay-authorise-"+p.ID {
		t.Errorf("idempotency keys: %q %q", calls[0].IdempotencyKey, calls[1].IdempotencyKey)
	}
}

// TestRetryReusesKeys: asking again for the same payment sends the same
// idempotency keys, so Stripe answers with the first intent and the payer
// is charged once.
func TestRetryReusesKeys(t *testing.T) {
	rec := stripetest.New(t)
	prov, p := providerFor(rec, testKey), newPayment()
	for range 2 {
		if _, err := prov.Authorise(context.Background(), &pay.AuthoriseRequest{Payment: p, Card: newCard(cardSuccess)}); err != nil {
			t.Fatal(err)
		}
	}
	p.ProviderID = "pi_3QfakeAuthorised"
	r := &pay.Refund{ID: pay.NewID(), PaymentID: p.ID, Amount: 100}
	for range 2 {
		if _, err := prov.Capture(context.Background(), p); err != nil {
			t.Fatal(err)
		}
		if _, err := prov.Refund(context.Background(), p, r); err != nil {
			t.Fatal(err)
		}
	}
	keys := map[string]int{}
	for _, c := range rec.Calls() {
		if c.Method == "POST" && c.IdempotencyKey == "" {
			t.Errorf("%s %s has no idempotency key", c.Method, c.Path)
		}
		keys[c.IdempotencyKey]++
	}
	for _, k := range []string{"pay-authorise-" + p.ID, "pay-capture-" + p.ID, "pay-refund-" + r.ID} {
		if keys[k] != 2 {
			t.Errorf("key %s sent %d times, want 2 (same key on retry)", k, keys[k])
		}
	}
}

func TestThreeDSecure(t *testing.T) {
	for _, tt := range []struct {
		name, answer string
		want         pay.AuthOutcome
	}{
		{"Passed", "intent_3ds_passed", pay.AuthAuthorised},
		{"Failed", "intent_3ds_failed", pay.AuthRejected},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := stripetest.New(t)
			prov, p := providerFor(rec, testKey), newPayment()
			res, err := prov.Authorise(context.Background(), &pay.AuthoriseRequest{Payment: p, Card: newCard(card3DS)})
			if err != nil || res.Outcome != pay.AuthRequires3DS {
				t.Fatalf("authorise: %+v %v", res, err)
			}
			if !strings.HasPrefix(res.ChallengeURL, "https://hooks.stripe.com/3d_secure_2/hosted?") {
				t.Fatalf("challenge url %q", res.ChallengeURL)
			}
			p.ProviderID = res.ProviderID
			rec.SetRetrieve("intent_requires_action")
			if u, err := prov.ChallengeURL(context.Background(), p); err != nil || u != res.ChallengeURL {
				t.Fatalf("ChallengeURL = %q, %v", u, err)
			}
			rec.SetRetrieve(tt.answer)
			if u, _ := prov.ChallengeURL(context.Background(), p); u != prov.ReturnURL(p) {
				t.Fatalf("ChallengeURL once Stripe has the answer = %q, want Pay's return page", u)
			}
			res, err = prov.Complete3DS(context.Background(), p, true)
			if err != nil || res.Outcome != tt.want || res.ProviderID != "pi_3Qfake3DS" {
				t.Fatalf("complete: %+v %v", res, err)
			}
			last := rec.Calls()[len(rec.Calls())-1]
			if last.Method != "GET" || last.Path != "/v1/payment_intents/pi_3Qfake3DS" {
				t.Fatalf("3-D Secure result read with %s %s", last.Method, last.Path)
			}
		})
	}
}

func TestCapture(t *testing.T) {
	rec := stripetest.New(t)
	prov, p := providerFor(rec, testKey), newPayment()
	p.ProviderID = "pi_3QfakeAuthorised"
	res, err := prov.Capture(context.Background(), p)
	if err != nil || res.Pending || res.Fee == nil || *res.Fee != 39 {
		t.Fatalf("capture: %+v %v", res, err)
	}
	if c := rec.Calls()[0]; c.Path != "/v1/payment_intents/pi_3QfakeAuthorised/capture" ||
		c.Form.Get("expand[0]") != "latest_charge.balance_transaction" {
		t.Fatalf("capture call: %+v", c)
	}
	rec.SetCapture("error_capture_expired")
	if _, err := prov.Capture(context.Background(), p); err == nil || !strings.Contains(err.Error(), "charge_expired_for_capture") {
		t.Fatalf("failed capture: %v", err)
	}
}

func TestRefund(t *testing.T) {
	tests := []struct {
		amount          int64
		id              string
		pending, failed bool
	}{
		{100, "re_3QfakeRefund", false, false},
		{777, "re_3QfakeRefundPending", true, false},
		{666, "re_3QfakeRefundFailed", false, true},
	}
	for _, tt := range tests {
		rec := stripetest.New(t)
		p := newPayment()
		p.ProviderID = "pi_3QfakeAuthorised"
		res, err := providerFor(rec, testKey).Refund(context.Background(), p, &pay.Refund{ID: pay.NewID(), Amount: tt.amount})
		if err != nil || res.ProviderID != tt.id || res.Pending != tt.pending || res.Failed != tt.failed {
			t.Fatalf("refund of %d: %+v %v", tt.amount, res, err)
		}
		if f := rec.Calls()[0].Form; f.Get("payment_intent") != p.ProviderID {
			t.Fatalf("refund sent %v", f)
		}
	}
}

func TestCancel(t *testing.T) {
	rec := stripetest.New(t)
	prov, p := providerFor(rec, testKey), newPayment()
	if err := prov.Cancel(context.Background(), p); err != nil || len(rec.Calls()) != 0 {
		t.Fatalf("a payment that never reached Stripe: %v, %d calls", err, len(rec.Calls()))
	}
	p.ProviderID = "pi_3QfakeAuthorised"
	if err := prov.Cancel(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if c := rec.Calls()[0]; c.Path != "/v1/payment_intents/pi_3QfakeAuthorised/cancel" || c.IdempotencyKey != "pay-cancel-"+p.ID {
		t.Fatalf("cancel call: %+v", c)
	}
}

// TestSavedCard sets up an agreement's card on a Stripe customer and
// charges it later with the payer not present.
func TestSavedCard(t *testing.T) {
	rec := stripetest.New(t)
	prov, p := providerFor(rec, testKey), newPayment()
	p.SetUpAgreement, p.AgreementID = true, pay.NewID()
	res, err := prov.Authorise(context.Background(), &pay.AuthoriseRequest{Payment: p, Card: newCard(cardSuccess), SaveCard: true})
	if err != nil || res.Outcome != pay.AuthAuthorised || res.InstrumentRef != "cus_QfakeAgreement pm_4242" {
		t.Fatalf("set up: %+v %v", res, err)
	}
	if f := rec.Calls()[2].Form; f.Get("customer") != "cus_QfakeAgreement" || f.Get("setup_future_usage") != "off_session" {
		t.Fatalf("set-up intent: %v", f)
	}
	later := newPayment()
	later.AuthorisationMode = pay.ModeAgreement
	inst := &pay.PaymentInstrument{ProviderRef: res.InstrumentRef}
	res, err = prov.Authorise(context.Background(), &pay.AuthoriseRequest{Payment: later, Instrument: inst})
	if err != nil || res.Outcome != pay.AuthAuthorised {
		t.Fatalf("later payment: %+v %v", res, err)
	}
	f := rec.Calls()[3].Form
	if f.Get("off_session") != "true" || f.Get("customer") != "cus_QfakeAgreement" || f.Get("payment_method") != "pm_4242" || f.Has("return_url") {
		t.Fatalf("off-session intent: %v", f)
	}
	inst.ProviderRef = "cus_QfakeAgreement pm_saved_declined"
	res, err = prov.Authorise(context.Background(), &pay.AuthoriseRequest{Payment: newPayment(), Instrument: inst})
	if err != nil || res.Outcome != pay.AuthRejected || res.CanRetry == nil || *res.CanRetry {
		t.Fatalf("expired saved card: %+v %v", res, err)
	}
}

// TestStripeUnavailable: Stripe's own failure is an error (Pay records an
// unexpected error), a refused key an error outcome.
func TestStripeUnavailable(t *testing.T) {
	rec := stripetest.New(t)
	prov := providerFor(rec, testKey)
	if _, err := prov.Authorise(context.Background(), &pay.AuthoriseRequest{Payment: newPayment(), Card: newCard(stripetest.CardUnavailable)}); err == nil {
		t.Fatal("a 500 from Stripe must be an error")
	}
	res, err := providerFor(rec, "sk_test_wrong").Authorise(context.Background(), &pay.AuthoriseRequest{Payment: newPayment(), Card: newCard(cardSuccess)})
	if err != nil || res.Outcome != pay.AuthError {
		t.Fatalf("refused key: %+v %v", res, err)
	}
	for _, c := range rec.Calls() {
		if c.Auth != "Bearer sk_test_recorded" && c.Auth != "Bearer sk_test_wrong" {
			t.Errorf("sent %q", c.Auth)
		}
	}
}
