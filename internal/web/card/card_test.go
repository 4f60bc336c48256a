package card_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"pay/internal/apptest"
	"pay/internal/pay"
	"pay/internal/provider/sandbox"
	"pay/internal/web/card"
)

func TestJourney(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p, token := e.newPayment(nil)
	b := e.browser()
	form := b.open(token)
	if form.status != 200 || !strings.Contains(form.body, `<title>Enter card details</title>`) ||
		!strings.Contains(form.body, "£120.00") || !strings.Contains(form.body, "New passport application") {
		t.Fatalf("card page: %d\n%s", form.status, form.body)
	}
	if e.status(p.ID) != pay.StatusEnteringCardDetails {
		t.Fatalf("status %s after opening the form", e.status(p.ID))
	}
	res := b.post("/card_details/"+p.ID, goodCard("4444 3333 2222 1111"))
	if res.location != "/card_details/"+p.ID+"/confirm" {
		t.Fatalf("submit: %d %s", res.status, res.location)
	}
	confirm := b.get(res.location)
	for _, want := range []string{"Confirm your payment", "••••••••••••1111", "12/30", "J Bloggs", "1 High Street, London, SW1A 1AA, United Kingdom", "payer@example.org", `id="confirm"`} {
		if !strings.Contains(confirm.body, want) {
			t.Errorf("confirm page lacks %q", want)
		}
	}
	if csp := confirm.header.Get("Content-Security-Policy"); !strings.HasSuffix(csp, "form-action 'self' "+e.service.URL) {
		t.Errorf("the confirm page's form ends at the service, so form-action must allow it: %s", csp)
	}
	done := b.post("/card_details/"+p.ID+"/confirm", nil)
	if done.location != "/return/"+p.ID {
		t.Fatalf("confirm: %d %s", done.status, done.location)
	}
	// The status changes before the payer is sent back.
	if st := e.status(p.ID); st != pay.StatusCaptureApproved {
		t.Fatalf("status %s when the payer is sent back, want CAPTURE APPROVED", st)
	}
	back := b.get(done.location)
	if back.status != http.StatusFound || back.location != e.service.URL+"/return" {
		t.Fatalf("return: %d %s", back.status, back.location)
	}
	stored, _ := e.Store.PaymentGet(e.Ctx, 0, p.ID)
	if stored.Email != "payer@example.org" || stored.Card.LastDigits != "1111" || stored.Card.BillingAddress.Postcode != "SW1A 1AA" {
		t.Fatalf("stored %+v", stored)
	}

	t.Run("BackButtonAndResubmit", func(t *testing.T) {
		// Going back and submitting again never authorises or captures twice;
		// a form posted again is answered with a redirect to the outcome.
		for _, page := range []*page{b.get("/card_details/" + p.ID), b.followPost("/card_details/"+p.ID, goodCard("4444333322221111")),
			b.get("/card_details/" + p.ID + "/confirm"), b.followPost("/card_details/"+p.ID+"/confirm", nil)} {
			if page.status != 200 || page.heading() != "Your payment was successful" {
				t.Fatalf("after payment: %d %q", page.status, page.heading())
			}
		}
		events, _ := e.Store.PaymentEvents(e.Ctx, 0, p.ID)
		n := 0
		for _, ev := range events {
			if ev.Status == pay.StatusAuthorisationSuccess || ev.Status == pay.StatusCaptureApproved {
				n++
			}
		}
		if n != 2 {
			t.Fatalf("authorised or approved %d times", n)
		}
	})
}

func TestTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p, token := e.newPayment(nil)
	payer := e.browser()
	payer.open(token)

	t.Run("UsedTokenSameBrowser", func(t *testing.T) {
		if res := payer.get("/secure/" + token); res.status != http.StatusSeeOther || res.location != "/card_details/"+p.ID {
			t.Fatalf("the payer's own browser coming back: %d %s", res.status, res.location)
		}
	})
	t.Run("UsedTokenOtherBrowser", func(t *testing.T) {
		res := e.browser().get("/secure/" + token)
		if res.status != http.StatusForbidden || res.heading() != "Your payment session has expired" {
			t.Fatalf("another browser: %d %q", res.status, res.heading())
		}
	})
	t.Run("NoSession", func(t *testing.T) {
		for _, path := range []string{"/card_details/" + p.ID, "/card_details/" + p.ID + "/confirm", "/return/" + p.ID} {
			if res := e.browser().get(path); res.status != http.StatusForbidden {
				t.Errorf("%s without the session: %d", path, res.status)
			}
		}
		if res := e.browser().post("/card_details/"+p.ID, goodCard("4444333322221111")); res.status != http.StatusForbidden {
			t.Errorf("submitting without the session: %d", res.status)
		}
		if e.status(p.ID) != pay.StatusEnteringCardDetails {
			t.Errorf("a stranger changed the payment to %s", e.status(p.ID))
		}
	})
	t.Run("ForgedCookie", func(t *testing.T) {
		b := e.browser()
		req, _ := http.NewRequest(http.MethodGet, e.server.URL+"/card_details/"+p.ID, nil)
		req.AddCookie(&http.Cookie{Name: "pay_card_session", Value: `eyJwIjpbeyJpIjoi` + p.ID + `In1dfQ.AAAA`})
		if res := b.do(req); res.status != http.StatusForbidden {
			t.Fatalf("forged cookie: %d", res.status)
		}
	})
	t.Run("PostTokenAndUnknown", func(t *testing.T) {
		q, token2 := e.newPayment(nil)
		b := e.browser()
		res := b.post("/secure", url.Values{"chargeTokenId": {token2}})
		if res.status != http.StatusSeeOther || res.location != "/card_details/"+q.ID {
			t.Fatalf("next_url_post: %d %s", res.status, res.location)
		}
		if res := e.browser().get("/secure/nonsense"); res.status != http.StatusForbidden {
			t.Fatalf("unknown token: %d", res.status)
		}
		if res := e.browser().get("/card_details/" + pay.NewID()); res.status != http.StatusNotFound {
			t.Fatalf("unknown payment: %d", res.status)
		}
	})
	t.Run("CrossSiteFormRefused", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, e.server.URL+"/card_details/"+p.ID+"/cancel", nil)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if res := payer.do(req); res.status != http.StatusForbidden || e.status(p.ID) != pay.StatusEnteringCardDetails {
			t.Fatalf("cross-site POST: %d, status %s", res.status, e.status(p.ID))
		}
		// Services post their payers to /secure from their own sites: that is allowed.
		_, token3 := e.newPayment(nil)
		req, _ = http.NewRequest(http.MethodPost, e.server.URL+"/secure", strings.NewReader("chargeTokenId="+token3))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if res := e.browser().do(req); res.status != http.StatusSeeOther {
			t.Fatalf("cross-site POST /secure: %d", res.status)
		}
	})
}

func TestSecureCookieOverHTTPS(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *card.Config) { c.SecureCookies = true })
	_, token := e.newPayment(nil)
	if cookie := e.browser().get("/secure/" + token).header.Get("Set-Cookie"); !strings.Contains(cookie, "; Secure") {
		t.Fatalf("cookie %q is not Secure although Pay is reached over https", cookie)
	}
}

func TestHeadersAndCookie(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, token := e.newPayment(nil)
	b := e.browser()
	res := b.get("/secure/" + token)
	cookie := res.header.Get("Set-Cookie")
	for _, want := range []string{"pay_card_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
	if strings.Contains(cookie, "Secure") {
		t.Error("the cookie is Secure although Pay is reached over http")
	}
	form := b.get(res.location)
	h := form.header
	want := map[string]string{"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}
	for k, v := range want {
		if h.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, h.Get(k), v)
		}
	}
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "form-action 'self'", "default-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %s", csp, want)
		}
	}
	if strings.Contains(form.body, "<script>") || strings.Contains(csp, "unsafe-inline") || strings.Contains(form.body, " style=") {
		t.Error("a page uses inline script or style")
	}
	if css := b.get("/static/pay.css"); css.status != 200 || !strings.HasPrefix(css.header.Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet: %d %s", css.status, css.header.Get("Content-Type"))
	}
}

