package pay

import (
	"time"
)

// Transaction is one row of the admin site's transaction list and CSV: a
// payment, or a refund (Refund set, Payment its parent payment). GOV.UK Pay's
// ledger lists the two together in the same way.
type Transaction struct {
	Payment *Payment
	Refund  *Refund
}

// CreatedAt is when the payment, or the refund, was created.
func (t *Transaction) CreatedAt() time.Time {
	if t.Refund != nil {
		return t.Refund.CreatedAt
	}
	return t.Payment.CreatedAt
}

// TransactionSearch filters an account's payments and refunds together. The
// PaymentSearch fields describe the payment (a refund matches through its
// payment), except FromDate and ToDate, Page and DisplaySize, which apply to
// the rows themselves. Statuses select payments and RefundStatuses refunds;
// an empty list takes every status of its kind.
type TransactionSearch struct {
	PaymentSearch
	Payments       bool // include payments
	Refunds        bool // include refunds
	RefundStatuses []RefundStatus
	// TotalLimit, above 0, is as far as the total is counted: past it the
	// page says only that there are more (TotalOver), as GOV.UK Pay's
	// transaction list does, so a page of an account with millions of
	// transactions does not count them all.
	TotalLimit int
}

// TransactionPage is one page of transactions, newest first.
type TransactionPage struct {
	Transactions []*Transaction
	Total        int
	TotalOver    bool // more than the search's TotalLimit match; Total is TotalLimit
}

// RefundStatusesForDisplayState returns the refund statuses with a display
// state; nil for an id that is not a refund display state.
func RefundStatusesForDisplayState(id string) []RefundStatus {
	switch id {
	case DisplayRefundSubmitted.ID:
		return []RefundStatus{RefundCreated, RefundSubmitted}
	case DisplayRefundSuccess.ID:
		return []RefundStatus{RefundSucceeded}
	case DisplayRefundError.ID:
		return []RefundStatus{RefundError}
	}
	return nil
}

// RefundDisplayStates lists the refund display states, in the order filters list them.
var RefundDisplayStates = []DisplayState{DisplayRefundSubmitted, DisplayRefundSuccess, DisplayRefundError}
