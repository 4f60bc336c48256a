package pay

import (
	"context"
	"time"
)

// AgreementStatus is where an agreement for recurring payments is.
type AgreementStatus string

const (
	AgreementCreated   AgreementStatus = "created"
	AgreementActive    AgreementStatus = "active"
	AgreementCancelled AgreementStatus = "cancelled"
	AgreementInactive  AgreementStatus = "inactive"
)

// Agreement lets a service take payments later with a card the payer saved.
type Agreement struct {
	ID             string
	AccountID      int64
	Reference      string
	Description    string
	UserIdentifier string
	Status         AgreementStatus
	Instrument     *PaymentInstrument // set when a set-up payment succeeds
	CreatedAt      time.Time
	CancelledAt    *time.Time
}

// PaymentInstrument is the saved card of an agreement: what the provider
// needs to charge it again, never the full number.
type PaymentInstrument struct {
	Card        CardDetails `json:"card"`
	ProviderRef string      `json:"provider_ref,omitempty"` // the provider's reference to the saved card
	CreatedAt   time.Time   `json:"created_at"`
}

// IsActive reports whether payments may be taken with the agreement.
func (a *Agreement) IsActive() bool {
	return a.Status == AgreementActive && a.Instrument != nil
}

// AgreementSearch filters one account's agreements.
type AgreementSearch struct {
	AccountID   int64
	Reference   string          // exact, ignoring case
	Status      AgreementStatus // "" for any
	Page        int
	DisplaySize int
}

// Offset returns the number of rows before the page.
func (s *AgreementSearch) Offset() int { return (s.Page - 1) * s.DisplaySize }

// AgreementPage is one page of agreements, newest first.
type AgreementPage struct {
	Agreements []*Agreement
	Total      int
}

// CreateAgreementRequest is a parsed POST /v1/agreements body.
type CreateAgreementRequest struct {
	Reference      string
	Description    string
	UserIdentifier *string
}

