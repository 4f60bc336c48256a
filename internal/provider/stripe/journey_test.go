package stripe_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	stripego "github.com/stripe/stripe-go/v82/webhook"

	"pay/internal/apptest"
	"pay/internal/pay"
	"pay/internal/provider/stripe"
	"pay/internal/provider/stripe/stripetest"
)

// journey is a live Stripe account on a real store, with the Stripe
// provider talking to recorded answers and Pay's webhook endpoint for it.
type journey struct {
	*apptest.Env
	rec      *stripetest.Server
	accounts *pay.Accounts
	account  *pay.Account
	hook     *httptest.Server
}

const webhookSecret = "whsec_recorded"

func newJourney(t *testing.T, eng apptest.Engine) *journey {
	e := apptest.New(t, eng)
	rec := stripetest.New(t)
	j := &journey{Env: e, rec: rec}
	j.accounts = &pay.Accounts{Store: e.Store, Secret: []byte("an instance secret of 32 or more characters"), Now: e.Clock.Now}
	sandbox := e.NewAccount(&pay.Service{Name: "Licences"}, pay.AccountTest, pay.ProviderSandbox)
	var err error
	j.account, err = j.accounts.GoLive(e.Ctx, sandbox.ServiceID, &pay.Organisation{Name: "Org"}, pay.Credentials{StripeSecretKey: testKey, StripeWebhookSecret: webhookSecret})
	if err != nil {
		t.Fatal(err)
	}
	prov := providerFor(rec, "")
	prov.Keys = j.accounts
	e.Payments.Providers[pay.ProviderStripe] = prov
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/stripe/{service}", &stripe.Webhook{Provider: prov, Accounts: j.accounts, Events: e.Payments})
	j.hook = httptest.NewServer(mux)
	t.Cleanup(j.hook.Close)
	return j
}

// pay creates a payment on the live account and pays it with number.
func (j *journey) pay(number string, delayed bool) *pay.Payment {
	j.T.Helper()
	url := "https://service.example/return"
	c, err := j.Payments.Create(j.Ctx, j.account, &pay.CreatePaymentRequest{Amount: 1234, Reference: "ref", Description: "desc",
		ReturnURL: &url, DelayedCapture: delayed})
	if err != nil {
		j.T.Fatal(err)
	}
	j.rec.SetPaymentID(c.Payment.ID)
	if _, err := j.Payments.Start(j.Ctx, c.Payment.ID); err != nil {
		j.T.Fatal(err)
	}
	p, err := j.Payments.Authorise(j.Ctx, c.Payment.ID, newCard(number), "payer@example.org")
	if err != nil {
		j.T.Fatal(err)
	}
	return p
}

// captured pays and captures a payment.
func (j *journey) captured() *pay.Payment {
	j.T.Helper()
	p := j.pay(cardSuccess, false)
	if _, err := j.Payments.Confirm(j.Ctx, p.ID); err != nil {
		j.T.Fatal(err)
	}
	if err := j.Payments.ProcessCapture(j.Ctx, p.ID); err != nil {
		j.T.Fatal(err)
	}
	return j.get(p.ID)
}

func (j *journey) get(id string) *pay.Payment {
	j.T.Helper()
	p, err := j.Store.PaymentGet(j.Ctx, j.account.ID, id)
	if err != nil {
		j.T.Fatal(err)
	}
	return p
}

// send delivers an event for the service's live account, signed with
// secret at time at, and returns the endpoint's status.
func (j *journey) send(service int64, secret string, at time.Time, typ, object string) int {
	j.T.Helper()
	payload := []byte(fmt.Sprintf(`{"id":"evt_%d","object":"event","api_version":"2024-06-20","created":%d,"type":%q,"data":{"object":%s}}`,
		at.UnixNano(), at.Unix(), typ, object))
	signed := stripego.GenerateTestSignedPayload(&stripego.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: at})
	req, _ := http.NewRequest("POST", j.hook.URL+stripe.WebhookPath(service), bytes.NewReader(payload))
	req.Header.Set("Stripe-Signature", signed.Header)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		j.T.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func (j *journey) wantStatus(id string, want pay.Status) *pay.Payment {
	j.T.Helper()
	p := j.get(id)
	if p.Status != want {
		j.T.Fatalf("payment %s is %s, want %s", id, p.Status, want)
	}
	return p
}

