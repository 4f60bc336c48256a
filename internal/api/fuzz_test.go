package api_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"pay/internal/api"
	"pay/internal/api/apitest"
	"pay/internal/apptest"
	"pay/internal/pay"
	"pay/internal/provider/sandbox"
)

// fuzzAPI is one API on SQLite shared by every input of a fuzz run.
func fuzzAPI(f *testing.F) (http.Handler, string, *apitest.Validator) {
	ctx := context.Background()
	st := apptest.OpenSQLite(f, nil)
	svc := &pay.Service{ExternalID: pay.NewID(), Name: "Fuzz"}
	must(f, st.ServiceInsert(ctx, svc))
	acct := &pay.Account{ServiceID: svc.ID, Type: pay.AccountTest, Provider: pay.ProviderSandbox, Settings: pay.DefaultAccountSettings()}
	acct.Settings.RecurringEnabled = true // reach the agreement checks too
	must(f, st.AccountInsert(ctx, acct))
	secret := []byte("fuzzing secret of at least thirty-two bytes")
	key := pay.GenerateAPIKey(pay.AccountTest, secret)
	must(f, st.APIKeyInsert(ctx, &pay.APIKey{AccountID: acct.ID, Description: "fuzz", Hash: pay.HashAPIKey(key), Hint: "x"}))
	a := &api.API{Store: st, Accounts: &pay.Accounts{Store: st, Secret: secret}, PublicURL: "http://pay.test", Logger: slog.New(slog.DiscardHandler),
		Payments: &pay.Payments{Store: st, Providers: map[string]pay.Provider{pay.ProviderSandbox: sandbox.New()}}}
	return a.Handler(), key, apitest.NewValidator(f)
}

// serve runs one request and fails t on a 5xx or an answer the OpenAPI
// document does not describe.
func serve(t *testing.T, h http.Handler, v *apitest.Validator, req *http.Request) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		t.Fatalf("%s %s → %d %s", req.Method, req.URL, rec.Code, rec.Body)
	}
	v.Check(t, req, rec.Code, rec.Header(), rec.Body.Bytes())
}

// FuzzCreatePayment: any body and Idempotency-Key give a documented 2xx or
// 4xx, never a 5xx or a panic.
func FuzzCreatePayment(f *testing.F) {
	h, key, v := fuzzAPI(f)
	seeds := []string{
		`{"amount":12000,"reference":"12345","description":"New passport application","return_url":"https://service-name.gov.uk/transactions/12345"}`,
		`{"amount":0,"reference":"r","description":"d","return_url":"https://x.org","moto":true,"language":"cy","delayed_capture":true}`,
		`{"amount":100,"reference":"r","description":"d","authorisation_mode":"agreement","agreement_id":"abcdefghijklmnopqrstuvwxyz"}`,
		`{"amount":100,"reference":"r","description":"d","return_url":"https://x.org","set_up_agreement":"abcdefghijklmnopqrstuvwxyz","agreement_payment_type":"instalment"}`,
		`{"amount":100,"reference":"r","description":"d","return_url":"https://x.org","metadata":{"a":1,"b":true,"c":"x","A":null}}`,
		`{"amount":100,"reference":"r","description":"d","return_url":"https://x.org","prefilled_cardholder_details":{"cardholder_name":"n","billing_address":{"line1":1}}}`,
		`{"amount":100,"reference":"4242424242424242","description":"d","return_url":"https://x.org","internal":{"source":"CARD_PAYMENT_LINK"}}`,
		`{"amount":1e400,"reference":[],"description":{}}`, `[]`, `null`, `"x"`, ``, `{`, "{\"amount\":\"\xff\"}",
	}
	for _, s := range seeds {
		f.Add([]byte(s), "")
	}
	f.Add([]byte(seeds[0]), "key-1")
	f.Add([]byte(seeds[0]), "bad key")
	f.Fuzz(func(t *testing.T, body []byte, idempotencyKey string) {
		req := httptest.NewRequest(http.MethodPost, "/v1/payments", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		if idempotencyKey != "" {
			req.Header.Set("Idempotency-Key", idempotencyKey)
		}
		serve(t, h, v, req)
	})
}

// FuzzSearchQuery: any query string gives a documented answer, never a 5xx.
func FuzzSearchQuery(f *testing.F) {
	h, key, v := fuzzAPI(f)
	for _, s := range []string{
		"", "state=success&page=2&display_size=1", "reference=12345&email=a%40b.org&card_brand=Visa",
		"from_date=2015-08-13T12:35:00Z&to_date=2015-08-14T12:35:00%2B01:00", "from_settled_date=2024-01-01&to_settled_date=2024-02-30",
		"first_digits_card_number=424242&last_digits_card_number=4242", "page=99999999999999999999", "display_size=-1",
		"state=capturable", "cardholder_name=%25_%5C", "agreement_id=x&page=1&page=2", "%zz=%", "email=%00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		req := httptest.NewRequest(http.MethodGet, "/v1/payments", nil)
		req.URL.RawQuery = query
		req.Header.Set("Authorization", "Bearer "+key)
		serve(t, h, v, req)
	})
}
