package pay

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"
)

// RefundStatus is a refund's internal status (GOV.UK Pay's connector).
type RefundStatus string

const (
	RefundCreated   RefundStatus = "CREATED"
	RefundSubmitted RefundStatus = "REFUND SUBMITTED"
	RefundSucceeded RefundStatus = "REFUNDED"
	RefundError     RefundStatus = "REFUND ERROR"
)

// External returns the refund status the API shows: submitted, success or error.
func (s RefundStatus) External() string {
	switch s {
	case RefundSucceeded:
		return "success"
	case RefundError:
		return "error"
	}
	return "submitted"
}

// Refund gives money back on a captured payment.
type Refund struct {
	ID              string
	PaymentID       string
	AccountID       int64
	Amount          int64
	Status          RefundStatus
	ProviderID      string
	CreatedBy       string // the admin user's email, for refunds made in the admin site
	CreatedByUserID int64  // and that user's id
	CreatedAt       time.Time
	SettledAt       *time.Time
}

// Refund events (GOV.UK Pay's connector event names).
const (
	EventRefundCreatedByService EventType = "REFUND_CREATED_BY_SERVICE"
	EventRefundCreatedByUser    EventType = "REFUND_CREATED_BY_USER"
	EventRefundSubmitted        EventType = "REFUND_SUBMITTED"
	EventRefundSucceeded        EventType = "REFUND_SUCCEEDED"
	EventRefundError            EventType = "REFUND_ERROR"
)

// Finished reports whether nothing more will happen to a refund.
func (s RefundStatus) Finished() bool { return s == RefundSucceeded || s == RefundError }

// RefundRequest asks for money back on a captured payment. The API fills it
// from POST /v1/payments/{id}/refunds; the admin site from its refund form.
type RefundRequest struct {
	PaymentID string
	Amount    int64
	// AmountAvailable is what the caller believes is left to refund
	// (refund_amount_available). nil takes what is left at the moment the
	// refund is checked, as GOV.UK Pay's API does by reading the payment
	// first; Pay reads it under the payment's lock, so a concurrent refund
	// cannot turn an omitted value into a mismatch.
	AmountAvailable *int64
	// CreatedBy is the email of the admin user who asked, and CreatedByUserID
	// their id; "" and 0 for the API.
	CreatedBy       string
	CreatedByUserID int64
}

