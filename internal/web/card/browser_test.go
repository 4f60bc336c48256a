package card_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"pay/internal/pay"
	"pay/internal/provider/sandbox"
	bt "pay/internal/web/browsertest"
)

func nextURL(e *env, token string) string { return e.server.URL + "/secure/" + token }

func TestBrowserJourney(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p, token := e.newPayment(nil)
	tab := bt.Tab(t)
	bt.Do(t, tab, chromedp.Navigate(nextURL(e, token)), chromedp.WaitVisible(chromedp.CSS("#card-details-wrap #card-details #card-no")))
	if title := bt.Get(t, tab, chromedp.Title()); !strings.HasPrefix(title, "Enter card details") {
		t.Fatalf("title %q", title)
	}
	bt.Accessible(t, tab)
	bt.Do(t, tab, bt.FillCard("4444 3333 2222 1111"))
	if brand := bt.Text(t, tab, ".card-brand--detected"); brand != "Visa" {
		t.Errorf("the script did not mark the card brand: %q", brand)
	}
	bt.Do(t, tab, chromedp.Click(chromedp.ID("submit-card-details")), chromedp.WaitVisible(chromedp.ID("confirm")))
	if got := bt.Text(t, tab, "h1"); got != "Confirm your payment" {
		t.Fatalf("confirm page: %q", got)
	}
	bt.Accessible(t, tab)
	bt.Do(t, tab, chromedp.Click(chromedp.ID("confirm")), chromedp.WaitVisible(chromedp.ID("service")))
	if loc := bt.Location(t, tab); loc != e.service.URL+"/return" {
		t.Fatalf("ended at %s", loc)
	}
	if st := e.status(p.ID); st != pay.StatusCaptureApproved {
		t.Fatalf("status %s", st)
	}
	// Pages of the journey, revisited, show the outcome and never pay again.
	for _, path := range []string{"", "/confirm"} {
		bt.Do(t, tab, chromedp.Navigate(e.server.URL+"/card_details/"+p.ID+path), chromedp.WaitVisible(chromedp.CSS("h1")))
		if got := bt.Text(t, tab, "h1"); got != "Your payment was successful" {
			t.Fatalf("revisiting %q: %q", path, got)
		}
	}
}

func TestBrowserErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, token := e.newPayment(nil)
	tab := bt.Tab(t)
	bt.Do(t, tab, chromedp.Navigate(nextURL(e, token)), chromedp.WaitVisible(chromedp.ID("card-no")),
		chromedp.SendKeys(chromedp.ID("card-no"), "1234"),
		chromedp.Click(chromedp.ID("submit-card-details")), chromedp.WaitVisible(chromedp.ID("error-summary")))
	if focused := bt.Get(t, tab, chromedp.Evaluate[string]("document.activeElement.id")); focused != "error-summary" {
		t.Errorf("focus is on %q, want the error summary", focused)
	}
	if first := bt.Text(t, tab, "#error-summary li a"); first != "Card number is not the correct length" {
		t.Errorf("first error: %q", first)
	}
	bt.Accessible(t, tab)
	// The summary link takes the payer to the field.
	bt.Do(t, tab, chromedp.Click(chromedp.CSS("#error-summary a[href='#card-no']")))
	if focused := bt.Get(t, tab, chromedp.Evaluate[string]("document.activeElement.id")); focused != "card-no" {
		t.Errorf("after following the summary link focus is on %q", focused)
	}
}

func TestBrowserOutcomePages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	t.Run("Declined", func(t *testing.T) {
		_, token := e.newPayment(nil)
		tab := bt.Tab(t)
		bt.Do(t, tab, chromedp.Navigate(nextURL(e, token)), bt.FillCard(sandbox.CardDeclined),
			chromedp.Click(chromedp.ID("submit-card-details")), chromedp.WaitVisible(chromedp.ID("return-url")))
		if got := bt.Text(t, tab, "h1"); got != "Your payment has been declined" {
			t.Fatalf("declined page: %q", got)
		}
		bt.Accessible(t, tab)
	})
	t.Run("Expired", func(t *testing.T) {
		p, token := e.newPayment(nil)
		tab := bt.Tab(t)
		bt.Do(t, tab, chromedp.Navigate(nextURL(e, token)), chromedp.WaitVisible(chromedp.ID("card-no")))
		if _, err := e.Payments.Expire(e.Ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		bt.Do(t, tab, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("h1.session-expired")))
		bt.Accessible(t, tab)
	})
	t.Run("ThreeDSecure", func(t *testing.T) {
		p, token := e.newPayment(nil)
		tab := bt.Tab(t)
		bt.Do(t, tab, chromedp.Navigate(nextURL(e, token)), bt.FillCard(sandbox.CardThreeDSecure),
			chromedp.Click(chromedp.ID("submit-card-details")), chromedp.WaitVisible(chromedp.ID("three-ds-pass")))
		bt.Accessible(t, tab)
		bt.Do(t, tab, chromedp.Click(chromedp.ID("three-ds-pass")), chromedp.WaitVisible(chromedp.ID("confirm")))
		if st := e.status(p.ID); st != pay.StatusAuthorisationSuccess {
			t.Fatalf("status %s", st)
		}
	})
}

// TestBrowserWithoutJavaScript pays with scripts switched off.
func TestBrowserWithoutJavaScript(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p, token := e.newPayment(nil)
	tab := bt.Tab(t)
	bt.Do(t, tab, withoutScripts, chromedp.Navigate(nextURL(e, token)), bt.FillCard("4444333322221111"),
		chromedp.Click(chromedp.ID("submit-card-details")), chromedp.WaitVisible(chromedp.ID("confirm")),
		chromedp.Click(chromedp.ID("confirm")), chromedp.WaitVisible(chromedp.ID("service")))
	if st := e.status(p.ID); st != pay.StatusCaptureApproved {
		t.Fatalf("status %s", st)
	}
}

// TestBrowserZoom checks the card form at 400% zoom: 1280 CSS pixels wide
// becomes 320, and nothing may need scrolling sideways.
func TestBrowserZoom(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, token := e.newPayment(nil)
	tab := bt.Tab(t)
	bt.Do(t, tab, chromedp.EmulateViewport(320, 640), chromedp.Navigate(nextURL(e, token)), chromedp.WaitVisible(chromedp.ID("card-no")))
	overflow := bt.Get(t, tab, chromedp.Evaluate[bool]("document.documentElement.scrollWidth > document.documentElement.clientWidth"))
	if overflow {
		t.Fatal("the card form scrolls sideways at 320 CSS pixels")
	}
}
