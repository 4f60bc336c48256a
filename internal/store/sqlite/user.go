package sqlite

import (
	"context"
	"database/sql"
	"time"

	"pay/internal/pay"
	"pay/internal/store"
)

// UserInsert stores a new user.
func (s *Store) UserInsert(ctx context.Context, u *pay.User) error {
	now := s.now()
	res, err := s.write.ExecContext(ctx,
		`INSERT INTO users (email, password_hash, totp_secret, disabled, created_at, password_change_required)
		VALUES (?, ?, ?, ?, ?, ?)`,
		u.Email, u.PasswordHash, u.TOTPSecret, u.Disabled, sc.TimeArg(now), u.PasswordChangeRequired)
	if err != nil {
		return translate(err)
	}
	u.ID, err = res.LastInsertId()
	u.CreatedAt = now
	return err
}

const userSelect = `SELECT ` + store.UserColumns + ` FROM users`

// UserGetByEmail finds a user by email, ignoring case.
func (s *Store) UserGetByEmail(ctx context.Context, email string) (*pay.User, error) {
	u, err := store.ScanUser(s.read.QueryRowContext(ctx, userSelect+` WHERE lower(email) = lower(?)`, email).Scan, sc)
	if err != nil {
		return nil, notFound(err, "user")
	}
	return u, nil
}

// UserGet returns one user; not found if there is none.
func (s *Store) UserGet(ctx context.Context, id int64) (*pay.User, error) {
	u, err := store.ScanUser(s.read.QueryRowContext(ctx, userSelect+` WHERE id = ?`, id).Scan, sc)
	if err != nil {
		return nil, notFound(err, "user")
	}
	return u, nil
}

// UserList returns every user, oldest first.
func (s *Store) UserList(ctx context.Context) ([]*pay.User, error) {
	rows, err := s.read.QueryContext(ctx, userSelect+` ORDER BY id`)
	return collect(rows, err, withCodec(store.ScanUser))
}

// UserUpdate stores a user's password, authenticator secret and Disabled flag.
func (s *Store) UserUpdate(ctx context.Context, u *pay.User) error {
	res, err := s.write.ExecContext(ctx,
		`UPDATE users SET password_hash = ?, password_change_required = ?, totp_secret = ?, disabled = ? WHERE id = ?`,
		u.PasswordHash, u.PasswordChangeRequired, u.TOTPSecret, u.Disabled, u.ID)
	return affectedOne(res, err, "user")
}

// UserSignInFailed counts one more failed attempt and returns the count.
func (s *Store) UserSignInFailed(ctx context.Context, id int64) (int, error) {
	var n int
	err := s.write.QueryRowContext(ctx,
		`UPDATE users SET failed_sign_ins = failed_sign_ins + 1 WHERE id = ? RETURNING failed_sign_ins`, id).Scan(&n)
	if err != nil {
		return 0, notFound(err, "user")
	}
	return n, nil
}

// UserSignInReset sets a user's failed attempts to zero.
func (s *Store) UserSignInReset(ctx context.Context, id int64) error {
	res, err := s.write.ExecContext(ctx, `UPDATE users SET failed_sign_ins = 0 WHERE id = ?`, id)
	return affectedOne(res, err, "user")
}

// UserTOTPStep records a used authenticator time step, refusing any step
// not later than the last one. SQLite's single writer makes the check and
// the update one step.
func (s *Store) UserTOTPStep(ctx context.Context, id, step int64) error {
	return s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		var last int64
		err := tx.QueryRowContext(ctx, `SELECT totp_last_step FROM users WHERE id = ?`, id).Scan(&last)
		if err != nil {
			return notFound(err, "user")
		}
		if step <= last {
			return pay.ErrConflict("the security code of step %d was already used", step)
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ?`, step, id)
		return err
	})
}
