package pay

import (
	"context"
	"fmt"
	"log/slog"
)

// Provider is a payment service provider behind Pay: the sandbox, or a live
// one such as Stripe. Implementations must never log or return the full
// card number or the CVC.
//
// Every call may be made again for the same payment or refund: a job that
// a crashed process had taken runs again, without knowing whether the
// provider heard the first request. Implementations must make a repeat
// harmless, keyed by the payment's or refund's id (a live provider's
// idempotency key): the same answer, no second charge or refund.
type Provider interface {
	// Name is the provider's name as the API shows it ("sandbox", "stripe").
	Name() string
	// Authorise asks the provider to authorise the payment with the card, or
	// with the agreement's saved instrument when Card is nil. A declined card
	// is an outcome, not an error; an error means the provider could not answer.
	Authorise(ctx context.Context, req *AuthoriseRequest) (*AuthoriseResult, error)
	// Complete3DS finishes an authorisation that needed 3-D Secure, with the
	// result of the payer's challenge (passed or failed).
	Complete3DS(ctx context.Context, p *Payment, passed bool) (*AuthoriseResult, error)
	// Capture takes the authorised money.
	Capture(ctx context.Context, p *Payment) (*CaptureResult, error)
	// Cancel voids an authorisation that has not been captured.
	Cancel(ctx context.Context, p *Payment) error
	// Refund gives back part or all of a captured payment. Pay may ask again
	// with the same r.ID after a crash; that must not refund twice.
	Refund(ctx context.Context, p *Payment, r *Refund) (*RefundResult, error)
}

// Challenger is implemented by providers whose 3-D Secure challenge is on
// their own pages (Stripe): the payer is sent there, and comes back to
// Pay's 3-D Secure page with ChallengeReturnParam set.
type Challenger interface {
	// ChallengeURL returns where the payer authenticates the payment.
	ChallengeURL(ctx context.Context, p *Payment) (string, error)
}

// ChallengeReturnParam marks the payer's return from a provider's 3-D
// Secure pages on Pay's 3-D Secure page.
const ChallengeReturnParam = "returned"

// Card is a payer's full card details. It lives in memory for one
// authorisation and is never stored; its String and LogValue hide the number.
type Card struct {
	Number         string
	CVC            string
	ExpiryMonth    int
	ExpiryYear     int // four digits
	CardholderName string
	BillingAddress Address
	Brand          string // detected brand id
	CardType       string // "debit", "credit" or ""
}

// String never shows the number or the CVC.
func (c *Card) String() string {
	return fmt.Sprintf("card %s…%s", c.FirstDigits(), c.LastDigits())
}

// GoString is String, so that %#v cannot leak the number either.
func (c *Card) GoString() string { return c.String() }

// LogValue keeps the number and CVC out of structured logs.
func (c *Card) LogValue() slog.Value {
	return slog.GroupValue(slog.String("first6", c.FirstDigits()), slog.String("last4", c.LastDigits()),
		slog.String("brand", c.Brand))
}

// FirstDigits returns the first six digits of the number.
func (c *Card) FirstDigits() string {
	if len(c.Number) < 6 {
		return ""
	}
	return c.Number[:6]
}

// LastDigits returns the last four digits of the number.
func (c *Card) LastDigits() string {
	if len(c.Number) < 4 {
		return ""
	}
	return c.Number[len(c.Number)-4:]
}

// Details returns what Pay may keep of the card.
func (c *Card) Details() CardDetails {
	return CardDetails{
		FirstDigits:    c.FirstDigits(),
		LastDigits:     c.LastDigits(),
		CardholderName: c.CardholderName,
		ExpiryDate:     fmt.Sprintf("%02d/%02d", c.ExpiryMonth, c.ExpiryYear%100),
		Brand:          c.Brand,
		CardType:       c.CardType,
		BillingAddress: c.BillingAddress,
	}
}

// AuthoriseRequest is one authorisation attempt.
type AuthoriseRequest struct {
	Payment    *Payment
	Card       *Card              // nil when charging a saved instrument
	Instrument *PaymentInstrument // the agreement's card, for payer-not-present payments
	SaveCard   bool               // keep the card for later payments on an agreement
}

// AuthOutcome is what the provider decided.
type AuthOutcome int

const (
	AuthAuthorised AuthOutcome = iota + 1
	AuthRejected
	AuthError
	AuthRequires3DS
)

// AuthoriseResult is the provider's answer to an authorisation.
type AuthoriseResult struct {
	Outcome       AuthOutcome
	ProviderID    string // the provider's transaction id
	Message       string // the provider's reason, for logs and the event history
	InstrumentRef string // the saved card's reference, when SaveCard was set
	CanRetry      *bool  // for payer-not-present declines: may the service try again
	// ChallengeURL is where the payer authenticates, for a provider whose
	// 3-D Secure challenge is on its own pages (Stripe); "" for the sandbox.
	ChallengeURL string
}

// CaptureResult is the provider's answer to a capture.
type CaptureResult struct {
	Pending bool   // the provider confirms later (CAPTURE SUBMITTED); false means captured now
	Fee     *int64 // the provider's fee for the payment, when it says at capture
}

// RefundResult is the provider's answer to a refund.
type RefundResult struct {
	Pending    bool // the provider confirms later
	Failed     bool // the provider refused the refund for good
	ProviderID string
}
