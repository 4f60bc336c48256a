package links_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"pay/internal/apptest"
	"pay/internal/pay"
)

// get fetches a page without following redirects.
func (e *env) get(path string) (*http.Response, string) {
	e.t.Helper()
	res, body := apptest.Fetch(e.t, apptest.CookieClient(), apptest.GetRequest(e.base+path))
	return res, html.UnescapeString(body)
}

// post submits a form as the browser does, from Pay's own origin.
func (e *env) post(path string, form url.Values) (*http.Response, string) {
	e.t.Helper()
	req := apptest.FormRequest(e.base+path, form)
	req.Header.Set("Origin", e.base)
	res, body := apptest.Fetch(e.t, apptest.CookieClient(), req)
	return res, html.UnescapeString(body)
}

func wantRedirect(t *testing.T, res *http.Response, to string) {
	t.Helper()
	if res.StatusCode/100 != 3 || res.Header.Get("Location") != to {
		t.Fatalf("answer %d to %q, want a redirect to %q", res.StatusCode, res.Header.Get("Location"), to)
	}
}

func wantPage(t *testing.T, res *http.Response, body string, status int, texts ...string) {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("status %d, want %d\n%s", res.StatusCode, status, body)
	}
	for _, s := range texts {
		if !strings.Contains(body, s) {
			t.Fatalf("the page lacks %q:\n%s", s, body)
		}
	}
}

func TestPayerPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, apptest.SQLite)
	own := e.newLink(&pay.Link{Title: "Parking permit", Details: "Pay for a year.\n\nIt lasts 12 months.",
		ReferenceLabel: "Permit number", ReferenceHint: "On your letter", AmountHint: "See your letter"})
	fixed := e.newLink(&pay.Link{Title: "Blue badge", Amount: 1000})
	start := "/pay/" + own.ID

	t.Run("Start", func(t *testing.T) {
		res, body := e.get(start)
		wantPage(t, res, body, 200, "<title>Make a payment - Parking permit – Sandbox service – Pay</title>",
			"<h1>Parking permit</h1>", "<p class=\"body\">It lasts 12 months.</p>", `href="`+start+`/reference"`,
			"This is a test page. No money will be taken.")
		if res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("Content-Security-Policy") == "" {
			t.Fatalf("security headers: %v", res.Header)
		}
		res, body = e.get("/pay/" + fixed.ID)
		wantPage(t, res, body, 200, "£10.00", `href="/pay/`+fixed.ID+`/confirm"`)
	})
	t.Run("Friendly", func(t *testing.T) {
		res, _ := e.get("/redirect/sandbox-service/parking-permit?reference=P1&amount=250")
		wantRedirect(t, res, start+"?reference=P1&amount=250")
		res, body := e.get("/redirect/sandbox-service/nothing-here")
		wantPage(t, res, body, 404, "Page not found")
	})
	t.Run("Prefill", func(t *testing.T) {
		res, body := e.get(start + "?reference=P1&amount=250")
		wantPage(t, res, body, 200, `href="`+start+`/confirm?amount=250&reference=P1"`)
		res, body = e.get(start + "?reference=" + url.QueryEscape("a;b"))
		wantPage(t, res, body, 400, pay.MsgPrefillReference)
		for _, bad := range []string{"0", "12.50", "10000001", "abc"} {
			res, body = e.get(start + "?amount=" + bad)
			wantPage(t, res, body, 400, pay.MsgPrefillAmount)
		}
	})
	t.Run("Reference", func(t *testing.T) {
		res, body := e.get(start + "/reference")
		wantPage(t, res, body, 200, "<title>Enter your Permit number - Parking permit", `id="payment-reference"`, "On your letter")
		for ref, msg := range map[string]string{
			"":                       "You must enter your Permit number",
			strings.Repeat("a", 256): "Permit number must be 255 characters or fewer",
			"P<1>":                   "Permit number must not include any of the following characters < > ; : ` ( ) \" = | \",\" ~ [ ]",
			"4444333322221111":       "Permit number must not be a card number",
		} {
			res, body = e.post(start+"/reference", url.Values{"payment-reference": {ref}})
			wantPage(t, res, body, 400, "<title>Error: Enter your Permit number", `href="#payment-reference">`+msg, "There is a problem")
		}
		res, _ = e.post(start+"/reference", url.Values{"payment-reference": {" P-1 "}})
		wantRedirect(t, res, start+"/amount?reference=P-1")
	})
	t.Run("Amount", func(t *testing.T) {
		res, body := e.get(start + "/amount?reference=P-1")
		wantPage(t, res, body, 200, "<title>Enter amount to pay - Parking permit", `id="payment-amount"`, "See your letter",
			`href="`+start+`/reference?reference=P-1"`)
		for amount, msg := range map[string]string{
			"":          "Enter an amount of money to pay",
			"12.5":      "Enter an amount in pounds and pence using digits and a decimal point, like 123.45 or 156.00",
			"ten":       "Enter an amount in pounds and pence using digits and a decimal point, like 123.45 or 156.00",
			"100000.01": "Enter an amount that is £100,000 or less",
			"0.00":      "Amount must be £0.01 or more",
		} {
			res, body = e.post(start+"/amount?reference=P-1", url.Values{"payment-amount": {amount}})
			wantPage(t, res, body, 400, `href="#payment-amount">`+msg)
		}
		res, _ = e.post(start+"/amount?reference=P-1", url.Values{"payment-amount": {"12.50"}})
		wantRedirect(t, res, start+"/confirm?amount=1250&reference=P-1")
	})
	t.Run("Confirm", func(t *testing.T) {
		res, _ := e.get(start + "/confirm?reference=P-1")
		wantRedirect(t, res, start+"/amount?reference=P-1")
		res, body := e.get(start + "/confirm?amount=1250&reference=P-1")
		wantPage(t, res, body, 200, "<title>Confirm - Parking permit", "Check your details", "£12.50", "P-1",
			"Continue to payment", `value="1250"`)
		res, _ = e.post(start+"/confirm", url.Values{"reference-value": {"P-1"}, "amount": {"1250"}})
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/secure/") {
			t.Fatalf("Continue to payment: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		// A reference lost on the way is asked for again, and nothing is paid.
		res, _ = e.post(start+"/confirm", url.Values{"amount": {"1250"}})
		wantRedirect(t, res, start+"/reference?amount=1250")
	})
	t.Run("Inactive", func(t *testing.T) {
		if err := e.app.Links.SetStatus(e.ctx, 0, fixed.ID, pay.LinkInactive); err != nil {
			t.Fatal(err)
		}
		res, body := e.get("/pay/" + fixed.ID)
		wantPage(t, res, body, 404, "This payment link is no longer available")
		res, body = e.post("/pay/"+fixed.ID+"/confirm", url.Values{"amount": {"1000"}})
		wantPage(t, res, body, 404, "This payment link is no longer available")
	})
	t.Run("NotFound", func(t *testing.T) {
		for _, path := range []string{"/pay/0123456789abcdef0123456789abcdef", "/pay/nope", "/payment-complete/nope",
			"/payment-complete/" + pay.NewID()} {
			res, body := e.get(path)
			wantPage(t, res, body, 404, "Page not found")
		}
	})
	t.Run("CrossOrigin", func(t *testing.T) {
		req := apptest.FormRequest(e.base+start+"/confirm", url.Values{"reference-value": {"P-1"}, "amount": {"1250"}})
		req.Header.Set("Origin", "https://evil.example")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if res, _ := apptest.Fetch(t, apptest.CookieClient(), req); res.StatusCode != http.StatusForbidden {
			t.Fatalf("a cross-origin confirm: %d, want 403", res.StatusCode)
		}
	})
}

