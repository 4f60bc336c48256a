package card_test

import (
	"context"
	"fmt"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"pay/internal/pay"
	"pay/internal/web"

	bt "pay/internal/web/browsertest"
)

// above reports whether the first element's top edge is above the second's.
const aboveJS = `(function(a, b) {
	return document.querySelector(a).getBoundingClientRect().top < document.querySelector(b).getBoundingClientRect().top;
})(%q, %q)`

// TestBrowserPageStructure checks what automation written against GOV.UK
// Pay's pages relies on: exact titles and the containers around the forms.
// On a phone the payment summary comes before the buttons that pay.
func TestBrowserPageStructure(t *testing.T) {
	t.Parallel()
	for _, lang := range []pay.Language{pay.LanguageEnglish, pay.LanguageWelsh} {
		t.Run(string(lang), func(t *testing.T) { t.Parallel(); checkPageStructure(t, lang) })
	}
}

func checkPageStructure(t *testing.T, lang pay.Language) {
	e := newEnv(t)
	l := web.LocaleFor(string(lang))
	_, token := e.newPayment(func(r *pay.CreatePaymentRequest) { r.Language = lang })
	tab := bt.Tab(t)
	bt.Do(t, tab, chromedp.EmulateViewport(375, 812), chromedp.Navigate(nextURL(e, token)), chromedp.WaitVisible(chromedp.ID("card-no")))
	check := func(title, form, button string) {
		t.Helper()
		if got := bt.Get(t, tab, chromedp.Title()); got != title {
			t.Errorf("title %q, want %q", got, title)
		}
		if !bt.Get(t, tab, chromedp.Evaluate[bool]("document.querySelector("+strconv.Quote(form)+") !== null")) {
			t.Errorf("no %s on %q", form, title)
		}
		if !bt.Get(t, tab, chromedp.Evaluate[bool](fmt.Sprintf(aboveJS, "#payment-summary", button))) {
			t.Errorf("on a 375 px screen the payment summary comes after %s on %q", button, title)
		}
		bt.Accessible(t, tab)
	}
	check(l.T("cardDetails.enterCardDetails"), ".govuk-grid-row > #main-content.charge-new > .charge-new__content > #card-details-wrap > #card-details", "#submit-card-details")
	bt.Do(t, tab, bt.FillCard("4444333322221111"), chromedp.Click(chromedp.ID("submit-card-details")), chromedp.WaitVisible(chromedp.ID("confirm")))
	check(l.T("confirmDetails.title"), ".govuk-grid-row > #main-content form#confirmation > #confirm", "#confirm")
}

// scripts switches JavaScript on or off in a tab.
func scripts(on bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return err
	})
}

var withoutScripts = scripts(false)

