package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"pay/internal/store"
	"pay/internal/team"
)

// PasswordResetInsert stores a new reset link; not found if its user does
// not exist.
func (s *Store) PasswordResetInsert(ctx context.Context, r *team.PasswordReset) error {
	now := s.now()
	_, err := s.write.ExecContext(ctx,
		`INSERT INTO password_resets (hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		r.Hash, r.UserID, sc.TimeArg(now), sc.TimeArg(r.ExpiresAt))
	if err != nil {
		return teamError(err, "password reset")
	}
	r.CreatedAt = now
	return nil
}

// PasswordResetGet returns a reset link by its token's hash.
func (s *Store) PasswordResetGet(ctx context.Context, hash string) (*team.PasswordReset, error) {
	r, err := store.ScanPasswordReset(s.read.QueryRowContext(ctx,
		`SELECT `+store.PasswordResetColumns+` FROM password_resets WHERE hash = ?`, hash).Scan, sc)
	if err != nil {
		return nil, teamError(err, "password reset")
	}
	return r, nil
}

// PasswordResetUse uses up an unused, unexpired link and the user's other
// unused links, in the transaction; conflict if it is used or expired.
func (t teamTx) PasswordResetUse(ctx context.Context, hash string) (int64, error) {
	var userID int64
	now := sc.TimeArg(t.now)
	err := t.db.QueryRowContext(ctx, `UPDATE password_resets SET used_at = ?
		WHERE hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id`, now, hash, now).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		var one int
		if err := t.db.QueryRowContext(ctx, `SELECT 1 FROM password_resets WHERE hash = ?`, hash).Scan(&one); err != nil {
			return 0, teamError(err, "password reset")
		}
		return 0, team.Errorf(team.ErrConflict, "the password reset link is used or has expired")
	} else if err != nil {
		return 0, teamError(err, "password reset")
	}
	_, err = t.db.ExecContext(ctx, `UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, now, userID)
	return userID, err
}

// UserPasswordSet sets a user's password and ends a lockout, in the
// transaction.
func (t teamTx) UserPasswordSet(ctx context.Context, id int64, hash string) error {
	res, err := t.db.ExecContext(ctx, `UPDATE users SET password_hash = ?, password_change_required = false,
		failed_sign_ins = 0 WHERE id = ?`, hash, id)
	return teamAffectedOne(res, err, "user")
}

// OutboxInsert keeps an email to a user in the outbox.
func (s *Store) OutboxInsert(ctx context.Context, e *team.Email) error {
	now := s.now()
	res, err := s.write.ExecContext(ctx, `INSERT INTO team_outbox (recipient, subject, body, created_at) VALUES (?, ?, ?, ?)`,
		e.To, e.Subject, e.Text, sc.TimeArg(now))
	if err != nil {
		return teamError(err, "email")
	}
	e.ID, err = res.LastInsertId()
	e.CreatedAt = now
	return err
}

// OutboxList returns the outbox's latest emails, newest first.
func (s *Store) OutboxList(ctx context.Context, limit int) ([]*team.Email, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+store.OutboxColumns+` FROM team_outbox ORDER BY id DESC LIMIT ?`, limit)
	return collect(rows, err, withCodec(store.ScanOutbox))
}