// TestJourney takes a live payment through each state change that Stripe
// decides, on both databases: authorised and captured with Stripe's fee,
// declined (P0010), errors (P0050), 3-D Secure passed and failed, capture
// failing, and delayed capture.
func TestJourney(t *testing.T) {
	apptest.ForEachEngine(t, func(t *testing.T, eng apptest.Engine) {
		j := newJourney(t, eng)
		p := j.captured()
		if p.Status != pay.StatusCaptured || p.ProviderID != "pi_3QfakeAuthorised" || p.Fee == nil || *p.Fee != 39 {
			t.Fatalf("captured payment: %s %s fee %v", p.Status, p.ProviderID, p.Fee)
		}
		declined := j.wantStatus(j.pay(cardDeclined, false).ID, pay.StatusAuthorisationRejected)
		if s := declined.State(); s.Code != "P0010" {
			t.Errorf("declined state %+v", s)
		}
		if s := j.wantStatus(j.pay(cardProcessing, false).ID, pay.StatusAuthorisationError).State(); s.Code != "P0050" {
			t.Errorf("processing error state %+v", s)
		}
		j.wantStatus(j.pay("4000000000000000", false).ID, pay.StatusAuthorisationUnexpectedError)

		for answer, want := range map[string]pay.Status{"intent_3ds_passed": pay.StatusAuthorisationSuccess,
			"intent_3ds_failed": pay.StatusAuthorisationRejected} {
			p := j.pay(card3DS, false)
			if p.Status != pay.StatusAuthorisation3DSRequired || !p.ThreeDSRequired {
				t.Fatalf("3-D Secure payment: %s", p.Status)
			}
			j.rec.SetRetrieve(answer)
			if p, err := j.Payments.Complete3DS(j.Ctx, p.ID, false); err != nil || p.Status != want {
				t.Fatalf("after 3-D Secure (%s): %v %v", answer, p, err)
			}
		}

		delayed := j.pay(cardSuccess, true)
		if _, err := j.Payments.Confirm(j.Ctx, delayed.ID); err != nil {
			t.Fatal(err)
		}
		j.wantStatus(delayed.ID, pay.StatusAwaitingCaptureRequest)
		if err := j.Payments.Cancel(j.Ctx, j.account.ID, delayed.ID); err != nil {
			t.Fatal(err)
		}
		j.wantStatus(delayed.ID, pay.StatusSystemCancelled)

		j.rec.SetCapture("error_capture_expired")
		failing := j.pay(cardSuccess, false)
		j.Payments.Confirm(j.Ctx, failing.ID)
		if err := j.Payments.ProcessCapture(j.Ctx, failing.ID); err == nil {
			t.Fatal("a refused capture was not an error")
		}
		j.wantStatus(failing.ID, pay.StatusCaptureApprovedRetry)
		if err := j.Payments.AbandonCapture(j.Ctx, failing.ID); err != nil {
			t.Fatal(err)
		}
		if s := j.wantStatus(failing.ID, pay.StatusCaptureError).State(); s.Status != pay.StateError {
			t.Errorf("capture error state %+v", s)
		}
	})
}

