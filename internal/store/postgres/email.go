package postgres

import (
	"context"
	"strconv"

	"pay/internal/pay"
	"pay/internal/store"
)

var (
	emailInsert = `INSERT INTO emails (` + store.EmailSelect + `) VALUES (` +
		store.Placeholders(pc, len(store.EmailColumns)) + `)`
	emailUpdate = `UPDATE emails SET ` + store.SetList(pc, store.EmailUpdateColumns, 1) +
		` WHERE id = $` + strconv.Itoa(len(store.EmailUpdateColumns)+1)
)

// EmailInsert stores a new email; conflict if its id is taken.
func (t *tx) EmailInsert(ctx context.Context, e *pay.Email) error {
	_, err := t.tx.Exec(ctx, emailInsert, store.EmailArgs(e, pc)...)
	return translate(err)
}

// EmailGet returns an email of the account (any account for 0).
func (s *Store) EmailGet(ctx context.Context, accountID int64, id string) (*pay.Email, error) {
	row := s.pool.QueryRow(ctx, `SELECT `+store.EmailSelect+` FROM emails WHERE id = $1 AND ($2::bigint = 0 OR account_id = $2)`,
		id, accountID)
	e, err := store.ScanEmail(row.Scan, pc)
	if err != nil {
		return nil, notFound(err, "email")
	}
	return e, nil
}

// EmailList returns the account's latest emails (the payment's when
// paymentID is set), newest first.
func (s *Store) EmailList(ctx context.Context, accountID int64, paymentID string, limit int) ([]*pay.Email, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+store.EmailSelect+` FROM emails
		WHERE account_id = $1 AND ($2 = '' OR payment_id = $2) ORDER BY created_at DESC, id DESC LIMIT $3`,
		accountID, paymentID, limit)
	return collect(rows, err, withCodec(store.ScanEmail))
}

// EmailUpdate stores an email's progress; not found if there is none.
func (s *Store) EmailUpdate(ctx context.Context, e *pay.Email) error {
	tag, err := s.pool.Exec(ctx, emailUpdate, append(store.EmailUpdateArgs(e, pc), e.ID)...)
	return affectedOne(tag, err, "email")
}
