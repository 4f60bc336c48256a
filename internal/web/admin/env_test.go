package admin_test

import (
	"context"
	"errors"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"pay/internal/api"
	"pay/internal/apptest"
	"pay/internal/notify"
	"pay/internal/pay"
	"pay/internal/ratelimit"
	"pay/internal/team"
	"pay/internal/web"
	"pay/internal/web/admin"
	"pay/internal/web/browsertest"
	"pay/internal/web/card"
)

func TestMain(m *testing.M) { browsertest.Main(m) }

// testPassword is every test user's password; its hash is computed once,
// as argon2id is slow on purpose.
const testPassword = "correct horse battery staple"

var testHash = sync.OnceValue(func() string { return team.HashPassword(testPassword) })

var testSecret = []byte("admin site test secret, 32 bytes or more")

// env is the admin site, the public API and the static files on one test
// server, with a real SQLite store, the sandbox provider and a settable
// clock: one service with a sandbox account, and another service the test
// users have no role in.
type env struct {
	*apptest.Env
	users   *team.Users
	service *pay.Service
	account *pay.Account
	other   *pay.Account // a live account of another service
	server  *httptest.Server
	logs    *strings.Builder
	sent    *recorder // the API Explorer's outgoing requests
	emails  *pay.Emails
	mail    *notify.Templates
	links   *pay.Links
	hooks   *pay.Webhooks
	inbox   *teamInbox // emails to users: reset links and lockouts
}

// options change the env before the server starts.
type options struct {
	require2FA    bool
	secureCookies bool
	signInLimiter *ratelimit.Limiter
	hashing       *team.PasswordHashing
	totalLimit    int
}

func newEnv(t *testing.T, opts ...func(*options)) *env {
	t.Helper()
	return newEnvOn(t, apptest.SQLite, opts...)
}

// newEnvOn is newEnv on the given engine.
func newEnvOn(t *testing.T, eng apptest.Engine, opts ...func(*options)) *env {
	t.Helper()
	var o options
	for _, f := range opts {
		f(&o)
	}
	e := &env{Env: apptest.New(t, eng), logs: &strings.Builder{}}
	e.inbox = &teamInbox{}
	e.users = &team.Users{Store: e.Store, Now: e.Clock.Now, Require2FA: o.require2FA, Hashing: o.hashing, Mailer: e.inbox}
	e.service, e.account = e.newService("Licence service", pay.AccountTest)
	_, e.other = e.newService("Other service", pay.AccountLive)
	e.start(o)
	return e
}

func (e *env) start(o options) {
	logger := slog.New(slog.NewTextHandler(e.logs, nil))
	mux := http.NewServeMux() // filled in below, before any request
	e.server = apptest.Serve(e.T, mux)
	publicURL := e.server.URL
	e.sent = &recorder{next: http.DefaultTransport}
	accounts := &pay.Accounts{Store: e.Store, Secret: testSecret, Now: e.Clock.Now}
	e.links = &pay.Links{Store: e.Store, Payments: e.Payments, PublicURL: publicURL}
	e.emails = &pay.Emails{Store: e.Store, Now: e.Clock.Now}
	e.hooks = &pay.Webhooks{Store: e.Store, Now: e.Clock.Now, Resource: (&api.API{PublicURL: publicURL}).PaymentResource}
	var err error
	e.mail, err = notify.Parse()
	must(e.T, err)
	h, err := admin.New(admin.Config{Store: e.Store, Payments: e.Payments, Accounts: accounts, Links: e.links, Users: e.users, Secret: testSecret,
		Emails: e.emails, EmailTemplates: e.mail, Outbox: true,
		PublicURL: publicURL, SecureCookies: o.secureCookies, Logger: logger, Now: e.Clock.Now,
		Client: &http.Client{Transport: e.sent, Timeout: 10 * time.Second}, SignInLimiter: o.signInLimiter,
		CheckStripeKey: checkStripeKey, Webhooks: e.hooks, TotalLimit: o.totalLimit})
	must(e.T, err)
	h.Register(mux)
	(&api.API{Payments: e.Payments, Accounts: accounts, Store: e.Store, PublicURL: publicURL, Logger: logger}).Register(mux)
	mux.Handle("GET /static/", web.Static())
	// The card pages, for demo payments.
	cards, err := card.New(card.Config{Payments: e.Payments, Store: e.Store, Secret: testSecret, Logger: logger, Now: e.Clock.Now})
	must(e.T, err)
	cards.Register(mux)
}

