package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"pay/internal/pay"
	"pay/internal/store"
)

// ServiceGet returns one service; not found if there is none.
func (s *Store) ServiceGet(ctx context.Context, id int64) (*pay.Service, error) {
	svc, err := store.ScanService(s.pool.QueryRow(ctx, `SELECT `+store.ServiceColumns+` FROM services WHERE id = $1`, id).Scan, pc)
	if err != nil {
		return nil, notFound(err, "service")
	}
	return svc, nil
}

// ServiceUpdate stores a service's names; not found if there is no such service.
func (s *Store) ServiceUpdate(ctx context.Context, svc *pay.Service) error {
	return updateService(ctx, s.pool, svc)
}

// ServiceUpdate is Store.ServiceUpdate in the transaction.
func (t *tx) ServiceUpdate(ctx context.Context, svc *pay.Service) error {
	return updateService(ctx, t.tx, svc)
}

func updateService(ctx context.Context, db conn, svc *pay.Service) error {
	tag, err := db.Exec(ctx, `UPDATE services SET name = $1, name_cy = $2 WHERE id = $3`, svc.Name, svc.NameWelsh, svc.ID)
	return affectedOne(tag, err, "service")
}

// APIKeyGet returns one key of the account; not found if there is no such
// key or it belongs to another account.
func (s *Store) APIKeyGet(ctx context.Context, accountID, id int64) (*pay.APIKey, error) {
	k, err := store.ScanAPIKey(s.pool.QueryRow(ctx, apiKeySelect+` WHERE id = $1 AND account_id = $2`, id, accountID).Scan, pc)
	if err != nil {
		return nil, notFound(err, "API key")
	}
	return k, nil
}

// APIKeyDescribe changes an unrevoked key's description under a row lock:
// not found if there is no such key of the account, conflict if it is revoked.
func (s *Store) APIKeyDescribe(ctx context.Context, accountID, id int64, description string) error {
	return s.withTx(ctx, func(tx pgx.Tx, _ time.Time) error {
		var revoked bool
		err := tx.QueryRow(ctx, `SELECT revoked_at IS NOT NULL FROM api_keys WHERE id = $1 AND account_id = $2 FOR UPDATE`,
			id, accountID).Scan(&revoked)
		if err != nil {
			return notFound(err, "API key")
		}
		if revoked {
			return pay.ErrConflict("API key %d is revoked", id)
		}
		_, err = tx.Exec(ctx, `UPDATE api_keys SET description = $1 WHERE id = $2`, description, id)
		return translate(err)
	})
}
