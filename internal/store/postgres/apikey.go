package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"pay/internal/pay"
	"pay/internal/store"
)

const apiKeySelect = `SELECT ` + store.APIKeyColumns + ` FROM api_keys`

// APIKeyInsert stores a new key and sets ID and CreatedAt; conflict if the
// hash exists, not found if the account does not.
func (s *Store) APIKeyInsert(ctx context.Context, k *pay.APIKey) error {
	return insertAPIKey(ctx, s.pool, k, s.now())
}

// APIKeyInsert is Store.APIKeyInsert in the transaction.
func (t *tx) APIKeyInsert(ctx context.Context, k *pay.APIKey) error {
	return insertAPIKey(ctx, t.tx, k, t.now)
}

func insertAPIKey(ctx context.Context, db conn, k *pay.APIKey, now time.Time) error {
	err := db.QueryRow(ctx,
		`INSERT INTO api_keys (account_id, description, hash, hint, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		k.AccountID, k.Description, k.Hash, k.Hint, k.CreatedBy, now).Scan(&k.ID)
	if err != nil {
		return translate(err)
	}
	k.CreatedAt = now
	return nil
}

// APIKeyGetByHash finds a key, revoked or not, by its hash; not found if
// there is none.
func (s *Store) APIKeyGetByHash(ctx context.Context, hash string) (*pay.APIKey, error) {
	k, err := store.ScanAPIKey(s.pool.QueryRow(ctx, apiKeySelect+` WHERE hash = $1`, hash).Scan, pc)
	if err != nil {
		return nil, notFound(err, "API key")
	}
	return k, nil
}

// APIKeyGetWithAccount finds a key, revoked or not, by its hash, and its
// account, in one query; not found if there is no such key.
func (s *Store) APIKeyGetWithAccount(ctx context.Context, hash string) (*pay.APIKey, *pay.Account, error) {
	row := s.pool.QueryRow(ctx, `SELECT `+store.APIKeyAccountColumns+` FROM `+store.APIKeyAccountFrom+` WHERE k.hash = $1`, hash)
	k, a, err := store.ScanAPIKeyAccount(row.Scan, pc)
	if err != nil {
		return nil, nil, notFound(err, "API key")
	}
	return k, a, nil
}

// APIKeyList returns an account's keys (every key for account 0), newest first.
func (s *Store) APIKeyList(ctx context.Context, accountID int64) ([]*pay.APIKey, error) {
	rows, err := s.pool.Query(ctx, apiKeySelect+` WHERE $1::bigint = 0 OR account_id = $1 ORDER BY id DESC`, accountID)
	return collect(rows, err, withCodec(store.ScanAPIKey))
}

// APIKeyRevoke revokes a key of the account (any account for 0): not found
// if there is no such key, conflict if it is already revoked. The key's row
// is locked, so of two concurrent revocations exactly one succeeds.
func (s *Store) APIKeyRevoke(ctx context.Context, accountID, id int64, at time.Time) error {
	return s.withTx(ctx, func(tx pgx.Tx, _ time.Time) error {
		var revoked bool
		err := tx.QueryRow(ctx, `SELECT revoked_at IS NOT NULL FROM api_keys
			WHERE id = $1 AND ($2::bigint = 0 OR account_id = $2) FOR UPDATE`, id, accountID).Scan(&revoked)
		if err != nil {
			return notFound(err, "API key")
		}
		if revoked {
			return pay.ErrConflict("API key %d is already revoked", id)
		}
		_, err = tx.Exec(ctx, `UPDATE api_keys SET revoked_at = $1 WHERE id = $2`, at, id)
		return translate(err)
	})
}

// APIKeyTouch records that a key was used; not found if there is no such key.
func (s *Store) APIKeyTouch(ctx context.Context, id int64, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE api_keys SET last_used_at = $1 WHERE id = $2`, at, id)
	return affectedOne(tag, err, "API key")
}
