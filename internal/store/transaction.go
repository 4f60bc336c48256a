package store

import (
	"strings"

	"pay/internal/pay"
)

var (
	txPaymentCols = PaymentSelect("p")
	txRefundCols  = "r." + strings.Join(RefundColumns, ", r.")
	// txRefundNulls stand for the refund columns on payment rows, typed as
	// RefundColumns are so that PostgreSQL resolves the union's types even
	// without a refund branch; SQLite keeps them NULL.
	txRefundNulls = "CAST(NULL AS text), CAST(NULL AS text), CAST(NULL AS bigint), CAST(NULL AS bigint), " +
		"CAST(NULL AS text), CAST(NULL AS text), CAST(NULL AS text), CAST(NULL AS bigint), " +
		"CAST(NULL AS timestamptz), CAST(NULL AS timestamptz)"
)

// TransactionQuery is a transaction search as one query over the union of
// payments and refunds (with their payments), newest first, for
// ScanTransaction; the query counting its rows; and the conditions, whose
// Args both take and whose Next adds LIMIT and OFFSET. The queries are ""
// when the search takes neither payments nor refunds.
func TransactionQuery(q *pay.TransactionSearch, c Codec) (query, count string, w *Where) {
	w = newWhere(c)
	var branches, counts []string
	if q.Payments {
		// Each branch's conditions continue the placeholders of the one before.
		pw := newWhere(c, w.Args...)
		addPaymentFilters(pw, &q.PaymentSearch, "p.")
		addStatuses(pw, "p.status", q.Statuses)
		addTimeRange(pw, "p.created_at", q.FromDate, q.ToDate)
		branches = append(branches, `SELECT CAST('payment' AS text), p.created_at, p.id, `+txPaymentCols+`, `+txRefundNulls+
			` FROM payments p `+pw.String())
		counts = append(counts, `(SELECT count(*) FROM payments p `+pw.String()+`)`)
		w.Args = pw.Args
	}
	if q.Refunds {
		rw := newWhere(c, w.Args...)
		addPaymentFilters(rw, &q.PaymentSearch, "p.")
		addStatuses(rw, "r.status", q.RefundStatuses)
		addTimeRange(rw, "r.created_at", q.FromDate, q.ToDate)
		from := ` FROM refunds r JOIN payments p ON p.id = r.payment_id ` + rw.String()
		branches = append(branches, `SELECT CAST('refund' AS text), r.created_at, r.id, `+txPaymentCols+`, `+txRefundCols+from)
		counts = append(counts, `(SELECT count(*)`+from+`)`)
		w.Args = rw.Args
	}
	if len(branches) == 0 {
		return "", "", w
	}
	return `SELECT * FROM (` + strings.Join(branches, " UNION ALL ") + `) t ORDER BY 2 DESC, 3 DESC`,
		`SELECT ` + strings.Join(counts, " + "), w
}