// TestPaymentComplete covers where a link's payment comes back to.
func TestPaymentComplete(t *testing.T) {
	t.Parallel()
	e := newEnv(t, apptest.SQLite)
	l := e.newLink(&pay.Link{Title: "Blue badge", Amount: 1000, Language: pay.LanguageWelsh})
	c, err := e.app.Links.Start(e.ctx, l, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	complete := "/payment-complete/" + c.Payment.ID
	res, _ := e.get(complete) // not paid yet
	wantRedirect(t, res, "/pay/"+l.ID+"?result=failed")
	if err := e.app.Payments.Cancel(e.ctx, e.acct.ID, c.Payment.ID); err != nil {
		t.Fatal(err)
	}
	res, _ = e.get(complete)
	wantRedirect(t, res, "/pay/"+l.ID+"?result=cancelled")
	res, body := e.get("/pay/" + l.ID + "?result=cancelled")
	wantPage(t, res, body, 200, "Mae eich taliad wedi cael ei ganslo", "Gwneud taliad - Blue badge")
}

// TestRefusedPayment: an account that takes no payments (disabled) refuses
// the link's payment with a page, never a 500.
func TestRefusedPayment(t *testing.T) {
	t.Parallel()
	e := newEnv(t, apptest.SQLite)
	l := e.newLink(&pay.Link{Title: "Blue badge", Amount: 1000})
	e.acct.Disabled = true
	if err := e.app.Accounts.SaveAccount(e.ctx, e.acct); err != nil {
		t.Fatal(err)
	}
	res, body := e.post("/pay/"+l.ID+"/confirm", url.Values{"amount": {"1000"}})
	wantPage(t, res, body, http.StatusUnprocessableEntity, "Sorry, there is a problem with the service")
}
