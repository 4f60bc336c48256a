package stripe_test

import (
	"context"
	"errors"
	"testing"

	"pay/internal/provider/stripe"
	"pay/internal/provider/stripe/stripetest"
)

func TestCheckKey(t *testing.T) {
	rec := stripetest.New(t)
	tests := []struct {
		name, url, key string
		want           error
	}{
		{"TestKeyOnStripe", "", "sk_test_recorded", stripe.ErrTestKey},
		{"PublishableKey", "", "pk_live_abc", stripe.ErrNotSecretKey},
		{"Empty", rec.URL, "", stripe.ErrNotSecretKey},
		{"WrongKey", rec.URL, "sk_test_wrong", stripe.ErrKeyRefused},
		{"TestKeyOnMock", rec.URL, "sk_test_recorded", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := (&stripe.Provider{URL: tt.url}).CheckKey(context.Background(), tt.key)
			if !errors.Is(err, tt.want) {
				t.Fatalf("CheckKey(%q) = %v, want %v", tt.key, err, tt.want)
			}
		})
	}
	if n := len(rec.Calls()); n != 2 {
		t.Fatalf("%d calls to Stripe; only the well-formed keys on another server are checked there", n)
	}
	if c := rec.Calls()[1]; c.Method != "GET" || c.Path != "/v1/balance" {
		t.Fatalf("checked with %s %s", c.Method, c.Path)
	}
}
