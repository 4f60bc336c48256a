package team

import (
	"context"
	"time"
)

// Member is a user in a service's team, as the team page lists them.
type Member struct {
	UserID int64
	Email  string
	Role   Role
	Since  time.Time
}

// Event is one change to a service's team: who made it, when, and what it
// was, in words for the team page.
type Event struct {
	ID         int64
	ServiceID  int64
	ActorEmail string
	Summary    string
	CreatedAt  time.Time
}

// EventListLimit is how many of a team's latest changes its page shows.
const EventListLimit = 20

// Rules of a team, in the words the team page shows.
var (
	ErrLastAdmin  = &Error{Kind: ErrConflict, Message: "A service must have at least one administrator"}
	ErrSelfRemove = &Error{Kind: ErrForbidden, Message: "You cannot remove yourself from a team"}
	ErrSelfRole   = &Error{Kind: ErrForbidden, Message: "You cannot change your own role"}
)

// ChangeRole gives a member of the service another role, and records who
// did it. ErrSelfRole if actor is the member, invalid for an unknown role,
// not found if the user is not in the team, ErrLastAdmin if it would leave
// the service without an administrator. The team's roles are locked while
// it checks, so two administrators demoting each other at once cannot
// leave the service with none.
func (s *Users) ChangeRole(ctx context.Context, actor *User, serviceID, userID int64, role Role) error {
	if actor.ID == userID {
		return ErrSelfRole
	}
	if !role.Valid() {
		return Errorf(ErrInvalid, "unknown role %q", role)
	}
	return s.Store.TeamUpdate(ctx, func(tx Tx) error {
		m, err := memberChange(ctx, tx, serviceID, userID, role)
		if err != nil {
			return err
		}
		if err := tx.MembershipSet(ctx, &Membership{UserID: userID, ServiceID: serviceID, Role: role}); err != nil {
			return err
		}
		return tx.EventInsert(ctx, &Event{ServiceID: serviceID, ActorEmail: actor.Email,
			Summary: "Changed the role of " + m.Email + " from " + m.Role.Label() + " to " + role.Label()})
	})
}

// RemoveMember takes a member out of the service's team and records who
// did it. ErrSelfRemove if actor is the member, not found if the user is
// not in the team, ErrLastAdmin if they are its last administrator.
func (s *Users) RemoveMember(ctx context.Context, actor *User, serviceID, userID int64) error {
	if actor.ID == userID {
		return ErrSelfRemove
	}
	return s.Store.TeamUpdate(ctx, func(tx Tx) error {
		m, err := memberChange(ctx, tx, serviceID, userID, "")
		if err != nil {
			return err
		}
		if err := tx.MembershipDelete(ctx, userID, serviceID); err != nil {
			return err
		}
		return tx.EventInsert(ctx, &Event{ServiceID: serviceID, ActorEmail: actor.Email,
			Summary: "Removed " + m.Email + " from the team"})
	})
}

// memberChange reads the team under lock and checks that user is in it and
// that giving them role ("" for none) leaves the team an administrator.
func memberChange(ctx context.Context, tx Tx, serviceID, userID int64, role Role) (*Member, error) {
	team, err := tx.MemberListLocked(ctx, serviceID)
	if err != nil {
		return nil, err
	}
	var target *Member
	admins := 0
	for _, m := range team {
		if m.UserID == userID {
			target = m
		}
		if m.Role == RoleAdmin {
			admins++
		}
	}
	if target == nil {
		return nil, Errorf(ErrNotFound, "user %d is not in the team", userID)
	}
	if target.Role == RoleAdmin && role != RoleAdmin && admins <= 1 {
		return nil, ErrLastAdmin
	}
	return target, nil
}

// Team returns the service's members, by email, and its latest changes,
// newest first.
func (s *Users) Team(ctx context.Context, serviceID int64) ([]*Member, []*Event, error) {
	members, err := s.Store.MemberList(ctx, serviceID)
	if err != nil {
		return nil, nil, err
	}
	events, err := s.Store.EventList(ctx, serviceID, EventListLimit)
	return members, events, err
}
