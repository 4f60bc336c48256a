package pay

import (
	"context"
	"time"
)

// RefundStore is the part of Store that keeps refunds. Every method that
// changes a refund locks its payment first, so refunds of one payment are
// checked and counted one at a time.
type RefundStore interface {
	// RefundInsert stores a new refund in one transaction that locks its
	// payment, checks the refund with ApplyRefund against the locked row,
	// adds it to the payment's refunded amount, appends the refund event and
	// enqueues the jobs. Of concurrent refunds, those that would take more
	// than is left get ApplyRefund's error and write nothing. Not found if
	// the payment is not the refund's account's.
	RefundInsert(ctx context.Context, params *RefundInsertParams) error
	// RefundGet returns a refund of the account (any account for 0).
	RefundGet(ctx context.Context, accountID int64, id string) (*Refund, error)
	// RefundList returns a payment's refunds, oldest first; not found if the
	// account (any for 0) has no such payment.
	RefundList(ctx context.Context, accountID int64, paymentID string) ([]*Refund, error)
	// RefundSearch returns one page of an account's refunds, newest first,
	// and how many match in all.
	RefundSearch(ctx context.Context, s *RefundSearch) (*RefundPage, error)
	// RefundTransition changes a refund's status under its payment's lock
	// with ApplyRefundTransition, stores the refund and the payment (a refund
	// in error gives its amount back) and appends the event, in one
	// transaction. Not found if there is no such refund; a conflict wrapping
	// a *RefundTransitionError if the status does not allow the change.
	RefundTransition(ctx context.Context, params *RefundTransitionParams) (*Refund, error)
}

// RefundInsertParams is a new refund and what is checked and created with it.
type RefundInsertParams struct {
	Refund          *Refund // ID, PaymentID, AccountID, Amount and CreatedBy set
	AmountAvailable *int64  // if set, must equal what is left to refund
	Jobs            []Job
}

// RefundTransitionParams describes one refund status change.
type RefundTransitionParams struct {
	RefundID string
	From     []RefundStatus // if set, the refund must be in one of these
	To       RefundStatus
	Update   func(r *Refund) // more changes in the same transaction
}

// DisputeStore is the part of Store that keeps disputes. Methods that change
// a dispute lock its payment, whose DisputeStatus follows the dispute.
type DisputeStore interface {
	// DisputeInsert opens a dispute on a payment in one transaction that
	// locks the payment, applies ApplyDisputeOpen, stores both, appends the
	// DISPUTE_CREATED event and enqueues the jobs. Not found if there is no
	// such payment; a conflict if it already has a dispute or is not captured.
	DisputeInsert(ctx context.Context, params *DisputeInsertParams) error
	// DisputeGetByPayment returns the dispute of one of the account's
	// payments (any account for 0); not found if it has none.
	DisputeGetByPayment(ctx context.Context, accountID int64, paymentID string) (*Dispute, error)
	// DisputeSearch returns one page of an account's disputes, newest first,
	// and how many match in all.
	DisputeSearch(ctx context.Context, s *DisputeSearch) (*DisputePage, error)
	// DisputeTransition changes the status of a payment's dispute under the
	// payment's lock with ApplyDisputeTransition, stores both and appends the
	// event and jobs in one transaction. Not found if the payment has no
	// dispute; a conflict wrapping a *DisputeTransitionError if the status
	// does not allow the change.
	DisputeTransition(ctx context.Context, params *DisputeTransitionParams) (*Dispute, error)
}

// DisputeInsertParams is a new dispute and what is created with it.
type DisputeInsertParams struct {
	Dispute        *Dispute      // ID, PaymentID and Reason set
	EvidenceWindow time.Duration // from opening to the evidence due date
	Jobs           []Job
}

// DisputeTransitionParams describes one dispute status change.
type DisputeTransitionParams struct {
	PaymentID string
	From      DisputeStatus // if set, the dispute must be in this status
	To        DisputeStatus
	Update    func(d *Dispute) // more changes in the same transaction
	Jobs      []Job
}
