package pay

import (
	"context"
	"errors"
)

// What the payer does on Pay's pages. Each action accepts only the statuses
// it is for; anything else is a conflict wrapping a *TransitionError, and the
// pages then show the page for the payment's current status. That is what
// makes the back button, a refresh or a second submit harmless.

// Start records that the payer opened the card form.
func (s *Payments) Start(ctx context.Context, id string) (*Payment, error) {
	return TransitionPayment(ctx, s.Store, &PaymentTransitionParams{
		PaymentID: id, From: []Status{StatusCreated}, To: StatusEnteringCardDetails,
	})
}

// Authorise sends the payer's card to the provider and records the outcome
// with what Pay may keep of the card (and the payer's email, if given). A
// decline is an outcome (the payment fails), not an error.
func (s *Payments) Authorise(ctx context.Context, id string, card *Card, email string) (*Payment, error) {
	details := card.Details()
	p, err := TransitionPayment(ctx, s.Store, &PaymentTransitionParams{
		PaymentID: id, From: []Status{StatusCreated, StatusEnteringCardDetails}, To: StatusAuthorisationReady,
		Update: func(p *Payment) {
			p.Card = details
			if email != "" {
				p.Email = email
			}
		},
	})
	if err != nil {
		return nil, err
	}
	prov, err := s.provider(p.Provider)
	if err != nil {
		return nil, err
	}
	res, perr := prov.Authorise(ctx, &AuthoriseRequest{Payment: p, Card: card, SaveCard: p.SetUpAgreement})
	if perr != nil {
		return s.transition(ctx, 0, id, StatusAuthorisationUnexpectedError, nil)
	}
	return s.recordAuthorisation(ctx, p, res)
}

// recordAuthorisation moves a payment that waits for the provider to the
// status the provider's answer means. A set-up payment's card is saved to
// its agreement with the authorisation; the agreement becomes active when
// the payment is approved for capture.
func (s *Payments) recordAuthorisation(ctx context.Context, p *Payment, res *AuthoriseResult) (*Payment, error) {
	params := &PaymentTransitionParams{PaymentID: p.ID, To: StatusAuthorisationError, Update: func(p *Payment) {
		if res.ProviderID != "" {
			p.ProviderID = res.ProviderID
		}
		if res.Outcome == AuthRequires3DS {
			p.ThreeDSRequired = true
		}
	}}
	switch res.Outcome {
	case AuthAuthorised:
		params.To = StatusAuthorisationSuccess
		if p.SetUpAgreement {
			params.Agreement = &AgreementChange{ID: p.AgreementID, Instrument: instrumentFrom(p, res.InstrumentRef, s.now())}
		}
	case AuthRejected:
		params.To = StatusAuthorisationRejected
	case AuthRequires3DS:
		params.To = StatusAuthorisation3DSRequired
	}
	return TransitionPayment(ctx, s.Store, params)
}

// Complete3DS records the payer's 3-D Secure challenge and the provider's
// final answer.
func (s *Payments) Complete3DS(ctx context.Context, id string, passed bool) (*Payment, error) {
	p, err := TransitionPayment(ctx, s.Store, &PaymentTransitionParams{
		PaymentID: id, From: []Status{StatusAuthorisation3DSRequired}, To: StatusAuthorisation3DSReady,
	})
	if err != nil {
		return nil, err
	}
	prov, err := s.provider(p.Provider)
	if err != nil {
		return nil, err
	}
	res, perr := prov.Complete3DS(ctx, p, passed)
	if perr != nil {
		return s.transition(ctx, 0, id, StatusAuthorisationError, nil)
	}
	return s.recordAuthorisation(ctx, p, res)
}

// ChallengeURL returns where the payer of a payment waiting for 3-D Secure
// authenticates: a page of the provider's, or "" when Pay shows the
// challenge itself (the sandbox). An error if the provider cannot say.
func (s *Payments) ChallengeURL(ctx context.Context, p *Payment) (string, error) {
	prov, err := s.provider(p.Provider)
	if err != nil {
		return "", err
	}
	if c, ok := prov.(Challenger); ok {
		return c.ChallengeURL(ctx, p)
	}
	return "", nil
}

// Confirm is the payer confirming an authorised payment: it is captured, or
// with delayed capture waits for the service.
func (s *Payments) Confirm(ctx context.Context, id string) (*Payment, error) {
	p, err := s.Store.PaymentGet(ctx, 0, id)
	if err != nil {
		return nil, err
	}
	return s.ConfirmPayment(ctx, p)
}

// ConfirmPayment is Confirm of a payment the caller has already read, in any
// status: what the confirmation depends on (delayed capture, the agreement
// it sets up) is fixed when the payment is created, and the status is
// checked under the payment's lock.
func (s *Payments) ConfirmPayment(ctx context.Context, p *Payment) (*Payment, error) {
	id := p.ID
	params := &PaymentTransitionParams{PaymentID: id, From: []Status{StatusAuthorisationSuccess}}
	if p.SetUpAgreement {
		params.Agreement = &AgreementChange{ID: p.AgreementID, Status: AgreementActive}
	}
	if p.DelayedCapture {
		params.To = StatusAwaitingCaptureRequest
	} else {
		params.To = StatusCaptureApproved
		params.Jobs = []Job{{Args: CaptureJob{PaymentID: id}}}
	}
	return TransitionPayment(ctx, s.Store, params)
}

// CancelByUser is the payer giving up: the payment fails with P0030. An
// authorisation is voided with the provider first.
func (s *Payments) CancelByUser(ctx context.Context, id string) (*Payment, error) {
	p, err := TransitionPayment(ctx, s.Store, &PaymentTransitionParams{
		PaymentID: id, To: StatusUserCancelled,
		From: []Status{StatusCreated, StatusEnteringCardDetails, StatusAuthorisationReady,
			StatusAuthorisation3DSRequired, StatusAuthorisation3DSReady},
	})
	var te *TransitionError
	if !errors.As(err, &te) || te.From != StatusAuthorisationSuccess {
		return p, err
	}
	if p, err = s.transition(ctx, 0, id, StatusUserCancelReady, nil); err != nil {
		return nil, err
	}
	if err := s.cancelWithProvider(ctx, p, StatusUserCancelled, StatusUserCancelError); err != nil {
		return nil, err
	}
	return s.Store.PaymentGet(ctx, 0, id)
}
