package store

import (
	"strings"

	"pay/internal/pay"
)

var (
	// TransactionPaymentCols and TransactionRefundCols are a transaction row's
	// payment and refund columns (payments aliased p, refunds r), in the order
	// ScanTransaction reads them after the kind, time and id.
	TransactionPaymentCols = PaymentSelect("p")
	TransactionRefundCols  = "r." + strings.Join(RefundColumns, ", r.")
)

// TransactionFilters returns the conditions of a transaction search's two
// branches: payments (aliased p) and refunds joined to their payments (r and
// p). A branch the search does not take is nil. The refund branch's
// placeholders continue the payment branch's, and all holds every argument
// of both, in order, so its Next adds LIMIT and OFFSET after them.
func TransactionFilters(q *pay.TransactionSearch, c Codec) (payments, refunds, all *Where) {
	all = newWhere(c)
	if q.Payments {
		payments = newWhere(c, all.Args...)
		addPaymentFilters(payments, &q.PaymentSearch, "p.")
		addStatuses(payments, "p.status", q.Statuses)
		addTimeRange(payments, "p.created_at", q.FromDate, q.ToDate)
		all.Args = payments.Args
	}
	if q.Refunds {
		refunds = newWhere(c, all.Args...)
		// The refund's own account, though implied by its payment's, lets
		// the engines walk refunds_account_created newest first, so an
		// export streams without reading every payment of every account.
		refunds.Add("r.account_id = ?", q.AccountID)
		addPaymentFilters(refunds, &q.PaymentSearch, "p.")
		addStatuses(refunds, "r.status", q.RefundStatuses)
		addTimeRange(refunds, "r.created_at", q.FromDate, q.ToDate)
		all.Args = refunds.Args
	}
	return payments, refunds, all
}
