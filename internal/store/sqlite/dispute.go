package sqlite

import (
	"context"

	"pay/internal/pay"
	"pay/internal/store"
)

var (
	disputeInsert = `INSERT INTO disputes (` + store.DisputeSelect + `) VALUES (` +
		store.Placeholders(sc, len(store.DisputeColumns)) + `)`
	// disputeUpdate rewrites every column but the id, which comes last.
	disputeUpdate = `UPDATE disputes SET ` + store.SetList(sc, store.DisputeColumns[1:], 1) + ` WHERE id = ?`
)

// DisputeInsert stores a new dispute.
func (t *tx) DisputeInsert(ctx context.Context, d *pay.Dispute) error {
	_, err := t.tx.ExecContext(ctx, disputeInsert, store.DisputeArgs(d, sc)...)
	return translate(err)
}

func getDispute(ctx context.Context, q queryRower, accountID int64, paymentID string) (*pay.Dispute, error) {
	row := q.QueryRowContext(ctx, `SELECT `+store.DisputeSelect+` FROM disputes WHERE payment_id = ? AND (? = 0 OR account_id = ?)`,
		paymentID, accountID, accountID)
	d, err := store.ScanDispute(row.Scan, sc)
	if err != nil {
		return nil, notFound(err, "dispute")
	}
	return d, nil
}

// DisputeGetByPayment returns the dispute of a payment of the account (any
// account for 0).
func (s *Store) DisputeGetByPayment(ctx context.Context, accountID int64, paymentID string) (*pay.Dispute, error) {
	return getDispute(ctx, s.read, accountID, paymentID)
}

// DisputeSearch returns one page of disputes, newest first, from one snapshot.
func (s *Store) DisputeSearch(ctx context.Context, q *pay.DisputeSearch) (*pay.DisputePage, error) {
	list, total, err := searchPage(ctx, s, "disputes", store.DisputeSelect, store.DisputeSearchWhere(q, sc), nil, q.DisplaySize, q.Offset(), store.ScanDispute)
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
	args := store.DisputeArgs(d, sc)
	_, err := t.tx.ExecContext(ctx, disputeUpdate, append(args[1:], d.ID)...)
	return translate(err)
}
