package admin_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"pay/internal/pay"
	"pay/internal/team"
	bt "pay/internal/web/browsertest"
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

// TestBrowserWebhooks creates a webhook through the form in a browser, and
// checks every webhook page with axe.
func TestBrowserWebhooks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.user("admin@example.org", team.RoleAdmin, false)
	tab := bt.Tab(t)
	browserSignIn(t, tab, e, u)
	bt.Do(t, tab, chromedp.Navigate(e.server.URL+e.accountPath("/webhooks")), chromedp.WaitVisible(chromedp.ID("no-webhooks")))
	bt.Accessible(t, tab)
	bt.Do(t, tab, chromedp.Click(chromedp.ID("create-webhook")), chromedp.WaitVisible(chromedp.ID("callback-url")))
	bt.Accessible(t, tab)
	bt.Do(t, tab, chromedp.SendKeys(chromedp.ID("callback-url"), "https://service.example/hooks"),
		chromedp.Click(chromedp.ID("save-webhook")), chromedp.WaitVisible(chromedp.ID("error-summary")))
	bt.Accessible(t, tab)
	bt.Do(t, tab, chromedp.Click(chromedp.ID("events")), chromedp.Click(chromedp.ID("save-webhook")),
		chromedp.WaitVisible(chromedp.ID("signing-secret")))
	bt.Accessible(t, tab)
	hooks, err := e.Store.WebhookList(e.Ctx, e.account.ID)
	must(t, err)
	if len(hooks) != 1 || !slices.Equal(hooks[0].Events, []pay.WebhookEvent{pay.WebhookPaymentSucceeded}) {
		t.Fatalf("stored %+v", hooks)
	}
	e.pay(e.newPayment(nil), "4444333322221111")
	bt.Do(t, tab, chromedp.Navigate(e.server.URL+e.accountPath("/webhooks/"+hooks[0].ID)), chromedp.WaitVisible(chromedp.ID("webhook-messages")))
	bt.Accessible(t, tab)
	bt.Do(t, tab, chromedp.Click(chromedp.CSS("a.message-event")), chromedp.WaitVisible(chromedp.ID("resend-message")))
	bt.Accessible(t, tab)
	bt.Do(t, tab, chromedp.Click(chromedp.ID("resend-message")), chromedp.WaitVisible(chromedp.ID("resent-notice")))
	bt.Do(t, tab, chromedp.Navigate(e.server.URL+e.accountPath("/webhooks/"+hooks[0].ID+"/edit")), chromedp.WaitVisible(chromedp.ID("callback-url")))
	bt.Accessible(t, tab)
}
