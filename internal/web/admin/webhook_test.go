package admin_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"pay/internal/pay"
	"pay/internal/team"
)

func TestWebhookPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	b.signIn(e.user("admin@example.org", team.RoleAdmin, false))
	if p := b.get(e.accountPath("/webhooks")); p.status != http.StatusOK || !p.has(`id="no-webhooks"`) || !p.has(">Webhooks</a>") {
		t.Fatalf("webhooks page: %d %s", p.status, p.heading())
	}
	b.get(e.accountPath("/webhooks/new"))
	for _, tt := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"callback_url": {"http://service.example/h"}, "events": {"card_payment_failed"}}, "callback-url: Callback URL must use HTTPS protocol"},
		{url.Values{"callback_url": {"https://10.0.0.1/h"}, "events": {"card_payment_failed"}}, "callback-url: Callback URL must be a domain name, not an IP address"},
		{url.Values{"callback_url": {"https://service.example/h"}}, "events: Select at least one event"},
		{url.Values{"callback_url": {"https://service.example/h"}, "events": {"card_payment_failed"}, "description": {strings.Repeat("d", 51)}},
			"description: Description must be 50 characters or fewer"},
	} {
		p := b.post(e.accountPath("/webhooks/new"), tt.form)
		if p.status != http.StatusBadRequest || !slices.Equal(p.errors(), []string{tt.want}) {
			t.Errorf("create %v: %d %v, want %q", tt.form, p.status, p.errors(), tt.want)
		}
	}
	if hooks, _ := e.Store.WebhookList(e.Ctx, e.account.ID); len(hooks) != 0 {
		t.Fatalf("%d webhooks stored from bad forms", len(hooks))
	}

	p := b.post(e.accountPath("/webhooks/new"), url.Values{"callback_url": {"http://localhost:3000/hook"}, "description": {"Back office"},
		"events": {"card_payment_failed", "card_payment_captured"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("create: %d %v", p.status, p.errors())
	}
	hooks, err := e.Store.WebhookList(e.Ctx, e.account.ID)
	must(t, err)
	if len(hooks) != 1 || hooks[0].CallbackURL != "http://localhost:3000/hook" || hooks[0].Description != "Back office" ||
		!slices.Equal(hooks[0].Events, []pay.WebhookEvent{pay.WebhookPaymentCaptured, pay.WebhookPaymentFailed}) {
		t.Fatalf("stored %+v", hooks)
	}
	w := hooks[0]
	if p = b.follow(p); !p.has(w.Secret) || !strings.HasPrefix(w.Secret, "webhook_test_") || !p.has("Payment failed") {
		t.Fatalf("webhook page does not show its secret and events: %s", p.heading())
	}
	path := e.accountPath("/webhooks/" + w.ID)

	b.post(path+"/secret", nil)
	if got, _ := e.Store.WebhookGet(e.Ctx, 0, w.ID); got.Secret == w.Secret || !strings.HasPrefix(got.Secret, "webhook_test_") {
		t.Fatalf("secret after regenerating: %q", got.Secret)
	}
	b.get(path + "/edit")
	p = b.post(path+"/edit", url.Values{"callback_url": {"https://service.example/hooks"}, "events": {"card_payment_refunded"}})
	if got, _ := e.Store.WebhookGet(e.Ctx, 0, w.ID); p.status != http.StatusSeeOther || got.CallbackURL != "https://service.example/hooks" ||
		!slices.Equal(got.Events, []pay.WebhookEvent{pay.WebhookPaymentRefunded}) {
		t.Fatalf("after editing: %d %+v", p.status, got)
	}
	b.get(path)
	b.post(path+"/status", url.Values{"status": {"inactive"}})
	if got, _ := e.Store.WebhookGet(e.Ctx, 0, w.ID); got.Status != pay.WebhookInactive {
		t.Fatalf("after deactivating: %s", got.Status)
	}
	b.get(path)
	b.post(path+"/status", url.Values{"status": {"active"}})
	if got, _ := e.Store.WebhookGet(e.Ctx, 0, w.ID); got.Status != pay.WebhookActive {
		t.Fatalf("after activating: %s", got.Status)
	}

	// A refund makes a message; its page offers to resend it.
	paid := e.pay(e.newPayment(nil), "4444333322221111")
	_, err = e.Payments.Refund(e.Ctx, e.account, &pay.RefundRequest{PaymentID: paid.ID, Amount: 100})
	must(t, err)
	e.processRefunds(paid.ID)
	p = b.get(path)
	if !p.has("card_payment_refunded") || !p.has(paid.ID) || !p.has("Pending") {
		t.Fatalf("the webhook's page lists no message:\n%s", p.body)
	}
	msgs, err := e.Store.WebhookMessageList(e.Ctx, &pay.WebhookMessageListParams{AccountID: e.account.ID, WebhookID: w.ID, Limit: 10})
	must(t, err)
	if p := b.get(path + "?status=failed"); !p.has(`id="no-messages"`) {
		t.Fatal("the failed filter lists a pending message")
	}
	msgPath := path + "/messages/" + msgs[0].ID
	if p = b.get(msgPath); !p.has(`id="no-attempts"`) || !p.has("Resend message") {
		t.Fatalf("message page: %s", p.heading())
	}
	if p = b.follow(b.post(msgPath+"/resend", nil)); !p.has(`id="resent-notice"`) {
		t.Fatalf("after resending: %s", p.heading())
	}

	other := e.accountPath("/webhooks/0123456789abcdef0123456789")
	if p := b.get(other); p.status != http.StatusNotFound {
		t.Fatalf("unknown webhook: %d", p.status)
	}
	if p := b.get(path + "/messages/0123456789abcdef0123456789"); p.status != http.StatusNotFound {
		t.Fatalf("unknown message: %d", p.status)
	}

	viewer := e.browser()
	viewer.signIn(e.user("viewer@example.org", team.RoleViewOnly, false))
	if p := viewer.get(path); p.status != http.StatusForbidden {
		t.Fatalf("a view-only user sees a webhook: %d", p.status)
	}
}
