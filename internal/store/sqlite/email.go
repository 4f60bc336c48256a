package sqlite

import (
	"context"

	"pay/internal/pay"
	"pay/internal/store"
)

var (
	emailInsert = `INSERT INTO emails (` + store.EmailSelect + `) VALUES (` +
		store.Placeholders(sc, len(store.EmailColumns)) + `)`
	emailUpdate = `UPDATE emails SET ` + store.SetList(sc, store.EmailUpdateColumns, 1) + ` WHERE id = ?`
)

// EmailInsert stores a new email; conflict if its id is taken.
func (t *tx) EmailInsert(ctx context.Context, e *pay.Email) error {
	_, err := t.tx.ExecContext(ctx, emailInsert, store.EmailArgs(e, sc)...)
	return translate(err)
}

// EmailGet returns an email of the account (any account for 0).
func (s *Store) EmailGet(ctx context.Context, accountID int64, id string) (*pay.Email, error) {
	row := s.read.QueryRowContext(ctx, `SELECT `+store.EmailSelect+` FROM emails WHERE id = ? AND (? = 0 OR account_id = ?)`,
		id, accountID, accountID)
	e, err := store.ScanEmail(row.Scan, sc)
	if err != nil {
		return nil, notFound(err, "email")
	}
	return e, nil
}

// EmailList returns the account's latest emails (the payment's when
// paymentID is set), newest first.
func (s *Store) EmailList(ctx context.Context, accountID int64, paymentID string, limit int) ([]*pay.Email, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+store.EmailSelect+` FROM emails
		WHERE account_id = ? AND (? = '' OR payment_id = ?) ORDER BY created_at DESC, id DESC LIMIT ?`,
		accountID, paymentID, paymentID, limit)
	return collect(rows, err, withCodec(store.ScanEmail))
}

// EmailUpdate stores an email's progress; not found if there is none.
func (s *Store) EmailUpdate(ctx context.Context, e *pay.Email) error {
	res, err := s.write.ExecContext(ctx, emailUpdate, append(store.EmailUpdateArgs(e, sc), e.ID)...)
	return affectedOne(res, err, "email")
}
