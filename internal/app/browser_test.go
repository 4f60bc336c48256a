package app_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"pay/internal/api/apitest"
	"pay/internal/apptest"
	"pay/internal/pay"
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
