package sqlite

import (
	"context"
	"database/sql"
	"slices"

	"pay/internal/pay"
	"pay/internal/store"
)

// PaymentMetadataKeys returns the metadata keys of the payments a search
// matches, sorted by their bytes.
func (s *Store) PaymentMetadataKeys(ctx context.Context, q *pay.PaymentSearch) ([]string, error) {
	w := store.PaymentSearchWhere(q, sc)
	w.Add("metadata IS NOT NULL")
	rows, err := s.read.QueryContext(ctx, `SELECT DISTINCT j.key FROM (SELECT metadata FROM payments `+w.String()+
		`) p, json_each(p.metadata) j`, w.Args...)
	keys, err := collect(rows, err, store.ScanString)
	slices.Sort(keys)
	return keys, err
}

// PaymentSummary counts and totals an account's payments and refunds in a
// period, from one snapshot.
func (s *Store) PaymentSummary(ctx context.Context, q *pay.SummaryParams) (*pay.Summary, error) {
	out := &pay.Summary{}
	err := s.readSnapshot(ctx, func(tx *sql.Tx) error {
		pw := store.SummaryWhere(sc, q.AccountID, q.From, q.To, q.PaymentStatuses)
		err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(amount + corporate_surcharge), 0) FROM payments `+
			pw.String(), pw.Args...).Scan(&out.Payments.Count, &out.Payments.Amount)
		if err != nil {
			return err
		}
		rw := store.SummaryWhere(sc, q.AccountID, q.From, q.To, q.RefundStatuses)
		return tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(amount), 0) FROM refunds `+rw.String(), rw.Args...).
			Scan(&out.Refunds.Count, &out.Refunds.Amount)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