// refund asks for a refund of amount and has the provider take it.
func (j *journey) refund(p *pay.Payment, amount int64) *pay.Refund {
	j.T.Helper()
	r, err := j.Payments.Refund(j.Ctx, j.account, &pay.RefundRequest{PaymentID: p.ID, Amount: amount})
	if err != nil {
		j.T.Fatal(err)
	}
	if err := j.Payments.ProcessRefund(j.Ctx, r.ID); err != nil {
		j.T.Fatal(err)
	}
	r, err = j.Store.RefundGet(j.Ctx, j.account.ID, r.ID)
	if err != nil {
		j.T.Fatal(err)
	}
	return r
}

// TestRefundsAndWebhooks: refunds (several, partial, one refused at once
// by Stripe, one that fails later), and Stripe's events arriving twice.
func TestRefundsAndWebhooks(t *testing.T) {
	apptest.ForEachEngine(t, func(t *testing.T, eng apptest.Engine) {
		j := newJourney(t, eng)
		p := j.captured()
		if r := j.refund(p, 100); r.Status != pay.RefundSucceeded || r.ProviderID != "re_3QfakeRefund" {
			t.Fatalf("refund: %s %s", r.Status, r.ProviderID)
		}
		if r := j.refund(p, 666); r.Status != pay.RefundError {
			t.Fatalf("refund Stripe refused: %s", r.Status)
		}
		pending := j.refund(p, 777)
		if pending.Status != pay.RefundSubmitted {
			t.Fatalf("pending refund: %s", pending.Status)
		}
		refund := func(status string) string {
			return fmt.Sprintf(`{"id":"re_3QfakeRefundPending","object":"refund","amount":777,"status":%q,"payment_intent":"pi_3QfakeAuthorised","metadata":{"pay_payment_id":%q,"pay_refund_id":%q}}`,
				status, p.ID, pending.ID)
		}
		now := time.Now()
		for range 2 { // the same event twice changes nothing more
			if code := j.send(j.account.ServiceID, webhookSecret, now, "refund.updated", refund("failed")); code != http.StatusOK {
				t.Fatalf("refund failed event: %d", code)
			}
		}
		if r, _ := j.Store.RefundGet(j.Ctx, j.account.ID, pending.ID); r.Status != pay.RefundError {
			t.Fatalf("refund after Stripe failed it: %s", r.Status)
		}
		if p := j.get(p.ID); p.RefundedAmount != 100 {
			t.Fatalf("refunded amount %d, want 100 (failed refunds are available again)", p.RefundedAmount)
		}
		j.send(j.account.ServiceID, webhookSecret, now, "refund.updated", refund("succeeded"))
		if r, _ := j.Store.RefundGet(j.Ctx, j.account.ID, pending.ID); r.Status != pay.RefundError {
			t.Fatalf("a finished refund changed again: %s", r.Status)
		}
	})
}