// CreateAgreement stores a new agreement, in the created status until a
// payment sets it up. Too-long values answer 422 P0102, as GOV.UK Pay does.
func (s *Payments) CreateAgreement(ctx context.Context, acct *Account, req *CreateAgreementRequest) (*Agreement, error) {
	fields := []struct {
		name  string
		value *string
	}{{"reference", &req.Reference}, {"description", &req.Description}, {"user_identifier", req.UserIdentifier}}
	for _, f := range fields {
		if f.value != nil && javaLength(*f.value) > 255 {
			return nil, invalidAttribute(KindInvalid, CodeCreatePaymentInvalid, f.name, "Must be less than or equal to 255 characters length")
		}
	}
	if !acct.Settings.RecurringEnabled {
		return nil, &Error{Kind: KindInvalid, Code: CodeRecurringDisabled, Message: msgRecurringOff}
	}
	a := &Agreement{ID: NewID(), AccountID: acct.ID, Reference: req.Reference, Description: req.Description, Status: AgreementCreated}
	if req.UserIdentifier != nil {
		a.UserIdentifier = *req.UserIdentifier
	}
	if err := s.Store.AgreementInsert(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// Agreement returns one of the account's agreements.
func (s *Payments) Agreement(ctx context.Context, accountID int64, id string) (*Agreement, error) {
	if !ValidID(id) {
		return nil, ErrNotFound("agreement")
	}
	return s.Store.AgreementGet(ctx, accountID, id)
}

// CancelAgreement stops an active agreement: later payments on it are refused.
func (s *Payments) CancelAgreement(ctx context.Context, accountID int64, id string) error {
	if !ValidID(id) {
		return ErrNotFound("agreement")
	}
	err := s.Store.AgreementCancel(ctx, accountID, id, s.now())
	if IsKind(err, KindConflict) {
		return &Error{Kind: KindBadRequest, Code: CodeCancelAgreementFailed, Message: "Cancellation of agreement failed", Err: err}
	}
	return err
}

// AuthoriseWithAgreement takes a payment on an agreement's saved card with
// the payer not present: the body of the background job that follows the
// API's 201. A decline the provider says is final makes the agreement
// inactive, in the same transaction. It is safe to run again: a run that
// stopped half way (its process died) is taken up where it stopped, and the
// provider is asked again for the same payment, which it answers once.
func (s *Payments) AuthoriseWithAgreement(ctx context.Context, id string) error {
	p, err := s.Store.PaymentGet(ctx, 0, id)
	if err != nil {
		return err
	}
	if p.Status == StatusCreated {
		p, err = TransitionPayment(ctx, s.Store, &PaymentTransitionParams{
			PaymentID: id, From: []Status{StatusCreated}, To: StatusAuthorisationUserNotPresentQd,
		})
		if err != nil {
			_, err = lostRace(err) // cancelled meanwhile
			return err
		}
	}
	switch p.Status {
	case StatusAuthorisationUserNotPresentQd, StatusAuthorisationReady:
		return s.authoriseQueued(ctx, p)
	case StatusAuthorisationSuccess:
		// Authorised before the last run stopped: there is no payer to
		// confirm, so it goes on to capture.
		_, err = s.Confirm(ctx, id)
		_, err = lostRace(err)
		return err
	}
	return nil // finished, or cancelled meanwhile
}

// authoriseQueued asks the provider to authorise a queued payer-not-present
// payment with its agreement's card, and records the answer.
func (s *Payments) authoriseQueued(ctx context.Context, p *Payment) error {
	agreement, err := s.Store.AgreementGet(ctx, p.AccountID, p.AgreementID)
	if err != nil {
		return err
	}
	if p.Status == StatusAuthorisationUserNotPresentQd {
		p, err = s.transition(ctx, 0, p.ID, StatusAuthorisationReady, func(p *Payment) {
			if agreement.Instrument != nil {
				p.Card = agreement.Instrument.Card
			}
		})
		if err != nil {
			return err
		}
	}
	if !agreement.IsActive() {
		// Cancelled or inactivated after the payment was created.
		_, err = s.recordRecurring(ctx, p, &AuthoriseResult{Outcome: AuthRejected, CanRetry: ptr(false)})
		return err
	}
	prov, err := s.provider(p.Provider)
	if err != nil {
		return err
	}
	res, perr := prov.Authorise(ctx, &AuthoriseRequest{Payment: p, Instrument: agreement.Instrument})
	if perr != nil {
		res = &AuthoriseResult{Outcome: AuthError, CanRetry: ptr(true)}
	}
	_, err = s.recordRecurring(ctx, p, res)
	return err
}

// recordRecurring records the outcome of a payer-not-present authorisation:
// a success goes straight on to capture, as there is no payer to confirm.
func (s *Payments) recordRecurring(ctx context.Context, p *Payment, res *AuthoriseResult) (*Payment, error) {
	if res.Outcome == AuthAuthorised {
		if _, err := s.recordAuthorisation(ctx, p, res); err != nil {
			return nil, err
		}
		return s.ConfirmPayment(ctx, p)
	}
	canRetry := true
	if res.CanRetry != nil {
		canRetry = *res.CanRetry
	}
	params := &PaymentTransitionParams{PaymentID: p.ID, To: StatusAuthorisationRejected,
		Update: func(p *Payment) { p.CanRetry = &canRetry; p.ProviderID = res.ProviderID }}
	if res.Outcome != AuthRejected {
		params.To = StatusAuthorisationError
	}
	if !canRetry {
		params.Agreement = &AgreementChange{ID: p.AgreementID, Status: AgreementInactive}
	}
	return TransitionPayment(ctx, s.Store, params)
}

func ptr[T any](v T) *T { return &v }

// instrumentFrom is the agreement's saved card after a set-up payment's
// authorisation.
func instrumentFrom(p *Payment, ref string, at time.Time) *PaymentInstrument {
	return &PaymentInstrument{Card: p.Card, ProviderRef: ref, CreatedAt: at}
}
