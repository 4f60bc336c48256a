package sqlite

import (
	"context"
	"database/sql"
	"time"

	"pay/internal/pay"
	"pay/internal/store"
)

var refundInsert = `INSERT INTO refunds (` + store.RefundSelect + `) VALUES (` +
	store.Placeholders(sc, len(store.RefundColumns)) + `)`

// RefundInsert stores a new refund.
func (t *tx) RefundInsert(ctx context.Context, r *pay.Refund) error {
	_, err := t.tx.ExecContext(ctx, refundInsert, store.RefundArgs(r, sc)...)
	return translate(err)
}

func getRefund(ctx context.Context, q queryRower, accountID int64, id string) (*pay.Refund, error) {
	row := q.QueryRowContext(ctx, `SELECT `+store.RefundSelect+` FROM refunds WHERE id = ? AND (? = 0 OR account_id = ?)`,
		id, accountID, accountID)
	r, err := store.ScanRefund(row.Scan, sc)
	if err != nil {
		return nil, notFound(err, "refund")
	}
	return r, nil
}

// RefundGet returns a refund of the account (any account for 0).
func (s *Store) RefundGet(ctx context.Context, accountID int64, id string) (*pay.Refund, error) {
	return getRefund(ctx, s.read, accountID, id)
}

// RefundList returns a payment's refunds, oldest first, from one snapshot;
// not found if the account has no such payment.
func (s *Store) RefundList(ctx context.Context, accountID int64, paymentID string) ([]*pay.Refund, error) {
	var out []*pay.Refund
	err := s.readSnapshot(ctx, func(tx *sql.Tx) error {
		if err := paymentExists(ctx, tx, accountID, paymentID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+store.RefundSelect+` FROM refunds WHERE payment_id = ? ORDER BY created_at, id`, paymentID)
		out, err = collect(rows, err, withCodec(store.ScanRefund))
		return err
	})
	return out, err
}

// RefundSearch returns one page of refunds, newest first, from one snapshot.
func (s *Store) RefundSearch(ctx context.Context, q *pay.RefundSearch) (*pay.RefundPage, error) {
	list, total, err := searchPage(ctx, s, "refunds", store.RefundSelect, store.RefundSearchWhere(q, sc), nil, q.DisplaySize, q.Offset(), store.ScanRefund)
	if err != nil {
		return nil, err
	}
	return &pay.RefundPage{Refunds: list, Total: total}, nil
}

// RefundListUnfinished returns the ids of unfinished refunds created
// before createdBefore, oldest first.
func (s *Store) RefundListUnfinished(ctx context.Context, createdBefore time.Time, limit int) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id FROM refunds WHERE `+store.RefundUnfinished+
		` AND created_at < ? ORDER BY created_at LIMIT ?`, sc.TimeArg(createdBefore), limit)
	return collect(rows, err, store.ScanString)
}

// RefundLock reads a refund and its payment in the write transaction,
// which already holds SQLite's only write lock.
func (t *tx) RefundLock(ctx context.Context, accountID int64, id string) (*pay.Refund, *pay.Payment, error) {
	r, err := getRefund(ctx, t.tx, accountID, id)
	if err != nil {
		return nil, nil, err
	}
	p, err := getPayment(ctx, t.tx, 0, r.PaymentID)
	if err != nil {
		return nil, nil, err
	}
	t.rememberPayment(p.ID, store.PaymentArgs(p, sc))
	return r, p, nil
}

// RefundUpdate stores a refund's status, provider id and settlement time.
func (t *tx) RefundUpdate(ctx context.Context, r *pay.Refund) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE refunds SET status = ?, provider_id = ?, settled_at = ? WHERE id = ?`,
		string(r.Status), r.ProviderID, sc.NullTimeArg(r.SettledAt), r.ID)
	return translate(err)
}
