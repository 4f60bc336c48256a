package admin_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"pay/internal/team"
	bt "pay/internal/web/browsertest"
)

// noSidewaysScroll fails the test if the page is wider than the screen.
func noSidewaysScroll(t *testing.T, tab context.Context, what string) {
	t.Helper()
	if bt.Get(t, tab, chromedp.Evaluate[bool]("document.documentElement.scrollWidth > document.documentElement.clientWidth")) {
		t.Errorf("%s scrolls sideways on a phone", what)
	}
}

// TestBrowserKeysOnAPhone: a key named with one long word fits a phone's
// screen, the copy button says it copied, and the transactions table says
// it scrolls.
func TestBrowserKeysOnAPhone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.pay(e.newPayment(nil), "4444333322221111")
	tab := bt.Tab(t)
	bt.Do(t, tab, chromedp.EmulateViewport(375, 812))
	browserSignIn(t, tab, e, e.user("admin@example.org", team.RoleAdmin, false))
	name := strings.Repeat("k", 50)
	bt.Do(t, tab, chromedp.Navigate(e.server.URL+e.accountPath("/api-keys/new")), chromedp.WaitVisible(chromedp.ID("key-name")),
		chromedp.SendKeys(chromedp.ID("key-name"), name), chromedp.Click(chromedp.ID("continue")),
		chromedp.WaitVisible(chromedp.ID("copy-key-button")))
	noSidewaysScroll(t, tab, "the new key's page")
	// A headless browser's clipboard asks for a permission no one can give:
	// stand in for it, and keep what the page copies.
	bt.Get(t, tab, chromedp.Evaluate[bool](`navigator.clipboard.writeText = text => { window.copied = text; return Promise.resolve(); }, true`))
	bt.Do(t, tab, chromedp.Click(chromedp.ID("copy-key-button")))
	bt.Get(t, tab, chromedp.Poll[bool]("window.copied !== undefined"))
	if got, key := bt.Text(t, tab, "#copy-key-button"), bt.Text(t, tab, "#api-key"); got != "API key has been copied" ||
		bt.Get(t, tab, chromedp.Evaluate[string]("window.copied")) != key {
		t.Errorf("after copying the button says %q", got)
	}
	bt.Do(t, tab, chromedp.Navigate(e.server.URL+e.accountPath("/api-keys")), chromedp.WaitVisible(chromedp.ID("create-api-key")))
	noSidewaysScroll(t, tab, "the keys page")
	bt.Accessible(t, tab)
	bt.Do(t, tab, chromedp.Navigate(e.server.URL+e.accountPath("/transactions")), chromedp.WaitVisible(chromedp.ID("transactions-list")))
	if !bt.Get(t, tab, chromedp.Evaluate[bool]("document.getElementById('transactions-scroll-hint').offsetParent !== null")) {
		t.Error("on a phone the transactions table does not say it scrolls")
	}
	bt.Accessible(t, tab)
}
