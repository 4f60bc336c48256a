package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"pay/internal/store"
	"pay/internal/team"
)

// PasswordResetInsert stores a new reset link; not found if its user does
// not exist.
func (s *Store) PasswordResetInsert(ctx context.Context, r *team.PasswordReset) error {
	now := s.now()
	_, err := s.pool.Exec(ctx,
		`INSERT INTO password_resets (hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		r.Hash, r.UserID, now, r.ExpiresAt)
	if err != nil {
		return teamError(err, "password reset")
	}
	r.CreatedAt = now
	return nil
}

// PasswordResetGet returns a reset link by its token's hash.
func (s *Store) PasswordResetGet(ctx context.Context, hash string) (*team.PasswordReset, error) {
	r, err := store.ScanPasswordReset(s.pool.QueryRow(ctx,
		`SELECT `+store.PasswordResetColumns+` FROM password_resets WHERE hash = $1`, hash).Scan, pc)
	if err != nil {
		return nil, teamError(err, "password reset")
	}
	return r, nil
}

// PasswordResetUse uses up an unused, unexpired link and the user's other
// unused links, in the transaction; conflict if it is used or expired. The
// conditional update takes the row's lock, so of two uses at once one wins.
func (t teamTx) PasswordResetUse(ctx context.Context, hash string) (int64, error) {
	var userID int64
	err := t.db.QueryRow(ctx, `UPDATE password_resets SET used_at = $1
		WHERE hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id`, t.now, hash).Scan(&userID)
	if errors.Is(err, pgx.ErrNoRows) {
		var one int
		if err := t.db.QueryRow(ctx, `SELECT 1 FROM password_resets WHERE hash = $1`, hash).Scan(&one); err != nil {
			return 0, teamError(err, "password reset")
		}
		return 0, team.Errorf(team.ErrConflict, "the password reset link is used or has expired")
	} else if err != nil {
		return 0, teamError(err, "password reset")
	}
	_, err = t.db.Exec(ctx, `UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL`, t.now, userID)
	return userID, err
}

// UserPasswordSet sets a user's password and ends a lockout, in the
// transaction.
func (t teamTx) UserPasswordSet(ctx context.Context, id int64, hash string) error {
	tag, err := t.db.Exec(ctx, `UPDATE users SET password_hash = $1, password_change_required = false,
		failed_sign_ins = 0 WHERE id = $2`, hash, id)
	return teamAffectedOne(tag, err, "user")
}

// OutboxInsert keeps an email to a user in the outbox.
func (s *Store) OutboxInsert(ctx context.Context, e *team.Email) error {
	now := s.now()
	err := s.pool.QueryRow(ctx, `INSERT INTO team_outbox (recipient, subject, body, created_at) VALUES ($1, $2, $3, $4)
		RETURNING id`, e.To, e.Subject, e.Text, now).Scan(&e.ID)
	if err != nil {
		return teamError(err, "email")
	}
	e.CreatedAt = now
	return nil
}

// OutboxList returns the outbox's latest emails, newest first.
func (s *Store) OutboxList(ctx context.Context, limit int) ([]*team.Email, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+store.OutboxColumns+` FROM team_outbox ORDER BY id DESC LIMIT $1`, limit)
	return collect(rows, err, withCodec(store.ScanOutbox))
}
