package postgres

import (
	"context"

	"pay/internal/pay"
	"pay/internal/store"
)

var (
	disputeInsert = `INSERT INTO disputes (` + store.DisputeSelect + `) VALUES (` +
		store.Placeholders(pc, len(store.DisputeColumns)) + `)`
	// disputeUpdate rewrites every column but the id, which comes last.
	disputeUpdate = `UPDATE disputes SET ` + store.SetList(pc, store.DisputeColumns[1:], 1) +
		` WHERE id = ` + pc.Placeholder(len(store.DisputeColumns))
	// disputeByPayment takes the account as $2; 0 matches any account.
	disputeByPayment = `SELECT ` + store.DisputeSelect + ` FROM disputes WHERE payment_id = $1 AND ($2::bigint = 0 OR account_id = $2)`
)

// DisputeInsert stores a new dispute; conflict if the payment has one.
func (t *tx) DisputeInsert(ctx context.Context, d *pay.Dispute) error {
	_, err := t.tx.Exec(ctx, disputeInsert, store.DisputeArgs(d, pc)...)
	return translate(err)
}

func getDispute(ctx context.Context, q querier, accountID int64, paymentID string) (*pay.Dispute, error) {
	d, err := store.ScanDispute(q.QueryRow(ctx, disputeByPayment, paymentID, accountID).Scan, pc)
	if err != nil {
		return nil, notFound(err, "dispute")
	}
	return d, nil
}

// DisputeGetByPayment returns the dispute of a payment of the account (any
// account for 0); not found if the payment has none.
func (s *Store) DisputeGetByPayment(ctx context.Context, accountID int64, paymentID string) (*pay.Dispute, error) {
	return getDispute(ctx, s.pool, accountID, paymentID)
}

// DisputeSearch returns one page of an account's disputes, newest first, and
// how many match in all, both read from one snapshot.
func (s *Store) DisputeSearch(ctx context.Context, q *pay.DisputeSearch) (*pay.DisputePage, error) {
	list, total, err := searchPage(ctx, s, "disputes", store.DisputeSelect, store.DisputeSearchWhere(q, pc), q.DisplaySize, q.Offset(), store.ScanDispute)
	if err != nil {
		return nil, err
	}
	return &pay.DisputePage{Disputes: list, Total: total}, nil
}

// DisputeGet reads a payment's dispute in the transaction.
func (t *tx) DisputeGet(ctx context.Context, paymentID string) (*pay.Dispute, error) {
	return getDispute(ctx, t.tx, 0, paymentID)
}

// DisputeUpdate rewrites a dispute read in the transaction.
func (t *tx) DisputeUpdate(ctx context.Context, d *pay.Dispute) error {
	args := store.DisputeArgs(d, pc)
	_, err := t.tx.Exec(ctx, disputeUpdate, append(args[1:], d.ID)...)
	return translate(err)
}
