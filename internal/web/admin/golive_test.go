package admin_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"pay/internal/pay"
	"pay/internal/team"
)

func goLiveForm() url.Values {
	return url.Values{"organisationName": {"Borough Council"}, "addressLine1": {"1 High Street"}, "addressCity": {"London"},
		"addressPostcode": {"SW1A 1AA"}, "addressCountry": {"GB"}, "acceptTerms": {"yes"},
		"stripeSecretKey": {liveKey}, "stripeWebhookSecret": {"whsec_signing"}}
}

// TestGoLive: an admin goes live from the sandbox dashboard; the form says
// what is wrong, Stripe's refusal of the key included, and keeps no secret
// in the page; then the live account is there and the offer is gone.
func TestGoLive(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	b.signIn(e.user("admin@example.org", team.RoleAdmin, false))
	if p := b.get(e.accountPath("")); !p.has(`id="go-live-link"`) {
		t.Fatalf("no go-live offer on the sandbox dashboard:\n%s", p.body)
	}
	p := b.get(e.accountPath("/go-live"))
	if p.heading() != "Go live" || !p.has("/webhooks/stripe/"+itoa(e.service.ID)) {
		t.Fatalf("go-live page:\n%s", p.body)
	}
	bad := b.post(e.accountPath("/go-live"), url.Values{"addressCountry": {"XX"}, "stripeSecretKey": {"pk_live_x"},
		"stripeWebhookSecret": {"nope"}, "addressLine2": {strings.Repeat("x", 256)}})
	want := []string{"organisation-name: Enter the name of your organisation", "address-line-1: Enter a building and street",
		"address-line-2: Must be 255 characters or fewer", "address-city: Enter a town or city", "address-postcode: Enter a postcode",
		"address-country: Select a country", "accept-terms: You must accept the terms to go live",
		"stripe-secret-key: Enter the Stripe account’s secret key: it starts with sk_live_",
		"stripe-webhook-secret: Enter the webhook’s signing secret: it starts with whsec_"}
	if !slices.Equal(bad.errors(), want) {
		t.Fatalf("invalid form: %q", bad.errors())
	}
	form := goLiveForm()
	form.Set("stripeSecretKey", "sk_live_refused")
	refused := b.post(e.accountPath("/go-live"), form)
	if !slices.Equal(refused.errors(), []string{"stripe-secret-key: The Stripe account did not accept this secret key"}) ||
		refused.has("sk_live_refused") || refused.has("whsec_signing") || !refused.has(`value="Borough Council"`) {
		t.Fatalf("refused key: %q\n%s", refused.errors(), refused.body)
	}
	ok := b.post(e.accountPath("/go-live"), goLiveForm())
	if ok.status != http.StatusSeeOther || !strings.HasSuffix(ok.location, "?live") {
		t.Fatalf("going live: %d %s %q", ok.status, ok.location, ok.errors())
	}
	if p := b.follow(ok); !p.has(`id="went-live"`) || !p.has("Live account") || p.has(`id="sandbox-banner"`) {
		t.Fatalf("live dashboard:\n%s", p.body)
	}
	list, _ := e.Store.AccountList(e.Ctx)
	var live *pay.Account
	for _, a := range list {
		if a.ServiceID == e.service.ID && a.IsLive() {
			live = a
		}
	}
	if live == nil || live.Provider != pay.ProviderStripe {
		t.Fatalf("no live Stripe account: %+v", list)
	}
	if org, err := e.Store.OrganisationGet(e.Ctx, e.service.ID); err != nil || org.Name != "Borough Council" || org.AcceptedBy != "admin@example.org" {
		t.Fatalf("organisation %+v, %v", org, err)
	}
	if p := b.get(e.accountPath("")); p.has(`id="go-live-link"`) {
		t.Fatal("the go-live offer stays after going live")
	}
	if p := b.post(e.accountPath("/go-live"), goLiveForm()); !p.has(`id="open-live"`) {
		t.Fatalf("going live twice:\n%s", p.body)
	}
}

// TestGoLiveNeedsAdmin: other roles see no offer and get 403.
func TestGoLiveNeedsAdmin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	b.signIn(e.user("refunds@example.org", team.RoleViewAndRefund, false))
	if p := b.get(e.accountPath("")); p.has(`id="go-live-link"`) {
		t.Fatal("go-live offer for a non-admin")
	}
	for _, p := range []*page{b.get(e.accountPath("/go-live")), b.post(e.accountPath("/go-live"), goLiveForm())} {
		if p.status != http.StatusForbidden {
			t.Fatalf("go-live as view-and-refund: %d", p.status)
		}
	}
	if list, _ := e.Store.AccountList(e.Ctx); len(list) != 2 {
		t.Fatalf("accounts: %d, want the 2 of the fixture", len(list))
	}
}
