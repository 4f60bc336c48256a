// Package sandbox is Pay's test provider. It decides by card number, with
// GOV.UK Pay's sandbox test cards, so services can try every outcome
// without moving money; capture, cancel and refund succeed at once.
package sandbox

import (
	"context"
	"crypto/sha256"
	"math/big"
	"strings"

	"pay/internal/pay"
)

var _ pay.Provider = (*Provider)(nil)

// Provider is the sandbox payment provider.
type Provider struct {
	// Disputes times the disputes of CardDisputeLost and CardDisputeWon
	// payments.
	Disputes DisputeTiming
}

// New returns the sandbox provider with the default dispute timing.
func New() *Provider { return &Provider{} }

// Name is "sandbox".
func (*Provider) Name() string { return pay.ProviderSandbox }

// Test card numbers with a special outcome (GOV.UK Pay's, plus Pay's own
// 3-D Secure and dispute cards).
const (
	CardDeclined        = "4000000000000002"
	CardExpired         = "4000000000000069"
	CardBadCVC          = "4000000000000127"
	CardProcessingError = "4000000000000119"
	CardThreeDSecure    = "4000002500003155"
	CardDisputeLost     = "4000000000000259"
	CardDisputeWon      = "4000000000002685"
	// CardRecurringDeclined sets up an agreement fine; later payments on the
	// agreement are declined and may not be retried.
	CardRecurringDeclined = "5105105105105100"
)

// successCards are authorised (GOV.UK Pay's sandbox list, corporate cards included).
var successCards = map[string]bool{
	"4444333322221111": true, "4917610000000000003": true, "4000056655665556": true, "371449635398431": true,
	"3566002020360505": true, "6011000990139424": true, "36148900647913": true, "4242424242424242": true,
	"5105105105105100": true, "222100000000000": true, "4000000000000010": true, "4000160000000004": true,
	"4000020000000000": true, "4988080000000000": true, "4111111111111111": true, "4293189100000008": true,
	"5101180000000007": true, "4131840000000003": true, "4000180000000002": true, "5200828282828210": true,
	CardThreeDSecure: true, CardDisputeLost: true, CardDisputeWon: true,
}

// Messages the sandbox gives, as GOV.UK Pay's does (including its typo).
const (
	msgProcessingError = "This transaction could be not be processed."
	msgUnsupported     = "Unsupported card details."
	msgDeclined        = "This transaction was declined."
)

// Authorise decides by card number, or for a saved instrument by its first
// six and last four digits. Its ids derive from the payment's, so asking
// again for the same payment answers the same, as a live provider's
// idempotency key would.
func (*Provider) Authorise(_ context.Context, req *pay.AuthoriseRequest) (*pay.AuthoriseResult, error) {
	res := &pay.AuthoriseResult{ProviderID: derivedID("authorisation", req.Payment.ID)}
	if req.Card == nil {
		return authoriseInstrument(req, res), nil
	}
	number := req.Card.Number
	switch {
	case number == CardDeclined || number == CardExpired || number == CardBadCVC:
		res.Outcome, res.Message = pay.AuthRejected, msgDeclined
	case number == CardProcessingError:
		res.Outcome, res.Message = pay.AuthError, msgProcessingError
	case number == CardThreeDSecure && !req.Payment.Moto:
		res.Outcome = pay.AuthRequires3DS
	case successCards[number]:
		res.Outcome = pay.AuthAuthorised
	default:
		res.Outcome, res.Message = pay.AuthError, msgUnsupported
	}
	if res.Outcome == pay.AuthAuthorised && req.SaveCard {
		res.InstrumentRef = "sandbox-" + derivedID("instrument", req.Payment.ID)
	}
	return res, nil
}

// authoriseInstrument charges a saved card with the payer not present.
func authoriseInstrument(req *pay.AuthoriseRequest, res *pay.AuthoriseResult) *pay.AuthoriseResult {
	if req.Instrument == nil {
		res.Outcome, res.Message = pay.AuthError, msgUnsupported
		return res
	}
	c := req.Instrument.Card
	if c.FirstDigits == CardRecurringDeclined[:6] && c.LastDigits == CardRecurringDeclined[12:] {
		no := false
		res.Outcome, res.Message, res.CanRetry = pay.AuthRejected, msgDeclined, &no
		return res
	}
	res.Outcome = pay.AuthAuthorised
	return res
}

// Complete3DS authorises when the payer passed the sandbox's challenge.
func (*Provider) Complete3DS(_ context.Context, p *pay.Payment, passed bool) (*pay.AuthoriseResult, error) {
	if !passed {
		return &pay.AuthoriseResult{Outcome: pay.AuthRejected, ProviderID: p.ProviderID, Message: "3-D Secure failed"}, nil
	}
	return &pay.AuthoriseResult{Outcome: pay.AuthAuthorised, ProviderID: p.ProviderID}, nil
}

// Capture succeeds at once.
func (*Provider) Capture(context.Context, *pay.Payment) (*pay.CaptureResult, error) {
	return &pay.CaptureResult{}, nil
}

// Cancel succeeds at once.
func (*Provider) Cancel(context.Context, *pay.Payment) error { return nil }

// Refund succeeds at once. Asked again for the same refund, it answers with
// the same provider id: one refund, not two.
func (*Provider) Refund(_ context.Context, _ *pay.Payment, r *pay.Refund) (*pay.RefundResult, error) {
	return &pay.RefundResult{ProviderID: derivedID("refund", r.ID)}, nil
}

// derivedID is the sandbox's id for what of Pay's id: a fixed function of
// both, written like Pay's ids, so a repeated request gets the same answer.
func derivedID(what, id string) string {
	sum := sha256.Sum256([]byte(what + ":" + id))
	n := new(big.Int).SetBytes(sum[:17]) // 136 bits, of which Pay's ids have 130
	s := n.Rsh(n, 6).Text(32)
	return strings.Repeat("0", pay.IDLength-len(s)) + s
}
