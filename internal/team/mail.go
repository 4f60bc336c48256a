package team

import (
	"context"
	"time"
)

// Email is an email to a user of the admin site: an invitation, a link to
// reset a password, or word that they are locked out. It is plain text.
type Email struct {
	ID        int64 // set when it is kept in the outbox
	To        string
	Subject   string
	Text      string
	CreatedAt time.Time
}

// Mailer sends emails to the admin site's users: over SMTP, or into an
// outbox the operator reads when no SMTP server is configured. Send returns
// why an email could not be sent; its error must not carry the email's
// text, which may hold a link that opens the account.
type Mailer interface {
	SendTeamEmail(ctx context.Context, e *Email) error
}

// lockedOutEmail tells a user that failed sign-ins locked them out, with a
// link that lets them back in by choosing a new password.
func lockedOutEmail(to, link string) *Email {
	return &Email{To: to, Subject: "Your Pay account is locked",
		Text: "Someone, perhaps you, tried to sign in to your Pay account and got the password or security code " +
			"wrong 10 times in a row, so Pay has locked your account.\n\n" +
			"To get back in, choose a new password with this link, which also unlocks your account:\n\n" +
			link + "\n\n" +
			"The link works once, within 90 minutes. If it has expired, use \"Forgot your password?\" on the " +
			"sign-in page for a new one.\n\n" +
			"If it was not you, your password is still safe: nobody signed in. Choosing a new one is a good idea.\n"}
}

// resetEmail sends a link to choose a new password.
func resetEmail(to, link string) *Email {
	return &Email{To: to, Subject: "Reset your Pay password",
		Text: "Someone, perhaps you, asked to reset the password of your Pay account.\n\n" +
			"Choose a new password with this link:\n\n" +
			link + "\n\n" +
			"The link works once, within 90 minutes. Choosing a new password signs you out everywhere else " +
			"and unlocks your account if failed sign-ins locked it.\n\n" +
			"If you did not ask for this, ignore this email: your password stays as it is.\n"}
}
