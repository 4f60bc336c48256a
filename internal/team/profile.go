package team

import (
	"context"
	"errors"
)

// ErrWrongCurrentPassword refuses a change of password whose current
// password is wrong.
var ErrWrongCurrentPassword = &Error{Kind: ErrUnauthorised, Field: "current-password", Message: "Your current password is wrong"}

// ChangeOwnPassword changes a signed-in user's password once their current
// one is right. The check counts as a sign-in attempt, so it cannot be used
// to guess the password: ErrWrongCurrentPassword for a wrong one (or a user
// locked out meanwhile), ErrPasswordTooShort, ErrBusy. Every session of the
// user ends, as with ChangePassword; the caller starts a fresh one.
func (s *Users) ChangeOwnPassword(ctx context.Context, u *User, current, password string) error {
	if len([]rune(password)) < MinPasswordLength {
		return ErrPasswordTooShort
	}
	checked, err := s.CheckPassword(ctx, u.Email, current)
	if errors.Is(err, ErrUnauthorised) {
		return ErrWrongCurrentPassword
	} else if err != nil {
		return err
	}
	if err := s.Store.UserSignInReset(ctx, checked.ID); err != nil {
		return err
	}
	if err := s.ChangePassword(ctx, checked, password); err != nil {
		return err
	}
	*u = *checked
	return nil
}

// ResetMemberTOTP removes the authenticator app of a member of the service
// (they lost it), ends their sessions and records who did it, as `pay users
// reset-2fa` does for an operator. Not found if the user is not in the
// team.
func (s *Users) ResetMemberTOTP(ctx context.Context, actor *User, serviceID, userID int64) error {
	u, err := s.Store.UserGet(ctx, userID)
	if err != nil {
		return err
	}
	return s.Store.TeamUpdate(ctx, func(tx Tx) error {
		m, err := memberChange(ctx, tx, serviceID, userID, RoleAdmin) // RoleAdmin: no role changes
		if err != nil {
			return err
		}
		u.TOTPSecret = ""
		if err := tx.UserUpdate(ctx, u); err != nil {
			return err
		}
		if _, err := tx.SessionDeleteUser(ctx, userID); err != nil {
			return err
		}
		return tx.EventInsert(ctx, &Event{ServiceID: serviceID, ActorEmail: actor.Email,
			Summary: "Reset the authenticator app of " + m.Email})
	})
}