// liveKey is the one secret key the stand-in for Stripe accepts.
const liveKey = "sk_live_accepted"

func checkStripeKey(_ context.Context, key string) error {
	if key != liveKey {
		return errors.New("the Stripe account did not accept this secret key")
	}
	return nil
}

// recorder remembers the URLs of the requests it passes on.
type recorder struct {
	mu   sync.Mutex
	urls []string
	next http.RoundTripper
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.urls = append(r.urls, req.URL.String())
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

func (r *recorder) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.urls...)
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (e *env) newService(name string, typ pay.AccountType) (*pay.Service, *pay.Account) {
	e.T.Helper()
	svc := &pay.Service{Name: name}
	a := e.NewAccount(svc, typ, pay.ProviderSandbox)
	a.ServiceName = name
	return svc, a
}

// testUser is a user the test can sign in as.
type testUser struct {
	*team.User
	Secret string // the authenticator secret, if the user has an app
}

// user stores a user with a role in the env's service and, with app, an
// authenticator secret.
func (e *env) user(email string, role team.Role, app bool) *testUser {
	e.T.Helper()
	u := &testUser{User: &team.User{Email: email, PasswordHash: testHash()}}
	if app {
		u.Secret = team.NewTOTPSecret()
		u.TOTPSecret = u.Secret
	}
	must(e.T, e.Store.UserInsert(e.Ctx, u.User))
	must(e.T, e.Store.MembershipSet(e.Ctx, &team.Membership{UserID: u.ID, ServiceID: e.service.ID, Role: role}))
	return u
}

// code returns the user's current authenticator code, moving the clock on
// a step first so that no two calls return the same, already used, code.
func (e *env) code(u *testUser) string {
	e.T.Helper()
	e.Clock.Advance(team.TOTPPeriod)
	c, err := team.TOTPCode(u.Secret, e.Clock.Now())
	must(e.T, err)
	return c
}

func (e *env) accountPath(suffix string) string {
	return "/admin/accounts/" + strconv.FormatInt(e.account.ID, 10) + suffix
}

// newPayment creates a payment through the domain, as the API would.
func (e *env) newPayment(change func(*pay.CreatePaymentRequest)) *pay.Payment {
	e.T.Helper()
	ret := "https://service.example/return"
	req := &pay.CreatePaymentRequest{Amount: 12000, Reference: "12345", Description: "New passport application", ReturnURL: &ret}
	if change != nil {
		change(req)
	}
	c, err := e.Payments.Create(e.Ctx, e.account, req)
	must(e.T, err)
	return c.Payment
}

// pay takes a payment through the card journey in the domain, with a
// sandbox card number, captures it as the capture job would, and returns
// it as stored.
func (e *env) pay(p *pay.Payment, number string) *pay.Payment {
	e.T.Helper()
	card := &pay.Card{Number: number, CVC: "123", ExpiryMonth: 12, ExpiryYear: 2030, CardholderName: "J Bloggs",
		Brand: pay.DetectBrand(number), CardType: pay.CardTypeOf(number)}
	p, err := e.Payments.Authorise(e.Ctx, p.ID, card, "payer@example.org")
	must(e.T, err)
	if p.Status == pay.StatusAuthorisationSuccess {
		_, err = e.Payments.Confirm(e.Ctx, p.ID)
		must(e.T, err)
		must(e.T, e.Payments.ProcessCapture(e.Ctx, p.ID))
	}
	p, err = e.Store.PaymentGet(e.Ctx, 0, p.ID)
	must(e.T, err)
	return p
}