// TestValidation checks messages, their order and the values kept, as
// GOV.UK Pay's card page gives them.
func TestValidation(t *testing.T) {
	t.Parallel()
	now := time.Now()
	lastYear := now.AddDate(-1, 0, 0).Format("2006")
	tests := []struct {
		name    string
		change  map[string]string
		setup   func(*pay.AccountSettings)
		summary []string
		inline  map[string]string
	}{
		{name: "AllEmpty", change: map[string]string{"cardNo": "", "expiryMonth": "", "expiryYear": "", "cardholderName": "", "cvc": "",
			"addressLine1": "", "addressCity": "", "addressPostcode": "", "addressCountry": "", "email": ""},
			summary: []string{"card-no: Enter a valid card number", "expiry-month: Enter a valid expiry date", "cardholder-name: Enter a valid name",
				"cvc: Enter a valid card security code", "email: Enter a valid email", "address-line-1: Enter a valid address line 1",
				"address-city: Enter a valid town/city", "address-postcode: Enter a valid postcode", "address-country: Enter a valid country or territory"},
			inline: map[string]string{"card-no": "Enter a valid card number", "expiry-date": "Enter a valid expiry date",
				"cardholder-name": "Enter the name as it appears on the card", "cvc": "Enter a valid card security code", "email": "Enter a valid email",
				"address-line-1": "Enter address line 1, typically the building and street", "address-city": "Enter a valid town/city",
				"address-postcode": "Enter a valid postcode", "address-country": "Enter a valid country or territory"}},
		{name: "CardNotDigits", change: map[string]string{"cardNo": "4444-3333-2222-1111"}, summary: []string{"card-no: Enter a valid card number"}},
		{name: "CardTooShort", change: map[string]string{"cardNo": "4444 3333"}, summary: []string{"card-no: Card number is not the correct length"}},
		{name: "CardTooLong", change: map[string]string{"cardNo": "44443333222211110000"}, summary: []string{"card-no: Card number is not the correct length"}},
		{name: "CardLuhn", change: map[string]string{"cardNo": "4444333322221112"}, summary: []string{"card-no: Enter a valid card number"}},
		{name: "CardMaestroNotAccepted", change: map[string]string{"cardNo": "6759649826438453"}, summary: []string{"card-no: This card type is not accepted"}},
		{name: "CardUnknownBrand", change: map[string]string{"cardNo": "9999999999999995"}, summary: []string{"card-no: This card type is not accepted"}},
		{name: "CardBrandOff", setup: func(s *pay.AccountSettings) { s.CardTypes = []string{"master-card-debit", "master-card-credit"} },
			summary: []string{"card-no: This card type is not accepted"}},
		{name: "DebitNotAccepted", setup: func(s *pay.AccountSettings) { s.CardTypes = []string{"visa-credit"} },
			change: map[string]string{"cardNo": "4000056655665556"}, summary: []string{"card-no: Visa debit cards are not supported"}},
		{name: "MonthInvalid", change: map[string]string{"expiryMonth": "13"}, summary: []string{"expiry-month: Enter a valid expiry date"}},
		{name: "YearMissing", change: map[string]string{"expiryYear": ""}, summary: []string{"expiry-month: Enter a valid expiry date"}},
		{name: "YearTooFar", change: map[string]string{"expiryYear": "2100"}, summary: []string{"expiry-month: Enter a valid expiry date"}},
		{name: "ExpiryPast", change: map[string]string{"expiryYear": lastYear}, summary: []string{"expiry-month: Enter an expiry date in the future"},
			inline: map[string]string{"expiry-date": "Enter a valid expiry date"}},
		{name: "CVCShort", change: map[string]string{"cvc": "12"}, summary: []string{"cvc: Enter a valid card security code"}},
		{name: "CVCLong", change: map[string]string{"cvc": "12345"}, summary: []string{"cvc: Enter a valid card security code"}},
		{name: "NameIsCardNumber", change: map[string]string{"cardholderName": "4444333322221111"}, summary: []string{"cardholder-name: Enter the name as it appears on the card"}},
		{name: "NameIsCVC", change: map[string]string{"cardholderName": " 123 "}, summary: []string{"cardholder-name: Enter the name as it appears on the card"}},
		{name: "AddressDigits", change: map[string]string{"addressLine1": "Flat 123456789012"}, summary: []string{"address-line-1: Enter address line 1, typically the building and street"}},
		{name: "Line2Digits", change: map[string]string{"addressLine2": "123456789012"}, summary: []string{"address-line-2: Enter address line 2"}},
		{name: "PostcodeNotUK", change: map[string]string{"addressPostcode": "XYZ"}, summary: []string{"address-postcode: Enter a valid postcode"}},
		{name: "EmailInvalid", change: map[string]string{"email": "not-an-email"}, summary: []string{"email: Enter a valid email"}},
		{name: "EmailNoDot", change: map[string]string{"email": "a@localhost"}, summary: []string{"email: Enter a valid email"}},
		{name: "EmailDoubleDot", change: map[string]string{"email": "a..b@example.org"}, summary: []string{"email: Enter a valid email"}},
		{name: "CountryUnknown", change: map[string]string{"addressCountry": "ZZ"}, summary: []string{"address-country: Enter a valid country or territory"}},
		// Accepted inputs.
		{name: "FrenchPostcode", change: map[string]string{"addressCountry": "FR", "addressPostcode": "75001"}},
		{name: "PostcodeNoSpace", change: map[string]string{"addressPostcode": "sw1a1aa"}},
		{name: "TwoDigitYearAndAmexCVC", change: map[string]string{"cardNo": "371449635398431", "expiryYear": "30", "cvc": "1234"}},
		{name: "EmailOptional", setup: func(s *pay.AccountSettings) { s.EmailCollection = pay.EmailOptional }, change: map[string]string{"email": ""}},
		{name: "EmailOff", setup: func(s *pay.AccountSettings) { s.EmailCollection = pay.EmailOff }, change: map[string]string{"email": "not an email"}},
		{name: "NoAddress", setup: func(s *pay.AccountSettings) { s.CollectBillingAddress = false },
			change: map[string]string{"addressLine1": "", "addressCity": "", "addressPostcode": "", "addressCountry": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			if tt.setup != nil {
				e.setting(tt.setup)
			}
			p, token := e.newPayment(nil)
			b := e.browser()
			b.open(token)
			form := goodCard("4444333322221111")
			for k, v := range tt.change {
				form.Set(k, v)
			}
			res := b.post("/card_details/"+p.ID, form)
			if tt.summary == nil {
				if res.status != http.StatusSeeOther || e.status(p.ID) != pay.StatusAuthorisationSuccess {
					t.Fatalf("valid form refused: %d %v", res.status, res.summary())
				}
				return
			}
			if diff := cmp.Diff(tt.summary, res.summary()); diff != "" {
				t.Fatalf("error summary (-want +got):\n%s", diff)
			}
			for id, msg := range tt.inline {
				if got := res.inline()[id]; got != msg {
					t.Errorf("inline error at %s: %q, want %q", id, got, msg)
				}
			}
			if !strings.Contains(res.body, `autofocus`) || !strings.Contains(res.body, `role="alert"`) {
				t.Error("the error summary is not focused on load")
			}
			if !strings.Contains(res.body, `value="`+form.Get("cardNo")+`"`) || !strings.Contains(res.body, `value="`+form.Get("cvc")+`"`) {
				t.Error("the card number and security code typed were not shown again")
			}
			if !strings.Contains(res.body, `id="card-no" name="cardNo" type="text" inputmode="numeric"`) || !strings.Contains(res.body, `name="cvc" type="text" inputmode="numeric" autocomplete="cc-csc"
        maxlength="4" aria-describedby="cvc-hint`) {
				t.Error("card form markup changed")
			}
			if v := form.Get("cardholderName"); v == "J Bloggs" && !strings.Contains(res.body, `value="J Bloggs"`) {
				t.Error("the name was not kept")
			}
			if e.status(p.ID) != pay.StatusEnteringCardDetails {
				t.Fatalf("an invalid form changed the status to %s", e.status(p.ID))
			}
		})
	}
}

