package pay

import (
	"context"
	"time"
)

// AdminStore is what the admin site needs from the database beyond the
// payments API: users, their roles and sessions, services' names, API key
// names, and payments read in bulk. It is part of Store, so both engines
// implement it and pass the same contract suite.
type AdminStore interface {
	// ServiceGet returns one service; not found if there is none.
	ServiceGet(ctx context.Context, id int64) (*Service, error)
	// ServiceUpdate stores s's English and Welsh names; not found if there
	// is no such service.
	ServiceUpdate(ctx context.Context, s *Service) error

	// UserGet returns one user; not found if there is none.
	UserGet(ctx context.Context, id int64) (*User, error)
	// UserList returns every user, oldest first.
	UserList(ctx context.Context) ([]*User, error)
	// UserUpdate stores u's password hash, PasswordChangeRequired, TOTP
	// secret and Disabled flag; not found if there is no such user.
	UserUpdate(ctx context.Context, u *User) error
	// UserSignInFailed adds one failed attempt to the user's count in one
	// statement, so concurrent failures all count, and returns the new
	// count; not found if there is no such user.
	UserSignInFailed(ctx context.Context, id int64) (int, error)
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
	// role they had there; not found if the user or service does not exist.
	MembershipSet(ctx context.Context, m *Membership) error
	// MembershipDelete removes the user from the service; not found if they
	// had no role there.
	MembershipDelete(ctx context.Context, userID, serviceID int64) error
	// MembershipList returns the user's roles with the services' names, by
	// service id.
	MembershipList(ctx context.Context, userID int64) ([]*Membership, error)
	// AccountListForUser returns the accounts of the services the user has a
	// role in, oldest first.
	AccountListForUser(ctx context.Context, userID int64) ([]*Account, error)

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

	// APIKeyGet returns one key of the account, revoked or not; not found
	// if there is no such key or it belongs to another account.
	APIKeyGet(ctx context.Context, accountID, id int64) (*APIKey, error)
	// APIKeyDescribe changes the description of an unrevoked key of the
	// account; not found if there is no such key, conflict if it is revoked.
	APIKeyDescribe(ctx context.Context, accountID, id int64, description string) error

	// TransactionSearch returns a page of payments and refunds, newest first,
	// and how many match in all, from one snapshot.
	TransactionSearch(ctx context.Context, q *TransactionSearch) (*TransactionPage, error)
	// TransactionStream calls fn with every payment and refund the search
	// matches, newest first, ignoring Page and DisplaySize, from one
	// snapshot. It reads rows as fn consumes them, so memory does not grow
	// with their number. An error from fn stops the stream and is returned.
	TransactionStream(ctx context.Context, q *TransactionSearch, fn func(*Transaction) error) error
	// PaymentMetadataKeys returns every metadata key used by the payments
	// the search matches (ignoring Page and DisplaySize), sorted.
	PaymentMetadataKeys(ctx context.Context, q *PaymentSearch) ([]string, error)
	// PaymentSummary counts and totals an account's payments and refunds
	// created in a period, in the statuses the params name.
	PaymentSummary(ctx context.Context, params *SummaryParams) (*Summary, error)
}

// SummaryParams selects what PaymentSummary counts.
type SummaryParams struct {
	AccountID       int64
	From, To        time.Time // created at or after From and before To
	PaymentStatuses []Status  // payments in these statuses count
	RefundStatuses  []RefundStatus
}

// Totals is how many of something there were and what they came to, in pence.
type Totals struct {
	Count  int
	Amount int64
}

// Summary is what a period brought in: successful payments (their total
// amounts, surcharges included) and successful refunds.
type Summary struct {
	Payments Totals
	Refunds  Totals
}

// NetIncome is the payments' total less the refunds'.
func (s *Summary) NetIncome() int64 { return s.Payments.Amount - s.Refunds.Amount }
