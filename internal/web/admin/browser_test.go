package admin_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"pay/internal/pay"
	"pay/internal/provider/sandbox"
	"pay/internal/team"
	bt "pay/internal/web/browsertest"
)

// browserSignIn signs u in through the pages: password, then the code if
// u has an authenticator app, skipping the offer to set one up if not.
func browserSignIn(t *testing.T, tab context.Context, e *env, u *testUser) {
	t.Helper()
	bt.Do(t, tab, chromedp.Navigate(e.server.URL+"/admin/sign-in"), chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), u.Email), chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.ID("continue")), chromedp.WaitVisible(chromedp.CSS("h1")))
	if u.Secret != "" {
		bt.Do(t, tab, chromedp.WaitVisible(chromedp.ID("code")), chromedp.SendKeys(chromedp.ID("code"), e.code(u)),
			chromedp.Click(chromedp.ID("continue")), chromedp.WaitVisible(chromedp.ID("account-mode")))
		return
	}
	bt.Do(t, tab, chromedp.WaitVisible(chromedp.ID("skip")), chromedp.Click(chromedp.ID("skip")),
		chromedp.WaitVisible(chromedp.ID("account-mode")))
}

// TestBrowserAccessibility checks the admin pages with axe-core.
func TestBrowserAccessibility(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.pay(e.newPayment(func(r *pay.CreatePaymentRequest) {
		r.Metadata = pay.Metadata{"ledger_code": "AB100"}
	}), "4444333322221111")
	e.pay(e.newPayment(nil), sandbox.CardDeclined)
	emails, err := e.Store.EmailList(e.Ctx, e.account.ID, p.ID, pay.EmailListLimit)
	must(t, err)
	e.sendToOutbox(t, emails[0].ID)
	u := e.user("admin@example.org", team.RoleAdmin, true)
	tab := bt.Tab(t)

	bt.Do(t, tab, chromedp.Navigate(e.server.URL+"/admin/sign-in"), chromedp.WaitVisible(chromedp.ID("email")))
	bt.Accessible(t, tab)
	bt.Do(t, tab, chromedp.Click(chromedp.ID("continue")), chromedp.WaitVisible(chromedp.ID("error-summary")))
	if focused := bt.Get(t, tab, chromedp.Evaluate[string]("document.activeElement.id")); focused != "error-summary" {
		t.Errorf("focus is on %q after a failed sign-in, want the error summary", focused)
	}
	bt.Accessible(t, tab)
	browserSignIn(t, tab, e, u)
	bt.Accessible(t, tab) // the dashboard

	pages := []struct{ path, wait string }{
		{"/api-keys", "create-api-key"},
		{"/api-keys/new", "key-name"},
		{"/transactions", "transactions-list"},
		{"/transactions?lastDigitsCardNumber=1", "error-summary"},
		{"/transactions/" + p.ID, "events"},
		{"/settings", "settings-form"},
		{"/settings/email-notifications", "email-settings-form"},
		{"/emails", "emails-list"},
		{"/emails/" + emails[0].ID, "email-text"},
		{"/explorer", "explorer-form"},
		{"/transactions/" + p.ID + "/refund", "refund-form"},
	}
	for _, pg := range pages {
		bt.Do(t, tab, chromedp.Navigate(e.server.URL+e.accountPath(pg.path)), chromedp.WaitVisible(chromedp.ID(pg.wait)))
		bt.Accessible(t, tab)
	}
	// The refund form with an error, then a refund's detail page.
	bt.Do(t, tab, chromedp.Click(chromedp.ID("refund-partial")), chromedp.Click(chromedp.ID("confirm-refund")),
		chromedp.WaitVisible(chromedp.ID("error-summary")))
	bt.Accessible(t, tab)
	bt.Do(t, tab, chromedp.SendKeys(chromedp.ID("partial-refund-amount"), "1.00"), chromedp.Click(chromedp.ID("confirm-refund")),
		chromedp.WaitVisible(chromedp.ID("refund-success")))
	bt.Accessible(t, tab)
	// A new key, and the explorer with an answer.
	bt.Do(t, tab, chromedp.Navigate(e.server.URL+e.accountPath("/api-keys/new")), chromedp.WaitVisible(chromedp.ID("key-name")),
		chromedp.SendKeys(chromedp.ID("key-name"), "Accessibility"), chromedp.Click(chromedp.ID("continue")),
		chromedp.WaitVisible(chromedp.ID("api-key")))
	bt.Accessible(t, tab)
	bt.Do(t, tab, chromedp.Click(chromedp.ID("try-in-explorer")), chromedp.WaitVisible(chromedp.ID("send-request")),
		chromedp.Click(chromedp.ID("send-request")), chromedp.WaitVisible(chromedp.ID("response-status")))
	if status := bt.Text(t, tab, "#response-status"); status != "201 Created" {
		t.Fatalf("explorer answer: %q", status)
	}
	bt.Accessible(t, tab)
	bt.Do(t, tab, chromedp.Navigate(e.server.URL+e.accountPath("/api-keys")), chromedp.WaitVisible(chromedp.CSS(".revoke")),
		chromedp.Click(chromedp.CSS(".revoke")), chromedp.WaitVisible(chromedp.ID("revoke-button")))
	bt.Accessible(t, tab)
}

