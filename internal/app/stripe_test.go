package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82/webhook"

	"pay/internal/app"
	"pay/internal/apptest"
	"pay/internal/apptest/boot"
	"pay/internal/pay"
	"pay/internal/testenv"
)

// TestLiveAccount goes live on stripe-mock: a live key creates payments
// under the live account's rules (https return_url, Stripe's minimum), and
// the account's Stripe webhook endpoint takes only events signed with its
// secret.
func TestLiveAccount(t *testing.T) {
	mock := testenv.Require(t, "PAY_TEST_STRIPE_MOCK_URL")
	a, creds, base := boot.Start(t, map[string]string{"DATABASE_URL": apptest.SQLiteURL(t), "PAY_STRIPE_API_URL": mock}, app.Options{})
	ctx := context.Background()
	secrets := pay.Credentials{StripeSecretKey: "sk_test_mock", StripeWebhookSecret: "whsec_app"}
	if err := a.Stripe.CheckKey(ctx, secrets.StripeSecretKey); err != nil {
		t.Fatal(err)
	}
	live, err := a.Accounts.GoLive(ctx, creds.Account.ServiceID, &pay.Organisation{Name: "Org"}, secrets)
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := a.Accounts.CreateKey(ctx, live, "live", "test")
	if err != nil || !strings.HasPrefix(key, "api_live_") {
		t.Fatalf("live key %q, %v", key, err)
	}
	create := func(body string) (int, map[string]any) {
		req, _ := http.NewRequest("POST", base+"/v1/payments", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		json.NewDecoder(res.Body).Decode(&out)
		return res.StatusCode, out
	}
	code, out := create(`{"amount":1000,"reference":"r","description":"d","return_url":"http://service.example/done"}`)
	if code != 422 || out["code"] != "P0920" {
		t.Errorf("http return_url on live: %d %v", code, out)
	}
	code, out = create(`{"amount":29,"reference":"r","description":"d","return_url":"https://service.example/done"}`)
	if code != 422 || out["code"] != "P0102" || !strings.Contains(out["description"].(string), "greater than or equal to 30") {
		t.Errorf("below Stripe's minimum: %d %v", code, out)
	}
	code, out = create(`{"amount":30,"reference":"r","description":"d","return_url":"https://service.example/done"}`)
	if code != 201 || out["payment_provider"] != "stripe" {
		t.Errorf("live payment: %d %v", code, out)
	}

	post := func(service, secret string, signed bool) int {
		payload := []byte(`{"id":"evt_1","object":"event","type":"customer.created","data":{"object":{"id":"cus_1","object":"customer"}}}`)
		req, _ := http.NewRequest("POST", base+"/webhooks/stripe/"+service, bytes.NewReader(payload))
		if signed {
			s := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: time.Now()})
			req.Header.Set("Stripe-Signature", s.Header)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	serviceID := strconv.FormatInt(live.ServiceID, 10)
	for _, tt := range []struct {
		name, service, secret string
		signed                bool
		want                  int
	}{
		{"Signed", serviceID, "whsec_app", true, 200},
		{"Unsigned", serviceID, "", false, 400},
		{"OtherSecret", serviceID, "whsec_other", true, 400},
		{"ServiceNotLive", "99", "whsec_app", true, 404},
	} {
		if got := post(tt.service, tt.secret, tt.signed); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
}
