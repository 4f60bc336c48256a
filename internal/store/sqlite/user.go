package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"pay/internal/pay"
	"pay/internal/store"
	"pay/internal/team"
)

// teamDB is the writer connection or a transaction on it, so that one
// body serves a Store method and the team.Tx method of the same name.
type teamDB interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// teamTx is team.Tx on db, with the time its writes record.
type teamTx struct {
	db  teamDB
	now time.Time
}

var _ team.Tx = teamTx{}

// teamWriter writes one statement on the writer connection.
func (s *Store) teamWriter() teamTx { return teamTx{db: s.write, now: s.now()} }

// UpdateAll runs fn in one transaction seen from both domains, for a change
// that writes payments' and the team's data together (first-start setup).
func (s *Store) UpdateAll(ctx context.Context, fn func(pay.Tx, team.Tx) error) error {
	return s.withTx(ctx, func(t *sql.Tx, now time.Time) error {
		return fn(&tx{tx: t, jobs: s.jobs, now: now}, teamTx{db: t, now: now})
	})
}

// TeamUpdate runs fn in one immediate transaction, committed only if fn
// returns nil; fn's error is returned as it is.
func (s *Store) TeamUpdate(ctx context.Context, fn func(tx team.Tx) error) error {
	return s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		return fn(teamTx{db: tx, now: now})
	})
}

// teamKinds are the team's errors for the SQLite result codes that have
// one; the message follows the name of what was written.
var teamKinds = map[int]team.Error{
	sqlite3.SQLITE_CONSTRAINT_UNIQUE:     {Kind: team.ErrConflict, Message: "already exists"},
	sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY: {Kind: team.ErrConflict, Message: "already exists"},
	sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY: {Kind: team.ErrNotFound, Message: "refers to a user or service that does not exist"},
}

// teamError translates a driver error of a team method into the team's
// errors by result code, never by text: no rows is what not found, a
// unique violation a conflict, a missing referenced row not found.
func teamError(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return team.NotFound(what)
	}
	var serr *sqlite.Error
	if !errors.As(err, &serr) {
		return err
	}
	if k, ok := teamKinds[serr.Code()]; ok {
		return &team.Error{Kind: k.Kind, Message: what + " " + k.Message, Err: err}
	}
	return err
}

