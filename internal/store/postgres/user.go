package postgres

import (
	"context"

	"pay/internal/pay"
	"pay/internal/store"
)

// UserInsert stores a new user and sets ID and CreatedAt; conflict if the
// email (ignoring case) is taken.
func (s *Store) UserInsert(ctx context.Context, u *pay.User) error {
	now := s.now()
	err := s.pool.QueryRow(ctx,
		`INSERT INTO users (email, password_hash, totp_secret, disabled, created_at, password_change_required)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		u.Email, u.PasswordHash, u.TOTPSecret, u.Disabled, now, u.PasswordChangeRequired).Scan(&u.ID)
	if err != nil {
		return translate(err)
	}
	u.CreatedAt = now
	return nil
}

const userSelect = `SELECT ` + store.UserColumns + ` FROM users`

func scanUser(scan func(...any) error) (*pay.User, error) { return store.ScanUser(scan, pc) }

// UserGetByEmail finds a user by email, ignoring case; not found if there is none.
func (s *Store) UserGetByEmail(ctx context.Context, email string) (*pay.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, userSelect+` WHERE lower(email) = lower($1)`, email).Scan)
	if err != nil {
		return nil, notFound(err, "user")
	}
	return u, nil
}

// UserGet returns one user; not found if there is none.
func (s *Store) UserGet(ctx context.Context, id int64) (*pay.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, userSelect+` WHERE id = $1`, id).Scan)
	if err != nil {
		return nil, notFound(err, "user")
	}
	return u, nil
}

// UserList returns every user, oldest first.
func (s *Store) UserList(ctx context.Context) ([]*pay.User, error) {
	rows, err := s.pool.Query(ctx, userSelect+` ORDER BY id`)
	return collect(rows, err, scanUser)
}

// UserUpdate stores a user's password, authenticator secret and Disabled
// flag; not found if there is no such user.
func (s *Store) UserUpdate(ctx context.Context, u *pay.User) error {
	tag, err := s.pool.Exec(ctx,
		`UPDATE users SET password_hash = $1, password_change_required = $2, totp_secret = $3, disabled = $4 WHERE id = $5`,
		u.PasswordHash, u.PasswordChangeRequired, u.TOTPSecret, u.Disabled, u.ID)
	return affectedOne(tag, err, "user")
}

// UserSignInFailed counts one more failed attempt in one statement and
// returns the count; not found if there is no such user.
func (s *Store) UserSignInFailed(ctx context.Context, id int64) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx,
		`UPDATE users SET failed_sign_ins = failed_sign_ins + 1 WHERE id = $1 RETURNING failed_sign_ins`, id).Scan(&n)
	if err != nil {
		return 0, notFound(err, "user")
	}
	return n, nil
}

// UserSignInReset sets a user's failed attempts to zero; not found if there
// is no such user.
func (s *Store) UserSignInReset(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `UPDATE users SET failed_sign_ins = 0 WHERE id = $1`, id)
	return affectedOne(tag, err, "user")
}

// UserTOTPStep records a used authenticator time step. The update applies
// only to a later step, in one statement, so of two requests with the same
// code exactly one succeeds; the other gets a conflict.
func (s *Store) UserTOTPStep(ctx context.Context, id, step int64) error {
	tag, err := s.pool.Exec(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, id)
	if err != nil {
		return translate(err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	if _, err := s.UserGet(ctx, id); err != nil {
		return err
	}
	return pay.ErrConflict("the security code of step %d was already used", step)
}