func TestOutcomes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		card, heading string
		status        pay.Status
	}{
		{sandbox.CardDeclined, "Your payment has been declined", pay.StatusAuthorisationRejected},
		{sandbox.CardExpired, "Your payment has been declined", pay.StatusAuthorisationRejected},
		{sandbox.CardBadCVC, "Your payment has been declined", pay.StatusAuthorisationRejected},
		{sandbox.CardProcessingError, "We’re experiencing technical problems", pay.StatusAuthorisationError},
		{"4012888888881881", "We’re experiencing technical problems", pay.StatusAuthorisationError},
	}
	for _, tt := range tests {
		t.Run(tt.card, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			p, token := e.newPayment(nil)
			b := e.browser()
			b.open(token)
			res := b.post("/card_details/"+p.ID, goodCard(tt.card))
			page := b.get(res.location)
			if page.heading() != tt.heading || e.status(p.ID) != tt.status || !strings.Contains(page.body, `href="/return/`+p.ID+`"`) {
				t.Fatalf("%s: %q, status %s", tt.card, page.heading(), e.status(p.ID))
			}
		})
	}
}

func TestThreeDSecure(t *testing.T) {
	t.Parallel()
	for _, result := range []string{"pass", "fail"} {
		t.Run(result, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			p, token := e.newPayment(nil)
			b := e.browser()
			b.open(token)
			res := b.post("/card_details/"+p.ID, goodCard(sandbox.CardThreeDSecure))
			if res.location != "/card_details/"+p.ID+"/3ds_required" {
				t.Fatalf("3-D Secure card: %s", res.location)
			}
			if page := b.get(res.location); page.heading() != "Your bank is checking your details" {
				t.Fatalf("challenge page: %q", page.heading())
			}
			res = b.post("/card_details/"+p.ID+"/3ds_required", url.Values{"result": {result}})
			stored, _ := e.Store.PaymentGet(e.Ctx, 0, p.ID)
			if result == "pass" && (res.location != "/card_details/"+p.ID+"/confirm" || stored.Status != pay.StatusAuthorisationSuccess || !stored.ThreeDSRequired) {
				t.Fatalf("passed: %s %s", res.location, stored.Status)
			}
			if result == "fail" && (b.get(res.location).heading() != "Your payment has been declined" || stored.Status != pay.StatusAuthorisationRejected) {
				t.Fatalf("failed: %s", stored.Status)
			}
		})
	}
}

