package team

import (
	"context"
	"errors"
	"strings"
	"time"
)

// InviteLifetime is how long an invitation's link works: GOV.UK Pay's two
// days.
const InviteLifetime = 48 * time.Hour

// Invite is an invitation to join a service's team with a role. Its
// emailed link carries a random token; only the hash is stored.
type Invite struct {
	ID          int64
	Hash        string
	ServiceID   int64
	ServiceName string // read with the invitation, for pages and emails
	Email       string
	Role        Role
	InvitedBy   string // the email of the admin who sent it
	CreatedAt   time.Time
	ExpiresAt   time.Time
	AcceptedAt  *time.Time
	CancelledAt *time.Time
}

// Pending reports whether the invitation can still be accepted at now.
func (i *Invite) Pending(now time.Time) bool {
	return i.AcceptedAt == nil && i.CancelledAt == nil && now.Before(i.ExpiresAt)
}

// Invitation errors, in the words the pages show.
var (
	ErrInviteInvalid = &Error{Kind: ErrNotFound,
		Message: "This invitation has expired, been cancelled or already been used. Ask an administrator of the service for a new one."}
	ErrAlreadyMember = &Error{Kind: ErrConflict, Field: "email", Message: "This person is already a member of the team"}
	ErrBadEmail      = &Error{Kind: ErrInvalid, Field: "email", Message: "Enter a valid email address"}
)

// validEmail trims an email address and checks its shape.
func validEmail(email string) (string, bool) {
	email = strings.TrimSpace(email)
	at := strings.LastIndex(email, "@")
	return email, at > 0 && at < len(email)-1 && len(email) <= maxEmailLength && !strings.ContainsAny(email, " \t\r\n<>")
}

// Invite invites a person, by email, to the service's team with a role, and
// emails them a link that works once within InviteLifetime. serviceName
// names the service in the email. ErrBadEmail or invalid for a bad email
// or role, ErrAlreadyMember if the person is in the team already; an error
// of the mailer after the invitation is stored (it can be sent again).
func (s *Users) Invite(ctx context.Context, actor *User, serviceID int64, serviceName, email string, role Role) (*Invite, error) {
	email, ok := validEmail(email)
	if !ok {
		return nil, ErrBadEmail
	}
	if !role.Valid() {
		return nil, Errorf(ErrInvalid, "unknown role %q", role)
	}
	if err := s.notMember(ctx, serviceID, email); err != nil {
		return nil, err
	}
	token, hash := NewSessionToken()
	inv := &Invite{Hash: hash, ServiceID: serviceID, ServiceName: serviceName, Email: email, Role: role,
		InvitedBy: actor.Email, ExpiresAt: s.now().Add(InviteLifetime)}
	err := s.Store.TeamUpdate(ctx, func(tx Tx) error {
		if err := tx.InviteInsert(ctx, inv); err != nil {
			return err
		}
		return tx.EventInsert(ctx, &Event{ServiceID: serviceID, ActorEmail: actor.Email,
			Summary: "Invited " + email + " as " + role.Label()})
	})
	if err != nil {
		return nil, err
	}
	return inv, s.send(ctx, s.inviteEmail(inv, token))
}

// notMember is ErrAlreadyMember if the user with this email is in the team.
func (s *Users) notMember(ctx context.Context, serviceID int64, email string) error {
	members, err := s.Store.MemberList(ctx, serviceID)
	if err != nil {
		return err
	}
	for _, m := range members {
		if strings.EqualFold(m.Email, email) {
			return ErrAlreadyMember
		}
	}
	return nil
}

// ResendInvite gives a pending (or expired) invitation a fresh link, valid
// for InviteLifetime, and emails it; the old link stops working. Not found
// if the service has no such invitation, or it was accepted or cancelled.
func (s *Users) ResendInvite(ctx context.Context, actor *User, serviceID, id int64) (*Invite, error) {
	token, hash := NewSessionToken()
	var inv *Invite
	err := s.Store.TeamUpdate(ctx, func(tx Tx) error {
		var err error
		if inv, err = tx.InviteRenew(ctx, serviceID, id, hash, s.now().Add(InviteLifetime)); err != nil {
			return err
		}
		return tx.EventInsert(ctx, &Event{ServiceID: serviceID, ActorEmail: actor.Email,
			Summary: "Sent the invitation to " + inv.Email + " again"})
	})
	if err != nil {
		return nil, err
	}
	return inv, s.send(ctx, s.inviteEmail(inv, token))
}