// browser is a cookie-keeping client that does not follow redirects and
// remembers the CSRF token of the last page it saw.
type browser struct {
	t      *testing.T
	e      *env
	base   string
	client *http.Client
	csrf   string
}

func (e *env) browser() *browser {
	return &browser{t: e.T, e: e, base: e.server.URL, client: apptest.CookieClient()}
}

type page struct {
	status   int
	location string
	header   http.Header
	body     string
}

var csrfInput = regexp.MustCompile(`name="csrfToken" value="([^"]+)"`)

func (b *browser) do(req *http.Request) *page {
	b.t.Helper()
	res, body := apptest.Fetch(b.t, b.client, req)
	p := &page{status: res.StatusCode, location: res.Header.Get("Location"), header: res.Header, body: body}
	if m := csrfInput.FindStringSubmatch(p.body); m != nil {
		b.csrf = m[1]
	}
	return p
}

func (b *browser) get(path string) *page {
	b.t.Helper()
	return b.do(apptest.GetRequest(b.base + path))
}

// post sends a form as a same-origin browser does, with the CSRF token of
// the last page.
func (b *browser) post(path string, form url.Values) *page {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if !form.Has("csrfToken") && b.csrf != "" {
		form.Set("csrfToken", b.csrf)
	}
	req := apptest.FormRequest(b.base+path, form)
	req.Header.Set("Origin", b.base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

// postSignIn loads the sign-in page, as a browser does first, and posts
// the form.
func (b *browser) postSignIn(form url.Values) *page {
	b.t.Helper()
	b.get("/admin/sign-in")
	return b.post("/admin/sign-in", form)
}

// follow gets pages through redirects and returns the last one.
func (b *browser) follow(p *page) *page {
	b.t.Helper()
	for i := 0; p.status == http.StatusSeeOther || p.status == http.StatusFound; i++ {
		if i == 10 {
			b.t.Fatal("too many redirects")
		}
		p = b.get(p.location)
	}
	return p
}

// signIn signs u in, with a security code if u has an authenticator app,
// and skips the offer to set one up if not. It fails the test unless the
// admin site ends up open.
func (b *browser) signIn(u *testUser) *page {
	b.t.Helper()
	p := b.postSignIn(url.Values{"email": {u.Email}, "password": {testPassword}})
	if p.status != http.StatusSeeOther {
		b.t.Fatalf("sign-in: %d %s", p.status, p.heading())
	}
	if strings.HasPrefix(p.location, "/admin/security-code") {
		b.get(p.location)
		p = b.post("/admin/security-code", url.Values{"code": {b.e.code(u)}})
		if p.status != http.StatusSeeOther {
			b.t.Fatalf("security code: %d %v", p.status, p.errors())
		}
	}
	if strings.HasPrefix(p.location, "/admin/authenticator") {
		p.location = "/admin"
	}
	return b.follow(p)
}

var (
	headingPattern = regexp.MustCompile(`<h1[^>]*>\s*(?:<label[^>]*>)?([^<]+)`)
	summaryPattern = regexp.MustCompile(`<li><a href="#([a-zA-Z0-9-]+)">([^<]+)</a></li>`)
)

func (p *page) heading() string {
	m := headingPattern.FindStringSubmatch(p.body)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(html.UnescapeString(m[1]))
}

// errors returns the error summary's links as "id: message".
func (p *page) errors() []string {
	var out []string
	for _, m := range summaryPattern.FindAllStringSubmatch(p.body, -1) {
		out = append(out, m[1]+": "+html.UnescapeString(m[2]))
	}
	return out
}

func (p *page) has(s string) bool { return strings.Contains(p.body, s) }
