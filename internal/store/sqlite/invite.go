package sqlite

import (
	"context"
	"time"

	"pay/internal/store"
	"pay/internal/team"
)

// InviteGet returns an invitation by its token's hash.
func (s *Store) InviteGet(ctx context.Context, hash string) (*team.Invite, error) {
	inv, err := store.ScanInvite(s.read.QueryRowContext(ctx, store.InviteSelect+` WHERE i.hash = ?`, hash).Scan, sc)
	if err != nil {
		return nil, teamError(err, "invitation")
	}
	return inv, nil
}

// InviteList returns a service's open invitations, newest first.
func (s *Store) InviteList(ctx context.Context, serviceID int64) ([]*team.Invite, error) {
	rows, err := s.read.QueryContext(ctx, store.InviteSelect+` WHERE i.service_id = ? AND i.accepted_at IS NULL
		AND i.cancelled_at IS NULL ORDER BY i.id DESC`, serviceID)
	return collect(rows, err, withCodec(store.ScanInvite))
}

// InviteInsert stores a new invitation in the transaction.
func (t teamTx) InviteInsert(ctx context.Context, inv *team.Invite) error {
	res, err := t.db.ExecContext(ctx, `INSERT INTO invitations (hash, service_id, email, role, invited_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, inv.Hash, inv.ServiceID, inv.Email, string(inv.Role), inv.InvitedBy,
		sc.TimeArg(t.now), sc.TimeArg(inv.ExpiresAt))
	if err != nil {
		return teamError(err, "invitation")
	}
	inv.ID, err = res.LastInsertId()
	inv.CreatedAt = t.now
	return err
}

// InviteUse accepts an open, unexpired invitation in the transaction.
func (t teamTx) InviteUse(ctx context.Context, hash string) error {
	now := sc.TimeArg(t.now)
	res, err := t.db.ExecContext(ctx, `UPDATE invitations SET accepted_at = ? WHERE hash = ? AND accepted_at IS NULL
		AND cancelled_at IS NULL AND expires_at > ?`, now, hash, now)
	n, err := teamAffected(res, err, "invitation")
	if err == nil && n == 0 {
		var one int
		if err := t.db.QueryRowContext(ctx, `SELECT 1 FROM invitations WHERE hash = ?`, hash).Scan(&one); err != nil {
			return teamError(err, "invitation")
		}
		return team.Errorf(team.ErrConflict, "the invitation was accepted or cancelled, or has expired")
	}
	return err
}

// InviteRenew gives an open invitation a new token and expiry.
func (t teamTx) InviteRenew(ctx context.Context, serviceID, id int64, hash string, expiresAt time.Time) (*team.Invite, error) {
	res, err := t.db.ExecContext(ctx, `UPDATE invitations SET hash = ?, expires_at = ? WHERE service_id = ? AND id = ?
		AND accepted_at IS NULL AND cancelled_at IS NULL`, hash, sc.TimeArg(expiresAt), serviceID, id)
	if err := teamAffectedOne(res, err, "invitation"); err != nil {
		return nil, err
	}
	return t.inviteByID(ctx, id)
}

// InviteCancel cancels an open invitation.
func (t teamTx) InviteCancel(ctx context.Context, serviceID, id int64) (*team.Invite, error) {
	res, err := t.db.ExecContext(ctx, `UPDATE invitations SET cancelled_at = ? WHERE service_id = ? AND id = ?
		AND accepted_at IS NULL AND cancelled_at IS NULL`, sc.TimeArg(t.now), serviceID, id)
	if err := teamAffectedOne(res, err, "invitation"); err != nil {
		return nil, err
	}
	return t.inviteByID(ctx, id)
}

func (t teamTx) inviteByID(ctx context.Context, id int64) (*team.Invite, error) {
	inv, err := store.ScanInvite(t.db.QueryRowContext(ctx, store.InviteSelect+` WHERE i.id = ?`, id).Scan, sc)
	if err != nil {
		return nil, teamError(err, "invitation")
	}
	return inv, nil
}
