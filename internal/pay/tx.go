package pay

import (
	"context"
	"time"
)

// Tx is one database transaction as the domain's changes see it. Store.Update
// runs a change against it: everything written through a Tx commits together
// or not at all, and jobs inserted through it exist exactly when it commits.
// Each engine implements it once; a new kind of change is written here, in
// the domain, against these steps, and needs no new code in either engine.
//
// Methods return *Error values as Store's do: not found when the thing does
// not exist (or belongs to another account), conflict on a duplicate.
type Tx interface {
	// Now is the transaction's time, read once when it began.
	Now() time.Time

	// PaymentLock reads a payment of the account (any account for 0) and
	// locks it until the transaction ends, so changes of one payment, on any
	// number of instances, run one after another and each sees the last.
	PaymentLock(ctx context.Context, accountID int64, id string) (*Payment, error)
	// PaymentInsert stores a new payment as it is.
	PaymentInsert(ctx context.Context, p *Payment) error
	// PaymentUpdate rewrites a payment read with PaymentLock.
	PaymentUpdate(ctx context.Context, p *Payment) error
	// EventInsert appends an event to its payment's log.
	EventInsert(ctx context.Context, ev *Event) error
	// TokenInsert stores a one-time next_url token (its hash) for a payment.
	TokenInsert(ctx context.Context, paymentID, hash string) error
	// IdempotencyKeyInsert keeps the key a payment was created with, and the
	// hash of the request, replacing an expired row of the same key; conflict
	// if the account's key is live.
	IdempotencyKeyInsert(ctx context.Context, p *Payment, key, requestHash string) error

	// RefundLock locks the payment of a refund of the account (any account
	// for 0) as PaymentLock does, and reads both; not found if there is no
	// such refund.
	RefundLock(ctx context.Context, accountID int64, id string) (*Refund, *Payment, error)
	// RefundInsert stores a new refund as it is.
	RefundInsert(ctx context.Context, r *Refund) error
	// RefundUpdate stores a refund's status, provider id and settlement time.
	RefundUpdate(ctx context.Context, r *Refund) error

	// DisputeGet reads the dispute of a payment; not found if it has none.
	DisputeGet(ctx context.Context, paymentID string) (*Dispute, error)
	// DisputeInsert stores a new dispute as it is.
	DisputeInsert(ctx context.Context, d *Dispute) error
	// DisputeUpdate rewrites a dispute read with DisputeGet.
	DisputeUpdate(ctx context.Context, d *Dispute) error

	// AgreementApply makes a payment's change to its agreement; not found if
	// the account has no such agreement.
	AgreementApply(ctx context.Context, accountID int64, c *AgreementChange) error

	// SettingInsert stores an instance-wide setting once; conflict if it is set.
	SettingInsert(ctx context.Context, name, value string) error
	// ServiceInsert stores a new service and sets its ID and CreatedAt.
	ServiceInsert(ctx context.Context, s *Service) error
	// ServiceUpdate stores a service's English and Welsh names; not found if
	// there is no such service.
	ServiceUpdate(ctx context.Context, s *Service) error
	// AccountInsert stores a new gateway account and sets its ID and CreatedAt.
	AccountInsert(ctx context.Context, a *Account) error
	// AccountUpdate stores an account's Disabled flag and settings; not found
	// if there is no such account.
	AccountUpdate(ctx context.Context, a *Account) error
	// APIKeyInsert stores a new key and sets its ID and CreatedAt; conflict if
	// the hash exists.
	APIKeyInsert(ctx context.Context, k *APIKey) error
	// CredentialsPut stores or replaces an account's sealed provider
	// credentials (see Accounts.GoLive).
	CredentialsPut(ctx context.Context, accountID int64, sealed []byte) error
	// OrganisationPut stores or replaces the organisation of a service.
	OrganisationPut(ctx context.Context, serviceID int64, o *Organisation) error

	// EmailInsert stores a new email to a payer as it is; conflict if its id
	// is taken.
	EmailInsert(ctx context.Context, e *Email) error
	// LinkPaymentInsert ties a new payment to its payment link; conflict if
	// the reference is generated and the account already has it.
	LinkPaymentInsert(ctx context.Context, lp *LinkPayment) error

	// WebhookListSubscribed returns the account's active webhooks that
	// subscribe to the event.
	WebhookListSubscribed(ctx context.Context, accountID int64, e WebhookEvent) ([]*Webhook, error)
	// WebhookMessageInsert stores a new webhook message as it is.
	WebhookMessageInsert(ctx context.Context, m *WebhookMessage) error
	// WebhookMessageUpdate stores a message's status, attempts, next
	// attempt, body and UpdatedAt, and frees its lease; not found if there
	// is no such message.
	WebhookMessageUpdate(ctx context.Context, m *WebhookMessage) error
	// WebhookAttemptInsert stores an attempt; conflict if the message has
	// an attempt of that number.
	WebhookAttemptInsert(ctx context.Context, a *WebhookAttempt) error

	// JobInsert enqueues jobs, to run once the transaction commits.
	JobInsert(ctx context.Context, jobs []Job) error
}