func TestDelayedCapture(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p, token := e.newPayment(func(r *pay.CreatePaymentRequest) { r.DelayedCapture = true })
	b := e.browser()
	b.open(token)
	b.post("/card_details/"+p.ID, goodCard("4444333322221111"))
	b.post("/card_details/"+p.ID+"/confirm", nil)
	if st := e.status(p.ID); st != pay.StatusAwaitingCaptureRequest {
		t.Fatalf("status %s, want AWAITING CAPTURE REQUEST", st)
	}
	if page := b.get("/card_details/" + p.ID); page.heading() != "Your payment was successful" {
		t.Fatalf("capturable payment page: %q", page.heading())
	}
}

func TestPayerCancels(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	t.Run("OnCardForm", func(t *testing.T) {
		p, token := e.newPayment(nil)
		b := e.browser()
		b.open(token)
		page := b.followPost("/card_details/"+p.ID+"/cancel", nil)
		if page.heading() != "Your payment has been cancelled" || e.status(p.ID) != pay.StatusUserCancelled {
			t.Fatalf("cancel: %q %s", page.heading(), e.status(p.ID))
		}
		if back := b.get("/return/" + p.ID); back.location != e.service.URL+"/return" {
			t.Fatalf("continue: %s", back.location)
		}
	})
	t.Run("OnConfirm", func(t *testing.T) {
		p, token := e.newPayment(nil)
		b := e.browser()
		b.open(token)
		b.post("/card_details/"+p.ID, goodCard("4444333322221111"))
		b.post("/card_details/"+p.ID+"/cancel", nil)
		if st := e.status(p.ID); st != pay.StatusUserCancelled {
			t.Fatalf("status %s; an authorised payment must be voided then cancelled", st)
		}
	})
	t.Run("AbandonedAtReturn", func(t *testing.T) {
		p, token := e.newPayment(nil)
		b := e.browser()
		b.open(token)
		if back := b.get("/return/" + p.ID); back.status != http.StatusFound || e.status(p.ID) != pay.StatusUserCancelled {
			t.Fatalf("return before paying: %d %s", back.status, e.status(p.ID))
		}
	})
	t.Run("ServiceCancelled", func(t *testing.T) {
		p, token := e.newPayment(nil)
		b := e.browser()
		b.open(token)
		must(t, e.Payments.Cancel(e.Ctx, e.account.ID, p.ID))
		if page := b.get("/card_details/" + p.ID); page.heading() != "Payment cancelled" {
			t.Fatalf("cancelled by the service: %q", page.heading())
		}
	})
}

