package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"pay/internal/pay"
	"pay/internal/store"
)

var (
	refundInsert = `INSERT INTO refunds (` + store.RefundSelect + `) VALUES (` +
		store.Placeholders(pc, len(store.RefundColumns)) + `)`
	// refundByID takes the account as $2; 0 matches any account.
	refundByID = `SELECT ` + store.RefundSelect + ` FROM refunds WHERE id = $1 AND ($2::bigint = 0 OR account_id = $2)`
)

// RefundInsert stores a new refund; conflict if its id is taken.
func (t *tx) RefundInsert(ctx context.Context, r *pay.Refund) error {
	_, err := t.tx.Exec(ctx, refundInsert, store.RefundArgs(r, pc)...)
	return translate(err)
}

func getRefund(ctx context.Context, q querier, accountID int64, id string) (*pay.Refund, error) {
	r, err := store.ScanRefund(q.QueryRow(ctx, refundByID, id, accountID).Scan, pc)
	if err != nil {
		return nil, notFound(err, "refund")
	}
	return r, nil
}

// RefundGet returns a refund of the account (any account for 0); not found
// if there is no such refund or it belongs to another account.
func (s *Store) RefundGet(ctx context.Context, accountID int64, id string) (*pay.Refund, error) {
	return getRefund(ctx, s.pool, accountID, id)
}

// RefundList returns a payment's refunds, oldest first, from one snapshot;
// not found if the account (any for 0) has no such payment.
func (s *Store) RefundList(ctx context.Context, accountID int64, paymentID string) ([]*pay.Refund, error) {
	var out []*pay.Refund
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM payments WHERE id = $1 AND ($2::bigint = 0 OR account_id = $2)`,
			paymentID, accountID).Scan(&one)
		if err != nil {
			return notFound(err, "payment")
		}
		rows, err := tx.Query(ctx, `SELECT `+store.RefundSelect+` FROM refunds WHERE payment_id = $1 ORDER BY created_at, id`, paymentID)
		out, err = collect(rows, err, withCodec(store.ScanRefund))
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RefundSearch returns one page of an account's refunds, newest first, and
// how many match in all, both read from one snapshot.
func (s *Store) RefundSearch(ctx context.Context, q *pay.RefundSearch) (*pay.RefundPage, error) {
	list, total, err := searchPage(ctx, s, "refunds", store.RefundSelect, store.RefundSearchWhere(q, pc), q.DisplaySize, q.Offset(), store.ScanRefund)
	if err != nil {
		return nil, err
	}
	return &pay.RefundPage{Refunds: list, Total: total}, nil
}

// RefundListUnfinished returns the ids of unfinished refunds created
// before createdBefore, oldest first.
func (s *Store) RefundListUnfinished(ctx context.Context, createdBefore time.Time, limit int) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT id FROM refunds WHERE `+store.RefundUnfinished+
		` AND created_at < $1 ORDER BY created_at LIMIT $2`, pc.TimeArg(createdBefore), limit)
	return collect(rows, err, store.ScanString)
}

// RefundLock locks a refund's payment (FOR UPDATE) in the statement that
// finds it, then reads the refund; not found if the account (any for 0) has
// no such refund.
func (t *tx) RefundLock(ctx context.Context, accountID int64, id string) (*pay.Refund, *pay.Payment, error) {
	p, err := store.ScanPayment(t.tx.QueryRow(ctx, `SELECT `+paymentCols+` FROM payments
		WHERE id = (SELECT payment_id FROM refunds WHERE id = $1 AND ($2::bigint = 0 OR account_id = $2)) FOR UPDATE`,
		id, accountID).Scan, pc)
	if err != nil {
		return nil, nil, notFound(err, "refund")
	}
	r, err := getRefund(ctx, t.tx, accountID, id)
	if err != nil {
		return nil, nil, err
	}
	return r, p, nil
}

// RefundUpdate stores a refund's status, provider id and settlement time.
func (t *tx) RefundUpdate(ctx context.Context, r *pay.Refund) error {
	_, err := t.tx.Exec(ctx, `UPDATE refunds SET status = $1, provider_id = $2, settled_at = $3 WHERE id = $4`,
		string(r.Status), r.ProviderID, pc.NullTimeArg(r.SettledAt), r.ID)
	return translate(err)
}
