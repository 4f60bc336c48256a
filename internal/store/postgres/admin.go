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

// MembershipSet gives a user a role in a service, replacing any other; not
// found if the user or the service does not exist.
func (s *Store) MembershipSet(ctx context.Context, m *pay.Membership) error {
	now := s.now()
	_, err := s.pool.Exec(ctx, `INSERT INTO service_users (service_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (service_id, user_id) DO UPDATE SET role = excluded.role`,
		m.ServiceID, m.UserID, string(m.Role), now)
	if err != nil {
		return translate(err)
	}
	m.CreatedAt = now
	return nil
}

// MembershipDelete removes a user from a service; not found if they had no role there.
func (s *Store) MembershipDelete(ctx context.Context, userID, serviceID int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM service_users WHERE user_id = $1 AND service_id = $2`, userID, serviceID)
	return affectedOne(tag, err, "membership")
}

// MembershipList returns a user's roles with their services' names, by service id.
func (s *Store) MembershipList(ctx context.Context, userID int64) ([]*pay.Membership, error) {
	rows, err := s.pool.Query(ctx, store.MembershipSelect+` WHERE m.user_id = $1 ORDER BY m.service_id`, userID)
	return collect(rows, err, withCodec(store.ScanMembership))
}

// SessionInsert stores a new session; conflict if its hash exists, not
// found if its user does not.
func (s *Store) SessionInsert(ctx context.Context, sess *pay.Session) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO admin_sessions (`+store.SessionColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		sess.Hash, sess.UserID, string(sess.Stage), sess.PendingTOTP, sess.CreatedAt, sess.LastSeenAt)
	return translate(err)
}

// SessionGet returns a session by its token's hash; not found if there is none.
func (s *Store) SessionGet(ctx context.Context, hash string) (*pay.Session, error) {
	row := s.pool.QueryRow(ctx, `SELECT `+store.SessionColumns+` FROM admin_sessions WHERE hash = $1`, hash)
	sess, err := store.ScanSession(row.Scan, pc)
	if err != nil {
		return nil, notFound(err, "session")
	}
	return sess, nil
}

// SessionUpdate stores a session's stage, pending secret and last-seen
// time; not found if there is no such session.
func (s *Store) SessionUpdate(ctx context.Context, sess *pay.Session) error {
	tag, err := s.pool.Exec(ctx, `UPDATE admin_sessions SET stage = $1, pending_totp = $2, last_seen_at = $3 WHERE hash = $4`,
		string(sess.Stage), sess.PendingTOTP, sess.LastSeenAt, sess.Hash)
	return affectedOne(tag, err, "session")
}

// SessionDelete removes a session; not found if there is none.
func (s *Store) SessionDelete(ctx context.Context, hash string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM admin_sessions WHERE hash = $1`, hash)
	return affectedOne(tag, err, "session")
}

// SessionDeleteUser removes every session of a user and reports how many.
func (s *Store) SessionDeleteUser(ctx context.Context, userID int64) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM admin_sessions WHERE user_id = $1`, userID)
	if err != nil {
		return 0, translate(err)
	}
	return int(tag.RowsAffected()), nil
}

// SessionDeleteIdle removes sessions that have ended and reports how many.
func (s *Store) SessionDeleteIdle(ctx context.Context, lastSeenBefore, createdBefore time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM admin_sessions WHERE last_seen_at < $1 OR created_at < $2`,
		lastSeenBefore, createdBefore)
	if err != nil {
		return 0, translate(err)
	}
	return int(tag.RowsAffected()), nil
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
