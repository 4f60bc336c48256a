package store

import (
	"context"

	"pay/internal/team"
)

// UserColumns lists the users table's columns in the order ScanUser reads them.
const UserColumns = `id, email, password_hash, totp_secret, disabled, created_at,
	password_change_required, totp_last_step, failed_sign_ins`

// ScanUser reads one row of UserColumns.
func ScanUser(scan func(dest ...any) error, c Codec) (*team.User, error) {
	var u team.User
	err := scan(&u.ID, &u.Email, &u.PasswordHash, &u.TOTPSecret, &u.Disabled, c.Time(&u.CreatedAt),
		&u.PasswordChangeRequired, &u.TOTPLastStep, &u.FailedSignIns)
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// SessionColumns lists the admin_sessions table's columns in the order
// ScanSession reads them.
const SessionColumns = `hash, user_id, stage, pending_totp, created_at, last_seen_at`

// ScanSession reads one row of SessionColumns.
func ScanSession(scan func(dest ...any) error, c Codec) (*team.Session, error) {
	var s team.Session
	err := scan(&s.Hash, &s.UserID, &s.Stage, &s.PendingTOTP, c.Time(&s.CreatedAt), c.Time(&s.LastSeenAt))
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// MembershipSelect reads memberships with their services' names.
const MembershipSelect = `SELECT m.user_id, m.service_id, s.name, m.role, m.created_at
	FROM service_users m JOIN services s ON s.id = m.service_id`

// ScanMembership reads one row of MembershipSelect.
func ScanMembership(scan func(dest ...any) error, c Codec) (*team.Membership, error) {
	var m team.Membership
	if err := scan(&m.UserID, &m.ServiceID, &m.ServiceName, &m.Role, c.Time(&m.CreatedAt)); err != nil {
		return nil, err
	}
	return &m, nil
}

// UserUnchanged says why a conditional update of user id changed no row:
// the error of get (not found) if there is no such user, else conflict,
// the user's state forbidding the change.
func UserUnchanged(ctx context.Context, get func(context.Context, int64) (*team.User, error), id int64, conflict *team.Error) error {
	if _, err := get(ctx, id); err != nil {
		return err
	}
	return conflict
}

// PasswordResetColumns lists the password_resets table's columns in the
// order ScanPasswordReset reads them.
const PasswordResetColumns = `hash, user_id, created_at, expires_at, used_at`

// ScanPasswordReset reads one row of PasswordResetColumns.
func ScanPasswordReset(scan func(dest ...any) error, c Codec) (*team.PasswordReset, error) {
	var r team.PasswordReset
	if err := scan(&r.Hash, &r.UserID, c.Time(&r.CreatedAt), c.Time(&r.ExpiresAt), c.NullTime(&r.UsedAt)); err != nil {
		return nil, err
	}
	return &r, nil
}

// OutboxColumns lists the team_outbox table's columns in the order
// ScanOutbox reads them.
const OutboxColumns = `id, recipient, subject, body, created_at`

// ScanOutbox reads one row of OutboxColumns.
func ScanOutbox(scan func(dest ...any) error, c Codec) (*team.Email, error) {
	var e team.Email
	if err := scan(&e.ID, &e.To, &e.Subject, &e.Text, c.Time(&e.CreatedAt)); err != nil {
		return nil, err
	}
	return &e, nil
}

// MemberSelect reads a service's team with their emails; the engine adds
// its placeholder for the service id and its ORDER BY.
const MemberSelect = `SELECT m.user_id, u.email, m.role, m.created_at
	FROM service_users m JOIN users u ON u.id = m.user_id WHERE m.service_id = `

// ScanMember reads one row of MemberSelect.
func ScanMember(scan func(dest ...any) error, c Codec) (*team.Member, error) {
	var m team.Member
	if err := scan(&m.UserID, &m.Email, &m.Role, c.Time(&m.Since)); err != nil {
		return nil, err
	}
	return &m, nil
}

// TeamEventColumns lists the team_events table's columns in the order
// ScanTeamEvent reads them.
const TeamEventColumns = `id, service_id, actor_email, summary, created_at`

// ScanTeamEvent reads one row of TeamEventColumns.
func ScanTeamEvent(scan func(dest ...any) error, c Codec) (*team.Event, error) {
	var e team.Event
	if err := scan(&e.ID, &e.ServiceID, &e.ActorEmail, &e.Summary, c.Time(&e.CreatedAt)); err != nil {
		return nil, err
	}
	return &e, nil
}

// InviteSelect reads invitations with their services' names.
const InviteSelect = `SELECT i.id, i.hash, i.service_id, s.name, i.email, i.role, i.invited_by, i.created_at,
	i.expires_at, i.accepted_at, i.cancelled_at FROM invitations i JOIN services s ON s.id = i.service_id`

// ScanInvite reads one row of InviteSelect.
func ScanInvite(scan func(dest ...any) error, c Codec) (*team.Invite, error) {
	var i team.Invite
	err := scan(&i.ID, &i.Hash, &i.ServiceID, &i.ServiceName, &i.Email, &i.Role, &i.InvitedBy, c.Time(&i.CreatedAt),
		c.Time(&i.ExpiresAt), c.NullTime(&i.AcceptedAt), c.NullTime(&i.CancelledAt))
	if err != nil {
		return nil, err
	}
	return &i, nil
}
