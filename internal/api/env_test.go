package api_test

import (
	"log/slog"
	"net/http/httptest"
	"testing"

	"pay/internal/api"
	"pay/internal/api/apitest"
	"pay/internal/apptest"
	"pay/internal/pay"
)

// forEachEngine runs f against a fresh environment on every database.
func forEachEngine(t *testing.T, f func(t *testing.T, e *env)) {
	apptest.ForEachEngine(t, func(t *testing.T, eng apptest.Engine) { f(t, newEnvOn(t, eng)) })
}

// env is a real API server on a real store with the sandbox provider.
type env struct {
	*apptest.Env
	account *pay.Account
	secret  []byte
	server  *httptest.Server
	client  *apitest.Client
}

// newEnv is an environment on SQLite, for tests about the API's own logic.
func newEnv(t *testing.T) *env { return newEnvOn(t, apptest.SQLite) }

func newEnvOn(t *testing.T, eng apptest.Engine) *env {
	t.Helper()
	e := &env{Env: apptest.New(t, eng), secret: []byte("test secret of at least thirty-two bytes")}
	e.account = e.newAccount(pay.AccountTest, pay.ProviderSandbox)
	a := &api.API{Payments: e.Payments, Accounts: &pay.Accounts{Store: e.Store, Secret: e.secret, Now: e.Clock.Now}, Store: e.Store, Logger: slog.New(slog.DiscardHandler)}
	e.server = apptest.Serve(t, apitest.Validate(t, a.Handler()))
	a.PublicURL = e.server.URL
	e.client = &apitest.Client{T: t, BaseURL: e.server.URL, Key: e.newKey(e.account)}
	return e
}

// newAccount stores an account of a new service.
func (e *env) newAccount(typ pay.AccountType, provider string) *pay.Account {
	e.T.Helper()
	return e.NewAccount(&pay.Service{Name: "Test service"}, typ, provider)
}

func (e *env) newKey(a *pay.Account) string {
	e.T.Helper()
	key := pay.GenerateAPIKey(a.Type, e.secret)
	must(e.T, e.Store.APIKeyInsert(e.Ctx, &pay.APIKey{AccountID: a.ID, Description: "test", Hash: pay.HashAPIKey(key), Hint: pay.APIKeyHint(key)}))
	return key
}

// clientFor returns a client authenticated as another account.
func (e *env) clientFor(a *pay.Account) *apitest.Client {
	return &apitest.Client{T: e.T, BaseURL: e.server.URL, Key: e.newKey(a)}
}

// setting changes the test account's settings.
func (e *env) setting(change func(*pay.Account)) {
	e.T.Helper()
	e.UpdateAccount(e.account.ID, change)
}

// quickStart is the GOV.UK Pay quick start's create-payment body.
func quickStart() map[string]any {
	return map[string]any{"amount": 12000, "reference": "12345", "description": "New passport application",
		"return_url": "https://service-name.gov.uk/transactions/12345"}
}

// create makes a payment and fails the test unless it is created.
func (e *env) create(body map[string]any) *apitest.Response {
	e.T.Helper()
	res := e.client.Do("POST", "/v1/payments", body)
	if res.Status != 201 {
		e.T.Fatalf("create: %d %s", res.Status, res.Body)
	}
	return res
}

// pay takes a created payment through the payer's side with a sandbox card:
// authorised, then confirmed.
func (e *env) pay(id, card string) *pay.Payment {
	e.T.Helper()
	c := &pay.Card{Number: card, CVC: "123", ExpiryMonth: 12, ExpiryYear: 2099, CardholderName: "J Payer", Brand: pay.DetectBrand(card)}
	p, err := e.Payments.Authorise(e.Ctx, id, c, "")
	must(e.T, err)
	if p.Status != pay.StatusAuthorisationSuccess {
		return p
	}
	p, err = e.Payments.Confirm(e.Ctx, id)
	must(e.T, err)
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
