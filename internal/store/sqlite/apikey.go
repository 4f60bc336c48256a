package sqlite

import (
	"context"
	"database/sql"
	"time"

	"pay/internal/pay"
	"pay/internal/store"
)

const apiKeySelect = `SELECT ` + store.APIKeyColumns + ` FROM api_keys`

// APIKeyInsert stores a new key.
func (s *Store) APIKeyInsert(ctx context.Context, k *pay.APIKey) error {
	return insertAPIKey(ctx, s.write, k, s.now())
}

// APIKeyInsert is Store.APIKeyInsert in the transaction.
func (t *tx) APIKeyInsert(ctx context.Context, k *pay.APIKey) error {
	return insertAPIKey(ctx, t.tx, k, t.now)
}

func insertAPIKey(ctx context.Context, db execer, k *pay.APIKey, now time.Time) error {
	res, err := db.ExecContext(ctx,
		`INSERT INTO api_keys (account_id, description, hash, hint, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		k.AccountID, k.Description, k.Hash, k.Hint, k.CreatedBy, sc.TimeArg(now))
	if err != nil {
		return translate(err)
	}
	k.ID, err = res.LastInsertId()
	k.CreatedAt = now
	return err
}

// APIKeyGetByHash finds a key by its hash.
func (s *Store) APIKeyGetByHash(ctx context.Context, hash string) (*pay.APIKey, error) {
	k, err := store.ScanAPIKey(s.read.QueryRowContext(ctx, apiKeySelect+` WHERE hash = ?`, hash).Scan, sc)
	if err != nil {
		return nil, notFound(err, "API key")
	}
	return k, nil
}

// APIKeyGetWithAccount finds a key, revoked or not, by its hash, and its
// account, in one query; not found if there is no such key.
func (s *Store) APIKeyGetWithAccount(ctx context.Context, hash string) (*pay.APIKey, *pay.Account, error) {
	row := s.read.QueryRowContext(ctx, `SELECT `+store.APIKeyAccountColumns+` FROM `+store.APIKeyAccountFrom+` WHERE k.hash = ?`, hash)
	k, a, err := store.ScanAPIKeyAccount(row.Scan, sc)
	if err != nil {
		return nil, nil, notFound(err, "API key")
	}
	return k, a, nil
}

// APIKeyList returns an account's keys, newest first.
func (s *Store) APIKeyList(ctx context.Context, accountID int64) ([]*pay.APIKey, error) {
	rows, err := s.read.QueryContext(ctx, apiKeySelect+` WHERE ? = 0 OR account_id = ? ORDER BY id DESC`, accountID, accountID)
	return collect(rows, err, withCodec(store.ScanAPIKey))
}

// APIKeyRevoke revokes a key.
func (s *Store) APIKeyRevoke(ctx context.Context, accountID, id int64, at time.Time) error {
	return s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		var revoked sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT revoked_at FROM api_keys WHERE id = ? AND (? = 0 OR account_id = ?)`,
			id, accountID, accountID).Scan(&revoked)
		if err != nil {
			return notFound(err, "API key")
		}
		if revoked.Valid {
			return pay.ErrConflict("API key %d is already revoked", id)
		}
		_, err = tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = ? WHERE id = ?`, sc.TimeArg(at), id)
		return err
	})
}

// APIKeyTouch records that a key was used.
func (s *Store) APIKeyTouch(ctx context.Context, id int64, at time.Time) error {
	res, err := s.write.ExecContext(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ?`, sc.TimeArg(at), id)
	return affectedOne(res, err, "API key")
}