func TestWelsh(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p, token := e.newPayment(func(r *pay.CreatePaymentRequest) { r.Language = pay.LanguageWelsh })
	b := e.browser()
	form := b.open(token)
	for _, want := range []string{`<html lang="cy">`, "Rhowch fanylion y cerdyn", "Gwasanaeth trwyddedau", "Y Deyrnas Unedig", "Rhif cerdyn", "Tudalen brawf yw hon"} {
		if !strings.Contains(form.body, want) {
			t.Errorf("Welsh card page lacks %q", want)
		}
	}
	res := b.post("/card_details/"+p.ID, url.Values{"cardNo": {"1234"}})
	if s := res.summary(); len(s) == 0 || s[0] != "card-no: Nid yw rhif y cerdyn yr hyd cywir" {
		t.Fatalf("Welsh errors: %v", s)
	}
	res = b.post("/card_details/"+p.ID, goodCard(sandbox.CardDeclined))
	if page := b.get(res.location); page.heading() != "Mae eich taliad wedi cael ei wrthod" {
		t.Fatalf("Welsh declined page: %q", page.heading())
	}
}

func TestPrefilled(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	email := "known@example.org"
	_, token := e.newPayment(func(r *pay.CreatePaymentRequest) {
		r.Email = &email
		r.Prefilled = &pay.Prefilled{CardholderName: "Ms Known", Address: pay.Address{Line1: "2 Low Road", City: "Swansea", Postcode: "SA1 1AA", Country: "IE"}}
	})
	form := e.browser().open(token)
	for _, want := range []string{`value="Ms Known"`, `value="2 Low Road"`, `value="Swansea"`, `value="SA1 1AA"`, `value="known@example.org"`, `<option value="IE" selected>`} {
		if !strings.Contains(form.body, want) {
			t.Errorf("prefilled form lacks %q", want)
		}
	}
}

func TestExpiry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fresh, _ := e.newPayment(nil)
	started, token := e.newPayment(nil)
	b := e.browser()
	b.open(token)
	authorised, token2 := e.newPayment(nil)
	b2 := e.browser()
	b2.open(token2)
	b2.post("/card_details/"+authorised.ID, goodCard("4444333322221111"))
	capturable, token3 := e.newPayment(func(r *pay.CreatePaymentRequest) { r.DelayedCapture = true })
	b3 := e.browser()
	b3.open(token3)
	b3.post("/card_details/"+capturable.ID, goodCard("4444333322221111"))
	b3.post("/card_details/"+capturable.ID+"/confirm", nil)

	e.Clock.Advance(pay.PaymentLifetime - time.Minute)
	if n, err := e.Payments.ExpireStale(e.Ctx); err != nil || n != 0 {
		t.Fatalf("before 90 minutes: %d %v", n, err)
	}
	e.Clock.Advance(2 * time.Minute)
	if n, err := e.Payments.ExpireStale(e.Ctx); err != nil || n != 3 {
		t.Fatalf("after 90 minutes: expired %d, %v; want 3", n, err)
	}
	for _, p := range []*pay.Payment{fresh, started, authorised} {
		if st := e.status(p.ID); st != pay.StatusExpired {
			t.Errorf("%s: %s, want EXPIRED", p.ID, st)
		}
	}
	if page := b.get("/card_details/" + started.ID); page.heading() != "Your payment session has expired" {
		t.Fatalf("expired payment page: %q", page.heading())
	}
	events, _ := e.Store.PaymentEvents(e.Ctx, 0, authorised.ID)
	if last := events[len(events)-1]; last.Type != pay.EventCancelledByExpiration {
		t.Errorf("an authorised payment must be voided with the provider first: last event %s", last.Type)
	}
	if st := e.status(capturable.ID); st != pay.StatusAwaitingCaptureRequest {
		t.Fatalf("a capturable payment expired after 90 minutes: %s", st)
	}
	e.Clock.Advance(pay.CaptureLifetime)
	if n, _ := e.Payments.ExpireStale(e.Ctx); n != 1 || e.status(capturable.ID) != pay.StatusExpired {
		t.Fatalf("capturable after 5 days: %d %s", n, e.status(capturable.ID))
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if res := e.browser().get("/no/such/page"); res.status != http.StatusNotFound || res.heading() != "Page not found" {
		t.Fatalf("%d %q", res.status, res.heading())
	}
}

