package pay

import (
	"encoding/json"
	"testing"
	"time"
)

func TestCheckCallbackURL(t *testing.T) {
	for _, tc := range []struct {
		url  string
		live bool
		want string // "" for valid
	}{
		{"https://service.example.gov.uk/hooks", false, ""},
		{"https://service.example.gov.uk/hooks", true, ""},
		{"http://localhost:3000/hook", false, ""},
		{"http://127.0.0.1:3000/hook", false, ""},
		{"http://localhost:3000/hook", true, "Callback URL must use HTTPS protocol"},
		{"http://service.example.gov.uk/hooks", false, "Callback URL must use HTTPS protocol"},
		{"https://10.0.0.1/hooks", false, "Callback URL must be a domain name, not an IP address"},
		{"https://[::1]/hooks", false, "Callback URL must be a domain name, not an IP address"},
		{"https://localhost/hooks", false, "Callback URL must be a domain name, not an IP address"},
		{"not a url", false, "Enter a valid callback URL, like https://www.example.com/webhooks"},
		{"https://user:pw@service.example/h", false, "Enter a valid callback URL, like https://www.example.com/webhooks"},
		{"", false, "Enter a valid callback URL, like https://www.example.com/webhooks"},
	} {
		err := CheckCallbackURL(tc.url, tc.live)
		var got string
		if err != nil {
			e := err.(*Error)
			if e.Kind != KindInvalid || e.Field != "callback_url" {
				t.Errorf("%q: %+v", tc.url, e)
			}
			got = e.Message
		}
		if got != tc.want {
			t.Errorf("CheckCallbackURL(%q, live %v) = %q, want %q", tc.url, tc.live, got, tc.want)
		}
	}
}

func TestWebhookRetryAfter(t *testing.T) {
	want := []time.Duration{time.Minute, 5 * time.Minute, time.Hour, 24 * time.Hour, 48 * time.Hour}
	for i, w := range want {
		if got, ok := WebhookRetryAfter(i + 1); !ok || got != w {
			t.Errorf("after failure %d: %v %v, want %v", i+1, got, ok, w)
		}
	}
	if _, ok := WebhookRetryAfter(6); ok {
		t.Error("a seventh attempt follows the sixth failure; GOV.UK Pay gives up")
	}
}

func TestWebhookBody(t *testing.T) {
	m := &WebhookMessage{ID: "msg", PaymentID: "pay", EventType: WebhookPaymentCaptured,
		CreatedAt: time.Date(2026, 3, 14, 9, 26, 53, 589793000, time.UTC)}
	body, err := WebhookBody(m, json.RawMessage(`{"amount":100}`))
	want := `{"webhook_message_id":"msg","created_date":"2026-03-14T09:26:53.589Z","resource_id":"pay","api_version":1,` +
		`"resource_type":"payment","event_type":"card_payment_captured","resource":{"amount":100}}`
	if err != nil || string(body) != want {
		t.Fatalf("body %s (%v), want %s", body, err, want)
	}
}

func TestCheckWebhook(t *testing.T) {
	ok := func() *Webhook {
		return &Webhook{CallbackURL: "https://s.example/h", Description: "d", Events: []WebhookEvent{WebhookPaymentFailed}}
	}
	for _, tc := range []struct {
		change func(w *Webhook)
		field  string
	}{
		{func(w *Webhook) { w.Description = string(make([]rune, 51)) }, "description"},
		{func(w *Webhook) { w.Events = nil }, "events"},
		{func(w *Webhook) { w.Events = []WebhookEvent{"card_payment_started"} }, "events"},
	} {
		w := ok()
		tc.change(w)
		if err, _ := checkWebhook(w, false).(*Error); err == nil || err.Field != tc.field || err.Kind != KindInvalid {
			t.Errorf("checkWebhook(%+v) = %v, want invalid %s", w, err, tc.field)
		}
	}
	if err := checkWebhook(ok(), true); err != nil {
		t.Fatal(err)
	}
}
