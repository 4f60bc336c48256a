package api_test

import (
	"testing"

	"pay/internal/pay"
)

// Text PostgreSQL cannot keep (a NUL character, bytes that are not UTF-8)
// gets each endpoint's documented error on every engine, never a 500, and
// nothing is stored.
func TestNonTextInput(t *testing.T) {
	t.Parallel()
	inv := func(f string) string { return "Invalid attribute value: " + f + ". Must be a valid string format" }
	params := func(names string) string {
		return "Invalid parameters: " + names + ". See Public API documentation for the correct data formats"
	}
	const payment = `{"amount":100,"description":"d","return_url":"https://x.gov.uk","reference":`
	cases := []struct {
		name, method, path string
		body               any
		status             int
		code, field, desc  string
	}{
		{"CreateReference", "POST", "/v1/payments", payment + `"a\u0000b"}`, 400, "P0102", "reference", inv("reference")},
		{"CreateEmail", "POST", "/v1/payments", payment + `"r","email":"\u0000@x.org"}`, 400, "P0102", "email", inv("email")},
		{"CreateMetadataValue", "POST", "/v1/payments", payment + `"r","metadata":{"k":"\u0000"}}`, 400, "P0102", "metadata", inv("metadata")},
		{"CreateMetadataKey", "POST", "/v1/payments", payment + `"r","metadata":{"\u0000":1}}`, 400, "P0102", "metadata", inv("metadata")},
		{"CreatePrefilled", "POST", "/v1/payments", payment + `"r","prefilled_cardholder_details":{"billing_address":{"line1":"\u0000"}}}`,
			400, "P0102", "prefilled_cardholder_details", inv("prefilled_cardholder_details")},
		{"CreateNotUTF8", "POST", "/v1/payments", payment + "\"a\xffb\"}", 400, "P0197", "", "Unable to parse JSON"},
		{"Agreement", "POST", "/v1/agreements", `{"reference":"r\u0000","description":"d"}`, 400, "P2102", "reference", inv("reference")},
		{"AgreementNotUTF8", "POST", "/v1/agreements", "{\"reference\":\"\xc3\",\"description\":\"d\"}", 400, "P2197", "", "Unable to parse JSON"},
		{"MotoAuth", "POST", "/v1/auth", `{"one_time_token":"t\u0000","card_number":"4444333322221111","cvc":"123","expiry_date":"01/99","cardholder_name":"n"}`,
			422, "P0102", "one_time_token", inv("one_time_token")},
		{"SearchEmail", "GET", "/v1/payments?email=%ff", nil, 422, "P0401", "", params("email")},
		{"SearchSeveral", "GET", "/v1/payments?cardholder_name=%00&reference=a%00b&state=%ff&agreement_id=%ff", nil, 422, "P0401", "",
			params("state, reference, cardholder_name, agreement_id")},
		{"SearchRefunds", "GET", "/v1/refunds?from_date=%00", nil, 422, "P1101", "", params("from_date")},
		{"SearchDisputes", "GET", "/v1/disputes?status=%ff", nil, 422, "P0401", "", params("state")},
		{"SearchAgreements", "GET", "/v1/agreements?reference=%00", nil, 422, "P2401", "", params("reference")},
		{"GetPayment", "GET", "/v1/payments/a%00b", nil, 404, "P0200", "", "Not found"},
		{"GetEvents", "GET", "/v1/payments/%ff/events", nil, 404, "P0300", "", "Not found"},
		{"Cancel", "POST", "/v1/payments/%00/cancel", nil, 404, "P0500", "", "Not found"},
		{"Capture", "POST", "/v1/payments/%ff/capture", nil, 404, "P1000", "", "Not found"},
		{"Refund", "POST", "/v1/payments/%00/refunds", `{"amount":100}`, 404, "P0600", "", "Not found"},
		{"GetRefunds", "GET", "/v1/payments/%ff/refunds", nil, 404, "P0800", "", "Not found"},
		{"GetRefund", "GET", "/v1/payments/abc/refunds/%00", nil, 404, "P0700", "", "Not found"},
		{"GetAgreement", "GET", "/v1/agreements/%00", nil, 404, "P2200", "", "Not found"},
		{"CancelAgreement", "POST", "/v1/agreements/%ff/cancel", nil, 404, "P2500", "", "Not found"},
	}
	forEachEngine(t, func(t *testing.T, e *env) {
		e.setting(func(a *pay.Account) { a.Settings.RecurringEnabled, a.Settings.AllowMotoAPI = true, true })
		for _, tt := range cases {
			res := e.client.Do(tt.method, tt.path, tt.body)
			if res.Status != tt.status || res.Str("code") != tt.code || res.Str("field") != tt.field || res.Str("description") != tt.desc {
				t.Errorf("%s: got %d %s\nwant %d {field %q, code %s, description %q}", tt.name, res.Status, res.Body, tt.status, tt.field, tt.code, tt.desc)
			}
		}
		page, err := e.Store.PaymentSearch(e.Ctx, &pay.PaymentSearch{AccountID: e.account.ID, Page: 1, DisplaySize: 10})
		must(t, err)
		if page.Total != 0 {
			t.Errorf("refused requests stored %d payments", page.Total)
		}
	})
}