// TestMotoPaymentSkipsThreeDS: a MOTO payment through the card pages never
// asks the payer for 3-D Secure (there is no payer at the bank's challenge).
func TestMotoPaymentSkipsThreeDS(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.setting(func(s *pay.AccountSettings) { s.AllowMoto = true })
	p, token := e.newPayment(func(r *pay.CreatePaymentRequest) { r.Moto = true })
	b := e.browser()
	b.open(token)
	if res := b.post("/card_details/"+p.ID, goodCard(sandbox.CardThreeDSecure)); res.location != "/card_details/"+p.ID+"/confirm" {
		t.Fatalf("MOTO payment with the 3-D Secure card went to %s", res.location)
	}
}

func TestMotoAPITokenOpensNoPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.setting(func(s *pay.AccountSettings) { s.AllowMotoAPI = true })
	p, token := e.newPayment(func(r *pay.CreatePaymentRequest) { r.AuthorisationMode = pay.ModeMotoAPI; r.ReturnURL = nil })
	b := e.browser()
	if res := b.get("/secure/" + token); res.status != http.StatusForbidden {
		t.Fatalf("a moto_api token opened the card pages: %d %s", res.status, res.location)
	}
	if res := b.get("/card_details/" + p.ID); res.status != http.StatusNotFound {
		t.Fatalf("card pages of a moto_api payment: %d", res.status)
	}
}

// TestEmailField checks the email field follows the account's collection
// mode (required, optional, hidden) and promises a confirmation only when
// the account sends one.
func TestEmailField(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		change func(s *pay.AccountSettings)
		want   []string
		absent []string
	}{
		{"Mandatory", func(*pay.AccountSettings) {}, []string{`<label class="label" id="email-lbl" for="email">Email</label>`,
			`id="email-hint">We’ll send your payment confirmation here</p>`, `aria-describedby="email-hint"`}, []string{"Email (optional)"}},
		{"Optional", func(s *pay.AccountSettings) { s.EmailCollection = pay.EmailOptional },
			[]string{`for="email">Email (optional)</label>`, `id="email-hint"`}, nil},
		{"Off", func(s *pay.AccountSettings) { s.EmailCollection = pay.EmailOff }, nil, []string{`id="email"`, `name="email"`}},
		{"NoConfirmationEmail", func(s *pay.AccountSettings) { s.ConfirmationEmails = false },
			[]string{`name="email" type="email"`}, []string{`id="email-hint"`, `aria-describedby="email-hint`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.setting(tc.change)
			_, token := e.newPayment(nil)
			form := e.browser().open(token)
			for _, s := range tc.want {
				if !strings.Contains(form.body, s) {
					t.Errorf("card form lacks %q", s)
				}
			}
			for _, s := range tc.absent {
				if strings.Contains(form.body, s) {
					t.Errorf("card form has %q", s)
				}
			}
		})
	}
}

