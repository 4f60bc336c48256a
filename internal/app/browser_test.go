package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"pay/internal/api/apitest"
	"pay/internal/app"
	"pay/internal/apptest"
	"pay/internal/apptest/boot"
	"pay/internal/pay"
	"pay/internal/provider/stripe/stripetest"
	"pay/internal/store/pgtest"
	bt "pay/internal/web/browsertest"
)

func TestMain(m *testing.M) { bt.Main(m) }

// TestBrowserRecurring sets up an agreement through the card pages in a
// real browser, then takes a recurring payment through the API, which River
// authorises in the background.
func TestBrowserRecurring(t *testing.T) {
	t.Parallel()
	tab := bt.Tab(t) // skips without Chromium before anything starts
	a, creds, base := start(t, apptest.SQLiteURL(t))
	ctx := context.Background()
	creds.Account.Settings.RecurringEnabled = true
	if err := a.Store.AccountUpdate(ctx, creds.Account); err != nil {
		t.Fatal(err)
	}
	service := apptest.Service(t)
	c := &apitest.Client{T: t, BaseURL: base, Key: creds.APIKey}

	agreement := c.Do("POST", "/v1/agreements", map[string]any{"reference": "CT-2027", "description": "Council tax 2027"}).Str("agreement_id")
	setUp := c.Do("POST", "/v1/payments", map[string]any{"amount": 1500, "reference": "first", "description": "First instalment",
		"return_url": service.URL + "/done", "set_up_agreement": agreement})
	bt.Do(t, tab, chromedp.Navigate(setUp.Str("_links.next_url.href")), bt.FillCard("4444333322221111"),
		chromedp.Click(chromedp.ID("submit-card-details")), chromedp.WaitVisible(chromedp.ID("confirm")),
		chromedp.Click(chromedp.ID("confirm")), chromedp.WaitVisible(chromedp.ID("service")))
	if ag := c.Do("GET", "/v1/agreements/"+agreement, nil); ag.Str("status") != "active" ||
		ag.Str("payment_instrument.card_details.last_digits_card_number") != "1111" {
		t.Fatalf("agreement after the set-up payment: %s", ag.Body)
	}

	recurring := c.Do("POST", "/v1/payments", map[string]any{"amount": 1500, "reference": "second", "description": "Second instalment",
		"authorisation_mode": "agreement", "agreement_id": agreement})
	if recurring.Status != 201 {
		t.Fatalf("recurring payment: %d %s", recurring.Status, recurring.Body)
	}
	id := recurring.Str("payment_id")
	eventually(t, "River to authorise and capture the recurring payment", func() bool {
		p, err := a.Store.PaymentGet(ctx, 0, id)
		return err == nil && p.Status == pay.StatusCaptured
	})
	if got := c.Do("GET", "/v1/payments/"+id, nil); got.Str("state.status") != "success" || got.Str("card_details.last_digits_card_number") != "1111" {
		t.Fatalf("recurring payment: %s", got.Body)
	}
}

