package postgres

import (
	"context"
	"slices"

	"github.com/jackc/pgx/v5"

	"pay/internal/pay"
	"pay/internal/store"
)

// PaymentMetadataKeys returns the metadata keys of the payments a search
// matches, sorted by their bytes (not the database's collation).
func (s *Store) PaymentMetadataKeys(ctx context.Context, q *pay.PaymentSearch) ([]string, error) {
	w := store.PaymentSearchWhere(q, pc)
	w.Add("metadata IS NOT NULL")
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT jsonb_object_keys(metadata) FROM payments `+w.String(), w.Args...)
	keys, err := collect(rows, err, store.ScanString)
	slices.Sort(keys)
	return keys, err
}

// PaymentSummary counts and totals an account's payments and refunds in a
// period, from one snapshot.
func (s *Store) PaymentSummary(ctx context.Context, q *pay.SummaryParams) (*pay.Summary, error) {
	out := &pay.Summary{}
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		pw := store.SummaryWhere(pc, q.AccountID, q.From, q.To, q.PaymentStatuses)
		err := tx.QueryRow(ctx, `SELECT count(*), coalesce(sum(amount + corporate_surcharge), 0) FROM payments `+
			pw.String(), pw.Args...).Scan(&out.Payments.Count, &out.Payments.Amount)
		if err != nil {
			return err
		}
		rw := store.SummaryWhere(pc, q.AccountID, q.From, q.To, q.RefundStatuses)
		return tx.QueryRow(ctx, `SELECT count(*), coalesce(sum(amount), 0) FROM refunds `+rw.String(), rw.Args...).
			Scan(&out.Refunds.Count, &out.Refunds.Amount)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
