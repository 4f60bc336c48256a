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

// RefundInsert checks and stores a new refund, counts it in its payment's
// refunded amount and appends its event and jobs, in one immediate
// transaction: SQLite's single writer serialises refunds, so each is checked
// against the amount the previous ones left.
func (s *Store) RefundInsert(ctx context.Context, params *pay.RefundInsertParams) error {
	return s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		r := params.Refund
		p, err := getPayment(ctx, tx, r.AccountID, r.PaymentID)
		if err != nil {
			return err
		}
		ev, err := pay.ApplyRefund(p, params, now)
		if err != nil {
			return err
		}
		if err := updatePayment(ctx, tx, p); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, refundInsert, store.RefundArgs(r, sc)...); err != nil {
			return translate(err)
		}
		if err := insertEvent(ctx, tx, ev); err != nil {
			return err
		}
		return s.insertJobs(ctx, tx, params.Jobs)
	})
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
	list, total, err := searchPage(ctx, s, "refunds", store.RefundSelect, store.RefundSearchWhere(q, sc), q.DisplaySize, q.Offset(), store.ScanRefund)
	if err != nil {
		return nil, err
	}
	return &pay.RefundPage{Refunds: list, Total: total}, nil
}

// RefundTransition changes a refund's status with its payment in one
// immediate transaction.
func (s *Store) RefundTransition(ctx context.Context, params *pay.RefundTransitionParams) (*pay.Refund, error) {
	var out *pay.Refund
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		r, err := getRefund(ctx, tx, 0, params.RefundID)
		if err != nil {
			return err
		}
		p, err := getPayment(ctx, tx, 0, r.PaymentID)
		if err != nil {
			return err
		}
		ev, err := pay.ApplyRefundTransition(p, r, params, now)
		if err != nil {
			return err
		}
		if err := updatePayment(ctx, tx, p); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE refunds SET status = ?, provider_id = ?, settled_at = ? WHERE id = ?`,
			string(r.Status), r.ProviderID, sc.NullTimeArg(r.SettledAt), r.ID)
		if err != nil {
			return translate(err)
		}
		out = r
		return insertEvent(ctx, tx, ev)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
