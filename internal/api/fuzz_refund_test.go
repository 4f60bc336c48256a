package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzRefund: any refund body, payment id, and refund or dispute search
// query gives a documented answer, never a 5xx or a panic.
func FuzzRefund(f *testing.F) {
	ft, key := fuzzAPI(f)
	// Each engine has its own payment to refund; the fuzzer is given the
	// first engine's id, which stands for each engine's own.
	var ids []string
	for _, h := range ft.handlers {
		ids = append(ids, createForFuzz(f, h, key))
	}
	for _, s := range []string{
		`{"amount":100}`, `{"amount":100,"refund_amount_available":1000}`, `{"amount":"1"}`, `{"amount":1e400}`,
		`{"amount":1,"refund_amount_available":"x"}`, `{"amount":1,"refund_amount_available":1e400}`,
		`{"amount":1,"refund_amount_available":-9223372036854775808}`, `[]`, `null`, ``, `{`,
	} {
		f.Add([]byte(s), ids[0], "from_date=2015-08-13T12:35:00Z&page=2&status=lost")
	}
	f.Add([]byte(`{"amount":5}`), "not-an-id", "display_size=0&status=x&to_settled_date=2024-02-30")
	f.Add([]byte(`{"amount":1,"reference":"\u0000"}`), ids[0], "from_date=%00&status=%ff&to_settled_date=%c3")
	f.Add([]byte("{\"amount\":1,\"x\":\"\xff\"}"), "a\x00b", "display_size=%00")
	f.Fuzz(func(t *testing.T, body []byte, paymentID, query string) {
		for _, target := range []struct{ method, path string }{
			{http.MethodPost, "/refunds"}, {http.MethodGet, "/refunds"}, {http.MethodGet, "/v1/refunds"}, {http.MethodGet, "/v1/disputes"},
		} {
			ft.serve(t, func(engine int) *http.Request {
				id := paymentID
				if id == ids[0] {
					id = ids[engine]
				}
				path := target.path
				if !strings.HasPrefix(path, "/v1/") {
					path = "/v1/payments/" + url.PathEscape(id) + path
				}
				r := httptest.NewRequest(target.method, path, bytes.NewReader(body))
				r.URL.RawQuery = query
				r.Header.Set("Authorization", "Bearer "+key)
				return r
			})
		}
	})
}

// createForFuzz creates a payment with h and returns its id.
func createForFuzz(f *testing.F, h http.Handler, key string) string {
	req := httptest.NewRequest(http.MethodPost, "/v1/payments", bytes.NewReader([]byte(
		`{"amount":1000,"reference":"r","description":"d","return_url":"https://x.org"}`)))
	req.Header.Set("Authorization", "Bearer "+key)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var created struct {
		PaymentID string `json:"payment_id"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil || created.PaymentID == "" {
		f.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	return created.PaymentID
}