// errorSummary is the error summary's links: where each leads, and its text.
func errorSummary(t *testing.T, tab context.Context) []string {
	t.Helper()
	return bt.Get(t, tab, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#error-summary li a')).map(a => a.getAttribute('href') + ' ' + a.textContent.trim())`))
}

// TestBrowserChecksBeforeSending: with JavaScript the form is checked in
// the browser, with the server's rules and texts, before any round trip.
func TestBrowserChecksBeforeSending(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fill := chromedp.Steps(
		chromedp.WaitVisible(chromedp.ID("card-no")),
		chromedp.SendKeys(chromedp.ID("card-no"), "4444 3333 2222 1112"),
		chromedp.SendKeys(chromedp.ID("expiry-month"), "1"),
		chromedp.SendKeys(chromedp.ID("expiry-year"), "20"),
		chromedp.SendKeys(chromedp.ID("cvc"), "12"),
		chromedp.SendKeys(chromedp.ID("address-postcode"), "SW1"),
		chromedp.SendKeys(chromedp.ID("email"), "payer@"),
	)
	var want []string
	for _, scripts := range []bool{false, true} {
		_, token := e.newPayment(nil)
		tab := bt.Tab(t)
		if !scripts {
			bt.Do(t, tab, withoutScripts)
		}
		bt.Do(t, tab, chromedp.Navigate(nextURL(e, token)), fill)
		if scripts {
			bt.Get(t, tab, chromedp.Evaluate[bool]("window.samePage = true"))
		}
		bt.Do(t, tab, chromedp.Click(chromedp.ID("submit-card-details")), chromedp.WaitVisible(chromedp.ID("error-summary")))
		got := errorSummary(t, tab)
		if !scripts {
			want = got
			continue
		}
		if !bt.Get(t, tab, chromedp.Evaluate[bool]("window.samePage === true")) {
			t.Error("the form went to the server")
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") || len(got) != 8 {
			t.Errorf("the browser's errors:\n%s\nthe server's:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if focused := bt.Get(t, tab, chromedp.Evaluate[string]("document.activeElement.id")); focused != "error-summary" {
			t.Errorf("focus is on %q", focused)
		}
		if title := bt.Get(t, tab, chromedp.Title()); title != "Error: Enter card details" {
			t.Errorf("title %q", title)
		}
		if n := bt.Get(t, tab, chromedp.Evaluate[int]("document.querySelectorAll('.error-message').length")); n != len(want) {
			t.Errorf("%d inline errors for %d problems", n, len(want))
		}
		bt.Accessible(t, tab)
		// Put right, the form goes.
		bt.Do(t, tab, chromedp.SetValue(chromedp.ID("card-no"), "4444333322221111"), chromedp.SetValue(chromedp.ID("expiry-year"), "2030"),
			chromedp.SetValue(chromedp.ID("cvc"), "123"), chromedp.SetValue(chromedp.ID("cardholder-name"), "J Bloggs"),
			chromedp.SetValue(chromedp.ID("address-line-1"), "1 High Street"), chromedp.SetValue(chromedp.ID("address-city"), "London"),
			chromedp.SetValue(chromedp.ID("address-postcode"), "sw1a1aa"), chromedp.SetValue(chromedp.ID("email"), "payer@example.org"),
			chromedp.Click(chromedp.ID("submit-card-details")), chromedp.WaitVisible(chromedp.ID("confirm")))
		if addr := bt.Text(t, tab, "#address"); addr != "1 High Street, London, SW1A 1AA, United Kingdom" {
			t.Errorf("confirm page address %q", addr)
		}
	}
}

// TestBrowserTypedValuesKept: a refused form shows again what the payer
// typed, card number and security code included, and says "Error:" in its
// title.
func TestBrowserTypedValuesKept(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, token := e.newPayment(nil)
	tab := bt.Tab(t)
	// Without scripts, so that the server checks the form and answers.
	bt.Do(t, tab, withoutScripts, chromedp.Navigate(nextURL(e, token)), bt.FillCard("4444333322221112"),
		chromedp.Click(chromedp.ID("submit-card-details")), chromedp.WaitVisible(chromedp.ID("error-summary")))
	for id, want := range map[string]string{"card-no": "4444333322221112", "cvc": "123", "cardholder-name": "J Bloggs", "expiry-year": "2030"} {
		if got := bt.Get(t, tab, chromedp.Value(chromedp.ID(id))); got != want {
			t.Errorf("#%s holds %q after the error, want %q", id, got, want)
		}
	}
	if title := bt.Get(t, tab, chromedp.Title()); title != "Error: Enter card details" {
		t.Errorf("title %q", title)
	}
	bt.Do(t, tab, scripts(true)) // axe is a script
	bt.Accessible(t, tab)
}

// TestBrowserUsedLinkElsewhere: a next_url already used, opened in another
// browser, says the session has expired once and links back to the service.
func TestBrowserUsedLinkElsewhere(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, token := e.newPayment(nil)
	first, second := bt.Tab(t), bt.Tab(t)
	bt.Do(t, first, chromedp.Navigate(nextURL(e, token)), chromedp.WaitVisible(chromedp.ID("card-no")))
	bt.Do(t, second, chromedp.Navigate(nextURL(e, token)), chromedp.WaitVisible(chromedp.CSS("h1.session-expired")))
	body := bt.Text(t, second, "main")
	if n := strings.Count(body, "Your payment session has expired"); n != 1 {
		t.Errorf("the heading is said %d times: %q", n, body)
	}
	if title := bt.Get(t, second, chromedp.Title()); title != "Your payment session has expired" {
		t.Errorf("title %q", title)
	}
	bt.Accessible(t, second)
	bt.Do(t, second, chromedp.Click(chromedp.ID("return-url")), chromedp.WaitVisible(chromedp.ID("service")))
	if loc := bt.Location(t, second); loc != e.service.URL+"/return" {
		t.Fatalf("the link led to %s", loc)
	}
}

// TestBrowserHistory pays after one refused form, then goes back through
// the history: every page there is a page to show again, never a form to
// post again.
func TestBrowserHistory(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p, token := e.newPayment(nil)
	tab := bt.Tab(t)
	bt.Do(t, tab, chromedp.Navigate(nextURL(e, token)), bt.FillCard("4444333322221112"),
		chromedp.Click(chromedp.ID("submit-card-details")), chromedp.WaitVisible(chromedp.ID("error-summary")),
		chromedp.SetValue(chromedp.ID("card-no"), "4444333322221111"),
		chromedp.Click(chromedp.ID("submit-card-details")), chromedp.WaitVisible(chromedp.ID("confirm")),
		chromedp.Click(chromedp.ID("confirm")), chromedp.WaitVisible(chromedp.ID("service")))
	if st := e.status(p.ID); st != pay.StatusCaptureApproved {
		t.Fatalf("status %s", st)
	}
	for i := 1; i <= 2; i++ {
		from := bt.Location(t, tab)
		if body := back(t, tab); !strings.Contains(body, "Your payment was successful") {
			t.Fatalf("back %d times, from %s: the page says %q", i, from, body)
		}
	}
}

// back goes back one page in the tab's history, as the browser's button
// does, and returns the text of the page there once it has settled (a page
// restored from the back/forward cache may reload itself).
func back(t *testing.T, tab context.Context) string {
	t.Helper()
	from := bt.Location(t, tab)
	bt.Get(t, tab, chromedp.Evaluate[bool]("history.back(), true"))
	last := ""
	for range 40 {
		time.Sleep(100 * time.Millisecond)
		loc, err := chromedp.Run(tab, chromedp.Location())
		body, err2 := chromedp.Run(tab, chromedp.Evaluate[string]("document.readyState === 'complete' ? document.body.innerText : ''"))
		if err != nil || err2 != nil || loc == from || body == "" {
			continue
		}
		if body == last {
			return body
		}
		last = body
	}
	t.Fatalf("going back from %s led nowhere", from)
	return ""
}
