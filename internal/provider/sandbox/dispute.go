package sandbox

import (
	"time"

	"pay/internal/pay"
)

var _ pay.DisputeSimulator = (*Provider)(nil)

// DisputeTiming says how fast a sandbox dispute unfolds. A zero duration
// takes DefaultDisputeTiming's; a negative one means at once.
type DisputeTiming struct {
	Open           time.Duration // from capture to the dispute
	Review         time.Duration // from the dispute to the evidence going in
	Decide         time.Duration // from the evidence to the outcome
	EvidenceWindow time.Duration // from the dispute to its evidence due date
}

// DefaultDisputeTiming unfolds a sandbox dispute within a minute of capture,
// so a service can watch every step; the evidence is due in 7 days, as with
// GOV.UK Pay's Stripe test disputes.
var DefaultDisputeTiming = DisputeTiming{
	Open: 5 * time.Second, Review: 10 * time.Second, Decide: 30 * time.Second, EvidenceWindow: 7 * 24 * time.Hour,
}

// DisputeFee is what a lost sandbox dispute costs on top of the amount (the
// £15 that GOV.UK Pay's Stripe disputes cost).
const DisputeFee = 1500

// SkipEvidenceName is the cardholder name that keeps a sandbox dispute
// waiting for a response, as GOV.UK Pay's test accounts do.
const SkipEvidenceName = "skip_evidence"

// PlanDispute disputes payments made with CardDisputeLost (fraudulent, then
// lost) and CardDisputeWon (product not received, then won), matched on the
// first six and last four digits Pay keeps. Evidence is submitted for the
// payer's service unless the cardholder name is SkipEvidenceName, in which
// case the dispute stays at needs_response.
func (p *Provider) PlanDispute(pm *pay.Payment) *pay.DisputePlan {
	plan := &pay.DisputePlan{Fee: DisputeFee}
	switch {
	case matches(pm.Card, CardDisputeLost):
		plan.Reason, plan.Outcome = "fraudulent", pay.DisputeLost
	case matches(pm.Card, CardDisputeWon):
		plan.Reason, plan.Outcome = "product_not_received", pay.DisputeWon
	default:
		return nil
	}
	if pm.Card.CardholderName == SkipEvidenceName {
		plan.Outcome = ""
	}
	t := p.timing()
	plan.OpenAfter, plan.ReviewAfter, plan.DecideAfter, plan.EvidenceWindow = t.Open, t.Review, t.Decide, t.EvidenceWindow
	return plan
}

func matches(c pay.CardDetails, number string) bool {
	return c.FirstDigits == number[:6] && c.LastDigits == number[len(number)-4:]
}

// timing returns the provider's dispute timing with defaults filled in.
func (p *Provider) timing() DisputeTiming {
	t, d := p.Disputes, DefaultDisputeTiming
	if t.Open == 0 {
		t.Open = d.Open
	}
	if t.Review == 0 {
		t.Review = d.Review
	}
	if t.Decide == 0 {
		t.Decide = d.Decide
	}
	if t.EvidenceWindow == 0 {
		t.EvidenceWindow = d.EvidenceWindow
	}
	return t
}
