package team

import (
	"context"
	"time"
)

// Store is what the team side needs from the database: users, their roles
// in services, and sessions. Both engines implement it and pass the same
// contract suite.
//
// Methods return *Error values of kind ErrNotFound when the thing does not
// exist and ErrConflict when it is taken or its state forbids the change,
// never nil, nil. Other errors are failures of the database.
type Store interface {
	// UserInsert stores a new user and sets ID and CreatedAt; conflict if
	// the email (ignoring case) is taken.
	UserInsert(ctx context.Context, u *User) error
	// UserGet returns one user; not found if there is none.
	UserGet(ctx context.Context, id int64) (*User, error)
	// UserGetByEmail finds a user by email, ignoring case; not found if
	// there is none.
	UserGetByEmail(ctx context.Context, email string) (*User, error)
	// UserList returns every user, oldest first.
	UserList(ctx context.Context) ([]*User, error)
	// UserUpdate stores u's password hash, PasswordChangeRequired, TOTP
	// secret and Disabled flag; not found if there is no such user.
	UserUpdate(ctx context.Context, u *User) error
	// UserPasswordRehash replaces the user's password hash with newHash if
	// it is still old, in one conditional statement, touching nothing else
	// of the user: a password changed, or a user disabled, meanwhile stays
	// so. Conflict if the hash is no longer old; not found if there is no
	// such user.
	UserPasswordRehash(ctx context.Context, id int64, old, newHash string) error
	// UserSignInAttempt counts a sign-in attempt before its password or
	// code is checked: in one conditional statement it adds one to the
	// user's failed attempts unless they have reached limit, and returns
	// the new count. So however many attempts race, on however many
	// instances, no more than limit are let through. Conflict if the count
	// had reached limit (the user is locked out); not found if there is no
	// such user.
	UserSignInAttempt(ctx context.Context, id int64, limit int) (int, error)
	// UserSignInAttemptUndo takes back an attempt that turned out right:
	// it subtracts one from the user's failed attempts unless they are
	// zero (an operator may have unlocked the user meanwhile); not found if
	// there is no such user.
	UserSignInAttemptUndo(ctx context.Context, id int64) error
	// UserSignInReset sets the user's failed attempts to zero (a successful
	// sign-in, or an operator unlocking the user); not found if there is no
	// such user.
	UserSignInReset(ctx context.Context, id int64) error
	// UserTOTPStep records that the authenticator code of a time step was
	// used. Conflict unless step is later than every step used before, so a
	// code is accepted once even when two requests race; not found if there
	// is no such user.
	UserTOTPStep(ctx context.Context, id, step int64) error

	// MembershipSet gives the user a role in the service, replacing any
	// role they had there, and sets CreatedAt; not found if the user or
	// service does not exist.
	MembershipSet(ctx context.Context, m *Membership) error
	// MembershipDelete removes the user from the service; not found if they
	// had no role there.
	MembershipDelete(ctx context.Context, userID, serviceID int64) error
	// MembershipList returns the user's roles with the services' names, by
	// service id; none for an unknown user.
	MembershipList(ctx context.Context, userID int64) ([]*Membership, error)

	// SessionInsert stores a new session; conflict if its hash exists, not
	// found if the user does not.
	SessionInsert(ctx context.Context, s *Session) error
	// SessionGet returns the session with the given token hash; not found
	// if there is none.
	SessionGet(ctx context.Context, hash string) (*Session, error)
	// SessionUpdate stores s's Stage, PendingTOTP and LastSeenAt; not found
	// if there is no such session.
	SessionUpdate(ctx context.Context, s *Session) error
	// SessionDelete removes a session; not found if there is none.
	SessionDelete(ctx context.Context, hash string) error
	// SessionDeleteUser removes every session of the user and reports how
	// many there were.
	SessionDeleteUser(ctx context.Context, userID int64) (int, error)
	// SessionDeleteIdle removes sessions last seen before the given time or
	// created before createdBefore, and reports how many there were.
	SessionDeleteIdle(ctx context.Context, lastSeenBefore, createdBefore time.Time) (int, error)

	// PasswordResetInsert stores a new reset link and sets CreatedAt;
	// conflict if its hash exists, not found if the user does not.
	PasswordResetInsert(ctx context.Context, r *PasswordReset) error
	// PasswordResetGet returns the reset link with the given token hash,
	// used or not; not found if there is none.
	PasswordResetGet(ctx context.Context, hash string) (*PasswordReset, error)

	// MemberList returns the service's team with their emails, by email;
	// none for an unknown service.
	MemberList(ctx context.Context, serviceID int64) ([]*Member, error)
	// EventList returns the latest changes to the service's team, newest
	// first, at most limit.
	EventList(ctx context.Context, serviceID int64, limit int) ([]*Event, error)

	// InviteGet returns the invitation with the given token hash, with its
	// service's name; not found if there is none.
	InviteGet(ctx context.Context, hash string) (*Invite, error)
	// InviteList returns the service's invitations that were neither
	// accepted nor cancelled, expired or not, newest first.
	InviteList(ctx context.Context, serviceID int64) ([]*Invite, error)

	// OutboxInsert keeps an email to a user in the outbox and sets its ID
	// and CreatedAt.
	OutboxInsert(ctx context.Context, e *Email) error
	// OutboxList returns the outbox's latest emails, newest first, at most
	// limit.
	OutboxList(ctx context.Context, limit int) ([]*Email, error)

	// TeamUpdate runs fn in one transaction and commits it if fn returns
	// nil; if fn returns an error, nothing fn wrote is kept and TeamUpdate
	// returns that error as it is. fn must write only through tx (on SQLite
	// the store's other methods would wait for the transaction to end).
	TeamUpdate(ctx context.Context, fn func(tx Tx) error) error
}

