package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// FuzzRefund: any refund body, payment id, and refund or dispute search
// query gives a documented answer, never a 5xx or a panic.
func FuzzRefund(f *testing.F) {
	h, key, v := fuzzAPI(f)
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
	for _, s := range []string{
		`{"amount":100}`, `{"amount":100,"refund_amount_available":1000}`, `{"amount":"1"}`, `{"amount":1e400}`,
		`{"amount":1,"refund_amount_available":"x"}`, `{"amount":1,"refund_amount_available":1e400}`,
		`{"amount":1,"refund_amount_available":-9223372036854775808}`, `[]`, `null`, ``, `{`,
	} {
		f.Add([]byte(s), created.PaymentID, "from_date=2015-08-13T12:35:00Z&page=2&status=lost")
	}
	f.Add([]byte(`{"amount":5}`), "not-an-id", "display_size=0&status=x&to_settled_date=2024-02-30")
	f.Fuzz(func(t *testing.T, body []byte, paymentID, query string) {
		path := "/v1/payments/" + url.PathEscape(paymentID) + "/refunds"
		for _, r := range []*http.Request{
			httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body)),
			httptest.NewRequest(http.MethodGet, path, nil),
			httptest.NewRequest(http.MethodGet, "/v1/refunds", nil),
			httptest.NewRequest(http.MethodGet, "/v1/disputes", nil),
		} {
			r.URL.RawQuery = query
			r.Header.Set("Authorization", "Bearer "+key)
			serve(t, h, v, r)
		}
	})
}