// TestCaptureConfirmedLater: a capture Stripe is still processing leaves
// the payment CAPTURE SUBMITTED (success to the service) until Stripe's
// payment_intent.succeeded, received twice, confirms it.
func TestCaptureConfirmedLater(t *testing.T) {
	apptest.ForEachEngine(t, func(t *testing.T, eng apptest.Engine) {
		j := newJourney(t, eng)
		j.rec.SetCapture("intent_capture_processing")
		p := j.pay(cardSuccess, false)
		if _, err := j.Payments.Confirm(j.Ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		if err := j.Payments.ProcessCapture(j.Ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		if s := j.wantStatus(p.ID, pay.StatusCaptureSubmitted).State(); s.Status != pay.StateSuccess {
			t.Fatalf("capture submitted shows %+v", s)
		}
		intent := fmt.Sprintf(`{"id":"pi_3QfakeAuthorised","object":"payment_intent","status":"succeeded","metadata":{"pay_payment_id":%q}}`, p.ID)
		for range 2 {
			if code := j.send(j.account.ServiceID, webhookSecret, time.Now(), "payment_intent.succeeded", intent); code != http.StatusOK {
				t.Fatalf("payment_intent.succeeded: %d", code)
			}
		}
		if p := j.wantStatus(p.ID, pay.StatusCaptured); p.CapturedAt == nil {
			t.Fatal("no capture time")
		}
		other := `{"id":"pi_other","object":"payment_intent","status":"succeeded","metadata":{}}`
		if code := j.send(j.account.ServiceID, webhookSecret, time.Now(), "payment_intent.succeeded", other); code != http.StatusOK {
			t.Fatalf("an intent made outside Pay: %d", code)
		}
	})
}

// TestDisputeWebhooks: a dispute opened at Stripe, then lost, shows on the
// payment; unsigned, wrongly signed and stale events are refused.
func TestDisputeWebhooks(t *testing.T) {
	apptest.ForEachEngine(t, func(t *testing.T, eng apptest.Engine) {
		j := newJourney(t, eng)
		p := j.captured()
		due := time.Now().Add(7 * 24 * time.Hour).Truncate(time.Second)
		dispute := func(status string) string {
			return fmt.Sprintf(`{"id":"dp_1Qfake","object":"dispute","amount":1234,"currency":"gbp","charge":"ch_3QfakeAuthorised","payment_intent":"pi_3QfakeAuthorised","reason":"fraudulent","status":%q,"evidence_details":{"due_by":%d,"has_evidence":false,"past_due":false,"submission_count":0},"balance_transactions":[{"id":"txn_1Qfake","object":"balance_transaction","amount":-1234,"fee":1500,"net":-2734,"type":"adjustment"}]}`,
				status, due.Unix())
		}
		now := time.Now()
		for _, tt := range []struct {
			name    string
			service int64
			secret  string
			at      time.Time
			want    int
		}{
			{"WrongSecret", j.account.ServiceID, "whsec_other", now, http.StatusBadRequest},
			{"Stale", j.account.ServiceID, webhookSecret, now.Add(-10 * time.Minute), http.StatusBadRequest},
			{"ServiceNotLive", 999, webhookSecret, now, http.StatusNotFound},
		} {
			if code := j.send(tt.service, tt.secret, tt.at, "charge.dispute.created", dispute("needs_response")); code != tt.want {
				t.Errorf("%s: %d, want %d", tt.name, code, tt.want)
			}
		}
		res, _ := http.Post(j.hook.URL+stripe.WebhookPath(j.account.ServiceID), "application/json", bytes.NewReader([]byte(dispute("needs_response"))))
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("unsigned event: %d", res.StatusCode)
		}
		if _, err := j.Store.DisputeGetByPayment(j.Ctx, j.account.ID, p.ID); !pay.IsKind(err, pay.KindNotFound) {
			t.Fatalf("a refused event opened a dispute: %v", err)
		}
		for range 2 {
			if code := j.send(j.account.ServiceID, webhookSecret, now, "charge.dispute.created", dispute("needs_response")); code != http.StatusOK {
				t.Fatalf("dispute created: %d", code)
			}
		}
		d, err := j.Store.DisputeGetByPayment(j.Ctx, j.account.ID, p.ID)
		if err != nil || d.Status != pay.DisputeNeedsResponse || d.Reason != "fraudulent" || d.Amount != 1234 {
			t.Fatalf("dispute: %+v %v", d, err)
		}
		for range 2 {
			if code := j.send(j.account.ServiceID, webhookSecret, now, "charge.dispute.closed", dispute("lost")); code != http.StatusOK {
				t.Fatalf("dispute closed: %d", code)
			}
		}
		d, _ = j.Store.DisputeGetByPayment(j.Ctx, j.account.ID, p.ID)
		if d.Status != pay.DisputeLost || d.Fee == nil || *d.Fee != 1500 || d.NetAmount == nil || *d.NetAmount != -2734 {
			t.Fatalf("lost dispute: %+v", d)
		}
		if _, err := j.Payments.Refund(j.Ctx, j.account, &pay.RefundRequest{PaymentID: p.ID, Amount: 100}); err == nil {
			t.Fatal("a payment with a lost dispute was refunded")
		}
	})
}
