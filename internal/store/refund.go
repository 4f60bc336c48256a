package store

import (
	"strings"
	"time"

	"pay/internal/pay"
)

// RefundColumns lists the refunds table's columns in the order ScanRefund
// reads them and RefundArgs writes them.
var RefundColumns = []string{
	"id", "payment_id", "account_id", "amount", "status", "provider_id", "created_by", "created_by_user_id", "created_at", "settled_at",
}

// RefundSelect is the column list for SELECTs.
var RefundSelect = strings.Join(RefundColumns, ", ")

// ScanRefund reads one row of RefundColumns.
func ScanRefund(scan func(dest ...any) error, c Codec) (*pay.Refund, error) {
	var r pay.Refund
	err := scan(&r.ID, &r.PaymentID, &r.AccountID, &r.Amount, &r.Status, &r.ProviderID, &r.CreatedBy, &r.CreatedByUserID,
		c.Time(&r.CreatedAt), c.NullTime(&r.SettledAt))
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// RefundArgs returns r's values in RefundColumns order.
func RefundArgs(r *pay.Refund, c Codec) []any {
	return []any{r.ID, r.PaymentID, r.AccountID, r.Amount, string(r.Status), r.ProviderID, r.CreatedBy, r.CreatedByUserID,
		c.TimeArg(r.CreatedAt), c.NullTimeArg(r.SettledAt)}
}

// RefundSearchWhere builds the WHERE clause of a refund search. Both engines
// index refunds by (account_id, created_at).
func RefundSearchWhere(s *pay.RefundSearch, c Codec) *Where {
	w := newWhere(c)
	w.Add("account_id = ?", s.AccountID)
	addTimeRange(w, "created_at", s.FromDate, s.ToDate)
	addDayRange(w, "settled_at", s.FromSettled, s.ToSettled)
	return w
}

// addTimeRange filters col to [from, to).
func addTimeRange(w *Where, col string, from, to *time.Time) {
	if from != nil {
		w.Add(col+" >= ?", w.c.TimeArg(*from))
	}
	if to != nil {
		w.Add(col+" < ?", w.c.TimeArg(*to))
	}
}

// addDayRange filters col to the days from and to, both included.
func addDayRange(w *Where, col string, from, to *time.Time) {
	if to != nil {
		end := to.AddDate(0, 0, 1)
		to = &end
	}
	addTimeRange(w, col, from, to)
}

// RefundUnfinished is the condition on unfinished refunds, written as the
// partial index refunds_unfinished has it, so both engines use the index.
var RefundUnfinished = "status IN ('" + string(pay.RefundCreated) + "', '" + string(pay.RefundSubmitted) + "')"
