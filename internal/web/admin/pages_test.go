package admin_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"pay/internal/pay"
	"pay/internal/provider/sandbox"
	"pay/internal/team"
)

var statPattern = regexp.MustCompile(`(?s)<h2 class="heading-m" id="period-\d">([^<]+)</h2>.*?<a href="([^"]+)" class="stats__link"><span class="stats__count">(\d+)</span> <span class="stats__amount">([^<]+)</span>.*?stats__net">([^<]+)<`)

var refundStatPattern = regexp.MustCompile(`href="([^"]+)" class="stats__link stats__refunds"><span class="stats__count">(\d+)</span> <span class="stats__amount">([^<]+)<`)

func TestDashboard(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := e.Clock.Now()
	e.Clock.Set(now.Add(-10 * 24 * time.Hour))
	old := e.pay(e.newPayment(func(r *pay.CreatePaymentRequest) { r.Amount = 5000 }), "4444333322221111")
	e.Clock.Set(now.Add(-3 * 24 * time.Hour))
	e.pay(e.newPayment(func(r *pay.CreatePaymentRequest) { r.Amount = 700 }), "4444333322221111")
	e.Clock.Set(now)
	e.pay(e.newPayment(func(r *pay.CreatePaymentRequest) { r.Amount = 150 }), "4444333322221111")
	e.pay(e.newPayment(func(r *pay.CreatePaymentRequest) { r.Amount = 9999 }), sandbox.CardDeclined)
	e.newPayment(nil)
	// Today's refund of the old payment counts today.
	_, err := e.Payments.Refund(e.Ctx, e.account, &pay.RefundRequest{PaymentID: old.ID, Amount: 100})
	must(t, err)
	e.processRefunds(old.ID)
	b := e.browser()
	b.signIn(e.user("viewer@example.org", team.RoleViewOnly, false))
	d := b.get(e.accountPath(""))
	var got []string
	for _, m := range statPattern.FindAllStringSubmatch(d.body, -1) {
		got = append(got, m[1]+" "+m[3]+" "+m[4]+" "+m[5])
	}
	want := []string{"Today 1 £1.50 £0.50", "Last 7 days 2 £8.50 £7.50", "Last 30 days 3 £58.50 £57.50"}
	if !slices.Equal(got, want) {
		t.Fatalf("dashboard %q, want %q", got, want)
	}
	// Each figure links to those payments in the list.
	link := strings.ReplaceAll(statPattern.FindStringSubmatch(d.body)[2], "&amp;", "&")
	rows := listed(b.get(link))
	if len(rows) != 1 || !strings.Contains(rows[0], "£1.50") {
		t.Fatalf("today's successful payments from %s: %q", link, rows)
	}
	m := refundStatPattern.FindStringSubmatch(d.body)
	if m == nil || m[2] != "1" || m[3] != "£1.00" {
		t.Fatalf("today's refunds: %q", m)
	}
	if rows := listed(b.get(unescape(m[1]))); len(rows) != 1 || !strings.Contains(rows[0], "–£1.00 Visa Refund success") {
		t.Fatalf("today's refunds from %s: %q", m[1], rows)
	}
}

