package postgres

import (
	"context"

	"pay/internal/store"
	"pay/internal/team"
)

// MemberList returns a service's team by email.
func (s *Store) MemberList(ctx context.Context, serviceID int64) ([]*team.Member, error) {
	rows, err := s.pool.Query(ctx, store.MemberSelect+`$1 ORDER BY lower(u.email)`, serviceID)
	return collect(rows, err, withCodec(store.ScanMember))
}

// MemberListLocked returns a service's team in the transaction and locks
// its memberships (not the users) until the transaction ends: a second
// change to the team waits, then reads the team as the first left it.
func (t teamTx) MemberListLocked(ctx context.Context, serviceID int64) ([]*team.Member, error) {
	rows, err := t.db.Query(ctx, store.MemberSelect+`$1 ORDER BY lower(u.email) FOR UPDATE OF m`, serviceID)
	return collect(rows, err, withCodec(store.ScanMember))
}

// EventInsert records a change to a service's team in the transaction.
func (t teamTx) EventInsert(ctx context.Context, e *team.Event) error {
	err := t.db.QueryRow(ctx, `INSERT INTO team_events (service_id, actor_email, summary, created_at) VALUES ($1, $2, $3, $4)
		RETURNING id`, e.ServiceID, e.ActorEmail, e.Summary, t.now).Scan(&e.ID)
	if err != nil {
		return teamError(err, "team event")
	}
	e.CreatedAt = t.now
	return nil
}

// EventList returns a service's latest team changes, newest first.
func (s *Store) EventList(ctx context.Context, serviceID int64, limit int) ([]*team.Event, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+store.TeamEventColumns+` FROM team_events WHERE service_id = $1
		ORDER BY id DESC LIMIT $2`, serviceID, limit)
	return collect(rows, err, withCodec(store.ScanTeamEvent))
}
