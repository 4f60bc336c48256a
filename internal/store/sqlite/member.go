package sqlite

import (
	"context"

	"pay/internal/store"
	"pay/internal/team"
)

// MemberList returns a service's team by email.
func (s *Store) MemberList(ctx context.Context, serviceID int64) ([]*team.Member, error) {
	rows, err := s.read.QueryContext(ctx, store.MemberSelect+`? ORDER BY lower(u.email)`, serviceID)
	return collect(rows, err, withCodec(store.ScanMember))
}

// MemberListLocked returns a service's team in the transaction. SQLite's
// immediate transaction already holds the one write lock, which is what
// keeps the team as read until the change is written.
func (t teamTx) MemberListLocked(ctx context.Context, serviceID int64) ([]*team.Member, error) {
	rows, err := t.db.QueryContext(ctx, store.MemberSelect+`? ORDER BY lower(u.email)`, serviceID)
	return collect(rows, err, withCodec(store.ScanMember))
}

// EventInsert records a change to a service's team in the transaction.
func (t teamTx) EventInsert(ctx context.Context, e *team.Event) error {
	res, err := t.db.ExecContext(ctx, `INSERT INTO team_events (service_id, actor_email, summary, created_at) VALUES (?, ?, ?, ?)`,
		e.ServiceID, e.ActorEmail, e.Summary, sc.TimeArg(t.now))
	if err != nil {
		return teamError(err, "team event")
	}
	e.ID, err = res.LastInsertId()
	e.CreatedAt = t.now
	return err
}

// EventList returns a service's latest team changes, newest first.
func (s *Store) EventList(ctx context.Context, serviceID int64, limit int) ([]*team.Event, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+store.TeamEventColumns+` FROM team_events WHERE service_id = ?
		ORDER BY id DESC LIMIT ?`, serviceID, limit)
	return collect(rows, err, withCodec(store.ScanTeamEvent))
}
