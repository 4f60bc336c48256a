package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"pay/internal/pay"
	"pay/internal/store"
)

// AgreementInsert stores a new agreement and sets its CreatedAt.
func (s *Store) AgreementInsert(ctx context.Context, a *pay.Agreement) error {
	a.CreatedAt = s.now()
	_, err := s.pool.Exec(ctx, `INSERT INTO agreements (`+store.AgreementColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		a.ID, a.AccountID, a.Reference, a.Description, a.UserIdentifier, string(a.Status),
		store.InstrumentArg(a.Instrument), a.CreatedAt, a.CancelledAt)
	return translate(err)
}

// AgreementGet returns an agreement of the account; not found if there is no
// such agreement or it belongs to another account.
func (s *Store) AgreementGet(ctx context.Context, accountID int64, id string) (*pay.Agreement, error) {
	row := s.pool.QueryRow(ctx, `SELECT `+store.AgreementColumns+` FROM agreements WHERE id = $1 AND account_id = $2`, id, accountID)
	a, err := store.ScanAgreement(row.Scan, pc)
	if err != nil {
		return nil, notFound(err, "agreement")
	}
	return a, nil
}

// AgreementSearch returns one page of agreements, newest first, from one snapshot.
func (s *Store) AgreementSearch(ctx context.Context, q *pay.AgreementSearch) (*pay.AgreementPage, error) {
	list, total, err := searchPage(ctx, s, "agreements", store.AgreementColumns, store.AgreementSearchWhere(q, pc), q.DisplaySize, q.Offset(), store.ScanAgreement)
	if err != nil {
		return nil, err
	}
	return &pay.AgreementPage{Agreements: list, Total: total}, nil
}

// AgreementCancel cancels an active agreement: not found if the account has
// no such agreement, conflict if it is not active. The row is locked, so of
// concurrent cancels exactly one succeeds.
func (s *Store) AgreementCancel(ctx context.Context, accountID int64, id string, at time.Time) error {
	return s.withTx(ctx, func(tx pgx.Tx, _ time.Time) error {
		var status string
		err := tx.QueryRow(ctx, `SELECT status FROM agreements WHERE id = $1 AND account_id = $2 FOR UPDATE`, id, accountID).Scan(&status)
		if err != nil {
			return notFound(err, "agreement")
		}
		if status != string(pay.AgreementActive) {
			return pay.ErrConflict("agreement %s is %s, not active", id, status)
		}
		_, err = tx.Exec(ctx, `UPDATE agreements SET status = $1, cancelled_at = $2 WHERE id = $3`,
			string(pay.AgreementCancelled), at, id)
		return translate(err)
	})
}

// AgreementApply stores what a payment's progress changes on its agreement.
func (t *tx) AgreementApply(ctx context.Context, accountID int64, c *pay.AgreementChange) error {
	tag, err := t.tx.Exec(ctx, `UPDATE agreements SET status = CASE WHEN $1 = '' THEN status ELSE $1 END,
		instrument = COALESCE($2::jsonb, instrument) WHERE id = $3 AND account_id = $4`,
		string(c.Status), store.InstrumentArg(c.Instrument), c.ID, accountID)
	return affectedOne(tag, err, "agreement")
}
