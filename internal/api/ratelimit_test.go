package api_test

import (
	"log/slog"
	"testing"
	"time"

	"pay/internal/api"
	"pay/internal/api/apitest"
	"pay/internal/apptest"
	"pay/internal/pay"
	"pay/internal/ratelimit"
)

// limited returns e's API served again with a rate limiter on e's clock.
func (e *env) limited() *apitest.Client {
	e.T.Helper()
	a := &api.API{Payments: e.Payments, Accounts: &pay.Accounts{Store: e.Store, Secret: e.secret, Now: e.Clock.Now}, Store: e.Store, Logger: slog.New(slog.DiscardHandler),
		Limiter: &ratelimit.Limiter{Now: e.Clock.Now}}
	srv := apptest.Serve(e.T, apitest.Validate(e.T, a.Handler()))
	a.PublicURL = srv.URL
	return &apitest.Client{T: e.T, BaseURL: srv.URL, Key: e.client.Key}
}

func TestRateLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// Before the limiter: a payment to capture, a payment to cancel.
	capturable := e.create(with(map[string]any{"delayed_capture": true})).Str("payment_id")
	e.pay(capturable, "4444333322221111")
	e.Clock.Set(e.Clock.Now().Truncate(time.Second))
	e.setting(func(a *pay.Account) { a.Settings.RateLimitPost, a.Settings.RateLimitOther = 2, 3 })
	c := e.limited()
	tooMany := func(t *testing.T, res *apitest.Response) {
		t.Helper()
		if res.Status != 429 || string(res.Body) != `{"code":"P0900","description":"Too many requests"}`+"\n" {
			t.Fatalf("got %d %s, want 429 P0900", res.Status, res.Body)
		}
	}
	statuses := func(n int, method, path string, body any) []int {
		var out []int
		for range n {
			out = append(out, c.Do(method, path, body).Status)
		}
		return out
	}
	want := func(t *testing.T, got []int, want ...int) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("statuses %v, want %v", got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("statuses %v, want %v", got, want)
			}
		}
	}

	want(t, statuses(4, "GET", "/v1/payments", nil), 200, 200, 200, 429)
	tooMany(t, c.Do("GET", "/v1/payments/"+capturable, nil))
	tooMany(t, c.Do("GET", "/v1/nothing-here", nil))
	// Creating payments, capturing them and other POSTs count apart.
	want(t, statuses(3, "POST", "/v1/payments", quickStart()), 201, 201, 429)
	want(t, statuses(3, "POST", "/v1/payments/"+capturable+"/capture", nil), 204, 204, 429)
	want(t, statuses(2, "POST", "/v1/payments/"+capturable+"/cancel", nil), 400, 400)
	tooMany(t, c.Do("POST", "/v1/payments/"+capturable+"/refunds", map[string]any{"amount": 1}))
	// Another account has its own counts, with GOV.UK Pay's default limits.
	other := e.clientFor(e.newAccount(pay.AccountTest, pay.ProviderSandbox))
	other.BaseURL = c.BaseURL
	for range 15 {
		if res := other.Do("POST", "/v1/payments", quickStart()); res.Status != 201 {
			t.Fatalf("another account's create: %d %s", res.Status, res.Body)
		}
	}
	tooMany(t, other.Do("POST", "/v1/payments", quickStart()))
	// A new second, a new window.
	e.Clock.Advance(time.Second)
	want(t, statuses(1, "GET", "/v1/payments", nil), 200)
	want(t, statuses(1, "POST", "/v1/payments", quickStart()), 201)
	// A raised limit takes effect at once.
	e.setting(func(a *pay.Account) { a.Settings.RateLimitOther = 10 })
	want(t, statuses(3, "GET", "/v1/payments", nil), 200, 200, 200)
	// Unauthenticated requests are refused before they are counted.
	anon := *c
	anon.Key = ""
	if res := anon.Do("GET", "/v1/payments", nil); res.Status != 401 {
		t.Fatalf("no key: %d", res.Status)
	}
}