// Tx is the write methods of a change of several steps, inside one
// TeamUpdate transaction. They keep the contracts of the Store methods of
// the same names.
type Tx interface {
	// UserInsert stores a new user and sets ID and CreatedAt; conflict if
	// the email (ignoring case) is taken.
	UserInsert(ctx context.Context, u *User) error
	// UserUpdate stores u's password hash, PasswordChangeRequired, TOTP
	// secret and Disabled flag; not found if there is no such user.
	UserUpdate(ctx context.Context, u *User) error
	// MembershipSet gives the user a role in the service, replacing any
	// role they had there, and sets CreatedAt; not found if the user or
	// service does not exist.
	MembershipSet(ctx context.Context, m *Membership) error
	// SessionDeleteUser removes every session of the user and reports how
	// many there were.
	SessionDeleteUser(ctx context.Context, userID int64) (int, error)
	// PasswordResetUse uses up the reset link with the given token hash,
	// and every other unused link of its user, and returns the user's id.
	// Conflict if the link is used or has expired by the transaction's
	// time; not found if there is none.
	PasswordResetUse(ctx context.Context, hash string) (int64, error)
	// UserPasswordSet sets the user's password hash, clears
	// PasswordChangeRequired and ends a lockout (no failed attempts), and
	// touches nothing else of the user; not found if there is no such user.
	UserPasswordSet(ctx context.Context, id int64, hash string) error
	// MembershipDelete removes the user from the service; not found if they
	// had no role there.
	MembershipDelete(ctx context.Context, userID, serviceID int64) error
	// MemberListLocked returns the service's team, as MemberList does, and
	// locks its memberships until the transaction ends, so a check of the
	// team (its last administrator) holds until the change is written.
	MemberListLocked(ctx context.Context, serviceID int64) ([]*Member, error)
	// EventInsert records a change to a service's team and sets ID and
	// CreatedAt; not found if the service does not exist.
	EventInsert(ctx context.Context, e *Event) error
	// InviteInsert stores a new invitation and sets ID and CreatedAt; not
	// found if the service does not exist.
	InviteInsert(ctx context.Context, inv *Invite) error
	// InviteUse accepts the invitation with the given token hash. Conflict
	// if it was accepted or cancelled, or has expired by the transaction's
	// time; not found if there is none.
	InviteUse(ctx context.Context, hash string) error
	// InviteRenew gives the service's invitation a new token hash and
	// expiry and returns it; not found if the service has no such
	// invitation, or it was accepted or cancelled.
	InviteRenew(ctx context.Context, serviceID, id int64, hash string, expiresAt time.Time) (*Invite, error)
	// InviteCancel cancels the service's invitation and returns it; not
	// found if the service has no such invitation, or it was accepted or
	// cancelled.
	InviteCancel(ctx context.Context, serviceID, id int64) (*Invite, error)
}
