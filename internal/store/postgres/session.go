package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"pay/internal/store"
	"pay/internal/team"
)

// SessionInsert stores a new session; conflict if its hash exists, not
// found if its user does not.
func (s *Store) SessionInsert(ctx context.Context, sess *team.Session) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO admin_sessions (`+store.SessionColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		sess.Hash, sess.UserID, string(sess.Stage), sess.PendingTOTP, sess.CreatedAt, sess.LastSeenAt)
	return teamError(err, "session")
}

// SessionGet returns a session by its token's hash; not found if there is none.
func (s *Store) SessionGet(ctx context.Context, hash string) (*team.Session, error) {
	row := s.pool.QueryRow(ctx, `SELECT `+store.SessionColumns+` FROM admin_sessions WHERE hash = $1`, hash)
	sess, err := store.ScanSession(row.Scan, pc)
	if err != nil {
		return nil, teamError(err, "session")
	}
	return sess, nil
}

// SessionUpdate stores a session's stage, pending secret and last-seen
// time; not found if there is no such session.
func (s *Store) SessionUpdate(ctx context.Context, sess *team.Session) error {
	tag, err := s.pool.Exec(ctx, `UPDATE admin_sessions SET stage = $1, pending_totp = $2, last_seen_at = $3 WHERE hash = $4`,
		string(sess.Stage), sess.PendingTOTP, sess.LastSeenAt, sess.Hash)
	return teamAffectedOne(tag, err, "session")
}

// SessionDelete removes a session; not found if there is none.
func (s *Store) SessionDelete(ctx context.Context, hash string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM admin_sessions WHERE hash = $1`, hash)
	return teamAffectedOne(tag, err, "session")
}

// SessionDeleteUser removes every session of a user and reports how many.
func (s *Store) SessionDeleteUser(ctx context.Context, userID int64) (int, error) {
	return s.teamWriter().SessionDeleteUser(ctx, userID)
}

// SessionDeleteUser removes every session of a user in the transaction and
// reports how many.
func (t teamTx) SessionDeleteUser(ctx context.Context, userID int64) (int, error) {
	tag, err := t.db.Exec(ctx, `DELETE FROM admin_sessions WHERE user_id = $1`, userID)
	return teamAffected(tag, err, "session")
}

// SessionDeleteIdle removes sessions that have ended and reports how many.
func (s *Store) SessionDeleteIdle(ctx context.Context, lastSeenBefore, createdBefore time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM admin_sessions WHERE last_seen_at < $1 OR created_at < $2`,
		lastSeenBefore, createdBefore)
	return teamAffected(tag, err, "session")
}

// teamAffected returns how many rows a statement changed.
func teamAffected(tag pgconn.CommandTag, err error, what string) (int, error) {
	if err != nil {
		return 0, teamError(err, what)
	}
	return int(tag.RowsAffected()), nil
}
