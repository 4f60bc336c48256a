package pay

import (
	"context"
	"time"
)

// DisputeStatus is where a dispute is, as GOV.UK Pay's API shows it.
type DisputeStatus string

const (
	DisputeNeedsResponse DisputeStatus = "needs_response"
	DisputeUnderReview   DisputeStatus = "under_review"
	DisputeLost          DisputeStatus = "lost"
	DisputeWon           DisputeStatus = "won"
)

// DisputeStatuses lists every status, in GOV.UK Pay's order.
var DisputeStatuses = []DisputeStatus{DisputeNeedsResponse, DisputeUnderReview, DisputeLost, DisputeWon}

// BlocksRefunds reports whether a payment with a dispute in this status may
// not be refunded: while the dispute is open, and after it is lost (the
// money has gone back to the payer through their bank).
func (s DisputeStatus) BlocksRefunds() bool {
	return s == DisputeNeedsResponse || s == DisputeUnderReview || s == DisputeLost
}

// Dispute is a payer challenging a captured payment through their bank.
type Dispute struct {
	ID            string
	PaymentID     string
	AccountID     int64
	Amount        int64  // the disputed amount, in pence
	Fee           *int64 // the provider's dispute fee; set when the dispute is lost
	NetAmount     *int64 // what the service loses (negative); set when the dispute is lost
	Reason        string // e.g. fraudulent, product_not_received
	Status        DisputeStatus
	CreatedAt     time.Time
	EvidenceDueAt time.Time
	SettledAt     *time.Time // when the provider took the money; set when the dispute is lost
}

// Dispute events (GOV.UK Pay's ledger event names). They are part of the
// payment's event log but not of its public history.
const (
	EventDisputeCreated           EventType = "DISPUTE_CREATED"
	EventDisputeEvidenceSubmitted EventType = "DISPUTE_EVIDENCE_SUBMITTED"
	EventDisputeLost              EventType = "DISPUTE_LOST"
	EventDisputeWon               EventType = "DISPUTE_WON"
)

// ApplyDisputeOpen opens params.Dispute on p, read under a lock: only a captured payment can be disputed. It sets the dispute's
// amount (the payment's total), status and dates, marks the payment and
// returns the event to append; a conflict if p is not captured or already
// has a dispute.
func ApplyDisputeOpen(p *Payment, params *DisputeInsertParams, now time.Time) (*Event, error) {
	if p.Status != StatusCaptured || p.DisputeStatus != "" {
		return nil, ErrConflict("payment %s cannot be disputed", p.ID)
	}
	d := params.Dispute
	d.AccountID, d.Amount, d.Status = p.AccountID, p.TotalAmount(), DisputeNeedsResponse
	d.CreatedAt, d.EvidenceDueAt = now, now.Add(params.EvidenceWindow)
	p.DisputeStatus = d.Status
	return &Event{PaymentID: p.ID, Type: EventDisputeCreated, Amount: d.Amount, At: now}, nil
}

// disputeTransitions is a dispute's life: evidence goes in, then the bank
// decides; a dispute left without a response can be decided too.
var disputeTransitions = map[[2]DisputeStatus]EventType{
	{DisputeNeedsResponse, DisputeUnderReview}: EventDisputeEvidenceSubmitted,
	{DisputeNeedsResponse, DisputeLost}:        EventDisputeLost,
	{DisputeNeedsResponse, DisputeWon}:         EventDisputeWon,
	{DisputeUnderReview, DisputeLost}:          EventDisputeLost,
	{DisputeUnderReview, DisputeWon}:           EventDisputeWon,
}

// DisputeTransitionError says a dispute was not in a status that allows a change.
type DisputeTransitionError struct {
	PaymentID string
	From, To  DisputeStatus
}

func (e *DisputeTransitionError) Error() string {
	return "the dispute of payment " + e.PaymentID + " cannot go from " + string(e.From) + " to " + string(e.To)
}

// ApplyDisputeTransition changes d's status as params describe, with p (the
// disputed payment) read under a lock, and keeps p.DisputeStatus in step. It
// returns the event to append, or a conflict wrapping a *DisputeTransitionError.
func ApplyDisputeTransition(p *Payment, d *Dispute, params *DisputeTransitionParams, now time.Time) (*Event, error) {
	ev, ok := disputeTransitions[[2]DisputeStatus{d.Status, params.To}]
	if !ok || (params.From != "" && params.From != d.Status) {
		te := &DisputeTransitionError{PaymentID: p.ID, From: d.Status, To: params.To}
		return nil, &Error{Kind: KindConflict, Message: te.Error(), Err: te}
	}
	d.Status, p.DisputeStatus = params.To, params.To
	if params.Update != nil {
		params.Update(d)
	}
	return &Event{PaymentID: p.ID, Type: ev, Amount: d.Amount, At: now}, nil
}

// DisputeSearch filters one account's disputes. Empty fields do not filter.
type DisputeSearch struct {
	AccountID   int64
	Status      DisputeStatus
	FromDate    *time.Time // created at or after
	ToDate      *time.Time // created before
	FromSettled *time.Time // settled on or after this day
	ToSettled   *time.Time // settled on or before this day
	Page        int        // from 1
	DisplaySize int
}

