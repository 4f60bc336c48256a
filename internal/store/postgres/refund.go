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

// RefundInsert checks and stores a new refund, counts it in its payment's
// refunded amount and appends its event and jobs, in one transaction. The
// payment's row is locked first (FOR UPDATE), so concurrent refunds of one
// payment, on any number of instances, are checked one after another against
// the amount the previous ones left. Not found if the payment is not the
// refund's account's; ApplyRefund's error if the refund is refused.
func (s *Store) RefundInsert(ctx context.Context, params *pay.RefundInsertParams) error {
	return s.withTx(ctx, func(tx pgx.Tx, now time.Time) error {
		r := params.Refund
		p, err := getPayment(ctx, tx, paymentByID+` FOR UPDATE`, r.AccountID, r.PaymentID)
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
		if _, err := tx.Exec(ctx, refundInsert, store.RefundArgs(r, pc)...); err != nil {
			return translate(err)
		}
		if err := insertEvent(ctx, tx, ev); err != nil {
			return err
		}
		return s.insertJobs(ctx, tx, params.Jobs)
	})
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

// RefundTransition changes a refund's status in one transaction that locks
// the refund's payment first, as RefundInsert does, so a refund in error
// gives its amount back without racing new refunds. Not found if there is
// no such refund; a conflict wrapping a *pay.RefundTransitionError if its
// status does not allow the change.
func (s *Store) RefundTransition(ctx context.Context, params *pay.RefundTransitionParams) (*pay.Refund, error) {
	var out *pay.Refund
	err := s.withTx(ctx, func(tx pgx.Tx, now time.Time) error {
		// Lock the refund's payment in the same statement that finds it.
		p, err := store.ScanPayment(tx.QueryRow(ctx, `SELECT `+paymentCols+` FROM payments
			WHERE id = (SELECT payment_id FROM refunds WHERE id = $1) FOR UPDATE`, params.RefundID).Scan, pc)
		if err != nil {
			return notFound(err, "refund")
		}
		r, err := getRefund(ctx, tx, 0, params.RefundID)
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
		_, err = tx.Exec(ctx, `UPDATE refunds SET status = $1, provider_id = $2, settled_at = $3 WHERE id = $4`,
			string(r.Status), r.ProviderID, pc.NullTimeArg(r.SettledAt), r.ID)
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
