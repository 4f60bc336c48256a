package pay

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Store is everything the domain needs from a database. Both engines
// (SQLite and PostgreSQL) implement it and pass the same contract suite.
//
// Methods return *Error values: KindNotFound when the thing does not exist
// (or belongs to another account), KindConflict on a duplicate or a state
// that forbids the change. Never nil, nil.
type Store interface {
	// Ping checks the database answers.
	Ping(ctx context.Context) error
	// Close releases the connections.
	Close() error

	RefundStore
	DisputeStore
	EmailStore
	WebhookStore

	// SettingGet returns an instance-wide setting; not found if unset.
	SettingGet(ctx context.Context, name string) (string, error)
	// SettingInsert stores a setting once; conflict if it is already set.
	SettingInsert(ctx context.Context, name, value string) error

	// ServiceInsert stores a new service and sets its ID and CreatedAt.
	ServiceInsert(ctx context.Context, s *Service) error
	// ServiceList returns every service, oldest first.
	ServiceList(ctx context.Context) ([]*Service, error)

	// AccountInsert stores a new gateway account and sets its ID and CreatedAt.
	AccountInsert(ctx context.Context, a *Account) error
	// AccountGet returns one account with its service's name.
	AccountGet(ctx context.Context, id int64) (*Account, error)
	// AccountList returns every account, oldest first.
	AccountList(ctx context.Context) ([]*Account, error)
	// AccountUpdate stores a's Disabled flag and settings.
	AccountUpdate(ctx context.Context, a *Account) error
	// CredentialsGet returns an account's sealed provider credentials; not
	// found if it has none.
	CredentialsGet(ctx context.Context, accountID int64) ([]byte, error)
	// OrganisationGet returns the organisation of a live service; not found
	// if it has none.
	OrganisationGet(ctx context.Context, serviceID int64) (*Organisation, error)

	// APIKeyInsert stores a new key and sets ID and CreatedAt; conflict if the hash exists.
	APIKeyInsert(ctx context.Context, k *APIKey) error
	// APIKeyGetByHash finds a key, revoked or not, by its hash.
	APIKeyGetByHash(ctx context.Context, hash string) (*APIKey, error)
	// APIKeyGetWithAccount finds a key, revoked or not, by its hash, and
	// its account, in one query; not found if there is no such key.
	APIKeyGetWithAccount(ctx context.Context, hash string) (*APIKey, *Account, error)
	// APIKeyList returns an account's keys (every key for account 0), newest first.
	APIKeyList(ctx context.Context, accountID int64) ([]*APIKey, error)
	// APIKeyRevoke revokes a key of the account (any account for 0); not
	// found if there is no such key, conflict if it is already revoked.
	APIKeyRevoke(ctx context.Context, accountID, id int64, at time.Time) error
	// APIKeyTouch records that a key was used.
	APIKeyTouch(ctx context.Context, id int64, at time.Time) error

	// Update runs fn in one transaction and commits it if fn returns nil;
	// otherwise nothing fn wrote is kept, and fn's error is returned. The
	// domain's multi-step changes (tx.go) all run through it.
	Update(ctx context.Context, fn func(tx Tx) error) error

	// PaymentGet returns a payment of the account (any account for 0).
	PaymentGet(ctx context.Context, accountID int64, id string) (*Payment, error)
	// PaymentGetWithAccount returns a payment of any account and its account,
	// in one query; not found if there is no such payment.
	PaymentGetWithAccount(ctx context.Context, id string) (*Payment, *Account, error)
	// PaymentGetByIdempotencyKey returns the payment created with key by the
	// account since the given time, and the hash of the request that created it.
	PaymentGetByIdempotencyKey(ctx context.Context, accountID int64, key string, since time.Time) (*Payment, string, error)
	// PaymentSearch returns one page of an account's payments, newest first,
	// and how many match in all.
	PaymentSearch(ctx context.Context, s *PaymentSearch) (*PaymentPage, error)
	// PaymentEvents returns a payment's events, oldest first.
	PaymentEvents(ctx context.Context, accountID int64, paymentID string) ([]*Event, error)

	// TokenInsert stores a one-time token (its hash) for a payment's next_url.
	TokenInsert(ctx context.Context, paymentID, hash string, at time.Time) error
	// TokenUse marks a token used and returns its payment, read in the same
	// transaction: not found if there is no such token, and if it was used
	// before a conflict wrapping a *TokenUsedError that names the payment.
	TokenUse(ctx context.Context, hash string, at time.Time) (*Payment, error)

	// PaymentListExpirable returns the ids of payments (at most Limit, oldest
	// first) in one of Statuses, created before CreatedBefore and not
	// changed since UpdatedBefore.
	PaymentListExpirable(ctx context.Context, params *PaymentExpirableParams) ([]string, error)

	// AgreementInsert stores a new agreement and sets its CreatedAt.
	AgreementInsert(ctx context.Context, a *Agreement) error
	// AgreementGet returns an agreement of the account.
	AgreementGet(ctx context.Context, accountID int64, id string) (*Agreement, error)
	// AgreementSearch returns one page of an account's agreements, newest
	// first, and how many match in all.
	AgreementSearch(ctx context.Context, s *AgreementSearch) (*AgreementPage, error)
	// AgreementCancel cancels an active agreement at the given time: not
	// found if the account has no such agreement, conflict if it is not active.
	AgreementCancel(ctx context.Context, accountID int64, id string, at time.Time) error

	// Cleanup deletes idempotency keys created before keysBefore and tokens
	// created before tokensBefore, and reports how many rows went.
	Cleanup(ctx context.Context, keysBefore, tokensBefore time.Time) (int, error)

	// AdminStore is what the admin site needs (adminstore.go).
	AdminStore

	LinkStore
}

