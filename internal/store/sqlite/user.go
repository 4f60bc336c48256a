package sqlite

import (
	"context"

	"pay/internal/pay"
)

// UserInsert stores a new user.
func (s *Store) UserInsert(ctx context.Context, u *pay.User) error {
	now := s.now()
	res, err := s.write.ExecContext(ctx,
		`INSERT INTO users (email, password_hash, totp_secret, disabled, created_at) VALUES (?, ?, ?, ?, ?)`,
		u.Email, u.PasswordHash, u.TOTPSecret, u.Disabled, sc.TimeArg(now))
	if err != nil {
		return translate(err)
	}
	u.ID, err = res.LastInsertId()
	u.CreatedAt = now
	return err
}

// UserGetByEmail finds a user by email, ignoring case.
func (s *Store) UserGetByEmail(ctx context.Context, email string) (*pay.User, error) {
	var u pay.User
	err := s.read.QueryRowContext(ctx,
		`SELECT id, email, password_hash, totp_secret, disabled, created_at FROM users WHERE lower(email) = lower(?)`, email,
	).Scan(&u.ID, &u.Email, &u.PasswordHash, &u.TOTPSecret, &u.Disabled, sc.Time(&u.CreatedAt))
	if err != nil {
		return nil, notFound(err, "user")
	}
	return &u, nil
}