// TestBrowserLive takes a real payment on a live account, on both
// databases: the admin takes the sandbox service live in the admin site
// (Stripe's answers recorded, every request checked by stripe-mock), a live
// key creates a payment, the payer pays it on the card pages in a browser,
// the service refunds part of it, and it is in the live account's
// transactions, with Stripe's fee, and not in the sandbox account's.
func TestBrowserLive(t *testing.T) {
	t.Parallel()
	for name, databaseURL := range map[string]func(testing.TB) string{"SQLite": apptest.SQLiteURL, "PostgreSQL": pgtest.URL} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tab := bt.Tab(t)
			stripeAPI := stripetest.New(t)
			a, creds, base := boot.Start(t, map[string]string{"DATABASE_URL": databaseURL(t), "PAY_STRIPE_API_URL": stripeAPI.URL},
				app.Options{})
			liveAccount := goLiveInBrowser(t, tab, a, base, creds)
			liveKey, _, err := a.Accounts.CreateKey(context.Background(), liveAccount, "live", "test")
			if err != nil {
				t.Fatal(err)
			}
			live := &apitest.Client{T: t, BaseURL: base, Key: liveKey}
			sandbox := &apitest.Client{T: t, BaseURL: base, Key: creds.APIKey}

			created := live.Do("POST", "/v1/payments", map[string]any{"amount": 2000, "reference": "LIVE-1", "description": "Licence",
				"return_url": "https://service.example/done"})
			id := created.Str("payment_id")
			if created.Status != 201 || created.Str("payment_provider") != "stripe" {
				t.Fatalf("live payment: %d %s", created.Status, created.Body)
			}
			bt.Do(t, tab, chromedp.Navigate(created.Str("_links.next_url.href")), bt.FillCard(stripetest.CardSuccess))
			bt.Accessible(t, tab)
			bt.Do(t, tab, chromedp.Click(chromedp.ID("submit-card-details")), chromedp.WaitVisible(chromedp.ID("confirm")))
			bt.Accessible(t, tab)
			bt.Do(t, tab, chromedp.Click(chromedp.ID("confirm")))
			eventually(t, "the live payment to be captured", func() bool {
				p, err := a.Store.PaymentGet(context.Background(), 0, id)
				return err == nil && p.Status == pay.StatusCaptured
			})
			got := live.Do("GET", "/v1/payments/"+id, nil)
			if got.Str("state.status") != "success" || got.Str("card_details.last_digits_card_number") != "4242" ||
				got.Str("provider_id") != "pi_3QfakeAuthorised" || got.Str("fee") != "39" || got.Str("net_amount") != "1961" {
				t.Fatalf("paid live payment: %s", got.Body)
			}

			if r := live.Do("POST", "/v1/payments/"+id+"/refunds", map[string]any{"amount": 500, "refund_amount_available": 2000}); r.Status != 202 {
				t.Fatalf("refund: %d %s", r.Status, r.Body)
			}
			eventually(t, "the refund to succeed at Stripe", func() bool {
				return live.Do("GET", "/v1/payments/"+id, nil).Str("refund_summary.status") == "available" &&
					live.Do("GET", "/v1/payments/"+id+"/refunds", nil).Str("_embedded.refunds.0.status") == "success"
			})
			if found := live.Do("GET", "/v1/payments?reference=LIVE-1", nil); found.Str("total") != "1" {
				t.Fatalf("live search: %s", found.Body)
			}
			if found := sandbox.Do("GET", "/v1/payments?reference=LIVE-1", nil); found.Str("total") != "0" {
				t.Fatalf("the sandbox account sees the live payment: %s", found.Body)
			}
			liveList := fmt.Sprintf("%s/admin/accounts/%d/transactions", base, liveAccount.ID)
			bt.Do(t, tab, chromedp.Navigate(liveList), chromedp.WaitVisible(chromedp.ID("transactions-list")))
			if list := bt.Text(t, tab, "#transactions-list tbody"); !strings.Contains(list, "LIVE-1") {
				t.Fatalf("the live account's transactions lack the payment:\n%s", list)
			}
			sandboxList := fmt.Sprintf("%s/admin/accounts/%d/transactions", base, creds.Account.ID)
			bt.Do(t, tab, chromedp.Navigate(sandboxList), chromedp.WaitVisible(chromedp.CSS("h1")))
			if bt.Get(t, tab, chromedp.Evaluate[bool](`document.body.innerText.includes("LIVE-1")`)) {
				t.Fatal("the sandbox account's transactions show the live payment")
			}
		})
	}
}

// goLiveInBrowser signs the first admin in and takes their sandbox service
// live through the admin site's Go live page, and returns the live account.
func goLiveInBrowser(t *testing.T, tab context.Context, a *app.App, base string, creds *app.Credentials) *pay.Account {
	t.Helper()
	bt.SignInFirstTime(t, tab, base, creds.AdminEmail, creds.Password, time.Now)
	bt.Do(t, tab, chromedp.WaitVisible(chromedp.ID("go-live-link")), chromedp.Click(chromedp.ID("go-live-link")),
		chromedp.WaitVisible(chromedp.ID("go-live-form")),
		chromedp.SendKeys(chromedp.ID("organisation-name"), "Borough Council"),
		chromedp.SendKeys(chromedp.ID("address-line-1"), "1 High Street"),
		chromedp.SendKeys(chromedp.ID("address-city"), "London"),
		chromedp.SendKeys(chromedp.ID("address-postcode"), "SW1A 1AA"),
		chromedp.SendKeys(chromedp.ID("stripe-secret-key"), stripetest.Key),
		chromedp.SendKeys(chromedp.ID("stripe-webhook-secret"), "whsec_test"),
		chromedp.Click(chromedp.ID("accept-terms")), chromedp.Click(chromedp.ID("go-live")),
		chromedp.WaitVisible(chromedp.ID("went-live")))
	if mode := bt.Text(t, tab, "#account-mode"); mode != "Live account" {
		t.Fatalf("after going live the header says %q", mode)
	}
	accounts, err := a.Store.AccountList(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, acct := range accounts {
		if acct.ServiceID == creds.Account.ServiceID && acct.IsLive() {
			return acct
		}
	}
	t.Fatal("going live made no live account")
	return nil
}
