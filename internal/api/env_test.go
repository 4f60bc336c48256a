package api_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"pay/internal/api"
	"pay/internal/api/apitest"
	"pay/internal/pay"
	"pay/internal/provider/sandbox"
	"pay/internal/store/pgtest"
	"pay/internal/store/postgres"
	"pay/internal/store/sqlite"
	"pay/internal/store/storetest"
)

// engine opens a fresh store.
type engine struct {
	name string
	open func(t *testing.T) (pay.Store, func(func() time.Time))
}

var engines = []engine{
	{"SQLite", func(t *testing.T) (pay.Store, func(func() time.Time)) {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "pay.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s, func(now func() time.Time) { s.Now = now }
	}},
	{"PostgreSQL", func(t *testing.T) (pay.Store, func(func() time.Time)) {
		s, err := postgres.Open(context.Background(), pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s, func(now func() time.Time) { s.Now = now }
	}},
}

// forEachEngine runs f against a fresh environment on every database.
func forEachEngine(t *testing.T, f func(t *testing.T, e *env)) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			t.Parallel()
			f(t, newEnvOn(t, eng))
		})
	}
}

// env is a real API server on a real store with the sandbox provider.
type env struct {
	t        *testing.T
	ctx      context.Context
	store    pay.Store
	clock    *storetest.Clock
	payments *pay.Payments
	account  *pay.Account
	secret   []byte
	server   *httptest.Server
	client   *apitest.Client
}

// newEnv is an environment on SQLite, for tests about the API's own logic.
func newEnv(t *testing.T) *env { return newEnvOn(t, engines[0]) }

func newEnvOn(t *testing.T, eng engine) *env {
	t.Helper()
	st, setNow := eng.open(t)
	e := &env{t: t, ctx: context.Background(), store: st, clock: storetest.NewClock(), secret: []byte("test secret of at least thirty-two bytes")}
	e.clock.Set(time.Now().UTC().Truncate(time.Millisecond))
	setNow(e.clock.Now)
	e.payments = &pay.Payments{Store: st, Now: e.clock.Now, Providers: map[string]pay.Provider{pay.ProviderSandbox: sandbox.New()}}
	e.account = e.newAccount(pay.AccountTest, pay.ProviderSandbox)
	a := &api.API{Payments: e.payments, Accounts: &pay.Accounts{Store: st, Secret: e.secret, Now: e.clock.Now}, Store: st, Logger: slog.New(slog.DiscardHandler), Now: e.clock.Now}
	e.server = httptest.NewServer(apitest.Validate(t, a.Handler()))
	a.PublicURL = e.server.URL
	t.Cleanup(e.server.Close)
	e.client = &apitest.Client{T: t, BaseURL: e.server.URL, Key: e.newKey(e.account)}
	return e
}

func (e *env) newAccount(typ pay.AccountType, provider string) *pay.Account {
	e.t.Helper()
	svc := &pay.Service{ExternalID: pay.NewID(), Name: "Test service"}
	must(e.t, e.store.ServiceInsert(e.ctx, svc))
	a := &pay.Account{ServiceID: svc.ID, Type: typ, Provider: provider, Settings: pay.DefaultAccountSettings()}
	must(e.t, e.store.AccountInsert(e.ctx, a))
	return a
}

func (e *env) newKey(a *pay.Account) string {
	e.t.Helper()
	key := pay.GenerateAPIKey(a.Type, e.secret)
	must(e.t, e.store.APIKeyInsert(e.ctx, &pay.APIKey{AccountID: a.ID, Description: "test", Hash: pay.HashAPIKey(key), Hint: pay.APIKeyHint(key)}))
	return key
}

// clientFor returns a client authenticated as another account.
func (e *env) clientFor(a *pay.Account) *apitest.Client {
	return &apitest.Client{T: e.t, BaseURL: e.server.URL, Key: e.newKey(a)}
}

// setting changes the test account's settings.
func (e *env) setting(change func(*pay.Account)) {
	e.t.Helper()
	a, err := e.store.AccountGet(e.ctx, e.account.ID)
	must(e.t, err)
	change(a)
	must(e.t, e.store.AccountUpdate(e.ctx, a))
}

// quickStart is the GOV.UK Pay quick start's create-payment body.
func quickStart() map[string]any {
	return map[string]any{"amount": 12000, "reference": "12345", "description": "New passport application",
		"return_url": "https://service-name.gov.uk/transactions/12345"}
}

// create makes a payment and fails the test unless it is created.
func (e *env) create(body map[string]any) *apitest.Response {
	e.t.Helper()
	res := e.client.Do("POST", "/v1/payments", body)
	if res.Status != 201 {
		e.t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	return res
}

// pay takes a created payment through the payer's side with a sandbox card:
// authorised, then confirmed.
func (e *env) pay(id, card string) *pay.Payment {
	e.t.Helper()
	c := &pay.Card{Number: card, CVC: "123", ExpiryMonth: 12, ExpiryYear: 2099, CardholderName: "J Payer", Brand: pay.DetectBrand(card)}
	p, err := e.payments.Authorise(e.ctx, id, c, "")
	must(e.t, err)
	if p.Status != pay.StatusAuthorisationSuccess {
		return p
	}
	p, err = e.payments.Confirm(e.ctx, id)
	must(e.t, err)
	return p
}

// wantError checks an error answer.
func wantError(t *testing.T, res *apitest.Response, status int, code, description string) {
	t.Helper()
	if res.Status != status || res.Str("code") != code || res.Str("description") != description {
		t.Fatalf("got %d %s\nwant %d {code %s, description %q}", res.Status, res.Body, status, code, description)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