// InsertPayment stores a new payment in one transaction with its
// PAYMENT_CREATED event, its first next_url token, its idempotency key and
// its jobs, and sets CreatedAt and UpdatedAt. A taken id or idempotency key
// is a conflict, and then nothing is written.
func InsertPayment(ctx context.Context, st Store, params *PaymentInsertParams) error {
	return st.Update(ctx, func(tx Tx) error {
		p, now := params.Payment, tx.Now()
		p.CreatedAt, p.UpdatedAt = now, now
		if err := tx.PaymentInsert(ctx, p); err != nil {
			return err
		}
		ev := &Event{PaymentID: p.ID, Type: EventPaymentCreated, Status: p.Status, At: now}
		if err := tx.EventInsert(ctx, ev); err != nil {
			return err
		}
		if err := insertWebhookMessages(ctx, tx, p.AccountID, ev); err != nil {
			return err
		}
		if params.TokenHash != "" {
			if err := tx.TokenInsert(ctx, p.ID, params.TokenHash); err != nil {
				return err
			}
		}
		if params.IdempotencyKey != "" {
			if err := tx.IdempotencyKeyInsert(ctx, p, params.IdempotencyKey, params.RequestHash); err != nil {
				return err
			}
		}
		if err := insertLinkPayment(ctx, tx, params.Link); err != nil {
			return err
		}
		return tx.JobInsert(ctx, params.Jobs)
	})
}

// insertLinkPayment ties a payment to its link, if it has one. A clash of
// generated references is errReferenceTaken, so that Links.Start tries
// another.
func insertLinkPayment(ctx context.Context, tx Tx, lp *LinkPayment) error {
	if lp == nil {
		return nil
	}
	err := tx.LinkPaymentInsert(ctx, lp)
	if IsKind(err, KindConflict) && lp.Generated {
		return &Error{Kind: KindConflict, Message: errReferenceTaken.Error(), Err: errReferenceTaken}
	}
	return err
}

// TransitionPayment changes a payment's status under its lock in one
// transaction: it checks the change with ApplyTransition, stores the
// payment, appends the event, makes the agreement change and enqueues the
// jobs and emails. Of two concurrent transitions of one payment, exactly one wins; the
// other gets a conflict wrapping a *TransitionError. Not found if the
// account (any for 0) has no such payment.
func TransitionPayment(ctx context.Context, st Store, params *PaymentTransitionParams) (*Payment, error) {
	return paymentChange[*Payment]{
		lock: func(tx Tx) (*Payment, *Payment, error) {
			p, err := tx.PaymentLock(ctx, params.AccountID, params.PaymentID)
			return p, p, err
		},
		apply: func(_, p *Payment, now time.Time) (*Event, error) { return ApplyTransition(p, params, now) },
		write: func(tx Tx, p *Payment) error {
			if params.Agreement == nil {
				return nil
			}
			return tx.AgreementApply(ctx, p.AccountID, params.Agreement)
		},
		jobs:   params.Jobs,
		emails: params.Emails,
	}.run(ctx, st)
}

// InsertRefund stores a new refund in one transaction that locks its
// payment, checks the refund with ApplyRefund against the locked row, adds
// it to the payment's refunded amount, appends the refund event and
// enqueues the jobs. Of concurrent refunds, those that would take more than
// is left get ApplyRefund's error and write nothing. Not found if the
// payment is not the refund's account's.
func InsertRefund(ctx context.Context, st Store, params *RefundInsertParams) error {
	_, err := paymentChange[*Refund]{
		lock: func(tx Tx) (*Refund, *Payment, error) {
			p, err := tx.PaymentLock(ctx, params.Refund.AccountID, params.Refund.PaymentID)
			return params.Refund, p, err
		},
		apply: func(_ *Refund, p *Payment, now time.Time) (*Event, error) { return ApplyRefund(p, params, now) },
		write: func(tx Tx, r *Refund) error { return tx.RefundInsert(ctx, r) },
		jobs:  params.Jobs,
	}.run(ctx, st)
	return err
}

