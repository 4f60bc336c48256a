package sqlite

import (
	"context"
	"database/sql"
	"time"

	"pay/internal/pay"
	"pay/internal/store"
)

// AgreementInsert stores a new agreement.
func (s *Store) AgreementInsert(ctx context.Context, a *pay.Agreement) error {
	a.CreatedAt = s.now()
	_, err := s.write.ExecContext(ctx, `INSERT INTO agreements (`+store.AgreementColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.AccountID, a.Reference, a.Description, a.UserIdentifier, string(a.Status),
		store.InstrumentArg(a.Instrument), sc.TimeArg(a.CreatedAt), sc.NullTimeArg(a.CancelledAt))
	return translate(err)
}

// AgreementGet returns an agreement of the account.
func (s *Store) AgreementGet(ctx context.Context, accountID int64, id string) (*pay.Agreement, error) {
	row := s.read.QueryRowContext(ctx, `SELECT `+store.AgreementColumns+` FROM agreements WHERE id = ? AND account_id = ?`, id, accountID)
	a, err := store.ScanAgreement(row.Scan, sc)
	if err != nil {
		return nil, notFound(err, "agreement")
	}
	return a, nil
}

// AgreementSearch returns one page of agreements, newest first, from one snapshot.
func (s *Store) AgreementSearch(ctx context.Context, q *pay.AgreementSearch) (*pay.AgreementPage, error) {
	list, total, err := searchPage(ctx, s, "agreements", store.AgreementColumns, store.AgreementSearchWhere(q, sc), nil, q.DisplaySize, q.Offset(), store.ScanAgreement)
	if err != nil {
		return nil, err
	}
	return &pay.AgreementPage{Agreements: list, Total: total}, nil
}

// AgreementCancel cancels an active agreement.
func (s *Store) AgreementCancel(ctx context.Context, accountID int64, id string, at time.Time) error {
	return s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		var status string
		err := tx.QueryRowContext(ctx, `SELECT status FROM agreements WHERE id = ? AND account_id = ?`, id, accountID).Scan(&status)
		if err != nil {
			return notFound(err, "agreement")
		}
		if status != string(pay.AgreementActive) {
			return pay.ErrConflict("agreement %s is %s, not active", id, status)
		}
		_, err = tx.ExecContext(ctx, `UPDATE agreements SET status = ?, cancelled_at = ? WHERE id = ?`,
			string(pay.AgreementCancelled), sc.TimeArg(at), id)
		return err
	})
}

// AgreementApply stores what a payment's progress changes on its agreement.
func (t *tx) AgreementApply(ctx context.Context, accountID int64, c *pay.AgreementChange) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE agreements SET status = CASE WHEN ? = '' THEN status ELSE ? END,
		instrument = COALESCE(?, instrument) WHERE id = ? AND account_id = ?`,
		string(c.Status), string(c.Status), store.InstrumentArg(c.Instrument), c.ID, accountID)
	return affectedOne(res, err, "agreement")
}
