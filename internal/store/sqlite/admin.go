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

// MembershipSet gives a user a role in a service.
func (s *Store) MembershipSet(ctx context.Context, m *pay.Membership) error {
	now := s.now()
	_, err := s.write.ExecContext(ctx, `INSERT INTO service_users (service_id, user_id, role, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (service_id, user_id) DO UPDATE SET role = excluded.role`,
		m.ServiceID, m.UserID, string(m.Role), sc.TimeArg(now))
	if err != nil {
		return translate(err)
	}
	m.CreatedAt = now
	return nil
}

// MembershipDelete removes a user from a service.
func (s *Store) MembershipDelete(ctx context.Context, userID, serviceID int64) error {
	res, err := s.write.ExecContext(ctx, `DELETE FROM service_users WHERE user_id = ? AND service_id = ?`, userID, serviceID)
	return affectedOne(res, err, "membership")
}

// MembershipList returns a user's roles, by service id.
func (s *Store) MembershipList(ctx context.Context, userID int64) ([]*pay.Membership, error) {
	rows, err := s.read.QueryContext(ctx, store.MembershipSelect+` WHERE m.user_id = ? ORDER BY m.service_id`, userID)
	return collect(rows, err, withCodec(store.ScanMembership))
}

// SessionInsert stores a new session.
func (s *Store) SessionInsert(ctx context.Context, sess *pay.Session) error {
	_, err := s.write.ExecContext(ctx, `INSERT INTO admin_sessions (`+store.SessionColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
		sess.Hash, sess.UserID, string(sess.Stage), sess.PendingTOTP, sc.TimeArg(sess.CreatedAt), sc.TimeArg(sess.LastSeenAt))
	return translate(err)
}

// SessionGet returns a session by its token's hash.
func (s *Store) SessionGet(ctx context.Context, hash string) (*pay.Session, error) {
	row := s.read.QueryRowContext(ctx, `SELECT `+store.SessionColumns+` FROM admin_sessions WHERE hash = ?`, hash)
	sess, err := store.ScanSession(row.Scan, sc)
	if err != nil {
		return nil, notFound(err, "session")
	}
	return sess, nil
}

// SessionUpdate stores a session's stage, pending secret and last-seen time.
func (s *Store) SessionUpdate(ctx context.Context, sess *pay.Session) error {
	res, err := s.write.ExecContext(ctx, `UPDATE admin_sessions SET stage = ?, pending_totp = ?, last_seen_at = ? WHERE hash = ?`,
		string(sess.Stage), sess.PendingTOTP, sc.TimeArg(sess.LastSeenAt), sess.Hash)
	return affectedOne(res, err, "session")
}

// SessionDelete removes a session.
func (s *Store) SessionDelete(ctx context.Context, hash string) error {
	res, err := s.write.ExecContext(ctx, `DELETE FROM admin_sessions WHERE hash = ?`, hash)
	return affectedOne(res, err, "session")
}

// SessionDeleteUser removes every session of a user.
func (s *Store) SessionDeleteUser(ctx context.Context, userID int64) (int, error) {
	res, err := s.write.ExecContext(ctx, `DELETE FROM admin_sessions WHERE user_id = ?`, userID)
	return countAffected(res, err)
}

// SessionDeleteIdle removes sessions that have ended.
func (s *Store) SessionDeleteIdle(ctx context.Context, lastSeenBefore, createdBefore time.Time) (int, error) {
	res, err := s.write.ExecContext(ctx, `DELETE FROM admin_sessions WHERE last_seen_at < ? OR created_at < ?`,
		sc.TimeArg(lastSeenBefore), sc.TimeArg(createdBefore))
	return countAffected(res, err)
}

func countAffected(res sql.Result, err error) (int, error) {
	if err != nil {
		return 0, translate(err)
	}
	n, err := res.RowsAffected()
	return int(n), err
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
