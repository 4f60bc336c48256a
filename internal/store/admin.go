package store

import (
	"time"

	"pay/internal/pay"
)

// UserColumns lists the users table's columns in the order ScanUser reads them.
const UserColumns = `id, email, password_hash, totp_secret, disabled, created_at,
	password_change_required, totp_last_step, failed_sign_ins`

// ScanUser reads one row of UserColumns.
func ScanUser(scan func(dest ...any) error, c Codec) (*pay.User, error) {
	var u pay.User
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
func ScanSession(scan func(dest ...any) error, c Codec) (*pay.Session, error) {
	var s pay.Session
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
func ScanMembership(scan func(dest ...any) error, c Codec) (*pay.Membership, error) {
	var m pay.Membership
	if err := scan(&m.UserID, &m.ServiceID, &m.ServiceName, &m.Role, c.Time(&m.CreatedAt)); err != nil {
		return nil, err
	}
	return &m, nil
}

// SummaryWhere builds the condition shared by both halves of a summary:
// one account, created in the period, in one of the statuses.
func SummaryWhere[S ~string](c Codec, accountID int64, from, to time.Time, statuses []S) *Where {
	w := newWhere(c)
	w.Add("account_id = ?", accountID)
	w.Add("created_at >= ?", c.TimeArg(from))
	w.Add("created_at < ?", c.TimeArg(to))
	if len(statuses) == 0 {
		w.Add("1 = 0")
	} else {
		w.In("status", anyList(statuses))
	}
	return w
}

// anyList turns strings, or string-typed statuses, into query arguments.
func anyList[S ~string](list []S) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = string(s)
	}
	return out
}
