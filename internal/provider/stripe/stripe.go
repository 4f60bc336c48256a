// Package stripe is Pay's live payment provider: it sends each payment to
// the Stripe account of the payment's gateway account, through Stripe's
// official Go library. Card details go from the card page to Stripe in a
// PaymentMethod and are never kept; every call that changes something at
// Stripe carries an idempotency key made from Pay's own ids, so a retry
// after a crash or a timeout never charges or refunds twice.
package stripe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	stripe "github.com/stripe/stripe-go/v82"

	"pay/internal/pay"
)

var _ pay.Provider = (*Provider)(nil)

// Keys finds the Stripe secret key of a gateway account.
type Keys interface {
	// StripeSecretKey returns the account's secret API key; an error if the
	// account has none.
	StripeSecretKey(ctx context.Context, accountID int64) (string, error)
}

// Provider is the Stripe payment provider.
type Provider struct {
	// URL is the base of Stripe's API; "" is Stripe's own. Tests point it
	// at stripe-mock or at a server of recorded responses.
	URL string
	// HTTPClient makes the calls; nil is Stripe's default client.
	HTTPClient *http.Client
	// Keys gives each account's secret key.
	Keys Keys
	// ReturnURL is where Stripe sends the payer back after a 3-D Secure
	// challenge: Pay's own page for the payment.
	ReturnURL func(p *pay.Payment) string
}

// Name is "stripe".
func (*Provider) Name() string { return pay.ProviderStripe }

// client returns a Stripe client with the account's key. Stripe's library
// logs nothing: Pay logs what it needs itself, without card data.
func (s *Provider) client(ctx context.Context, accountID int64) (*stripe.Client, error) {
	if s.Keys == nil {
		return nil, errors.New("stripe: no keys configured")
	}
	key, err := s.Keys.StripeSecretKey(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("stripe: account %d: %w", accountID, err)
	}
	return s.clientWithKey(key)
}

// clientWithKey returns a Stripe client with key.
func (s *Provider) clientWithKey(key string) (*stripe.Client, error) {
	cfg := &stripe.BackendConfig{HTTPClient: s.HTTPClient, LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull}}
	if s.URL != "" {
		cfg.URL = stripe.String(strings.TrimSuffix(s.URL, "/"))
	}
	return stripe.NewClient(key, stripe.WithBackends(stripe.NewBackendsWithConfig(cfg))), nil
}

// call runs one Stripe call with the account's client; its error names
// what failed and keeps only what may be logged of Stripe's answer. It is
// not generic: a generic call's type dictionary made the linker keep all of
// stripe.Client's services and every type they use, 6 MB of the binary.
func (s *Provider) call(ctx context.Context, accountID int64, what string, f func(*stripe.Client) error) error {
	c, err := s.client(ctx, accountID)
	if err != nil {
		return err
	}
	if err := f(c); err != nil {
		return fmt.Errorf("stripe: %s: %w", what, describe(err))
	}
	return nil
}

// idempotencyKey names one call for one of Pay's objects. Stripe keeps a
// key for 24 hours and answers a repeat with the first answer.
func idempotencyKey(action, id string) *string { return stripe.String("pay-" + action + "-" + id) }

// Capture takes the authorised money. The answer carries Stripe's fee when
// the charge's balance transaction is already there.
func (s *Provider) Capture(ctx context.Context, p *pay.Payment) (*pay.CaptureResult, error) {
	params := &stripe.PaymentIntentCaptureParams{}
	params.IdempotencyKey = idempotencyKey("capture", p.ID)
	params.AddExpand("latest_charge.balance_transaction")
	var pi *stripe.PaymentIntent
	err := s.call(ctx, p.AccountID, "capture", func(c *stripe.Client) (err error) {
		pi, err = c.V1PaymentIntents.Capture(ctx, p.ProviderID, params)
		return err
	})
	if err != nil {
		return nil, err
	}
	switch pi.Status {
	case stripe.PaymentIntentStatusSucceeded:
		return &pay.CaptureResult{Fee: fee(pi)}, nil
	case stripe.PaymentIntentStatusProcessing:
		return &pay.CaptureResult{Pending: true}, nil
	}
	return nil, fmt.Errorf("stripe: capture left the payment intent %s", pi.Status)
}

// fee returns Stripe's fee for the payment intent's charge, or nil.
func fee(pi *stripe.PaymentIntent) *int64 {
	if pi.LatestCharge == nil || pi.LatestCharge.BalanceTransaction == nil {
		return nil
	}
	f := pi.LatestCharge.BalanceTransaction.Fee
	return &f
}

// Cancel voids the authorisation. A payment that never reached Stripe has
// nothing to void.
func (s *Provider) Cancel(ctx context.Context, p *pay.Payment) error {
	if p.ProviderID == "" {
		return nil
	}
	params := &stripe.PaymentIntentCancelParams{}
	params.IdempotencyKey = idempotencyKey("cancel", p.ID)
	return s.call(ctx, p.AccountID, "cancel", func(c *stripe.Client) error {
		_, err := c.V1PaymentIntents.Cancel(ctx, p.ProviderID, params)
		return err
	})
}

// Refund gives back r.Amount of the payment. Asked again for the same
// refund, Stripe answers with the first refund (same idempotency key).
// A refund Stripe has failed or cancelled is an outcome (Failed), not an
// error, so Pay records it at once instead of retrying.
func (s *Provider) Refund(ctx context.Context, p *pay.Payment, r *pay.Refund) (*pay.RefundResult, error) {
	params := &stripe.RefundCreateParams{PaymentIntent: stripe.String(p.ProviderID), Amount: stripe.Int64(r.Amount),
		Metadata: map[string]string{"pay_payment_id": p.ID, "pay_refund_id": r.ID}}
	params.IdempotencyKey = idempotencyKey("refund", r.ID)
	var ref *stripe.Refund
	err := s.call(ctx, p.AccountID, "refund", func(c *stripe.Client) (err error) {
		ref, err = c.V1Refunds.Create(ctx, params)
		return err
	})
	if err != nil {
		return nil, err
	}
	return refundResult(ref), nil
}

// refundResult reads a Stripe refund's status.
func refundResult(ref *stripe.Refund) *pay.RefundResult {
	res := &pay.RefundResult{ProviderID: ref.ID}
	switch ref.Status {
	case stripe.RefundStatusSucceeded:
	case stripe.RefundStatusFailed, stripe.RefundStatusCanceled:
		res.Failed = true
	default: // pending, requires_action: a webhook says how it ends
		res.Pending = true
	}
	return res
}

// describe keeps what Pay may log of a Stripe error: its type, code and
// message (Stripe never echoes card numbers), and the request id.
func describe(err error) error {
	var se *stripe.Error
	if errors.As(err, &se) {
		return fmt.Errorf("%s %s (%d): %s [request %s]", se.Type, se.Code, se.HTTPStatusCode, se.Msg, se.RequestID)
	}
	return err
}