// CancelInvite cancels an invitation: its link stops working. Not found if
// the service has no such invitation, or it was accepted or cancelled.
func (s *Users) CancelInvite(ctx context.Context, actor *User, serviceID, id int64) error {
	return s.Store.TeamUpdate(ctx, func(tx Tx) error {
		inv, err := tx.InviteCancel(ctx, serviceID, id)
		if err != nil {
			return err
		}
		return tx.EventInsert(ctx, &Event{ServiceID: serviceID, ActorEmail: actor.Email,
			Summary: "Cancelled the invitation to " + inv.Email})
	})
}

// OpenInvite returns the invitation a link's token opens, and the user
// with its email if there is one (who joins without a new password).
// ErrInviteInvalid if it is unknown, expired, cancelled or accepted.
func (s *Users) OpenInvite(ctx context.Context, token string) (*Invite, *User, error) {
	inv, err := s.Store.InviteGet(ctx, HashSessionToken(token))
	if errors.Is(err, ErrNotFound) || (err == nil && !inv.Pending(s.now())) {
		return nil, nil, ErrInviteInvalid
	} else if err != nil {
		return nil, nil, err
	}
	u, err := s.Store.UserGetByEmail(ctx, inv.Email)
	if errors.Is(err, ErrNotFound) {
		return inv, nil, nil
	}
	return inv, u, err
}

// AcceptInvite accepts an invitation, in one transaction: a new person
// becomes a user with the password they chose, an existing user (password
// is then ignored) simply joins; either gets the invitation's role.
// ErrInviteInvalid if the link no longer works, ErrPasswordTooShort for a
// new person's short password, ErrBusy when password hashing is at its
// memory bound.
func (s *Users) AcceptInvite(ctx context.Context, token, password string) (*Invite, *User, error) {
	inv, u, err := s.OpenInvite(ctx, token)
	if err != nil {
		return nil, nil, err
	}
	if u == nil {
		if u, err = s.newInvitedUser(ctx, inv.Email, password); err != nil {
			return nil, nil, err
		}
	}
	if err := s.Store.TeamUpdate(ctx, func(tx Tx) error { return acceptInvite(ctx, tx, inv, u) }); err != nil {
		return nil, nil, err
	}
	return inv, u, nil
}

// newInvitedUser is the unsaved user an invitation makes of a new person.
func (s *Users) newInvitedUser(ctx context.Context, email, password string) (*User, error) {
	if len([]rune(password)) < MinPasswordLength {
		return nil, ErrPasswordTooShort
	}
	u := &User{Email: email}
	return u, s.hash(ctx, &u.PasswordHash, password)
}

// acceptInvite uses the invitation up and gives u (stored first if new)
// its role, recording the change.
func acceptInvite(ctx context.Context, tx Tx, inv *Invite, u *User) error {
	err := tx.InviteUse(ctx, inv.Hash)
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) {
		return ErrInviteInvalid // used or cancelled since it was opened
	} else if err != nil {
		return err
	}
	if u.ID == 0 {
		if err := tx.UserInsert(ctx, u); err != nil {
			return err
		}
	}
	if err := tx.MembershipSet(ctx, &Membership{UserID: u.ID, ServiceID: inv.ServiceID, Role: inv.Role}); err != nil {
		return err
	}
	return tx.EventInsert(ctx, &Event{ServiceID: inv.ServiceID, ActorEmail: u.Email,
		Summary: u.Email + " accepted the invitation and joined as " + inv.Role.Label()})
}

// inviteEmail invites inv's person with a link carrying token.
func (s *Users) inviteEmail(inv *Invite, token string) *Email {
	link := "/admin/invitations/" + token
	if s.InviteURL != nil {
		link = s.InviteURL(token)
	}
	return &Email{To: inv.Email, Subject: "You have been invited to join " + inv.ServiceName + " on Pay",
		Text: inv.InvitedBy + " has invited you to join the team of " + inv.ServiceName + " on Pay, as " +
			strings.ToLower(inv.Role.Label()) + ".\n\n" +
			"Accept the invitation with this link:\n\n" + link + "\n\n" +
			"The link works once, within 2 days. If you do not have a Pay account yet, you will choose a password.\n"}
}