// TransitionRefund changes a refund's status under its payment's lock with
// ApplyRefundTransition, stores the refund and the payment (a refund in
// error gives its amount back), appends the event and stores and enqueues
// the emails, in one transaction.
// Not found if there is no such refund; a conflict wrapping a
// *RefundTransitionError if the status does not allow the change.
func TransitionRefund(ctx context.Context, st Store, params *RefundTransitionParams) (*Refund, error) {
	return paymentChange[*Refund]{
		lock: func(tx Tx) (*Refund, *Payment, error) { return tx.RefundLock(ctx, 0, params.RefundID) },
		apply: func(r *Refund, p *Payment, now time.Time) (*Event, error) {
			return ApplyRefundTransition(p, r, params, now)
		},
		write:  func(tx Tx, r *Refund) error { return tx.RefundUpdate(ctx, r) },
		emails: params.Emails,
	}.run(ctx, st)
}

// OpenDispute opens a dispute on a payment in one transaction that locks the
// payment, applies ApplyDisputeOpen, stores both, appends the
// DISPUTE_CREATED event and enqueues the jobs. Not found if there is no such
// payment; a conflict if it already has a dispute or is not captured.
func OpenDispute(ctx context.Context, st Store, params *DisputeInsertParams) error {
	_, err := paymentChange[*Dispute]{
		lock: func(tx Tx) (*Dispute, *Payment, error) {
			p, err := tx.PaymentLock(ctx, 0, params.Dispute.PaymentID)
			return params.Dispute, p, err
		},
		apply: func(_ *Dispute, p *Payment, now time.Time) (*Event, error) { return ApplyDisputeOpen(p, params, now) },
		write: func(tx Tx, d *Dispute) error { return tx.DisputeInsert(ctx, d) },
		jobs:  params.Jobs,
	}.run(ctx, st)
	return err
}

// TransitionDispute changes the status of a payment's dispute under the
// payment's lock with ApplyDisputeTransition, stores both and appends the
// event and jobs in one transaction. Not found if the payment has no
// dispute; a conflict wrapping a *DisputeTransitionError if the status does
// not allow the change.
func TransitionDispute(ctx context.Context, st Store, params *DisputeTransitionParams) (*Dispute, error) {
	return paymentChange[*Dispute]{
		lock: func(tx Tx) (*Dispute, *Payment, error) {
			p, err := tx.PaymentLock(ctx, 0, params.PaymentID)
			if err != nil {
				return nil, nil, err
			}
			d, err := tx.DisputeGet(ctx, params.PaymentID)
			return d, p, err
		},
		apply: func(d *Dispute, p *Payment, now time.Time) (*Event, error) {
			return ApplyDisputeTransition(p, d, params, now)
		},
		write: func(tx Tx, d *Dispute) error { return tx.DisputeUpdate(ctx, d) },
		jobs:  params.Jobs,
	}.run(ctx, st)
}

// paymentChange is the one shape of every change of a locked payment and
// of what the change is about (the payment itself, a refund, a dispute):
// lock the payment and read the thing, apply the domain's rule, which
// changes both and returns the event, write the thing, then store the
// payment, append the event, keep the emails the change sends and the
// webhook messages its event makes, and enqueue the jobs, all in one
// transaction.
type paymentChange[T any] struct {
	lock   func(tx Tx) (T, *Payment, error)
	apply  func(T, *Payment, time.Time) (*Event, error)
	write  func(tx Tx, thing T) error
	jobs   []Job
	emails []*Email
}

// run makes the change and returns the thing as it was stored.
func (c paymentChange[T]) run(ctx context.Context, st Store) (T, error) {
	var out T
	err := st.Update(ctx, func(tx Tx) error {
		thing, p, err := c.lock(tx)
		if err != nil {
			return err
		}
		ev, err := c.apply(thing, p, tx.Now())
		if err != nil {
			return err
		}
		if err := c.write(tx, thing); err != nil {
			return err
		}
		if err := tx.PaymentUpdate(ctx, p); err != nil {
			return err
		}
		if err := tx.EventInsert(ctx, ev); err != nil {
			return err
		}
		if err := insertEmails(ctx, tx, c.emails); err != nil {
			return err
		}
		if err := insertWebhookMessages(ctx, tx, p.AccountID, ev); err != nil {
			return err
		}
		out = thing
		return tx.JobInsert(ctx, c.jobs)
	})
	return out, err
}
