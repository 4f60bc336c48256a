package postgres

import (
	"context"

	"pay/internal/pay"
)

// UserInsert stores a new user and sets ID and CreatedAt; conflict if the
// email (ignoring case) is taken.
func (s *Store) UserInsert(ctx context.Context, u *pay.User) error {
	now := s.now()
	err := s.pool.QueryRow(ctx,
		`INSERT INTO users (email, password_hash, totp_secret, disabled, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		u.Email, u.PasswordHash, u.TOTPSecret, u.Disabled, now).Scan(&u.ID)
	if err != nil {
		return translate(err)
	}
	u.CreatedAt = now
	return nil
}

// UserGetByEmail finds a user by email, ignoring case; not found if there is none.
func (s *Store) UserGetByEmail(ctx context.Context, email string) (*pay.User, error) {
	var u pay.User
	err := s.pool.QueryRow(ctx,
		`SELECT id, email, password_hash, totp_secret, disabled, created_at FROM users WHERE lower(email) = lower($1)`, email,
	).Scan(&u.ID, &u.Email, &u.PasswordHash, &u.TOTPSecret, &u.Disabled, pc.Time(&u.CreatedAt))
	if err != nil {
		return nil, notFound(err, "user")
	}
	return &u, nil
}
