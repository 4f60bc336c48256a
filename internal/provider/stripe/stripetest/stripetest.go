// Package stripetest is a Stripe API made of recorded answers, for tests of
// Pay's Stripe provider: it decides by the card, amount or intent a call is
// about, as Stripe's test mode does, and keeps every request it received.
// When PAY_TEST_STRIPE_MOCK_URL names a stripe-mock, every request is also
// sent there, and the test fails if Stripe's API definition refuses it: the
// recorded answers stand in only for the states stripe-mock cannot model.
package stripetest

import (
	"cmp"
	"embed"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
)

//go:embed testdata/*.json
var testdata embed.FS

// Test cards: Stripe's own test numbers, each answered with the response
// Stripe gives for it. CardUnavailable makes Stripe answer 500.
const (
	CardSuccess     = "4242424242424242"
	CardDeclined    = "4000000000000002"
	CardExpired     = "4000000000000069"
	CardProcessing  = "4000000000000119"
	Card3DS         = "4000000000003220"
	CardUnavailable = "4000000000000000"
)

// Key is the secret key the server accepts; others get Stripe's 401.
const Key = "sk_test_recorded"

// Call is one request the server received.
type Call struct {
	Method, Path, IdempotencyKey, Auth string
	Form                               url.Values
}

// Server answers Stripe's API with recorded responses (testdata). Refunds
// of 666 fail and of 777 stay pending; the other answers can be changed
// with its fields between calls.
type Server struct {
	URL       string
	t         testing.TB
	mu        sync.Mutex
	calls     []Call
	cards     map[string]string // payment method id → card number it was made with
	retrieve  string            // see SetRetrieve
	capture   string            // see SetCapture
	paymentID string            // see SetPaymentID
	refunds   map[string]string // idempotency key → the refund id Stripe gave it
	mock      string            // stripe-mock's URL, which checks every request; "" checks none
}

// SetRetrieve names the answer to reading a payment intent (after 3-D
// Secure): intent_3ds_passed (the default), intent_3ds_failed or
// intent_requires_action.
func (r *Server) SetRetrieve(name string) { r.set(&r.retrieve, name) }

// SetCapture names the answer to a capture: intent_captured (the default),
// intent_capture_processing (Stripe confirms later) or
// error_capture_expired.
func (r *Server) SetCapture(name string) { r.set(&r.capture, name) }

// SetPaymentID sets the Pay payment that the intents read back belong to
// (their metadata), as Stripe keeps what Pay sent.
func (r *Server) SetPaymentID(id string) { r.set(&r.paymentID, id) }

func (r *Server) set(field *string, v string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	*field = v
}

// New starts a server that stops when the test ends.
func New(t testing.TB) *Server {
	r := &Server{t: t, cards: map[string]string{}, refunds: map[string]string{}, mock: os.Getenv("PAY_TEST_STRIPE_MOCK_URL"), retrieve: "intent_3ds_passed", capture: "intent_captured"}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	r.URL = srv.URL
	return r
}

// ServeHTTP answers one call.
func (r *Server) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if err := req.ParseForm(); err != nil {
		r.t.Errorf("form: %v", err)
	}
	if req.Header.Get("Authorization") == "Bearer "+Key {
		r.check(req)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, Call{Method: req.Method, Path: req.URL.Path, IdempotencyKey: req.Header.Get("Idempotency-Key"),
		Auth: req.Header.Get("Authorization"), Form: req.PostForm})
	if req.Header.Get("Authorization") != "Bearer "+Key {
		r.reply(w, http.StatusUnauthorized, "error_api_key")
		return
	}
	status, name := r.answer(req)
	r.reply(w, status, name)
}

// check sends a copy of the request to stripe-mock, if there is one, and
// fails the test if it refuses it.
func (r *Server) check(req *http.Request) {
	if r.mock == "" {
		return
	}
	body := req.PostForm.Encode()
	target := r.mock + req.URL.Path
	if req.URL.RawQuery != "" {
		target += "?" + req.URL.RawQuery
	}
	copied, err := http.NewRequest(req.Method, target, strings.NewReader(body))
	if err != nil {
		r.t.Errorf("stripe-mock: %v", err)
		return
	}
	copied.Header.Set("Authorization", "Bearer sk_test_mock")
	copied.Header.Set("Content-Type", req.Header.Get("Content-Type"))
	res, err := http.DefaultClient.Do(copied)
	if err != nil {
		r.t.Errorf("stripe-mock: %v", err)
		return
	}
	defer res.Body.Close()
	if res.StatusCode >= 400 {
		answer, _ := io.ReadAll(io.LimitReader(res.Body, 2000))
		r.t.Errorf("stripe-mock refuses %s %s %s: %d %s", req.Method, req.URL.Path, body, res.StatusCode, answer)
	}
}

// answer picks the recorded response for a request.
func (r *Server) answer(req *http.Request) (int, string) {
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
		name := cmp.Or(map[string]string{"666": "refund_failed", "777": "refund_pending"}[f.Get("amount")], "refund_succeeded")
		return http.StatusOK, name + ":" + r.refundID(req.Header.Get("Idempotency-Key"))
	}
	return http.StatusNotFound, "error_api"
}

// refundID is the id of the refund a request makes: as at Stripe, a new
// refund gets a new id and a request repeated with its idempotency key the
// same one. The first refund keeps the recorded id.
func (r *Server) refundID(key string) string {
	id, ok := r.refunds[key]
	if !ok {
		id = "re_3QfakeRefund"
		if n := len(r.refunds); n > 0 {
			id += "_" + strconv.Itoa(n+1)
		}
		r.refunds[key] = id
	}
	return id
}

// intent answers a confirmed payment intent by its payment method's card;
// off-session payments use the saved method "pm_saved".
func (r *Server) intent(f url.Values) (int, string) {
	if f.Get("payment_method") == "pm_saved_declined" {
		return http.StatusPaymentRequired, "error_expired_card"
	}
	switch r.cards[f.Get("payment_method")] {
	case CardDeclined:
		return http.StatusPaymentRequired, "error_card_declined"
	case CardExpired:
		return http.StatusPaymentRequired, "error_expired_card"
	case CardProcessing:
		return http.StatusPaymentRequired, "error_processing"
	case Card3DS:
		return http.StatusOK, "intent_requires_action"
	case CardUnavailable:
		return http.StatusInternalServerError, "error_api"
	}
	return http.StatusOK, "intent_requires_capture"
}

// reply writes a recorded body; "payment_method:ID" is the recorded
// payment method with its id replaced, and "refund_…:ID" the recorded refund.
func (r *Server) reply(w http.ResponseWriter, status int, name string) {
	file, id, _ := strings.Cut(name, ":")
	body, err := testdata.ReadFile("testdata/" + file + ".json")
	if err != nil {
		r.t.Errorf("recorded response: %v", err)
	}
	if id != "" && strings.HasPrefix(file, "refund_") {
		body = []byte(strings.Replace(string(body), `"id":"re_3QfakeRefund`, `"id":"`+id, 1))
	} else if id != "" {
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
func (r *Server) Calls() []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Call(nil), r.calls...)
}