// LinkStore keeps payment links. A link's friendly address (ServiceSlug,
// Slug) is unique: a second link with the same address is a conflict.
type LinkStore interface {
	// LinkInsert stores a new link and sets CreatedAt and UpdatedAt;
	// conflict if its id or address is taken.
	LinkInsert(ctx context.Context, l *Link) error
	// LinkUpdate stores a link's answers, address and status and sets
	// UpdatedAt; not found if the account has no such link, conflict if the
	// address is another link's.
	LinkUpdate(ctx context.Context, l *Link) error
	// LinkDelete removes a link of the account; not found if there is none.
	LinkDelete(ctx context.Context, accountID int64, id string) error
	// LinkGet returns a link of the account (any account for 0).
	LinkGet(ctx context.Context, accountID int64, id string) (*Link, error)
	// LinkGetByPath returns the link at a friendly address.
	LinkGetByPath(ctx context.Context, serviceSlug, slug string) (*Link, error)
	// LinkList returns an account's links (every link for 0), oldest first.
	LinkList(ctx context.Context, accountID int64) ([]*Link, error)
	// LinkPaymentGet returns how a payment was tied to its link; not found
	// if the payment was not made through a link.
	LinkPaymentGet(ctx context.Context, paymentID string) (*LinkPayment, error)
}

// PaymentInsertParams is a new payment and what InsertPayment creates with it.
type PaymentInsertParams struct {
	Payment        *Payment
	TokenHash      string // hash of the first next_url token; empty when there is none
	IdempotencyKey string
	RequestHash    string       // canonical hash of the request body, kept with the key
	Link           *LinkPayment // the payment link the payment comes from, if any
	Jobs           []Job
}

// PaymentExpirableParams selects payments that have run out of time.
type PaymentExpirableParams struct {
	Statuses      []Status
	CreatedBefore time.Time
	UpdatedBefore time.Time
	Limit         int
}

// TokenUsedError says a next_url token was already used, and for which
// payment: the payer's own browser may go back to it.
type TokenUsedError struct {
	PaymentID string
}

func (e *TokenUsedError) Error() string { return "token already used for payment " + e.PaymentID }

// PaymentTransitionParams describes one status change.
type PaymentTransitionParams struct {
	AccountID int64 // 0: any account (background jobs)
	PaymentID string
	From      []Status // if set, the payment must be in one of these
	To        Status
	Update    func(p *Payment) // more changes to make in the same transaction
	Agreement *AgreementChange // a change to the payment's agreement, in the same transaction
	Jobs      []Job
	Emails    []*Email // emails to the payer, stored and enqueued in the same transaction
}