// TestBrowserWithoutJavaScript uses the site with scripts switched off:
// sign in, create a key and send a request from the API Explorer.
func TestBrowserWithoutJavaScript(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.user("admin@example.org", team.RoleAdmin, true)
	tab := bt.Tab(t)
	noScript := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	})
	bt.Do(t, tab, noScript)
	browserSignIn(t, tab, e, u)
	bt.Do(t, tab, chromedp.Navigate(e.server.URL+e.accountPath("/api-keys/new")), chromedp.WaitVisible(chromedp.ID("key-name")),
		chromedp.SendKeys(chromedp.ID("key-name"), "No script"), chromedp.Click(chromedp.ID("continue")),
		chromedp.WaitVisible(chromedp.ID("api-key")))
	if visible := bt.Get(t, tab, chromedp.Evaluate[bool](`!document.getElementById('copy-key-button').hidden`)); visible {
		t.Error("the copy button shows though it cannot work without JavaScript")
	}
	bt.Do(t, tab, chromedp.Click(chromedp.ID("try-in-explorer")), chromedp.WaitVisible(chromedp.ID("send-request")),
		chromedp.Click(chromedp.ID("send-request")), chromedp.WaitVisible(chromedp.ID("response-status")))
	if status := bt.Text(t, tab, "#response-status"); status != "201 Created" {
		t.Fatalf("explorer answer without JavaScript: %q", status)
	}
	if body := bt.Text(t, tab, "#response-body"); !strings.Contains(body, `"payment_id"`) {
		t.Fatalf("explorer body: %s", body)
	}
}

// TestBrowserGoLive goes live in a browser: from the sandbox dashboard's
// offer, through the form and its errors, to the live account's dashboard,
// which says it is live and has no sandbox banner; each page passes axe.
func TestBrowserGoLive(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.user("admin@example.org", team.RoleAdmin, false)
	tab := bt.Tab(t)
	browserSignIn(t, tab, e, u)
	bt.Do(t, tab, chromedp.Navigate(e.server.URL+e.accountPath("")), chromedp.WaitVisible(chromedp.ID("go-live-link")),
		chromedp.Click(chromedp.ID("go-live-link")), chromedp.WaitVisible(chromedp.ID("go-live-form")))
	bt.Accessible(t, tab)
	bt.Do(t, tab, chromedp.Click(chromedp.ID("go-live")), chromedp.WaitVisible(chromedp.ID("error-summary")))
	bt.Accessible(t, tab)
	form := goLiveForm()
	steps := []chromedp.Action[chromedp.Void]{}
	for id, name := range map[string]string{"organisation-name": "organisationName", "address-line-1": "addressLine1",
		"address-city": "addressCity", "address-postcode": "addressPostcode", "stripe-secret-key": "stripeSecretKey",
		"stripe-webhook-secret": "stripeWebhookSecret"} {
		steps = append(steps, chromedp.SendKeys(chromedp.ID(id), form.Get(name)))
	}
	steps = append(steps, chromedp.Click(chromedp.ID("accept-terms")), chromedp.Click(chromedp.ID("go-live")),
		chromedp.WaitVisible(chromedp.ID("went-live")))
	bt.Do(t, tab, steps...)
	bt.Accessible(t, tab)
	if mode := bt.Text(t, tab, "#account-mode"); mode != "Live account" {
		t.Fatalf("live account header: %q", mode)
	}
	if banner := bt.Get(t, tab, chromedp.Evaluate[bool](`document.getElementById("sandbox-banner") !== null`)); banner {
		t.Fatal("the live account shows the sandbox banner")
	}
}
