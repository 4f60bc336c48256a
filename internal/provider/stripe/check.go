package stripe

import (
	"context"
	"errors"
	"fmt"
	"strings"

	stripe "github.com/stripe/stripe-go/v82"
)

// Errors of CheckKey.
var (
	// ErrTestKey is a test-mode key offered for a live account.
	ErrTestKey = errors.New("this is a test-mode key (sk_test_…): a live account needs the live secret key (sk_live_…)")
	// ErrNotSecretKey is something that is not a Stripe secret key at all.
	ErrNotSecretKey = errors.New("enter the Stripe account's secret key: it starts with sk_live_ (or rk_live_ for a restricted key)")
	// ErrKeyRefused is a key Stripe does not accept.
	ErrKeyRefused = errors.New("the Stripe account did not accept this secret key: check that it is the whole key, and that it has not been rolled")
)

// CheckKey makes sure key is a live secret key that Stripe accepts, by
// reading the Stripe account's balance with it. A test-mode key is refused
// (ErrTestKey) unless the provider talks to another server than Stripe's
// (stripe-mock in tests). It returns ErrNotSecretKey, ErrTestKey or
// ErrKeyRefused for a key that will not do, and another error when Stripe
// could not be asked.
func (s *Provider) CheckKey(ctx context.Context, key string) error {
	key = strings.TrimSpace(key)
	switch {
	case strings.HasPrefix(key, "sk_test_") || strings.HasPrefix(key, "rk_test_"):
		if s.URL == "" {
			return ErrTestKey
		}
	case !strings.HasPrefix(key, "sk_live_") && !strings.HasPrefix(key, "rk_live_"):
		return ErrNotSecretKey
	}
	c, err := s.clientWithKey(key)
	if err != nil {
		return err
	}
	if _, err := c.V1Balance.Retrieve(ctx, nil); err != nil {
		var se *stripe.Error
		if errors.As(err, &se) && (se.HTTPStatusCode == 401 || se.HTTPStatusCode == 403) {
			return ErrKeyRefused
		}
		return fmt.Errorf("stripe: could not check the key: %w", describe(err))
	}
	return nil
}