func TestServicesList(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.user("admin@example.org", team.RoleAdmin, false)
	must(t, e.Store.MembershipSet(e.Ctx, &team.Membership{UserID: u.ID, ServiceID: e.other.ServiceID, Role: team.RoleViewOnly}))
	b := e.browser()
	home := b.signIn(u)
	if home.heading() != "Your services" || !home.has("Licence service") || !home.has("Other service") ||
		!home.has("View only") || !home.has("Sandbox account") || !home.has("Live account") {
		t.Fatalf("services:\n%s", home.body)
	}
	d := b.get(e.accountPath(""))
	if !d.has(`id="sandbox-banner"`) || !d.has(`id="account-mode">Sandbox account<`) {
		t.Fatal("the sandbox account's pages do not say it is the sandbox")
	}
	live := b.get("/admin/accounts/" + itoa(e.other.ID))
	if live.has(`id="sandbox-banner"`) || !live.has(`id="account-mode">Live account<`) {
		t.Fatal("the live account's pages look like the sandbox")
	}
	if p := b.get("/admin/services"); p.heading() != "Your services" {
		t.Fatalf("switching accounts: %q", p.heading())
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestSettings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	b.signIn(e.user("admin@example.org", team.RoleAdmin, false))
	p := b.get(e.accountPath("/settings"))
	if p.heading() != "Settings" || !p.has(`value="visa-debit" checked`) || !p.has(`id="allowDelayedCapture-on" name="allowDelayedCapture" value="on" checked`) {
		t.Fatalf("settings page:\n%s", p.body)
	}
	bad := b.post(e.accountPath("/settings"), url.Values{"serviceName": {""}, "defaultBillingCountry": {"XX"},
		"serviceNameWelsh": {strings.Repeat("w", 51)}})
	want := []string{"service-name: Enter a service name", "service-name-welsh: Welsh service name must be 50 characters or fewer",
		"card-types: You must choose at least one card", "default-billing-country: Select a country"}
	if !slices.Equal(bad.errors(), want) {
		t.Fatalf("invalid settings: %v", bad.errors())
	}
	if !bad.has(`<span id="account-service">Licence service</span>`) || !bad.has(`<span class="header__service">Licence service</span>`) {
		t.Error("a failed save lost the service's name from the header")
	}
	ok := b.post(e.accountPath("/settings"), url.Values{"serviceName": {"Renew a licence"}, "serviceNameWelsh": {"Adnewyddu trwydded"},
		"cardTypes": {"visa-debit", "master-card-credit", "bogus"}, "collectBillingAddress": {"off"},
		"defaultBillingCountry": {"IE"}, "allowZeroAmount": {"on"},
		"allowDelayedCapture": {"off"}, "allowMoto": {"on"}})
	if ok.status != http.StatusSeeOther {
		t.Fatalf("saving: %d %v", ok.status, ok.errors())
	}
	if p := b.follow(ok); !p.has(`id="settings-saved"`) {
		t.Fatal("no confirmation after saving")
	}
	a, err := e.Store.AccountGet(e.Ctx, e.account.ID)
	must(t, err)
	s := a.Settings
	if a.ServiceName != "Renew a licence" || a.ServiceNameWelsh != "Adnewyddu trwydded" ||
		!slices.Equal(s.CardTypes, []string{"visa-debit", "master-card-credit"}) || s.CollectBillingAddress ||
		s.DefaultBillingCountry != "IE" || !s.AllowZeroAmount ||
		s.AllowDelayedCapture || !s.AllowMoto || s.RateLimitPost != pay.DefaultRateLimitPost {
		t.Fatalf("stored: %+v %+v", a, s)
	}
	// The API follows the settings at once.
	_, err = e.Payments.Create(e.Ctx, a, &pay.CreatePaymentRequest{Amount: 100, Reference: "r", Description: "d",
		ReturnURL: ptr("https://example.org"), DelayedCapture: true})
	if !pay.IsKind(err, pay.KindInvalid) {
		t.Fatalf("delayed capture after turning it off: %v", err)
	}
}

var (
	statusPattern = regexp.MustCompile(`id="response-status">([^<]+)<`)
	nextURL       = regexp.MustCompile(`<a href="([^"]+)" id="link-next_url">`)
)

func TestExplorer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key, k := pay.NewAPIKey(e.account, testSecret, "explorer", "admin@example.org")
	must(t, e.Store.APIKeyInsert(e.Ctx, k))
	b := e.browser()
	b.signIn(e.user("admin2@example.org", team.RoleAdmin, false))
	p := b.get(e.accountPath("/explorer"))
	if p.heading() != "API Explorer" || !p.has("New passport application") ||
		!strings.Contains(html.UnescapeString(p.body), `"return_url": "https://service-name.gov.uk/transactions/12345"`) {
		t.Fatalf("explorer:\n%s", p.body)
	}
	body := `{"amount": 12000, "reference": "12345", "description": "New passport application", "return_url": "https://service.example/done"}`
	send := func(method, path, body, key string) *page {
		return b.post(e.accountPath("/explorer"), url.Values{"operation": {"create-payment"}, "method": {method}, "path": {path},
			"body": {body}, "key": {key}, "action": {"send"}})
	}
	res := send("POST", "/v1/payments", body, key)
	if m := statusPattern.FindStringSubmatch(res.body); m == nil || m[1] != "201 Created" {
		t.Fatalf("create payment: %v\n%s", res.errors(), res.body)
	}
	next := nextURL.FindStringSubmatch(res.body)
	if next == nil || !strings.HasPrefix(next[1], e.server.URL+"/secure/") || !res.has(`<a href="`+next[1]+`">`) {
		t.Fatalf("next_url is not a link:\n%s", res.body)
	}
	if !res.has("Location") || !res.has("application/json") || res.has(key) == false {
		t.Fatal("the answer's headers are not shown, or the key was dropped from the form")
	}
	// The next example uses the payment just created.
	loaded := b.post(e.accountPath("/explorer"), url.Values{"operation": {"get-events"}, "action": {"load"},
		"paymentId": {regexp.MustCompile(`name="paymentId" value="([0-9a-v]{26})"`).FindStringSubmatch(res.body)[1]}, "key": {key}})
	if !regexp.MustCompile(`id="path"[^>]*value="/v1/payments/[0-9a-v]{26}/events"`).MatchString(loaded.body) {
		t.Fatalf("the events example does not use the new payment:\n%s", loaded.body)
	}
	if res := send("GET", "/v1/payments", "", "api_test_forged"); statusPattern.FindStringSubmatch(res.body)[1] != "401 Unauthorized" {
		t.Fatal("a bad key is not refused by the API")
	}
	before := len(e.sent.list())
	for _, path := range []string{"http://evil.example/v1/payments", "//evil.example/v1/payments", "/admin/accounts",
		"/v1/../admin", "/v1/payments/../../admin", "v1/payments", "/v1/payments#x", "https://" + strings.TrimPrefix(e.server.URL, "http://") + "/v1/payments"} {
		res := send("GET", path, "", key)
		if !slices.Equal(res.errors(), []string{"path: Enter a path of Pay’s API, starting /v1/"}) {
			t.Errorf("path %q: %v", path, res.errors())
		}
	}
	if res := send("DELETE", "/v1/payments", "", key); !slices.Contains(res.errors(), "method: Choose GET or POST") {
		t.Errorf("DELETE: %v", res.errors())
	}
	if res := send("POST", "/v1/payments", "{not json", key); !slices.Contains(res.errors(), "body: Enter the request body as JSON") {
		t.Errorf("bad JSON: %v", res.errors())
	}
	if sent := e.sent.list(); len(sent) != before {
		t.Fatalf("refused requests were sent: %q", sent[before:])
	}
	for _, u := range e.sent.list() {
		if !strings.HasPrefix(u, e.server.URL+"/v1/") {
			t.Fatalf("the explorer called %s", u)
		}
	}
}

