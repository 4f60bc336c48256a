package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"pay/internal/api/apitest"
	"pay/internal/app"
	"pay/internal/apptest"
	"pay/internal/jobs"
	"pay/internal/pay"
	"pay/internal/store/pgtest"
	"pay/internal/store/storetest"
)

// delivered is one request the receiver got.
type delivered struct {
	Body      []byte
	Signature string
	Message   struct {
		ID          string          `json:"webhook_message_id"`
		CreatedDate string          `json:"created_date"`
		ResourceID  string          `json:"resource_id"`
		APIVersion  int             `json:"api_version"`
		Type        string          `json:"resource_type"`
		Event       string          `json:"event_type"`
		Resource    json.RawMessage `json:"resource"`
	}
}

// receiver is a service's webhook endpoint: it keeps what it is sent and
// answers 500 for payments in fail.
type receiver struct {
	mu   sync.Mutex
	got  []*delivered
	fail map[string]bool
	srv  *httptest.Server
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{fail: map[string]bool{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		d := &delivered{Signature: req.Header.Get("Pay-Signature")}
		d.Body, _ = io.ReadAll(req.Body)
		if err := json.Unmarshal(d.Body, &d.Message); err != nil || req.Header.Get("Content-Type") != "application/json" {
			t.Errorf("receiver got %q (%v), content type %q", d.Body, err, req.Header.Get("Content-Type"))
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		r.got = append(r.got, d)
		if r.fail[d.Message.ResourceID] {
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) setFail(paymentID string, fail bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail[paymentID] = fail
}

// of returns what was delivered about a payment, in order.
func (r *receiver) of(paymentID string) []*delivered {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*delivered
	for _, d := range r.got {
		if d.Message.ResourceID == paymentID {
			out = append(out, d)
		}
	}
	return out
}

// wait waits for n deliveries about a payment.
func (r *receiver) wait(t *testing.T, paymentID string, n int) []*delivered {
	t.Helper()
	eventually(t, "webhook deliveries", func() bool { return len(r.of(paymentID)) >= n })
	return r.of(paymentID)
}

// webhookEnv is a started app whose clock the test moves, with a webhook
// of account 1 subscribed to every event and its receiver.
type webhookEnv struct {
	a     *app.App
	c     *apitest.Client
	clock *storetest.Clock
	hook  *pay.Webhook
	rcv   *receiver
}

func startWebhooks(t *testing.T, databaseURL string) *webhookEnv {
	// The clock starts a day back, so that the retries it schedules are
	// due for River at once, and the service's clock alone decides when
	// they go.
	clock := apptest.NewClock()
	clock.Advance(-24 * time.Hour)
	e := &webhookEnv{clock: clock, rcv: newReceiver(t)}
	e.a, e.c = startClient(t, map[string]string{"DATABASE_URL": databaseURL}, app.Options{Now: clock.Now})
	acct, err := e.a.Store.AccountGet(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if e.hook, err = e.a.Webhooks.Create(context.Background(), acct, e.rcv.srv.URL+"/hook", "Test receiver", pay.WebhookEvents); err != nil {
		t.Fatal(err)
	}
	return e
}

// check asserts a delivery is signed with the webhook's secret, is the body
// stored for its message, and is about the event and payment given.
func (e *webhookEnv) check(t *testing.T, d *delivered, event, paymentID string) {
	t.Helper()
	if d.Signature != jobs.Sign(e.hook.Secret, d.Body) || len(d.Signature) != 64 {
		t.Fatalf("Pay-Signature %q does not sign the body", d.Signature)
	}
	m := d.Message
	if m.Event != event || m.ResourceID != paymentID || m.APIVersion != 1 || m.Type != "payment" {
		t.Fatalf("message %s", d.Body)
	}
	// The attempt is recorded once the receiver has answered.
	var stored *pay.WebhookMessage
	eventually(t, "the attempt to be recorded", func() bool {
		var err error
		stored, err = e.a.Store.WebhookMessageGet(context.Background(), 1, m.ID)
		return err == nil && stored.Attempts > 0
	})
	if stored.Body != string(d.Body) || m.CreatedDate != stored.CreatedAt.Format("2006-01-02T15:04:05.000Z") {
		t.Fatalf("sent %s, stored %s created %v", d.Body, stored.Body, stored.CreatedAt)
	}
	var resource map[string]any
	if err := json.Unmarshal(m.Resource, &resource); err != nil || resource["payment_id"] != paymentID || resource["_links"] != nil {
		t.Fatalf("resource %s", m.Resource)
	}
}

// events returns the event types delivered about a payment, sorted.
func (e *webhookEnv) events(paymentID string) []string {
	var out []string
	for _, d := range e.rcv.of(paymentID) {
		out = append(out, d.Message.Event)
	}
	slices.Sort(out)
	return out
}

// newPayment creates a payment through the API.
func (e *webhookEnv) newPayment(t *testing.T) string {
	t.Helper()
	res := e.c.Do("POST", "/v1/payments", map[string]any{"amount": 1000, "reference": "WH", "description": "Webhook test",
		"return_url": "https://example.org/done"})
	if res.Status != 201 {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	return res.Str("payment_id")
}

func testWebhooks(t *testing.T, databaseURL string) {
	e := startWebhooks(t, databaseURL)
	ctx := context.Background()

	t.Run("SucceededCapturedRefunded", func(t *testing.T) {
		id := paid(t, e.a, e.c, "4444333322221111")
		waitCaptured(t, e.c, id)
		res := e.c.Do("POST", "/v1/payments/"+id+"/refunds", map[string]any{"amount": 300})
		if res.Status != 202 {
			t.Fatalf("refund: %d %s", res.Status, res.Body)
		}
		got := e.rcv.wait(t, id, 3)
		if want := []string{"card_payment_captured", "card_payment_refunded", "card_payment_succeeded"}; !slices.Equal(e.events(id), want) {
			t.Fatalf("events %q, want %q", e.events(id), want)
		}
		for _, d := range got {
			e.check(t, d, d.Message.Event, id)
		}
		refunded := got[slices.IndexFunc(got, func(d *delivered) bool { return d.Message.Event == "card_payment_refunded" })]
		var resource struct {
			RefundSummary struct {
				AmountAvailable int `json:"amount_available"`
			} `json:"refund_summary"`
		}
		if json.Unmarshal(refunded.Message.Resource, &resource); resource.RefundSummary.AmountAvailable != 700 {
			t.Fatalf("refunded resource %s", refunded.Message.Resource)
		}
	})

	t.Run("FailedIsTheAPIsPayment", func(t *testing.T) {
		id := e.newPayment(t)
		pc := &pay.Card{Number: "4000000000000002", CVC: "123", ExpiryMonth: 1, ExpiryYear: 2090, CardholderName: "J Payer", Brand: "visa"}
		if _, err := e.a.Payments.Authorise(ctx, id, pc, ""); err != nil {
			t.Fatal(err)
		}
		d := e.rcv.wait(t, id, 1)[0]
		e.check(t, d, "card_payment_failed", id)
		// The resource is exactly the API's payment, less its links.
		var api, sent map[string]any
		json.Unmarshal(e.c.Do("GET", "/v1/payments/"+id, nil).Body, &api)
		json.Unmarshal(d.Message.Resource, &sent)
		delete(api, "_links")
		if a, s := mustJSON(t, api), mustJSON(t, sent); a != s {
			t.Fatalf("resource %s, API %s", s, a)
		}
	})

	t.Run("CancelledByServiceFails", func(t *testing.T) {
		id := e.newPayment(t)
		if res := e.c.Do("POST", "/v1/payments/"+id+"/cancel", nil); res.Status != 204 {
			t.Fatalf("cancel: %d %s", res.Status, res.Body)
		}
		e.check(t, e.rcv.wait(t, id, 1)[0], "card_payment_failed", id)
	})

	t.Run("RetriesOnTheSchedule", func(t *testing.T) {
		id := e.newPayment(t)
		e.rcv.setFail(id, true)
		if res := e.c.Do("POST", "/v1/payments/"+id+"/cancel", nil); res.Status != 204 {
			t.Fatalf("cancel: %d %s", res.Status, res.Body)
		}
		start := e.clock.Now()
		m := e.waitAttempts(t, id, 1)
		if m.Status != pay.MessageFailed || m.NextAttemptAt == nil || !m.NextAttemptAt.Equal(start.Add(time.Minute)) {
			t.Fatalf("after the first failure: %s, next %v, want %v", m.Status, m.NextAttemptAt, start.Add(time.Minute))
		}
		e.clock.Advance(59 * time.Second)
		time.Sleep(300 * time.Millisecond) // the retry is due for River, not for Pay's clock: nothing goes
		if n := len(e.rcv.of(id)); n != 1 {
			t.Fatalf("%d deliveries before the retry was due", n)
		}
		e.clock.Advance(time.Second)
		m = e.waitAttempts(t, id, 2)
		if !m.NextAttemptAt.Equal(start.Add(time.Minute + 5*time.Minute)) {
			t.Fatalf("after the second failure next %v", m.NextAttemptAt)
		}
		e.rcv.setFail(id, false)
		e.clock.Advance(5 * time.Minute)
		m = e.waitAttempts(t, id, 3)
		attempts, err := e.a.Store.WebhookAttemptList(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		var codes []int
		for _, a := range attempts {
			codes = append(codes, a.StatusCode)
		}
		if m.Status != pay.MessageSuccessful || m.NextAttemptAt != nil || !slices.Equal(codes, []int{500, 500, 200}) ||
			!attempts[2].At.Equal(start.Add(6*time.Minute)) {
			t.Fatalf("message %s next %v, attempts %v, last at %v", m.Status, m.NextAttemptAt, codes, attempts[2].At)
		}
		got := e.rcv.of(id)
		if len(got) != 3 || !bytes.Equal(got[0].Body, got[2].Body) {
			t.Fatalf("%d deliveries; every attempt must send the same body", len(got))
		}
	})

	t.Run("Resend", func(t *testing.T) {
		id := e.newPayment(t)
		e.c.Do("POST", "/v1/payments/"+id+"/cancel", nil)
		m := e.waitAttempts(t, id, 1)
		if err := e.a.Webhooks.Resend(ctx, 1, m.ID); err != nil {
			t.Fatal(err)
		}
		got := e.rcv.wait(t, id, 2)
		if got[1].Message.ID != m.ID || !bytes.Equal(got[0].Body, got[1].Body) {
			t.Fatalf("resent %s, first %s", got[1].Body, got[0].Body)
		}
		if m = e.waitAttempts(t, id, 2); m.Status != pay.MessageSuccessful {
			t.Fatalf("after resending: %s", m.Status)
		}
	})

	t.Run("Expired", func(t *testing.T) {
		id := e.newPayment(t)
		// Payments are created at the store's time, the real one.
		e.clock.Set(time.Now().Add(pay.PaymentLifetime + time.Minute))
		if _, err := e.a.Payments.ExpireStale(ctx); err != nil {
			t.Fatal(err)
		}
		e.check(t, e.rcv.wait(t, id, 1)[0], "card_payment_expired", id)
	})

	t.Run("DeactivatedSendsNothing", func(t *testing.T) {
		if _, err := e.a.Webhooks.SetActive(ctx, 1, e.hook.ID, false); err != nil {
			t.Fatal(err)
		}
		defer e.a.Webhooks.SetActive(ctx, 1, e.hook.ID, true)
		id := e.newPayment(t)
		e.c.Do("POST", "/v1/payments/"+id+"/cancel", nil)
		// Messages are made with the event's transaction: none now is none ever.
		if m := e.messagesOf(t, id); len(m) != 0 {
			t.Fatalf("%d messages for a deactivated webhook", len(m))
		}
		if n := len(e.rcv.of(id)); n != 0 {
			t.Fatalf("%d deliveries to a deactivated webhook", n)
		}
	})
}

// messagesOf returns the webhook's messages about a payment.
func (e *webhookEnv) messagesOf(t *testing.T, paymentID string) []*pay.WebhookMessage {
	t.Helper()
	list, err := e.a.Store.WebhookMessageList(context.Background(),
		&pay.WebhookMessageListParams{AccountID: 1, WebhookID: e.hook.ID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []*pay.WebhookMessage
	for _, m := range list {
		if m.PaymentID == paymentID {
			out = append(out, m)
		}
	}
	return out
}

// waitAttempts waits for the payment's one message to have made n attempts.
func (e *webhookEnv) waitAttempts(t *testing.T, paymentID string, n int) *pay.WebhookMessage {
	t.Helper()
	var m *pay.WebhookMessage
	eventually(t, "webhook attempts", func() bool {
		list := e.messagesOf(t, paymentID)
		if len(list) == 1 {
			m = list[0]
		}
		return m != nil && m.Attempts >= n
	})
	if m.Attempts != n {
		t.Fatalf("%d attempts, want %d", m.Attempts, n)
	}
	return m
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWebhooksSQLite(t *testing.T) {
	t.Parallel()
	testWebhooks(t, apptest.SQLiteURL(t))
}

func TestWebhooksPostgres(t *testing.T) {
	t.Parallel()
	testWebhooks(t, pgtest.URL(t))
}