// Text PostgreSQL cannot keep (a NUL character, bytes that are not UTF-8)
// gets the field's "Enter a valid …" on every engine, never a 500, and the
// payment stays as it was; a token or id that is not text opens nothing.
func TestNonTextFields(t *testing.T) {
	t.Parallel()
	apptest.ForEachEngine(t, func(t *testing.T, eng apptest.Engine) {
		e := newEnvOn(t, eng)
		p, token := e.newPayment(nil)
		b := e.browser()
		b.open(token)
		form := goodCard("4444333322221111")
		form.Set("cardholderName", "J\x00Bloggs")
		form.Set("addressLine2", "Flat \xff")
		form.Set("email", "\xc3@example.org")
		page := b.post("/card_details/"+p.ID, form)
		want := []string{"cardholder-name: Enter a valid name", "email: Enter a valid email", "address-line-2: Enter a valid address line 2"}
		if page.status != http.StatusOK || !slices.Equal(page.summary(), want) {
			t.Errorf("card form: %d, summary %q, want %q", page.status, page.summary(), want)
		}
		if st := e.status(p.ID); st != pay.StatusEnteringCardDetails {
			t.Errorf("status after a refused form: %s", st)
		}
		// As an unknown token or payment: 403 and 404.
		for path, want := range map[string]int{"/secure/a%00b": 403, "/secure/%ff": 403, "/card_details/%00": 404, "/card_details/%ff/confirm": 404} {
			if page := b.get(path); page.status != want {
				t.Errorf("GET %s: %d, want %d", path, page.status, want)
			}
		}
		if page := b.post("/secure", url.Values{"chargeTokenId": {"\x00"}}); page.status != 403 {
			t.Errorf("POST /secure: %d, want 403", page.status)
		}
	})
}

// hostedChallenge is a provider whose 3-D Secure challenge is on its own
// pages, as Stripe's is: the payer passes there.
type hostedChallenge struct{ *sandbox.Provider }

const challengePage = "https://acs.example/challenge?id=1"

func (hostedChallenge) ChallengeURL(context.Context, *pay.Payment) (string, error) {
	return challengePage, nil
}

func (hostedChallenge) Complete3DS(_ context.Context, p *pay.Payment, _ bool) (*pay.AuthoriseResult, error) {
	return &pay.AuthoriseResult{Outcome: pay.AuthAuthorised, ProviderID: p.ProviderID}, nil
}

// TestThreeDSecureAtProvider: the payer is offered the provider's challenge
// page, and coming back completes the authorisation with the provider's
// answer, not the payer's.
func TestThreeDSecureAtProvider(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.Payments.Providers[pay.ProviderSandbox] = hostedChallenge{sandbox.New()}
	p, token := e.newPayment(nil)
	b := e.browser()
	b.open(token)
	res := b.post("/card_details/"+p.ID, goodCard(sandbox.CardThreeDSecure))
	if res = b.get(res.location); res.status != http.StatusOK ||
		!strings.Contains(res.body, `<a href="`+html.EscapeString(challengePage)+`" class="button" id="three-ds-continue">`) ||
		strings.Contains(res.body, `id="three-ds-pass"`) {
		t.Fatalf("3-D Secure page: %d, want a link to the provider's page and no sandbox choice:\n%s", res.status, res.body)
	}
	if e.status(p.ID) != pay.StatusAuthorisation3DSRequired {
		t.Fatalf("before the payer came back: %s", e.status(p.ID))
	}
	res = b.get("/card_details/" + p.ID + "/3ds_required?" + pay.ChallengeReturnParam + "=1&payment_intent=pi_1")
	if res.location != "/card_details/"+p.ID+"/confirm" || e.status(p.ID) != pay.StatusAuthorisationSuccess {
		t.Fatalf("back from the provider: %s %s", res.location, e.status(p.ID))
	}
	if res = b.get("/card_details/" + p.ID + "/3ds_required?" + pay.ChallengeReturnParam + "=1"); strings.Contains(res.body, "three-ds-continue") {
		t.Fatal("a second return offered the challenge again")
	}
}
