package stripe_test

import (
	"context"

	"pay/internal/pay"
	"pay/internal/provider/stripe"
	"pay/internal/provider/stripe/stripetest"
)

// The recorded server's test cards and key.
const (
	cardSuccess    = stripetest.CardSuccess
	cardDeclined   = stripetest.CardDeclined
	cardExpired    = stripetest.CardExpired
	cardProcessing = stripetest.CardProcessing
	card3DS        = stripetest.Card3DS
)

// providerFor returns a Stripe provider talking to srv with key.
func providerFor(srv *stripetest.Server, key string) *stripe.Provider {
	return &stripe.Provider{URL: srv.URL, Keys: staticKey(key),
		ReturnURL: func(p *pay.Payment) string {
			return "https://pay.example/card_details/" + p.ID + "/3ds_required?returned=1"
		}}
}

type staticKey string

func (k staticKey) StripeSecretKey(context.Context, int64) (string, error) { return string(k), nil }
