package card_test

import (
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"pay/internal/apptest"
	"pay/internal/pay"
	"pay/internal/web"
	"pay/internal/web/browsertest"
	"pay/internal/web/card"
)

func TestMain(m *testing.M) { browsertest.Main(m) }

// env is the card pages on a real SQLite store with the sandbox provider,
// and a stand-in for the service the payer returns to.
type env struct {
	*apptest.Env
	account *pay.Account
	server  *httptest.Server
	service *httptest.Server
	logs    *strings.Builder
}

func newEnv(t *testing.T, options ...func(*card.Config)) *env {
	t.Helper()
	return newEnvOn(t, apptest.SQLite, options...)
}

// newEnvOn is newEnv on the given engine.
func newEnvOn(t *testing.T, eng apptest.Engine, options ...func(*card.Config)) *env {
	t.Helper()
	e := &env{Env: apptest.New(t, eng), logs: &strings.Builder{}}
	e.account = e.NewAccount(&pay.Service{Name: "Licence service", NameWelsh: "Gwasanaeth trwyddedau"}, pay.AccountTest, pay.ProviderSandbox)
	cfg := card.Config{Payments: e.Payments, Store: e.Store, Secret: []byte("card pages test secret, 32 bytes+"),
		Logger: slog.New(slog.NewTextHandler(e.logs, nil)), Now: e.Clock.Now}
	for _, o := range options {
		o(&cfg)
	}
	h, err := card.New(cfg)
	must(t, err)
	mux := http.NewServeMux()
	h.Register(mux)
	mux.Handle("GET /static/", web.Static())
	mux.Handle("/", h.NotFound())
	e.server = apptest.Serve(t, mux)
	e.service = apptest.Service(t)
	return e
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// setting changes the account's settings.
func (e *env) setting(change func(*pay.AccountSettings)) {
	e.T.Helper()
	e.UpdateAccount(e.account.ID, func(a *pay.Account) { change(&a.Settings) })
}

// newPayment creates a payment through the domain, as the API would, and
// returns it with its next_url token.
func (e *env) newPayment(change func(*pay.CreatePaymentRequest)) (*pay.Payment, string) {
	e.T.Helper()
	ret := e.service.URL + "/return"
	req := &pay.CreatePaymentRequest{Amount: 12000, Reference: "12345", Description: "New passport application", ReturnURL: &ret}
	if change != nil {
		change(req)
	}
	acct, err := e.Store.AccountGet(e.Ctx, e.account.ID) // as the API does: settings as stored now
	must(e.T, err)
	c, err := e.Payments.Create(e.Ctx, acct, req)
	must(e.T, err)
	return c.Payment, c.Token
}

func (e *env) status(id string) pay.Status {
	e.T.Helper()
	p, err := e.Store.PaymentGet(e.Ctx, 0, id)
	must(e.T, err)
	return p.Status
}

// browser is a cookie-keeping HTTP client that does not follow redirects.
type browser struct {
	t      *testing.T
	base   string
	client *http.Client
}

func (e *env) browser() *browser {
	return &browser{t: e.T, base: e.server.URL, client: apptest.CookieClient()}
}

type page struct {
	status   int
	location string
	header   http.Header
	body     string
}

func (b *browser) do(req *http.Request) *page {
	b.t.Helper()
	res, body := apptest.Fetch(b.t, b.client, req)
	return &page{status: res.StatusCode, location: res.Header.Get("Location"), header: res.Header, body: body}
}

func (b *browser) get(path string) *page {
	b.t.Helper()
	return b.do(apptest.GetRequest(b.base + path))
}

func (b *browser) post(path string, form url.Values) *page {
	b.t.Helper()
	return b.do(apptest.FormRequest(b.base+path, form))
}

// followPost posts a form, which must be answered with a redirect to a card
// page (post/redirect/get), and returns that page.
func (b *browser) followPost(path string, form url.Values) *page {
	b.t.Helper()
	res := b.post(path, form)
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/card_details/") {
		b.t.Fatalf("POST %s: %d %q, want a redirect to a card page", path, res.status, res.location)
	}
	return b.get(res.location)
}

// open follows next_url into the card form.
func (b *browser) open(token string) *page {
	b.t.Helper()
	p := b.get("/secure/" + token)
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/card_details/") {
		b.t.Fatalf("next_url: %d %s", p.status, p.location)
	}
	return b.get(p.location)
}

// goodCard is a complete, valid card form for a sandbox card number.
func goodCard(number string) url.Values {
	return url.Values{"cardNo": {number}, "expiryMonth": {"12"}, "expiryYear": {"2030"}, "cardholderName": {"J Bloggs"},
		"cvc": {"123"}, "addressLine1": {"1 High Street"}, "addressCity": {"London"}, "addressPostcode": {"SW1A 1AA"},
		"addressCountry": {"GB"}, "email": {"payer@example.org"}}
}

var (
	summaryLink = regexp.MustCompile(`<li><a href="#([a-z0-9-]+)" id="[a-z0-9-]+-error">([^<]+)</a></li>`)
	inlineError = regexp.MustCompile(`<p class="error-message" id="error-([a-z0-9-]+)"><span class="visually-hidden">[^<]*</span> ([^<]+)</p>`)
	heading     = regexp.MustCompile(`<h1[^>]*>([^<]+)</h1>`)
)

// summary returns the error summary's links as "id: message".
func (p *page) summary() []string {
	var out []string
	for _, m := range summaryLink.FindAllStringSubmatch(p.body, -1) {
		out = append(out, m[1]+": "+html.UnescapeString(m[2]))
	}
	return out
}

// inline returns the inline messages by field id.
func (p *page) inline() map[string]string {
	out := map[string]string{}
	for _, m := range inlineError.FindAllStringSubmatch(p.body, -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	return out
}

func (p *page) heading() string {
	m := heading.FindStringSubmatch(p.body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}