// Offset returns the number of rows before the page.
func (s *DisputeSearch) Offset() int { return (s.Page - 1) * s.DisplaySize }

// DisputePage is one page of dispute search results, newest first.
type DisputePage struct {
	Disputes []*Dispute
	Total    int
}

// DisputePlan is how a test provider scripts the dispute of a captured
// payment, so services can try their dispute handling without a real bank.
type DisputePlan struct {
	Reason         string
	Outcome        DisputeStatus // DisputeWon or DisputeLost; "" leaves the dispute needing a response
	Fee            int64         // the provider's fee, taken when the dispute is lost
	OpenAfter      time.Duration // from capture to the dispute; 0 or less: at once
	ReviewAfter    time.Duration // from the dispute to the evidence going in; 0 or less: at once
	DecideAfter    time.Duration // from the evidence to the outcome; 0 or less: at once
	EvidenceWindow time.Duration // from the dispute to its evidence due date
}

// DisputeSimulator is implemented by test providers that dispute some of the
// payments they capture (the sandbox does, by card number).
type DisputeSimulator interface {
	// PlanDispute returns the plan for p, or nil if p is never disputed.
	PlanDispute(p *Payment) *DisputePlan
}

// disputeJobs returns the job that opens p's dispute after capture, if p's
// provider simulates one.
func disputeJobs(prov Provider, p *Payment, now time.Time) []Job {
	sim, ok := prov.(DisputeSimulator)
	if !ok {
		return nil
	}
	plan := sim.PlanDispute(p)
	if plan == nil {
		return nil
	}
	return []Job{disputeStep(DisputeJob{PaymentID: p.ID}, now, plan.OpenAfter)}
}

// disputeStep schedules a dispute step after a delay; a step with no delay
// is enqueued ready to run, rather than waiting for River's scheduler.
func disputeStep(args DisputeJob, now time.Time, after time.Duration) Job {
	if after <= 0 {
		return Job{Args: args}
	}
	return Job{Args: args, ScheduledAt: now.Add(after)}
}

// AdvanceDispute takes the step of a simulated dispute that job describes:
// open it, submit evidence, or decide it, each scheduling the next. It is
// the dispute job's body and safe to run again: a step already taken is a
// no-op.
func (s *Payments) AdvanceDispute(ctx context.Context, job DisputeJob) error {
	p, err := s.Store.PaymentGet(ctx, 0, job.PaymentID)
	if err != nil {
		return err
	}
	prov, err := s.provider(p.Provider)
	if err != nil {
		return err
	}
	sim, ok := prov.(DisputeSimulator)
	if !ok {
		return nil
	}
	plan := sim.PlanDispute(p)
	if plan == nil || (job.From != "" && plan.Outcome == "") {
		return nil // no dispute, or one left waiting for a response
	}
	switch job.From {
	case "":
		err = s.openDispute(ctx, p, plan)
	case DisputeNeedsResponse:
		err = s.moveDispute(ctx, p.ID, job.From, DisputeUnderReview, nil, s.nextDisputeStep(p.ID, DisputeUnderReview, plan.DecideAfter))
	case DisputeUnderReview:
		err = s.moveDispute(ctx, p.ID, job.From, plan.Outcome, s.settleDispute(plan), nil)
	}
	if IsKind(err, KindConflict) {
		return nil // this step was taken before
	}
	return err
}

func (s *Payments) openDispute(ctx context.Context, p *Payment, plan *DisputePlan) error {
	params := &DisputeInsertParams{
		Dispute:        &Dispute{ID: NewID(), PaymentID: p.ID, Reason: plan.Reason},
		EvidenceWindow: plan.EvidenceWindow,
	}
	if plan.Outcome != "" {
		params.Jobs = s.nextDisputeStep(p.ID, DisputeNeedsResponse, plan.ReviewAfter)
	}
	return OpenDispute(ctx, s.Store, params)
}

func (s *Payments) nextDisputeStep(paymentID string, from DisputeStatus, after time.Duration) []Job {
	return []Job{disputeStep(DisputeJob{PaymentID: paymentID, From: from}, s.now(), after)}
}

func (s *Payments) moveDispute(ctx context.Context, paymentID string, from, to DisputeStatus, update func(*Dispute), jobs []Job) error {
	_, err := TransitionDispute(ctx, s.Store, &DisputeTransitionParams{
		PaymentID: paymentID, From: from, To: to, Update: update, Jobs: jobs,
	})
	return err
}

// settleDispute records what a lost dispute costs: the amount and the fee,
// taken from the service's next payout, which the sandbox makes today.
func (s *Payments) settleDispute(plan *DisputePlan) func(*Dispute) {
	if plan.Outcome != DisputeLost {
		return nil
	}
	return func(d *Dispute) {
		fee, net, now := plan.Fee, -(d.Amount + plan.Fee), s.now()
		d.Fee, d.NetAmount, d.SettledAt = &fee, &net, &now
	}
}
