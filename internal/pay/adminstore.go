package pay

import (
	"context"
	"time"
)

// AdminStore is what the admin site needs from the database beyond the
// payments API: services' names, the accounts a user may see, API key
// names, and payments read in bulk. It is part of Store, so both engines
// implement it and pass the same contract suite. Users, their roles and
// sessions are the team side's (package team).
type AdminStore interface {
	// ServiceGet returns one service; not found if there is none.
	ServiceGet(ctx context.Context, id int64) (*Service, error)
	// ServiceUpdate stores s's English and Welsh names; not found if there
	// is no such service.
	ServiceUpdate(ctx context.Context, s *Service) error

	// AccountListForUser returns the accounts of the services the user (a
	// team user's id) has a role in, oldest first.
	AccountListForUser(ctx context.Context, userID int64) ([]*Account, error)

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
