package sqlite

import (
	"context"
	"time"

	"pay/internal/store"
	"pay/internal/team"
)

// SessionInsert stores a new session.
func (s *Store) SessionInsert(ctx context.Context, sess *team.Session) error {
	_, err := s.write.ExecContext(ctx, `INSERT INTO admin_sessions (`+store.SessionColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
		sess.Hash, sess.UserID, string(sess.Stage), sess.PendingTOTP, sc.TimeArg(sess.CreatedAt), sc.TimeArg(sess.LastSeenAt))
	return teamError(err, "session")
}

// SessionGet returns a session by its token's hash.
func (s *Store) SessionGet(ctx context.Context, hash string) (*team.Session, error) {
	row := s.read.QueryRowContext(ctx, `SELECT `+store.SessionColumns+` FROM admin_sessions WHERE hash = ?`, hash)
	sess, err := store.ScanSession(row.Scan, sc)
	if err != nil {
		return nil, teamError(err, "session")
	}
	return sess, nil
}

// SessionUpdate stores a session's stage, pending secret and last-seen time.
func (s *Store) SessionUpdate(ctx context.Context, sess *team.Session) error {
	res, err := s.write.ExecContext(ctx, `UPDATE admin_sessions SET stage = ?, pending_totp = ?, last_seen_at = ? WHERE hash = ?`,
		string(sess.Stage), sess.PendingTOTP, sc.TimeArg(sess.LastSeenAt), sess.Hash)
	return teamAffectedOne(res, err, "session")
}

// SessionDelete removes a session.
func (s *Store) SessionDelete(ctx context.Context, hash string) error {
	res, err := s.write.ExecContext(ctx, `DELETE FROM admin_sessions WHERE hash = ?`, hash)
	return teamAffectedOne(res, err, "session")
}

// SessionDeleteUser removes every session of a user.
func (s *Store) SessionDeleteUser(ctx context.Context, userID int64) (int, error) {
	return s.teamWriter().SessionDeleteUser(ctx, userID)
}

// SessionDeleteUser removes every session of a user in the transaction.
func (t teamTx) SessionDeleteUser(ctx context.Context, userID int64) (int, error) {
	res, err := t.db.ExecContext(ctx, `DELETE FROM admin_sessions WHERE user_id = ?`, userID)
	return teamAffected(res, err, "session")
}

// SessionDeleteIdle removes sessions that have ended.
func (s *Store) SessionDeleteIdle(ctx context.Context, lastSeenBefore, createdBefore time.Time) (int, error) {
	res, err := s.write.ExecContext(ctx, `DELETE FROM admin_sessions WHERE last_seen_at < ? OR created_at < ?`,
		sc.TimeArg(lastSeenBefore), sc.TimeArg(createdBefore))
	return teamAffected(res, err, "session")
}
