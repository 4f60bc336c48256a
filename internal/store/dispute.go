package store

import (
	"strings"

	"pay/internal/pay"
)

// DisputeColumns lists the disputes table's columns in the order
// ScanDispute reads them and DisputeArgs writes them.
var DisputeColumns = []string{
	"id", "payment_id", "account_id", "amount", "fee", "net_amount", "reason", "status",
	"created_at", "evidence_due_at", "settled_at",
}

// DisputeSelect is the column list for SELECTs.
var DisputeSelect = strings.Join(DisputeColumns, ", ")

// ScanDispute reads one row of DisputeColumns.
func ScanDispute(scan func(dest ...any) error, c Codec) (*pay.Dispute, error) {
	var d pay.Dispute
	err := scan(&d.ID, &d.PaymentID, &d.AccountID, &d.Amount, &d.Fee, &d.NetAmount, &d.Reason, &d.Status,
		c.Time(&d.CreatedAt), c.Time(&d.EvidenceDueAt), c.NullTime(&d.SettledAt))
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// DisputeArgs returns d's values in DisputeColumns order.
func DisputeArgs(d *pay.Dispute, c Codec) []any {
	return []any{d.ID, d.PaymentID, d.AccountID, d.Amount, d.Fee, d.NetAmount, d.Reason, string(d.Status),
		c.TimeArg(d.CreatedAt), c.TimeArg(d.EvidenceDueAt), c.NullTimeArg(d.SettledAt)}
}

// DisputeSearchWhere builds the WHERE clause of a dispute search.
func DisputeSearchWhere(s *pay.DisputeSearch, c Codec) *Where {
	w := newWhere(c)
	w.Add("account_id = ?", s.AccountID)
	if s.Status != "" {
		w.Add("status = ?", string(s.Status))
	}
	addTimeRange(w, "created_at", s.FromDate, s.ToDate)
	addDayRange(w, "settled_at", s.FromSettled, s.ToSettled)
	return w
}
