package admin_test

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"pay/internal/team"
	bt "pay/internal/web/browsertest"
)

// TestBrowserRefundReveal: the partial refund's amount shows only once its
// radio is chosen, with or without JavaScript, and radios are GOV.UK's
// large ones.
func TestBrowserRefundReveal(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.pay(e.newPayment(nil), "4444333322221111")
	for _, scripts := range []bool{true, false} {
		tab := bt.Tab(t)
		browserSignIn(t, tab, e, e.user(map[bool]string{true: "js@example.org", false: "nojs@example.org"}[scripts], team.RoleAdmin, false))
		if !scripts {
			bt.Do(t, tab, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
				_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
				return err
			}))
		}
		shown := func() bool {
			return bt.Get(t, tab, chromedp.Evaluate[bool]("document.getElementById('partial-refund-amount').offsetParent !== null"))
		}
		bt.Do(t, tab, chromedp.Navigate(e.server.URL+e.accountPath("/transactions/"+p.ID+"/refund")), chromedp.WaitVisible(chromedp.ID("refund-full")))
		if shown() {
			t.Errorf("scripts %v: the partial amount shows before its radio is chosen", scripts)
		}
		if w := bt.Get(t, tab, chromedp.Evaluate[float64]("document.getElementById('refund-full').getBoundingClientRect().width")); w < 40 {
			t.Errorf("the radio is %v px wide, want GOV.UK's 40", w)
		}
		bt.Do(t, tab, chromedp.Click(chromedp.ID("refund-partial")))
		if !shown() {
			t.Errorf("scripts %v: choosing a partial refund does not show its amount", scripts)
		}
		if prefix := bt.Text(t, tab, "#partial-refund .input-prefix__symbol"); prefix != "£" {
			t.Errorf("amount prefix %q", prefix)
		}
		if scripts {
			bt.Accessible(t, tab)
		}
	}
}