// TestHomeWithOneAccount sends a user with one account in all their
// services straight to it, wherever that service comes in the list.
func TestHomeWithOneAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	empty := &pay.Service{ExternalID: pay.NewID(), Name: "Not set up yet"}
	must(t, e.Store.ServiceInsert(e.Ctx, empty))
	u := e.user("admin@example.org", team.RoleAdmin, false)
	must(t, e.Store.MembershipSet(e.Ctx, &team.Membership{UserID: u.ID, ServiceID: empty.ID, Role: team.RoleAdmin}))
	b := e.browser()
	b.signIn(u)
	if p := b.get("/admin"); p.status != http.StatusSeeOther || p.location != e.accountPath("") {
		t.Fatalf("/admin: %d %s", p.status, p.location)
	}
	nobody := e.browser()
	lonely := e.user("lonely@example.org", team.RoleViewOnly, false)
	must(t, e.Store.MembershipDelete(e.Ctx, lonely.ID, e.service.ID))
	if p := nobody.signIn(lonely); !p.has(`id="no-services"`) {
		t.Fatalf("a user without services sees:\n%s", p.body)
	}
}

// TestNotFoundSignedIn: a signed-in user on a missing page keeps their
// header and is offered their services, not a sign-in.
func TestNotFoundSignedIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	if res := b.get("/admin/nowhere"); res.status != http.StatusNotFound || !res.has(`href="/admin/sign-in"`) {
		t.Fatalf("signed out: %d", res.status)
	}
	b.signIn(e.user("admin@example.org", team.RoleAdmin, false))
	res := b.get("/admin/nowhere")
	if res.status != http.StatusNotFound || res.has(`href="/admin/sign-in"`) || !res.has(`id="sign-out"`) || !res.has("Go to your services") {
		t.Fatalf("signed in: %d\n%s", res.status, res.body)
	}
}
