package sqlite

import (
	"context"
	"database/sql"
	"time"

	"pay/internal/pay"
	"pay/internal/store"
)

var (
	disputeInsert = `INSERT INTO disputes (` + store.DisputeSelect + `) VALUES (` +
		store.Placeholders(sc, len(store.DisputeColumns)) + `)`
	// disputeUpdate rewrites every column but the id, which comes last.
	disputeUpdate = `UPDATE disputes SET ` + store.SetList(sc, store.DisputeColumns[1:], 1) + ` WHERE id = ?`
)

// DisputeInsert opens a dispute on a payment, marks the payment and appends
// the event and jobs in one immediate transaction.
func (s *Store) DisputeInsert(ctx context.Context, params *pay.DisputeInsertParams) error {
	return s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		d := params.Dispute
		p, err := getPayment(ctx, tx, 0, d.PaymentID)
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
		if _, err := tx.ExecContext(ctx, disputeInsert, store.DisputeArgs(d, sc)...); err != nil {
			return translate(err)
		}
		if err := insertEvent(ctx, tx, ev); err != nil {
			return err
		}
		return s.insertJobs(ctx, tx, params.Jobs)
	})
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
	list, total, err := searchPage(ctx, s, "disputes", store.DisputeSelect, store.DisputeSearchWhere(q, sc), q.DisplaySize, q.Offset(), store.ScanDispute)
	if err != nil {
		return nil, err
	}
	return &pay.DisputePage{Disputes: list, Total: total}, nil
}

// DisputeTransition changes a payment's dispute and the payment in one
// immediate transaction.
func (s *Store) DisputeTransition(ctx context.Context, params *pay.DisputeTransitionParams) (*pay.Dispute, error) {
	var out *pay.Dispute
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		p, err := getPayment(ctx, tx, 0, params.PaymentID)
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
		args := store.DisputeArgs(d, sc)
		if _, err := tx.ExecContext(ctx, disputeUpdate, append(args[1:], d.ID)...); err != nil {
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
