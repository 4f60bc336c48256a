package api_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"pay/internal/api"
	"pay/internal/api/apitest"
	"pay/internal/apptest"
	"pay/internal/pay"
	"pay/internal/provider/sandbox"
	"pay/internal/store"
	"pay/internal/store/pgtest"
)

// fuzzAPI is one API per engine, shared by every input of a fuzz run: on
// SQLite, and on PostgreSQL too when PAY_TEST_POSTGRES_URL is set. Every
// API has an account with the same key.
func fuzzAPI(f *testing.F) (*fuzzTarget, string) {
	secret := []byte("fuzzing secret of at least thirty-two bytes")
	key := pay.GenerateAPIKey(pay.AccountTest, secret)
	engines := []apptest.Engine{apptest.SQLite}
	if os.Getenv(pgtest.EnvURL) != "" {
		engines = apptest.Engines
	}
	ft := &fuzzTarget{validator: apitest.NewValidator(f)}
	for _, eng := range engines {
		ft.names = append(ft.names, eng.Name)
		ft.handlers = append(ft.handlers, fuzzHandler(f, eng.Open(f, nil), secret, key))
	}
	return ft, key
}

// fuzzHandler is the API on st, with a test account that key opens.
func fuzzHandler(f *testing.F, st store.Store, secret []byte, key string) http.Handler {
	ctx := context.Background()
	svc := &pay.Service{ExternalID: pay.NewID(), Name: "Fuzz"}
	must(f, st.ServiceInsert(ctx, svc))
	acct := &pay.Account{ServiceID: svc.ID, Type: pay.AccountTest, Provider: pay.ProviderSandbox, Settings: pay.DefaultAccountSettings()}
	acct.Settings.RecurringEnabled = true // reach the agreement checks too
	must(f, st.AccountInsert(ctx, acct))
	must(f, st.APIKeyInsert(ctx, &pay.APIKey{AccountID: acct.ID, Description: "fuzz", Hash: pay.HashAPIKey(key), Hint: "x"}))
	a := &api.API{Store: st, Accounts: &pay.Accounts{Store: st, Secret: secret}, PublicURL: "http://pay.test", Logger: slog.New(slog.DiscardHandler),
		Payments: &pay.Payments{Store: st, Providers: map[string]pay.Provider{pay.ProviderSandbox: sandbox.New()}}}
	return a.Handler()
}

// fuzzTarget is the same API on each engine.
type fuzzTarget struct {
	names     []string
	handlers  []http.Handler
	validator *apitest.Validator
}

// serve runs one request on every engine's API (newRequest makes a fresh
// copy for the engine at the index it is given) and fails t on a 5xx, on an answer the OpenAPI document
// does not describe, or when the engines answer with different statuses.
func (ft *fuzzTarget) serve(t *testing.T, newRequest func(engine int) *http.Request) {
	first := 0
	for i, h := range ft.handlers {
		req := newRequest(i)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s: %s %q → %d %s", ft.names[i], req.Method, req.URL, rec.Code, rec.Body)
		}
		ft.validator.Check(t, req, rec.Code, rec.Header(), rec.Body.Bytes())
		if i == 0 {
			first = rec.Code
		} else if rec.Code != first {
			t.Fatalf("%s %q: %s → %d, %s → %d %s", req.Method, req.URL, ft.names[0], first, ft.names[i], rec.Code, rec.Body)
		}
	}
}

// FuzzCreatePayment: any body and Idempotency-Key give a documented 2xx or
// 4xx, never a 5xx or a panic.
func FuzzCreatePayment(f *testing.F) {
	ft, key := fuzzAPI(f)
	seeds := []string{
		`{"amount":12000,"reference":"12345","description":"New passport application","return_url":"https://service-name.gov.uk/transactions/12345"}`,
		`{"amount":0,"reference":"r","description":"d","return_url":"https://x.org","moto":true,"language":"cy","delayed_capture":true}`,
		`{"amount":100,"reference":"r","description":"d","authorisation_mode":"agreement","agreement_id":"abcdefghijklmnopqrstuvwxyz"}`,
		`{"amount":100,"reference":"r","description":"d","return_url":"https://x.org","set_up_agreement":"abcdefghijklmnopqrstuvwxyz","agreement_payment_type":"instalment"}`,
		`{"amount":100,"reference":"r","description":"d","return_url":"https://x.org","metadata":{"a":1,"b":true,"c":"x","A":null}}`,
		`{"amount":100,"reference":"r","description":"d","return_url":"https://x.org","prefilled_cardholder_details":{"cardholder_name":"n","billing_address":{"line1":1}}}`,
		`{"amount":100,"reference":"4242424242424242","description":"d","return_url":"https://x.org","internal":{"source":"CARD_PAYMENT_LINK"}}`,
		`{"amount":1e400,"reference":[],"description":{}}`, `[]`, `null`, `"x"`, ``, `{`, "{\"amount\":\"\xff\"}",
		// Text PostgreSQL cannot keep, in each place text goes.
		`{"amount":100,"reference":"a\u0000b","description":"d","return_url":"https://x.org"}`,
		"{\"amount\":100,\"reference\":\"a\xffb\",\"description\":\"d\",\"return_url\":\"https://x.org\"}",
		`{"amount":100,"reference":"r","description":"d","return_url":"https://x.org","email":"\u0000","metadata":{"\u0000":"\u0000"}}`,
		`{"amount":100,"reference":"r","description":"d","return_url":"https://x.org","prefilled_cardholder_details":{"cardholder_name":"\u0000"}}`,
		`{"amount":100,"reference":"r","description":"d","authorisation_mode":"agreement","agreement_id":"\u0000"}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s), "")
	}
	f.Add([]byte(seeds[0]), "key-1")
	f.Add([]byte(seeds[0]), "bad key")
	f.Fuzz(func(t *testing.T, body []byte, idempotencyKey string) {
		ft.serve(t, func(int) *http.Request {
			req := httptest.NewRequest(http.MethodPost, "/v1/payments", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+key)
			req.Header.Set("Content-Type", "application/json")
			if idempotencyKey != "" {
				req.Header.Set("Idempotency-Key", idempotencyKey)
			}
			return req
		})
	})
}

// FuzzSearchQuery: any query string gives a documented answer, never a 5xx.
func FuzzSearchQuery(f *testing.F) {
	ft, key := fuzzAPI(f)
	for _, s := range []string{
		"", "state=success&page=2&display_size=1", "reference=12345&email=a%40b.org&card_brand=Visa",
		"from_date=2015-08-13T12:35:00Z&to_date=2015-08-14T12:35:00%2B01:00", "from_settled_date=2024-01-01&to_settled_date=2024-02-30",
		"first_digits_card_number=424242&last_digits_card_number=4242", "page=99999999999999999999", "display_size=-1",
		"state=capturable", "cardholder_name=%25_%5C", "agreement_id=x&page=1&page=2", "%zz=%", "email=%00",
		"email=%ff", "reference=a%00b&state=%ff", "cardholder_name=%c3&agreement_id=%00&card_brand=%ff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		ft.serve(t, func(int) *http.Request {
			req := httptest.NewRequest(http.MethodGet, "/v1/payments", nil)
			req.URL.RawQuery = query
			req.Header.Set("Authorization", "Bearer "+key)
			return req
		})
	})
}
