package api_test

import (
	"testing"

	"pay/internal/api/apitest"
	"pay/internal/pay"
	"pay/internal/provider/sandbox"
)

// motoPayment creates a moto_api payment and returns its id and token.
func (e *env) motoPayment() (string, string) {
	e.T.Helper()
	e.setting(func(a *pay.Account) { a.Settings.AllowMotoAPI = true })
	res := e.create(with(map[string]any{"authorisation_mode": "moto_api"}, "return_url"))
	return res.Str("payment_id"), res.Str("_links.auth_url_post.params.one_time_token")
}

func motoCard(token, number string) map[string]any {
	return map[string]any{"one_time_token": token, "card_number": number, "cvc": "123", "expiry_date": "12/30", "cardholder_name": "J Caller"}
}

func TestMotoAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		id, token := e.motoPayment()
		got := e.client.Do("GET", "/v1/payments/"+id, nil)
		if got.Str("_links.auth_url_post.href") != e.server.URL+"/v1/auth" || got.Str("_links.auth_url_post.type") != "application/json" ||
			got.Str("_links.auth_url_post.params.one_time_token") == token || got.Has("_links.next_url") {
			t.Fatalf("moto_api payment: %s", got.Body)
		}
		anon := &apitest.Client{T: t, BaseURL: e.server.URL} // no API key: the token is the credential
		if res := anon.Do("POST", "/v1/auth", motoCard(token, "4444333322221111")); res.Status != 204 {
			t.Fatalf("authorise: %d %s", res.Status, res.Body)
		}
		paid := e.client.Do("GET", "/v1/payments/"+id, nil)
		if paid.Str("state.status") != "success" || paid.Str("moto") != "true" || paid.Str("card_details.cardholder_name") != "J Caller" ||
			paid.Has("_links.auth_url_post") {
			t.Fatalf("after /v1/auth: %s", paid.Body)
		}
		wantError(t, anon.Do("POST", "/v1/auth", motoCard(token, "4444333322221111")), 400, "P1212", "The one_time_token has already been used")
	})
}

func TestMotoAPIErrors(t *testing.T) {
	t.Parallel()
	inv := func(f, reason string) string { return "Invalid attribute value: " + f + ". " + reason }
	tests := []struct {
		name   string
		change map[string]any
		raw    string
		status int
		code   string
		desc   string
		failed bool // the payment fails as declined
	}{
		{name: "BadJSON", raw: "{", status: 400, code: "P0197", desc: "Unable to parse JSON"},
		{name: "TokenMissing", change: map[string]any{"one_time_token": nil}, status: 422, code: "P0101", desc: "Missing mandatory attribute: one_time_token"},
		{name: "CardMissing", change: map[string]any{"card_number": nil}, status: 422, code: "P0101", desc: "Missing mandatory attribute: card_number"},
		{name: "CardShort", change: map[string]any{"card_number": "12345"}, status: 422, code: "P0102", desc: inv("card_number", "Must be between 12 and 19 characters long")},
		{name: "CVCLong", change: map[string]any{"cvc": "12345"}, status: 422, code: "P0102", desc: inv("cvc", "Must be between 3 and 4 characters long")},
		{name: "CVCLetters", change: map[string]any{"cvc": "12a"}, status: 422, code: "P0102", desc: inv("cvc", "Must contain numbers only")},
		{name: "ExpiryLength", change: map[string]any{"expiry_date": "1/30"}, status: 422, code: "P0102", desc: inv("expiry_date", "Must be a valid date with the format MM/YY")},
		{name: "ExpiryFormat", change: map[string]any{"expiry_date": "13/30"}, status: 422, code: "P0102", desc: inv("expiry_date", "Must be a valid date with the format MM/YY")},
		{name: "ExpiryPast", change: map[string]any{"expiry_date": "01/20"}, status: 422, code: "P0102", desc: inv("expiry_date", "Must be a valid date in the future")},
		{name: "NameBlank", change: map[string]any{"cardholder_name": " "}, status: 422, code: "P0101", desc: "Missing mandatory attribute: cardholder_name"},
		{name: "TokenUnknown", change: map[string]any{"one_time_token": "nope"}, status: 400, code: "P1211", desc: "The one_time_token is not valid"},
		{name: "NotACard", change: map[string]any{"card_number": "4444333322221112"}, status: 402, code: "P0010", desc: "The card_number is not a valid card number", failed: true},
		{name: "Maestro", change: map[string]any{"card_number": "6759649826438453"}, status: 402, code: "P0010", desc: "The card type is not enabled: maestro debit", failed: true},
		{name: "Declined", change: map[string]any{"card_number": sandbox.CardDeclined}, status: 402, code: "P0010", desc: "The payment was rejected", failed: true},
		{name: "ProviderError", change: map[string]any{"card_number": sandbox.CardProcessingError}, status: 500, code: "P0050", desc: "There was an error authorising the payment"},
		{name: "NumbersAsText", change: map[string]any{"cvc": 123}, status: 204},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			id, token := e.motoPayment()
			body := motoCard(token, "4444333322221111")
			for k, v := range tt.change {
				if v == nil {
					delete(body, k)
				} else {
					body[k] = v
				}
			}
			anon := &apitest.Client{T: t, BaseURL: e.server.URL}
			var res *apitest.Response
			if tt.raw != "" {
				res = anon.Do("POST", "/v1/auth", tt.raw)
			} else {
				res = anon.Do("POST", "/v1/auth", body)
			}
			if tt.status == 204 {
				if res.Status != 204 {
					t.Fatalf("got %d %s", res.Status, res.Body)
				}
				return
			}
			wantError(t, res, tt.status, tt.code, tt.desc)
			p, _ := e.Store.PaymentGet(e.Ctx, 0, id)
			if tt.failed != (p.State().Code == "P0010") {
				t.Fatalf("payment state %+v", p.State())
			}
		})
	}
	t.Run("WebToken", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		token := e.create(quickStart()).Str("_links.next_url_post.params.chargeTokenId")
		anon := &apitest.Client{T: t, BaseURL: e.server.URL}
		wantError(t, anon.Do("POST", "/v1/auth", motoCard(token, "4444333322221111")), 400, "P1211", "The one_time_token is not valid")
	})
}
