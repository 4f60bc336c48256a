package stripe_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"pay/internal/pay"
	"pay/internal/provider/stripe"
)

// Test cards of the recorded server: Stripe's own test numbers, each
// answered with the response Stripe gives for it.
const (
	cardSuccess    = "4242424242424242"
	cardDeclined   = "4000000000000002"
	cardExpired    = "4000000000000069"
	cardProcessing = "4000000000000119"
	card3DS        = "4000000000003220"
)

// call is one request the recorded server received.
type call struct {
	Method, Path, IdempotencyKey, Auth string
	Form                               url.Values
}

// recorded is a Stripe API made of recorded responses (testdata): it
// answers each call by the card, amount or intent the call is about, and
// keeps every request so tests can check what Pay sent.
type recorded struct {
	t        *testing.T
	mu       sync.Mutex
	calls    []call
	cards    map[string]string // payment method id → card number it was made with
	retrieve string            // the answer to reading a payment intent (after 3-D Secure)
	capture  string            // the answer to a capture
	// paymentID is the Pay payment the intents read back belong to (their
	// metadata), as Stripe keeps what Pay sent.
	paymentID string
}

func newRecorded(t *testing.T) (*recorded, *httptest.Server) {
	r := &recorded{t: t, cards: map[string]string{}, retrieve: "intent_3ds_passed", capture: "intent_captured"}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return r, srv
}

// provider returns a Stripe provider talking to the server with key.
func (r *recorded) provider(srv *httptest.Server, key string) *stripe.Provider {
	return &stripe.Provider{URL: srv.URL, Keys: staticKey(key),
		ReturnURL: func(p *pay.Payment) string {
			return "https://pay.example/card_details/" + p.ID + "/3ds_required?returned=1"
		}}
}

type staticKey string

func (k staticKey) StripeSecretKey(context.Context, int64) (string, error) { return string(k), nil }

func (r *recorded) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if err := req.ParseForm(); err != nil {
		r.t.Errorf("form: %v", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, call{Method: req.Method, Path: req.URL.Path, IdempotencyKey: req.Header.Get("Idempotency-Key"),
		Auth: req.Header.Get("Authorization"), Form: req.PostForm})
	if req.Header.Get("Authorization") != "Bearer sk_test_recorded" {
		r.reply(w, http.StatusUnauthorized, "error_api_key")
		return
	}
	status, name := r.answer(req)
	r.reply(w, status, name)
}

// answer picks the recorded response for a request.
func (r *recorded) answer(req *http.Request) (int, string) {
	path, f := req.URL.Path, req.PostForm
	switch {
	case path == "/v1/payment_methods":
		id := "pm_" + f.Get("card[number]")[12:]
		r.cards[id] = f.Get("card[number]")
		return http.StatusOK, "payment_method:" + id
	case path == "/v1/balance":
		return http.StatusOK, "balance"
	case path == "/v1/customers":
		return http.StatusOK, "customer"
	case path == "/v1/payment_intents":
		return r.intent(f)
	case strings.HasSuffix(path, "/capture"):
		if strings.HasPrefix(r.capture, "error") {
			return http.StatusBadRequest, r.capture
		}
		return http.StatusOK, r.capture
	case strings.HasSuffix(path, "/cancel"):
		return http.StatusOK, "intent_canceled"
	case strings.HasPrefix(path, "/v1/payment_intents/"):
		return http.StatusOK, r.retrieve
	case path == "/v1/refunds":
		return http.StatusOK, map[string]string{"666": "refund_failed", "777": "refund_pending"}[f.Get("amount")] + ""
	}
	return http.StatusNotFound, "error_api"
}

// intent answers a confirmed payment intent by its payment method's card;
// off-session payments use the saved method "pm_saved".
func (r *recorded) intent(f url.Values) (int, string) {
	if f.Get("payment_method") == "pm_saved_declined" {
		return http.StatusPaymentRequired, "error_expired_card"
	}
	switch r.cards[f.Get("payment_method")] {
	case cardDeclined:
		return http.StatusPaymentRequired, "error_card_declined"
	case cardExpired:
		return http.StatusPaymentRequired, "error_expired_card"
	case cardProcessing:
		return http.StatusPaymentRequired, "error_processing"
	case card3DS:
		return http.StatusOK, "intent_requires_action"
	case "4000000000000000":
		return http.StatusInternalServerError, "error_api"
	}
	return http.StatusOK, "intent_requires_capture"
}

// reply writes a recorded body; "payment_method:ID" is the recorded
// payment method with its id replaced.
func (r *recorded) reply(w http.ResponseWriter, status int, name string) {
	if name == "" {
		name = "refund_succeeded"
	}
	file, id, _ := strings.Cut(name, ":")
	body, err := os.ReadFile(filepath.Join("testdata", file+".json"))
	if err != nil {
		r.t.Errorf("recorded response: %v", err)
	}
	if id != "" {
		body = []byte(strings.Replace(string(body), "pm_1QfakeCard", id, 1))
	}
	if r.paymentID != "" && strings.HasPrefix(file, "intent_") {
		body = []byte(strings.Replace(string(body), `"metadata":{}`, `"metadata":{"pay_payment_id":"`+r.paymentID+`"}`, 1))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

// Calls returns the requests received so far.
func (r *recorded) Calls() []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]call(nil), r.calls...)
}