// Refund checks req in GOV.UK Pay's order and stores a new refund in the
// CREATED status, with its event and the job that sends it to the provider.
// It returns a KindInvalid P0602 for an amount out of range, not found for
// a payment the account does not have, a forbidden P0941 on a disabled
// account, and the errors of ApplyRefund: a P0603 when the payment cannot be
// refunded by that much and a P0604 (412) when AmountAvailable is stale.
func (s *Payments) Refund(ctx context.Context, acct *Account, req *RefundRequest) (*Refund, error) {
	if err := checkRefundAmount(req.Amount); err != nil {
		return nil, err
	}
	if !ValidID(req.PaymentID) {
		return nil, ErrNotFound("payment")
	}
	if acct.Disabled {
		// GOV.UK Pay finds the payment before it looks at the account.
		if _, err := s.Store.PaymentGet(ctx, acct.ID, req.PaymentID); err != nil {
			return nil, err
		}
		return nil, &Error{Kind: KindForbidden, Code: CodeAccountDisabled, Message: msgAccountDisabled}
	}
	r := &Refund{ID: NewID(), PaymentID: req.PaymentID, AccountID: acct.ID, Amount: req.Amount, CreatedBy: req.CreatedBy,
		CreatedByUserID: req.CreatedByUserID}
	err := InsertRefund(ctx, s.Store, &RefundInsertParams{
		Refund: r, AmountAvailable: req.AmountAvailable, Jobs: []Job{{Args: RefundJob{RefundID: r.ID}}},
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// checkRefundAmount is GOV.UK Pay's range check of a refund amount (422).
func checkRefundAmount(amount int64) error {
	switch {
	case amount < 1:
		return invalidAttribute(KindInvalid, CodeRefundInvalid, "amount", "Must be greater than or equal to 1")
	case amount > MaxAmount:
		return invalidAttribute(KindInvalid, CodeRefundInvalid, "amount", "Must be less than or equal to "+strconv.Itoa(MaxAmount))
	}
	return nil
}

// Refund refusals, in GOV.UK Pay's words.
var (
	errRefundDisputed = &Error{Kind: KindBadRequest, Code: CodeRefundNotAvailable, Message: "The payment is disputed and cannot be refunded"}
	errRefundMismatch = &Error{Kind: KindPrecondition, Code: CodeRefundMismatch, Message: "Refund amount available mismatch."}
)

func errRefundNotAvailable(status string) *Error {
	return &Error{Kind: KindBadRequest, Code: CodeRefundNotAvailable,
		Message: "The payment is not available for refund. Payment refund status: " + status,
		Err:     &RefundUnavailableError{Status: status}}
}

// RefundUnavailableError says why a payment cannot be refunded: its refund
// status (pending, full, unavailable or amount_not_available).
type RefundUnavailableError struct {
	Status string
}

func (e *RefundUnavailableError) Error() string { return "refund status " + e.Status }

// ApplyRefund checks the refund params describe against p, read under a
// lock, in GOV.UK Pay's order: disputed, not available
// (P0603 with the refund status), a stale AmountAvailable (P0604), more than
// is left (P0603 amount_not_available). On success it counts the refund in
// p.RefundedAmount, sets the refund's status and creation time and returns
// the event to append. InsertRefund calls it, so the money rule is in one place.
func ApplyRefund(p *Payment, params *RefundInsertParams, now time.Time) (*Event, error) {
	r := params.Refund
	rs := p.RefundSummary()
	switch {
	case rs.Status == RefundUnavailable && p.DisputeStatus.BlocksRefunds():
		return nil, errRefundDisputed
	case rs.Status != RefundAvailable:
		return nil, errRefundNotAvailable(rs.Status)
	case params.AmountAvailable != nil && *params.AmountAvailable != rs.AmountAvailable:
		return nil, errRefundMismatch
	case r.Amount > rs.AmountAvailable:
		return nil, errRefundNotAvailable(RefundNotAvailable)
	}
	p.RefundedAmount += r.Amount
	r.Status, r.CreatedAt = RefundCreated, now
	ev := &Event{PaymentID: p.ID, Type: EventRefundCreatedByService, Amount: r.Amount, RefundID: r.ID, At: now}
	if r.CreatedBy != "" {
		ev.Type = EventRefundCreatedByUser
	}
	return ev, nil
}

// refundTransitions is the refund state machine (GOV.UK Pay's connector,
// where even an immediate success passes through REFUND SUBMITTED) and the
// event each transition records.
var refundTransitions = map[[2]RefundStatus]EventType{
	{RefundCreated, RefundSubmitted}:   EventRefundSubmitted,
	{RefundCreated, RefundError}:       EventRefundError,
	{RefundSubmitted, RefundSucceeded}: EventRefundSucceeded,
	{RefundSubmitted, RefundError}:     EventRefundError,
}

// RefundTransitionError says a refund was not in a status that allows a change.
type RefundTransitionError struct {
	RefundID string
	From, To RefundStatus
}

func (e *RefundTransitionError) Error() string {
	return "refund " + e.RefundID + " cannot go from " + string(e.From) + " to " + string(e.To)
}

// ApplyRefundTransition changes r's status as params describe, with p (the
// refund's payment) read under a lock. A refund in error gives its amount
// back to the payment's available amount. It returns the event to append,
// or a conflict wrapping a *RefundTransitionError.
func ApplyRefundTransition(p *Payment, r *Refund, params *RefundTransitionParams, now time.Time) (*Event, error) {
	ev, ok := refundTransitions[[2]RefundStatus{r.Status, params.To}]
	if !ok || (len(params.From) > 0 && !slices.Contains(params.From, r.Status)) {
		te := &RefundTransitionError{RefundID: r.ID, From: r.Status, To: params.To}
		return nil, &Error{Kind: KindConflict, Message: te.Error(), Err: te}
	}
	r.Status = params.To
	if params.To == RefundError {
		p.RefundedAmount -= r.Amount
	}
	if params.Update != nil {
		params.Update(r)
	}
	return &Event{PaymentID: p.ID, Type: ev, Amount: r.Amount, RefundID: r.ID, At: now}, nil
}

// GetRefund returns one refund of one of the account's payments; not found
// if either id is unknown or the refund belongs to another payment.
func (s *Payments) GetRefund(ctx context.Context, accountID int64, paymentID, refundID string) (*Refund, error) {
	if !ValidID(paymentID) || !ValidID(refundID) {
		return nil, ErrNotFound("refund")
	}
	r, err := s.Store.RefundGet(ctx, accountID, refundID)
	if err != nil {
		return nil, err
	}
	if r.PaymentID != paymentID {
		return nil, ErrNotFound("refund")
	}
	return r, nil
}

// Refunds returns a payment's refunds, oldest first; not found if the
// account has no such payment.
func (s *Payments) Refunds(ctx context.Context, accountID int64, paymentID string) ([]*Refund, error) {
	if !ValidID(paymentID) {
		return nil, ErrNotFound("payment")
	}
	return s.Store.RefundList(ctx, accountID, paymentID)
}

// ProcessRefund sends a refund to the provider and records the answer. It is
// the refund job's body and safe to run again: a finished refund is left
// alone, and a refund that stopped half way is asked for again with the same
// id, which providers must treat as one refund. A provider error is returned
// so the job is retried; AbandonRefund records the failure for good.
func (s *Payments) ProcessRefund(ctx context.Context, refundID string) error {
	r, err := s.Store.RefundGet(ctx, 0, refundID)
	if err != nil || r.Status.Finished() {
		return err
	}
	p, err := s.Store.PaymentGet(ctx, 0, r.PaymentID)
	if err != nil {
		return err
	}
	prov, err := s.provider(p.Provider)
	if err != nil {
		return err
	}
	res, perr := prov.Refund(ctx, p, r)
	if perr != nil {
		return &Error{Kind: KindProvider, Message: "refund failed", Err: perr}
	}
	if r.Status == RefundCreated {
		if err := s.submitRefund(ctx, p, r, res.ProviderID); err != nil {
			return err
		}
	}
	switch {
	case res.Failed:
		return s.refundTransition(ctx, refundID, RefundError, nil)
	case res.Pending:
		return nil // the provider confirms later
	}
	return s.refundTransition(ctx, refundID, RefundSucceeded, nil)
}

// submitRefund records that the provider has a refund, with the payer's
// refund email when one is due: the email is stored and enqueued with the
// REFUND SUBMITTED status, which a refund reaches once, so one is sent.
func (s *Payments) submitRefund(ctx context.Context, p *Payment, r *Refund, providerID string) error {
	emails, err := s.emailsFor(ctx, p, EmailRefundIssued, r.ID)
	if err != nil {
		return err
	}
	return s.transitionRefund(ctx, &RefundTransitionParams{RefundID: r.ID, To: RefundSubmitted,
		Update: func(r *Refund) { r.ProviderID = providerID }, Emails: emails})
}

// AbandonRefund records that a refund failed for good; its amount becomes
// available again. A refund that has meanwhile finished is left alone.
func (s *Payments) AbandonRefund(ctx context.Context, refundID string) error {
	return s.refundTransition(ctx, refundID, RefundError, nil)
}

// refundTransition moves a refund on, treating a refund that another run
// has already finished as done.
func (s *Payments) refundTransition(ctx context.Context, id string, to RefundStatus, update func(*Refund)) error {
	return s.transitionRefund(ctx, &RefundTransitionParams{RefundID: id, To: to, Update: update})
}

// transitionRefund is TransitionRefund, treating a refund that another run
// has already finished as done.
func (s *Payments) transitionRefund(ctx context.Context, params *RefundTransitionParams) error {
	_, err := TransitionRefund(ctx, s.Store, params)
	var te *RefundTransitionError
	if errors.As(err, &te) && te.From.Finished() {
		return nil
	}
	return err
}

// RefundSearch filters one account's refunds. Nil times do not filter.
type RefundSearch struct {
	AccountID   int64
	FromDate    *time.Time // created at or after
	ToDate      *time.Time // created before
	FromSettled *time.Time // settled on or after this day
	ToSettled   *time.Time // settled on or before this day
	Page        int        // from 1
	DisplaySize int
}

// Offset returns the number of rows before the page.
func (s *RefundSearch) Offset() int { return (s.Page - 1) * s.DisplaySize }

// RefundPage is one page of refund search results, newest first.
type RefundPage struct {
	Refunds []*Refund
	Total   int
}
