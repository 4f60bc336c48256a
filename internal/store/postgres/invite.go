package postgres

import (
	"context"
	"time"

	"pay/internal/store"
	"pay/internal/team"
)

// InviteGet returns an invitation by its token's hash.
func (s *Store) InviteGet(ctx context.Context, hash string) (*team.Invite, error) {
	inv, err := store.ScanInvite(s.pool.QueryRow(ctx, store.InviteSelect+` WHERE i.hash = $1`, hash).Scan, pc)
	if err != nil {
		return nil, teamError(err, "invitation")
	}
	return inv, nil
}

// InviteList returns a service's open invitations, newest first.
func (s *Store) InviteList(ctx context.Context, serviceID int64) ([]*team.Invite, error) {
	rows, err := s.pool.Query(ctx, store.InviteSelect+` WHERE i.service_id = $1 AND i.accepted_at IS NULL
		AND i.cancelled_at IS NULL ORDER BY i.id DESC`, serviceID)
	return collect(rows, err, withCodec(store.ScanInvite))
}

// InviteInsert stores a new invitation in the transaction.
func (t teamTx) InviteInsert(ctx context.Context, inv *team.Invite) error {
	err := t.db.QueryRow(ctx, `INSERT INTO invitations (hash, service_id, email, role, invited_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, inv.Hash, inv.ServiceID, inv.Email, string(inv.Role), inv.InvitedBy,
		t.now, inv.ExpiresAt).Scan(&inv.ID)
	if err != nil {
		return teamError(err, "invitation")
	}
	inv.CreatedAt = t.now
	return nil
}

// InviteUse accepts an open, unexpired invitation in the transaction; the
// conditional update takes the row's lock, so of two uses at once one wins.
func (t teamTx) InviteUse(ctx context.Context, hash string) error {
	tag, err := t.db.Exec(ctx, `UPDATE invitations SET accepted_at = $1 WHERE hash = $2 AND accepted_at IS NULL
		AND cancelled_at IS NULL AND expires_at > $1`, t.now, hash)
	n, err := teamAffected(tag, err, "invitation")
	if err == nil && n == 0 {
		var one int
		if err := t.db.QueryRow(ctx, `SELECT 1 FROM invitations WHERE hash = $1`, hash).Scan(&one); err != nil {
			return teamError(err, "invitation")
		}
		return team.Errorf(team.ErrConflict, "the invitation was accepted or cancelled, or has expired")
	}
	return err
}

// InviteRenew gives an open invitation a new token and expiry.
func (t teamTx) InviteRenew(ctx context.Context, serviceID, id int64, hash string, expiresAt time.Time) (*team.Invite, error) {
	tag, err := t.db.Exec(ctx, `UPDATE invitations SET hash = $1, expires_at = $2 WHERE service_id = $3 AND id = $4
		AND accepted_at IS NULL AND cancelled_at IS NULL`, hash, expiresAt, serviceID, id)
	if err := teamAffectedOne(tag, err, "invitation"); err != nil {
		return nil, err
	}
	return t.inviteByID(ctx, id)
}

// InviteCancel cancels an open invitation.
func (t teamTx) InviteCancel(ctx context.Context, serviceID, id int64) (*team.Invite, error) {
	tag, err := t.db.Exec(ctx, `UPDATE invitations SET cancelled_at = $1 WHERE service_id = $2 AND id = $3
		AND accepted_at IS NULL AND cancelled_at IS NULL`, t.now, serviceID, id)
	if err := teamAffectedOne(tag, err, "invitation"); err != nil {
		return nil, err
	}
	return t.inviteByID(ctx, id)
}

func (t teamTx) inviteByID(ctx context.Context, id int64) (*team.Invite, error) {
	inv, err := store.ScanInvite(t.db.QueryRow(ctx, store.InviteSelect+` WHERE i.id = $1`, id).Scan, pc)
	if err != nil {
		return nil, teamError(err, "invitation")
	}
	return inv, nil
}
