package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"pay/internal/pay"
	"pay/internal/store"
	"pay/internal/team"
)

// teamDB is the pool or a transaction, so that one body serves a Store
// method and the team.Tx method of the same name.
type teamDB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// teamTx is team.Tx on db, with the time its writes record.
type teamTx struct {
	db  teamDB
	now time.Time
}

var _ team.Tx = teamTx{}

// teamWriter writes one statement on the pool.
func (s *Store) teamWriter() teamTx { return teamTx{db: s.pool, now: s.now()} }

// UpdateAll runs fn in one transaction seen from both domains, for a change
// that writes payments' and the team's data together (first-start setup).
func (s *Store) UpdateAll(ctx context.Context, fn func(pay.Tx, team.Tx) error) error {
	return s.withTx(ctx, func(t pgx.Tx, now time.Time) error {
		return fn(&tx{tx: t, jobs: s.jobs, now: now}, teamTx{db: t, now: now})
	})
}

// TeamUpdate runs fn in one transaction, committed only if fn returns nil;
// fn's error is returned as it is.
func (s *Store) TeamUpdate(ctx context.Context, fn func(tx team.Tx) error) error {
	return s.withTx(ctx, func(tx pgx.Tx, now time.Time) error {
		return fn(teamTx{db: tx, now: now})
	})
}

// teamKinds are the team's errors for the SQLSTATEs that have one; the
// message follows the name of what was written.
var teamKinds = map[string]team.Error{
	uniqueViolation:     {Kind: team.ErrConflict, Message: "already exists"},
	foreignKeyViolation: {Kind: team.ErrNotFound, Message: "refers to a user or service that does not exist"},
}

// teamError translates a driver error of a team method into the team's
// errors by SQLSTATE, never by text: no rows is what not found, a unique
// violation a conflict, a missing referenced row not found.
func teamError(err error, what string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return team.NotFound(what)
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return err
	}
	if k, ok := teamKinds[pgErr.Code]; ok {
		return &team.Error{Kind: k.Kind, Message: what + " " + k.Message, Err: err}
	}
	return err
}

// teamAffectedOne turns "no row changed" into what not found.
func teamAffectedOne(tag pgconn.CommandTag, err error, what string) error {
	if err != nil {
		return teamError(err, what)
	}
	if tag.RowsAffected() == 0 {
		return team.NotFound(what)
	}
	return nil
}

// UserInsert stores a new user and sets ID and CreatedAt; conflict if the
// email (ignoring case) is taken.
func (s *Store) UserInsert(ctx context.Context, u *team.User) error {
	return s.teamWriter().UserInsert(ctx, u)
}

// UserInsert stores a new user in the transaction.
func (t teamTx) UserInsert(ctx context.Context, u *team.User) error {
	err := t.db.QueryRow(ctx,
		`INSERT INTO users (email, password_hash, totp_secret, disabled, created_at, password_change_required)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		u.Email, u.PasswordHash, u.TOTPSecret, u.Disabled, t.now, u.PasswordChangeRequired).Scan(&u.ID)
	if err != nil {
		return teamError(err, "user")
	}
	u.CreatedAt = t.now
	return nil
}

const userSelect = `SELECT ` + store.UserColumns + ` FROM users`

func scanUser(scan func(...any) error) (*team.User, error) { return store.ScanUser(scan, pc) }

// UserGetByEmail finds a user by email, ignoring case; not found if there is none.
func (s *Store) UserGetByEmail(ctx context.Context, email string) (*team.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, userSelect+` WHERE lower(email) = lower($1)`, email).Scan)
	if err != nil {
		return nil, teamError(err, "user")
	}
	return u, nil
}

// UserGet returns one user; not found if there is none.
func (s *Store) UserGet(ctx context.Context, id int64) (*team.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, userSelect+` WHERE id = $1`, id).Scan)
	if err != nil {
		return nil, teamError(err, "user")
	}
	return u, nil
}

// UserList returns every user, oldest first.
func (s *Store) UserList(ctx context.Context) ([]*team.User, error) {
	rows, err := s.pool.Query(ctx, userSelect+` ORDER BY id`)
	return collect(rows, err, scanUser)
}

// UserUpdate stores a user's password, authenticator secret and Disabled
// flag; not found if there is no such user.
func (s *Store) UserUpdate(ctx context.Context, u *team.User) error {
	return s.teamWriter().UserUpdate(ctx, u)
}

// UserUpdate stores a user's password, authenticator secret and Disabled
// flag in the transaction; not found if there is no such user.
func (t teamTx) UserUpdate(ctx context.Context, u *team.User) error {
	tag, err := t.db.Exec(ctx,
		`UPDATE users SET password_hash = $1, password_change_required = $2, totp_secret = $3, disabled = $4 WHERE id = $5`,
		u.PasswordHash, u.PasswordChangeRequired, u.TOTPSecret, u.Disabled, u.ID)
	return teamAffectedOne(tag, err, "user")
}

// UserPasswordRehash replaces a password hash that is still old; conflict
// if it is not, not found if there is no such user.
func (s *Store) UserPasswordRehash(ctx context.Context, id int64, old, newHash string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3`, newHash, id, old)
	if err != nil {
		return teamError(err, "user")
	}
	if tag.RowsAffected() == 0 {
		return store.UserUnchanged(ctx, s.UserGet, id, team.Errorf(team.ErrConflict, "the password of user %d changed meanwhile", id))
	}
	return nil
}