// AgreementChange is what a payment's progress changes on its agreement:
// the saved card when a set-up payment is authorised, the status when it
// is approved or when the card may no longer be charged.
type AgreementChange struct {
	ID         string
	Status     AgreementStatus    // "" leaves the status as it is
	Instrument *PaymentInstrument // nil leaves the instrument as it is
}

// TransitionError says a payment was not in a status that allows a change.
type TransitionError struct {
	PaymentID string
	From, To  Status
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("payment %s cannot go from %s to %s", e.PaymentID, e.From, e.To)
}

// ApplyTransition makes the change params describe to p, read under a lock,
// and returns the event to append. TransitionPayment calls it, so the state
// machine is enforced in one place.
func ApplyTransition(p *Payment, params *PaymentTransitionParams, now time.Time) (*Event, error) {
	ev, ok := TransitionEvent(p.Status, params.To)
	if !ok || (len(params.From) > 0 && !slices.Contains(params.From, p.Status)) {
		te := &TransitionError{PaymentID: p.ID, From: p.Status, To: params.To}
		return nil, &Error{Kind: KindConflict, Message: te.Error(), Err: te}
	}
	p.Status = params.To
	p.UpdatedAt = now
	if params.Update != nil {
		params.Update(p)
	}
	return &Event{PaymentID: p.ID, Type: ev, Status: params.To, At: now}, nil
}

// RefundStore is the part of Store that reads refunds. Refunds change only
// through InsertRefund and TransitionRefund, which lock their payment first,
// so refunds of one payment are checked and counted one at a time.
type RefundStore interface {
	// RefundGet returns a refund of the account (any account for 0).
	RefundGet(ctx context.Context, accountID int64, id string) (*Refund, error)
	// RefundList returns a payment's refunds, oldest first; not found if the
	// account (any for 0) has no such payment.
	RefundList(ctx context.Context, accountID int64, paymentID string) ([]*Refund, error)
	// RefundSearch returns one page of an account's refunds, newest first,
	// and how many match in all.
	RefundSearch(ctx context.Context, s *RefundSearch) (*RefundPage, error)
	// RefundListUnfinished returns the ids of refunds (at most limit, oldest
	// first) that are not finished and were created before createdBefore.
	RefundListUnfinished(ctx context.Context, createdBefore time.Time, limit int) ([]string, error)
}

// RefundInsertParams is a new refund and what is checked and created with it.
type RefundInsertParams struct {
	Refund          *Refund // ID, PaymentID, AccountID, Amount and CreatedBy set
	AmountAvailable *int64  // if set, must equal what is left to refund
	Jobs            []Job
}

// RefundTransitionParams describes one refund status change.
type RefundTransitionParams struct {
	RefundID string
	From     []RefundStatus // if set, the refund must be in one of these
	To       RefundStatus
	Update   func(r *Refund) // more changes in the same transaction
	Emails   []*Email        // emails to the payer, stored and enqueued in the same transaction
}

// DisputeStore is the part of Store that reads disputes. Disputes change only
// through OpenDispute and TransitionDispute, which lock their payment, whose
// DisputeStatus follows the dispute.
type DisputeStore interface {
	// DisputeGetByPayment returns the dispute of one of the account's
	// payments (any account for 0); not found if it has none.
	DisputeGetByPayment(ctx context.Context, accountID int64, paymentID string) (*Dispute, error)
	// DisputeSearch returns one page of an account's disputes, newest first,
	// and how many match in all.
	DisputeSearch(ctx context.Context, s *DisputeSearch) (*DisputePage, error)
}

// DisputeInsertParams is a new dispute and what is created with it.
type DisputeInsertParams struct {
	Dispute        *Dispute      // ID, PaymentID and Reason set
	EvidenceWindow time.Duration // from opening to the evidence due date
	Jobs           []Job
}

// DisputeTransitionParams describes one dispute status change.
type DisputeTransitionParams struct {
	PaymentID string
	From      DisputeStatus // if set, the dispute must be in this status
	To        DisputeStatus
	Update    func(d *Dispute) // more changes in the same transaction
	Jobs      []Job
}

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