// teamAffected returns how many rows a statement changed.
func teamAffected(res sql.Result, err error, what string) (int, error) {
	if err != nil {
		return 0, teamError(err, what)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// teamAffectedOne turns "no row changed" into what not found.
func teamAffectedOne(res sql.Result, err error, what string) error {
	n, err := teamAffected(res, err, what)
	if err == nil && n == 0 {
		return team.NotFound(what)
	}
	return err
}

// UserInsert stores a new user; conflict if the email is taken.
func (s *Store) UserInsert(ctx context.Context, u *team.User) error {
	return s.teamWriter().UserInsert(ctx, u)
}

// UserInsert stores a new user in the transaction.
func (t teamTx) UserInsert(ctx context.Context, u *team.User) error {
	res, err := t.db.ExecContext(ctx,
		`INSERT INTO users (email, password_hash, totp_secret, disabled, created_at, password_change_required)
		VALUES (?, ?, ?, ?, ?, ?)`,
		u.Email, u.PasswordHash, u.TOTPSecret, u.Disabled, sc.TimeArg(t.now), u.PasswordChangeRequired)
	if err != nil {
		return teamError(err, "user")
	}
	u.ID, err = res.LastInsertId()
	u.CreatedAt = t.now
	return err
}

const userSelect = `SELECT ` + store.UserColumns + ` FROM users`

// UserGetByEmail finds a user by email, ignoring case.
func (s *Store) UserGetByEmail(ctx context.Context, email string) (*team.User, error) {
	u, err := store.ScanUser(s.read.QueryRowContext(ctx, userSelect+` WHERE lower(email) = lower(?)`, email).Scan, sc)
	if err != nil {
		return nil, teamError(err, "user")
	}
	return u, nil
}

// UserGet returns one user; not found if there is none.
func (s *Store) UserGet(ctx context.Context, id int64) (*team.User, error) {
	u, err := store.ScanUser(s.read.QueryRowContext(ctx, userSelect+` WHERE id = ?`, id).Scan, sc)
	if err != nil {
		return nil, teamError(err, "user")
	}
	return u, nil
}

// UserList returns every user, oldest first.
func (s *Store) UserList(ctx context.Context) ([]*team.User, error) {
	rows, err := s.read.QueryContext(ctx, userSelect+` ORDER BY id`)
	return collect(rows, err, withCodec(store.ScanUser))
}

// UserUpdate stores a user's password, authenticator secret and Disabled flag.
func (s *Store) UserUpdate(ctx context.Context, u *team.User) error {
	return s.teamWriter().UserUpdate(ctx, u)
}

// UserUpdate stores a user's password, authenticator secret and Disabled
// flag in the transaction.
func (t teamTx) UserUpdate(ctx context.Context, u *team.User) error {
	res, err := t.db.ExecContext(ctx,
		`UPDATE users SET password_hash = ?, password_change_required = ?, totp_secret = ?, disabled = ? WHERE id = ?`,
		u.PasswordHash, u.PasswordChangeRequired, u.TOTPSecret, u.Disabled, u.ID)
	return teamAffectedOne(res, err, "user")
}

// UserPasswordRehash replaces a password hash that is still old; conflict
// if it is not, not found if there is no such user.
func (s *Store) UserPasswordRehash(ctx context.Context, id int64, old, newHash string) error {
	res, err := s.write.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?`, newHash, id, old)
	n, err := teamAffected(res, err, "user")
	if err == nil && n == 0 {
		return store.UserUnchanged(ctx, s.UserGet, id, team.Errorf(team.ErrConflict, "the password of user %d changed meanwhile", id))
	}
	return err
}

// UserSignInAttempt counts an attempt unless the user has reached limit,
// in one conditional statement; conflict if they had, not found if there is
// no such user.
func (s *Store) UserSignInAttempt(ctx context.Context, id int64, limit int) (int, error) {
	var n int
	err := s.write.QueryRowContext(ctx, `UPDATE users SET failed_sign_ins = failed_sign_ins + 1
		WHERE id = ? AND failed_sign_ins < ? RETURNING failed_sign_ins`, id, limit).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, store.UserUnchanged(ctx, s.UserGet, id, team.Errorf(team.ErrConflict, "user %d has reached the limit of failed sign-ins", id))
	} else if err != nil {
		return 0, teamError(err, "user")
	}
	return n, nil
}

// UserSignInAttemptUndo takes back one counted attempt, never below zero;
// not found if there is no such user.
func (s *Store) UserSignInAttemptUndo(ctx context.Context, id int64) error {
	res, err := s.write.ExecContext(ctx, `UPDATE users SET failed_sign_ins = max(failed_sign_ins - 1, 0) WHERE id = ?`, id)
	return teamAffectedOne(res, err, "user")
}

// UserSignInReset sets a user's failed attempts to zero.
func (s *Store) UserSignInReset(ctx context.Context, id int64) error {
	res, err := s.write.ExecContext(ctx, `UPDATE users SET failed_sign_ins = 0 WHERE id = ?`, id)
	return teamAffectedOne(res, err, "user")
}

// UserTOTPStep records a used authenticator time step, refusing any step
// not later than the last one. SQLite's single writer makes the check and
// the update one step.
func (s *Store) UserTOTPStep(ctx context.Context, id, step int64) error {
	return s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		var last int64
		err := tx.QueryRowContext(ctx, `SELECT totp_last_step FROM users WHERE id = ?`, id).Scan(&last)
		if err != nil {
			return teamError(err, "user")
		}
		if step <= last {
			return team.Errorf(team.ErrConflict, "the security code of step %d was already used", step)
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ?`, step, id)
		return err
	})
}

// MembershipSet gives a user a role in a service.
func (s *Store) MembershipSet(ctx context.Context, m *team.Membership) error {
	return s.teamWriter().MembershipSet(ctx, m)
}

// MembershipSet gives a user a role in a service in the transaction.
func (t teamTx) MembershipSet(ctx context.Context, m *team.Membership) error {
	_, err := t.db.ExecContext(ctx, `INSERT INTO service_users (service_id, user_id, role, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (service_id, user_id) DO UPDATE SET role = excluded.role`,
		m.ServiceID, m.UserID, string(m.Role), sc.TimeArg(t.now))
	if err != nil {
		return teamError(err, "membership")
	}
	m.CreatedAt = t.now
	return nil
}

// MembershipDelete removes a user from a service.
func (s *Store) MembershipDelete(ctx context.Context, userID, serviceID int64) error {
	return s.teamWriter().MembershipDelete(ctx, userID, serviceID)
}

// MembershipDelete removes a user from a service in the transaction.
func (t teamTx) MembershipDelete(ctx context.Context, userID, serviceID int64) error {
	res, err := t.db.ExecContext(ctx, `DELETE FROM service_users WHERE user_id = ? AND service_id = ?`, userID, serviceID)
	return teamAffectedOne(res, err, "membership")
}

// MembershipList returns a user's roles, by service id.
func (s *Store) MembershipList(ctx context.Context, userID int64) ([]*team.Membership, error) {
	rows, err := s.read.QueryContext(ctx, store.MembershipSelect+` WHERE m.user_id = ? ORDER BY m.service_id`, userID)
	return collect(rows, err, withCodec(store.ScanMembership))
}