// UserSignInAttempt counts an attempt unless the user has reached limit,
// in one conditional statement; conflict if they had, not found if there is
// no such user.
func (s *Store) UserSignInAttempt(ctx context.Context, id int64, limit int) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `UPDATE users SET failed_sign_ins = failed_sign_ins + 1
		WHERE id = $1 AND failed_sign_ins < $2 RETURNING failed_sign_ins`, id, limit).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, store.UserUnchanged(ctx, s.UserGet, id, team.Errorf(team.ErrConflict, "user %d has reached the limit of failed sign-ins", id))
	} else if err != nil {
		return 0, teamError(err, "user")
	}
	return n, nil
}

// UserSignInAttemptUndo takes back one counted attempt, never below zero;
// not found if there is no such user.
func (s *Store) UserSignInAttemptUndo(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `UPDATE users SET failed_sign_ins = greatest(failed_sign_ins - 1, 0) WHERE id = $1`, id)
	return teamAffectedOne(tag, err, "user")
}

// UserSignInReset sets a user's failed attempts to zero; not found if there
// is no such user.
func (s *Store) UserSignInReset(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `UPDATE users SET failed_sign_ins = 0 WHERE id = $1`, id)
	return teamAffectedOne(tag, err, "user")
}

// UserTOTPStep records a used authenticator time step. The update applies
// only to a later step, in one statement, so of two requests with the same
// code exactly one succeeds; the other gets a conflict.
func (s *Store) UserTOTPStep(ctx context.Context, id, step int64) error {
	tag, err := s.pool.Exec(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, id)
	if err != nil {
		return teamError(err, "user")
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	if _, err := s.UserGet(ctx, id); err != nil {
		return err
	}
	return team.Errorf(team.ErrConflict, "the security code of step %d was already used", step)
}

// MembershipSet gives a user a role in a service, replacing any other; not
// found if the user or the service does not exist.
func (s *Store) MembershipSet(ctx context.Context, m *team.Membership) error {
	return s.teamWriter().MembershipSet(ctx, m)
}

// MembershipSet gives a user a role in a service in the transaction; not
// found if the user or the service does not exist.
func (t teamTx) MembershipSet(ctx context.Context, m *team.Membership) error {
	_, err := t.db.Exec(ctx, `INSERT INTO service_users (service_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (service_id, user_id) DO UPDATE SET role = excluded.role`,
		m.ServiceID, m.UserID, string(m.Role), t.now)
	if err != nil {
		return teamError(err, "membership")
	}
	m.CreatedAt = t.now
	return nil
}

// MembershipDelete removes a user from a service; not found if they had no role there.
func (s *Store) MembershipDelete(ctx context.Context, userID, serviceID int64) error {
	return s.teamWriter().MembershipDelete(ctx, userID, serviceID)
}

// MembershipDelete removes a user from a service in the transaction.
func (t teamTx) MembershipDelete(ctx context.Context, userID, serviceID int64) error {
	tag, err := t.db.Exec(ctx, `DELETE FROM service_users WHERE user_id = $1 AND service_id = $2`, userID, serviceID)
	return teamAffectedOne(tag, err, "membership")
}

// MembershipList returns a user's roles with their services' names, by service id.
func (s *Store) MembershipList(ctx context.Context, userID int64) ([]*team.Membership, error) {
	rows, err := s.pool.Query(ctx, store.MembershipSelect+` WHERE m.user_id = $1 ORDER BY m.service_id`, userID)
	return collect(rows, err, withCodec(store.ScanMembership))
}
