package admin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"pay/internal/provider/sandbox"
	"pay/internal/team"
	bt "pay/internal/web/browsertest"
)

func TestDemoPaymentForm(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	b.signIn(e.user("admin@example.org", team.RoleAdmin, false))
	if d := b.get(e.accountPath("")); !d.has(`id="dashboard-demo-payment"`) {
		t.Fatal("the sandbox dashboard offers no demo payment")
	}
	tests := []struct {
		description, amount string
		errors              []string
	}{
		{"", "20.00", []string{"payment-description: Enter a description of up to 255 characters"}},
		{strings.Repeat("a", 256), "20.00", []string{"payment-description: Enter a description of up to 255 characters"}},
		{"Demo", "0", []string{"payment-amount: Enter an amount in pounds and pence from £0.01 to £100,000, like 20.00"}},
		{"Demo", "100000.01", []string{"payment-amount: Enter an amount in pounds and pence from £0.01 to £100,000, like 20.00"}},
		{"Demo", "12.345", []string{"payment-amount: Enter an amount in pounds and pence from £0.01 to £100,000, like 20.00"}},
	}
	for _, tt := range tests {
		res := b.post(e.accountPath("/demo-payment"), url.Values{"description": {tt.description}, "amount": {tt.amount}})
		if res.status != http.StatusBadRequest || strings.Join(res.errors(), "|") != strings.Join(tt.errors, "|") {
			t.Errorf("%q %q: %d %v", tt.description, tt.amount, res.status, res.errors())
		}
	}
	res := b.post(e.accountPath("/demo-payment"), url.Values{"description": {"Demo"}, "amount": {"£12.34"}})
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/secure/") {
		t.Fatalf("a good form: %d %q", res.status, res.location)
	}
	// Those who may not make payment links may not make demo payments.
	viewer := e.browser()
	viewer.signIn(e.user("viewer@example.org", team.RoleViewOnly, false))
	if d := viewer.get(e.accountPath("")); d.has(`id="dashboard-demo-payment"`) {
		t.Error("a view-only member is offered a demo payment")
	}
	if res := viewer.get(e.accountPath("/demo-payment")); res.status != http.StatusForbidden {
		t.Errorf("a view-only member's demo page: %d", res.status)
	}
}

// TestBrowserDemoPayment makes a demo payment through the real card pages,
// and ends back on the dashboard with its result.
func TestBrowserDemoPayment(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tab := bt.Tab(t)
	browserSignIn(t, tab, e, e.user("admin@example.org", team.RoleAdmin, false))
	for _, c := range []struct{ card, amount, want string }{
		{"4444333322221111", "12.34", "Your demo payment of £12.34 was successful."},
		{sandbox.CardDeclined, "5", "Your demo payment of £5.00 did not succeed: Declined."},
	} {
		bt.Do(t, tab, chromedp.Navigate(e.server.URL+e.accountPath("")), chromedp.Click(chromedp.ID("dashboard-demo-payment")),
			chromedp.WaitVisible(chromedp.ID("payment-amount")))
		bt.Accessible(t, tab)
		bt.Do(t, tab, chromedp.SetValue(chromedp.ID("payment-amount"), c.amount), chromedp.Click(chromedp.ID("make-demo-payment")),
			bt.FillCard(c.card), chromedp.Click(chromedp.ID("submit-card-details")))
		if c.card == sandbox.CardDeclined {
			bt.Do(t, tab, chromedp.WaitVisible(chromedp.ID("return-url")), chromedp.Click(chromedp.ID("return-url")))
		} else {
			bt.Do(t, tab, chromedp.WaitVisible(chromedp.ID("confirm")), chromedp.Click(chromedp.ID("confirm")))
		}
		bt.Do(t, tab, chromedp.WaitVisible(chromedp.ID("demo-result")))
		if got := bt.Text(t, tab, "#demo-result p"); !strings.HasPrefix(got, c.want) {
			t.Errorf("the dashboard says %q, want %q", got, c.want)
		}
		if loc := bt.Location(t, tab); !strings.HasPrefix(loc, e.server.URL+e.accountPath("")+"?demo-payment=") {
			t.Errorf("ended at %s", loc)
		}
		bt.Accessible(t, tab)
	}
}
