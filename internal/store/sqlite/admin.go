package sqlite

import (
	"context"
	"database/sql"
	"time"

	"pay/internal/pay"
	"pay/internal/store"
)

// ServiceGet returns one service.
func (s *Store) ServiceGet(ctx context.Context, id int64) (*pay.Service, error) {
	svc, err := store.ScanService(s.read.QueryRowContext(ctx, `SELECT `+store.ServiceColumns+` FROM services WHERE id = ?`, id).Scan, sc)
	if err != nil {
		return nil, notFound(err, "service")
	}
	return svc, nil
}

// ServiceUpdate stores a service's names.
func (s *Store) ServiceUpdate(ctx context.Context, svc *pay.Service) error {
	return updateService(ctx, s.write, svc)
}

// ServiceUpdate is Store.ServiceUpdate in the transaction.
func (t *tx) ServiceUpdate(ctx context.Context, svc *pay.Service) error {
	return updateService(ctx, t.tx, svc)
}

func updateService(ctx context.Context, db execer, svc *pay.Service) error {
	res, err := db.ExecContext(ctx, `UPDATE services SET name = ?, name_cy = ? WHERE id = ?`,
		svc.Name, svc.NameWelsh, svc.ID)
	return affectedOne(res, err, "service")
}

// APIKeyGet returns one key of the account.
func (s *Store) APIKeyGet(ctx context.Context, accountID, id int64) (*pay.APIKey, error) {
	k, err := store.ScanAPIKey(s.read.QueryRowContext(ctx, apiKeySelect+` WHERE id = ? AND account_id = ?`, id, accountID).Scan, sc)
	if err != nil {
		return nil, notFound(err, "API key")
	}
	return k, nil
}

// APIKeyDescribe changes an unrevoked key's description.
func (s *Store) APIKeyDescribe(ctx context.Context, accountID, id int64, description string) error {
	return s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		var revoked sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT revoked_at FROM api_keys WHERE id = ? AND account_id = ?`, id, accountID).Scan(&revoked)
		if err != nil {
			return notFound(err, "API key")
		}
		if revoked.Valid {
			return pay.ErrConflict("API key %d is revoked", id)
		}
		_, err = tx.ExecContext(ctx, `UPDATE api_keys SET description = ? WHERE id = ?`, description, id)
		return err
	})
}
