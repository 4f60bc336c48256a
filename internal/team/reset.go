package team

import (
	"context"
	"errors"
	"strings"
	"time"
)

// ResetLinkLifetime is how long a link to reset a password works: GOV.UK
// Pay's 90 minutes.
const ResetLinkLifetime = 90 * time.Minute

// PasswordReset is a link that lets a user choose a new password without
// the old one. The link carries a random token; only its hash is stored.
type PasswordReset struct {
	Hash      string
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// ErrResetLinkInvalid is the answer to a reset link that is unknown,
// expired or used: the page says the same for each.
var ErrResetLinkInvalid = &Error{Kind: ErrNotFound,
	Message: "This link has expired or has already been used. Ask for a new one."}

// RequestPasswordReset sends a link to reset the password of the user with
// this email. It sends nothing, and returns nil, for an unknown email or a
// disabled user: the person asking must not learn which emails have
// accounts. An error is the store's or the mailer's.
func (s *Users) RequestPasswordReset(ctx context.Context, email string) error {
	u, err := s.Store.UserGetByEmail(ctx, strings.TrimSpace(email))
	if errors.Is(err, ErrNotFound) {
		return nil
	} else if err != nil || u.Disabled {
		return err
	}
	link, err := s.newResetLink(ctx, u)
	if err != nil {
		return err
	}
	return s.send(ctx, resetEmail(u.Email, link))
}

// TellLockedOut emails u that failed sign-ins locked them out, with a
// reset link that lets them back in. It is what the LockedOut hook is
// wired to.
func (s *Users) TellLockedOut(ctx context.Context, u *User) error {
	link, err := s.newResetLink(ctx, u)
	if err != nil {
		return err
	}
	return s.send(ctx, lockedOutEmail(u.Email, link))
}

// newResetLink stores a fresh reset token for u and returns its link.
func (s *Users) newResetLink(ctx context.Context, u *User) (string, error) {
	token, hash := NewSessionToken()
	now := s.now()
	r := &PasswordReset{Hash: hash, UserID: u.ID, ExpiresAt: now.Add(ResetLinkLifetime)}
	if err := s.Store.PasswordResetInsert(ctx, r); err != nil {
		return "", err
	}
	if s.ResetURL == nil {
		return "/admin/reset-password/" + token, nil
	}
	return s.ResetURL(token), nil
}

// send hands e to the Mailer; without one (tests of other things) it
// sends nothing.
func (s *Users) send(ctx context.Context, e *Email) error {
	if s.Mailer == nil {
		return nil
	}
	return s.Mailer.SendTeamEmail(ctx, e)
}

// ResetPassword sets a new password through a reset link's token, in one
// transaction: it uses the link up (and every other unused link of the
// user), sets the password, ends the user's sessions and clears a lockout.
// ErrPasswordTooShort for a short password, ErrResetLinkInvalid for a token
// that is unknown, expired or used, ErrBusy when password hashing is at its
// memory bound. The token is looked up by its SHA-256 hash, so how long the
// lookup takes tells nothing about the tokens that exist.
func (s *Users) ResetPassword(ctx context.Context, token, password string) (*User, error) {
	if len([]rune(password)) < MinPasswordLength {
		return nil, ErrPasswordTooShort
	}
	var hash string
	if err := s.hash(ctx, &hash, password); err != nil {
		return nil, err
	}
	var userID int64
	err := s.Store.TeamUpdate(ctx, func(tx Tx) error {
		var err error
		if userID, err = tx.PasswordResetUse(ctx, HashSessionToken(token)); err != nil {
			return err
		}
		if err := tx.UserPasswordSet(ctx, userID, hash); err != nil {
			return err
		}
		_, err = tx.SessionDeleteUser(ctx, userID)
		return err
	})
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) {
		return nil, ErrResetLinkInvalid
	} else if err != nil {
		return nil, err
	}
	return s.Store.UserGet(ctx, userID)
}

// ResetLinkValid reports whether a reset token is one that ResetPassword
// would take now, so the page can say at once when it is not.
func (s *Users) ResetLinkValid(ctx context.Context, token string) (bool, error) {
	r, err := s.Store.PasswordResetGet(ctx, HashSessionToken(token))
	if errors.Is(err, ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return r.UsedAt == nil && s.now().Before(r.ExpiresAt), nil
}
