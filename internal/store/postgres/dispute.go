package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

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

// DisputeInsert opens a dispute on a payment in one transaction that locks
// the payment, marks it and appends the event and jobs. Not found if there
// is no such payment; a conflict if it has a dispute or is not captured.
func (s *Store) DisputeInsert(ctx context.Context, params *pay.DisputeInsertParams) error {
	return s.withTx(ctx, func(tx pgx.Tx, now time.Time) error {
		d := params.Dispute
		p, err := getPayment(ctx, tx, paymentByID+` FOR UPDATE`, 0, d.PaymentID)
		if err != nil {
			return err
		}
		ev, err := pay.ApplyDisputeOpen(p, params, now)
		if err != nil {
			return err
		}
		if err := updatePayment(ctx, tx, p); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, disputeInsert, store.DisputeArgs(d, pc)...); err != nil {
			return translate(err)
		}
		if err := insertEvent(ctx, tx, ev); err != nil {
			return err
		}
		return s.insertJobs(ctx, tx, params.Jobs)
	})
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

// DisputeTransition changes a payment's dispute in one transaction that
// locks the payment, keeps its DisputeStatus in step and appends the event
// and jobs. Not found if the payment has no dispute; a conflict wrapping a
// *pay.DisputeTransitionError if the status does not allow the change.
func (s *Store) DisputeTransition(ctx context.Context, params *pay.DisputeTransitionParams) (*pay.Dispute, error) {
	var out *pay.Dispute
	err := s.withTx(ctx, func(tx pgx.Tx, now time.Time) error {
		p, err := getPayment(ctx, tx, paymentByID+` FOR UPDATE`, 0, params.PaymentID)
		if err != nil {
			return err
		}
		d, err := getDispute(ctx, tx, 0, params.PaymentID)
		if err != nil {
			return err
		}
		ev, err := pay.ApplyDisputeTransition(p, d, params, now)
		if err != nil {
			return err
		}
		if err := updatePayment(ctx, tx, p); err != nil {
			return err
		}
		args := store.DisputeArgs(d, pc)
		if _, err := tx.Exec(ctx, disputeUpdate, append(args[1:], d.ID)...); err != nil {
			return translate(err)
		}
		if err := insertEvent(ctx, tx, ev); err != nil {
			return err
		}
		out = d
		return s.insertJobs(ctx, tx, params.Jobs)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
