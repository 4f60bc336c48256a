package pay

import (
	"context"
	"errors"
	"time"
)

// Time limits, as GOV.UK Pay's connector has them.
const (
	// PaymentLifetime is how long a payer has to finish a payment.
	PaymentLifetime = 90 * time.Minute
	// CaptureLifetime is how long a delayed-capture payment waits for the service.
	CaptureLifetime = 5 * 24 * time.Hour
	// expirySkipRecent leaves alone payments that changed in the last five
	// minutes: the payer may be in the middle of a step.
	expirySkipRecent = 5 * time.Minute
	// expiryBatch bounds one sweep; the next sweep takes the rest.
	expiryBatch = 500
)

// expirable are the statuses that expire after PaymentLifetime.
var expirable = []Status{StatusCreated, StatusEnteringCardDetails, StatusAuthorisationReady,
	StatusAuthorisation3DSRequired, StatusAuthorisation3DSReady, StatusAuthorisationSuccess}

// ExpireStale expires every payment that has run out of time and reports
// how many it expired.
func (s *Payments) ExpireStale(ctx context.Context) (int, error) {
	now := s.now()
	var ids []string
	for _, q := range []*PaymentExpirableParams{
		{Statuses: expirable, CreatedBefore: now.Add(-PaymentLifetime), UpdatedBefore: now.Add(-expirySkipRecent), Limit: expiryBatch},
		{Statuses: []Status{StatusAwaitingCaptureRequest}, CreatedBefore: now.Add(-CaptureLifetime), UpdatedBefore: now, Limit: expiryBatch},
	} {
		found, err := s.Store.PaymentListExpirable(ctx, q)
		if err != nil {
			return 0, err
		}
		ids = append(ids, found...)
	}
	n := 0
	var errs []error
	for _, id := range ids {
		expired, err := s.Expire(ctx, id)
		if err != nil {
			errs = append(errs, err)
		} else if expired {
			n++
		}
	}
	return n, errors.Join(errs...)
}

// Expire ends one payment as failed/P0020. An authorisation is voided with
// the provider first. It reports false if the payment moved on meanwhile.
func (s *Payments) Expire(ctx context.Context, id string) (bool, error) {
	p, err := s.Store.PaymentGet(ctx, 0, id)
	if err != nil {
		return false, err
	}
	authorised := p.Status.In(StatusAuthorisationSuccess, StatusAwaitingCaptureRequest,
		StatusAuthorisation3DSRequired, StatusAuthorisation3DSReady)
	if !authorised {
		_, err = TransitionPayment(ctx, s.Store, &PaymentTransitionParams{PaymentID: id, From: []Status{p.Status}, To: StatusExpired})
		return lostRace(err)
	}
	p, err = TransitionPayment(ctx, s.Store, &PaymentTransitionParams{PaymentID: id, From: []Status{p.Status}, To: StatusExpireCancelReady})
	if ok, err := lostRace(err); !ok {
		return false, err
	}
	if err := s.cancelWithProvider(ctx, p, StatusExpired, StatusExpireCancelFailed); err != nil {
		return false, err
	}
	return true, nil
}

// lostRace turns a transition refused because the payment moved on into
// (false, nil): someone else finished it first.
func lostRace(err error) (bool, error) {
	var te *TransitionError
	if errors.As(err, &te) {
		return false, nil
	}
	return err == nil, err
}

// TokenLifetime is how long a next_url token is kept, used or not: GOV.UK
// Pay's TOKEN_EXPIRY_WINDOW_SECONDS.
const TokenLifetime = 7 * 24 * time.Hour

// Cleanup deletes idempotency keys older than IdempotencyKeyLifetime and
// next_url tokens older than TokenLifetime, and reports how many rows went.
func (s *Payments) Cleanup(ctx context.Context) (int, error) {
	now := s.now()
	return s.Store.Cleanup(ctx, now.Add(-IdempotencyKeyLifetime), now.Add(-TokenLifetime))
}
