package pay

import (
	"context"
	"time"
)

// RefundStore is the part of Store that reads refunds. Refunds change only
// through InsertRefund and TransitionRefund, which lock their payment first,
// so refunds of one payment are checked and counted one at a time.
type RefundStore interface {
	// RefundGet returns a refund of the account (any account for 0).
	RefundGet(ctx context.Context, accountID int64, id string) (*Refund, error)
	// RefundList returns a payment's refunds, oldest first; not found if the
	// account (any for 0) has no such payment.
	RefundList(ctx context.Context, accountID int64, paymentID string) ([]*Refund, error)
	// RefundSearch returns one page of an account's refunds, newest first,
	// and how many match in all.
	RefundSearch(ctx context.Context, s *RefundSearch) (*RefundPage, error)
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

// DisputeStore is the part of Store that reads disputes. Disputes change only
// through OpenDispute and TransitionDispute, which lock their payment, whose
// DisputeStatus follows the dispute.
type DisputeStore interface {
	// DisputeGetByPayment returns the dispute of one of the account's
	// payments (any account for 0); not found if it has none.
	DisputeGetByPayment(ctx context.Context, accountID int64, paymentID string) (*Dispute, error)
	// DisputeSearch returns one page of an account's disputes, newest first,
	// and how many match in all.
	DisputeSearch(ctx context.Context, s *DisputeSearch) (*DisputePage, error)
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
