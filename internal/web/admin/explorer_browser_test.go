package admin_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"pay/internal/pay"
	"pay/internal/team"
	bt "pay/internal/web/browsertest"
)

// TestBrowserExplorerAnswer: after Send request the answer has the focus
// and is on screen; after an error answer about a payment, the examples
// still use that payment.
func TestBrowserExplorerAnswer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key, k := pay.NewAPIKey(e.account, testSecret, "explorer", "admin@example.org")
	must(t, e.Store.APIKeyInsert(e.Ctx, k))
	p := e.newPayment(nil)
	tab := bt.Tab(t)
	browserSignIn(t, tab, e, e.user("admin@example.org", team.RoleAdmin, false))
	bt.Do(t, tab, chromedp.Navigate(e.server.URL+e.accountPath("/explorer")), chromedp.WaitVisible(chromedp.ID("send-request")),
		chromedp.SetValue(chromedp.ID("method"), "POST"), chromedp.SetValue(chromedp.ID("path"), "/v1/payments/"+p.ID+"/capture"),
		chromedp.SetValue(chromedp.ID("key"), key), chromedp.Click(chromedp.ID("send-request")),
		chromedp.WaitVisible(chromedp.ID("response-status")))
	if status := bt.Text(t, tab, "#response-status"); !strings.HasPrefix(status, "4") {
		t.Fatalf("capturing an unfinished payment answered %q", status)
	}
	if focused := bt.Get(t, tab, chromedp.Evaluate[string]("document.activeElement.id")); focused != "response" {
		t.Errorf("focus is on %q, want the answer", focused)
	}
	if !bt.Get(t, tab, chromedp.Evaluate[bool]("document.getElementById('response').getBoundingClientRect().top < window.innerHeight")) {
		t.Error("the answer is below the fold")
	}
	bt.Accessible(t, tab)
	bt.Do(t, tab, chromedp.SetValue(chromedp.ID("operation"), "get-payment"), chromedp.Click(chromedp.ID("load-example")),
		chromedp.WaitVisible(chromedp.ID("path")))
	if path := bt.Get(t, tab, chromedp.Value(chromedp.ID("path"))); path != "/v1/payments/"+p.ID {
		t.Errorf("after an error answer the example's path is %q", path)
	}
}
