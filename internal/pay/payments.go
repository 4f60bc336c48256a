package pay

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"
)

// Payments is the domain's payment service: the API, the card pages and the
// background jobs all change payments through it.
type Payments struct {
	Store     Store
	Providers map[string]Provider
	Now       func() time.Time
}

func (s *Payments) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Payments) provider(name string) (Provider, error) {
	if p, ok := s.Providers[name]; ok {
		return p, nil
	}
	return nil, Errorf(KindInternal, "no provider %q is configured", name)
}

// Created is the result of Create.
type Created struct {
	Payment *Payment
	Token   string // a fresh next_url token, when the payer has pages to visit
	New     bool   // false when an Idempotency-Key replay returned an existing payment
}

// Create validates req against GOV.UK Pay's rules and the account's settings
// and stores the new payment. With an Idempotency-Key seen in the last 24
// hours it returns the payment that key created if the request is the same,
// and a P0191 conflict if it is not.
func (s *Payments) Create(ctx context.Context, acct *Account, req *CreatePaymentRequest) (*Created, error) {
	if err := req.checkSizes(); err != nil {
		return nil, err
	}
	if req.AuthorisationMode == "" {
		req.AuthorisationMode = ModeWeb
	}
	if err := req.checkReturnURL(); err != nil {
		return nil, err
	}
	if req.IdempotencyKey != "" {
		if c, err := s.replay(ctx, acct, req); c != nil || err != nil {
			return c, err
		}
	}
	if err := req.checkAccount(acct); err != nil {
		return nil, err
	}
	if err := s.checkAgreement(ctx, acct, req); err != nil {
		return nil, err
	}
	p := req.newPayment(acct)
	token := ""
	params := &PaymentInsertParams{Payment: p, IdempotencyKey: req.IdempotencyKey, RequestHash: req.RequestHash}
	if p.NeedsToken() {
		token = NewToken()
		params.TokenHash = HashToken(token)
	}
	if p.AuthorisationMode == ModeAgreement {
		params.Jobs = []Job{{Args: AgreementPaymentJob{PaymentID: p.ID}}}
	}
	err := InsertPayment(ctx, s.Store, params)
	if IsKind(err, KindConflict) && req.IdempotencyKey != "" {
		// Another request with the same key won the race: answer as a replay.
		if c, err := s.replay(ctx, acct, req); c != nil || err != nil {
			return c, err
		}
	}
	if err != nil {
		return nil, err
	}
	return &Created{Payment: p, Token: token, New: true}, nil
}

func (s *Payments) replay(ctx context.Context, acct *Account, req *CreatePaymentRequest) (*Created, error) {
	since := s.now().Add(-IdempotencyKeyLifetime)
	p, hash, err := s.Store.PaymentGetByIdempotencyKey(ctx, acct.ID, req.IdempotencyKey, since)
	if IsKind(err, KindNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if hash != req.RequestHash {
		return nil, &Error{Kind: KindConflict, Code: CodeIdempotencyKeyUsed, Message: msgIdempotencyUsed}
	}
	c := &Created{Payment: p}
	if p.NeedsToken() {
		if c.Token, err = s.IssueToken(ctx, p); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// HashToken returns the stored form of a next_url token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// IssueToken creates a fresh one-time token for p's next_url. GOV.UK Pay
// hands out a new one on every response that shows next_url.
func (s *Payments) IssueToken(ctx context.Context, p *Payment) (string, error) {
	token := NewToken()
	if err := s.Store.TokenInsert(ctx, p.ID, HashToken(token), s.now()); err != nil {
		return "", err
	}
	return token, nil
}

// UseToken spends a next_url token and returns the payment it opens: not
// found for an unknown token, conflict for one already used.
func (s *Payments) UseToken(ctx context.Context, token string) (*Payment, error) {
	id, err := s.Store.TokenUse(ctx, HashToken(token), s.now())
	if err != nil {
		return nil, err
	}
	return s.Store.PaymentGet(ctx, 0, id)
}

// Get returns one of the account's payments.
func (s *Payments) Get(ctx context.Context, accountID int64, id string) (*Payment, error) {
	if !ValidID(id) {
		return nil, ErrNotFound("payment")
	}
	return s.Store.PaymentGet(ctx, accountID, id)
}

// StateChange is one entry of a payment's public history.
type StateChange struct {
	State State
	At    time.Time
}

// History returns the payment's public history: one entry per distinct
// external state, at the time it was first reached, as GOV.UK Pay shows it.
func (s *Payments) History(ctx context.Context, accountID int64, id string) ([]StateChange, error) {
	if !ValidID(id) {
		return nil, ErrNotFound("payment")
	}
	events, err := s.Store.PaymentEvents(ctx, accountID, id)
	if err != nil {
		return nil, err
	}
	var out []StateChange
	seen := map[historyKey]bool{}
	for _, ev := range events {
		key, st, ok := historyEntry(ev)
		if !ok || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, StateChange{State: st, At: ev.At})
	}
	return out, nil
}

// Errors of cancel and capture, in GOV.UK Pay's wording.
var (
	errCancelFailed   = &Error{Kind: KindBadRequest, Code: CodeCancelFailed, Message: "Cancellation of payment failed"}
	errCancelConflict = &Error{Kind: KindConflict, Code: CodeCancelConflict, Message: "Cancellation of payment failed"}
	errCaptureRefused = &Error{Kind: KindConflict, Code: CodeCaptureNotPossible, Message: "Payment cannot be captured"}
)

// Cancel is the service cancelling an unfinished payment. A payment the
// provider has authorised is voided with the provider first.
func (s *Payments) Cancel(ctx context.Context, accountID int64, id string) error {
	p, err := s.Get(ctx, accountID, id)
	if err != nil {
		return err
	}
	if !p.Cancellable() {
		return errCancelFailed
	}
	authorised := p.Status.In(StatusAuthorisationSuccess, StatusAwaitingCaptureRequest,
		StatusAuthorisation3DSRequired, StatusAuthorisation3DSReady)
	if !authorised {
		_, err = s.transition(ctx, accountID, id, StatusSystemCancelled, nil)
		return s.cancelError(ctx, accountID, id, err)
	}
	p, err = s.transition(ctx, accountID, id, StatusSystemCancelReady, nil)
	if err != nil {
		return s.cancelError(ctx, accountID, id, err)
	}
	return s.cancelWithProvider(ctx, p, StatusSystemCancelled, StatusSystemCancelError)
}

// cancelError turns a lost race into GOV.UK Pay's answers: 400 if the payment
// has meanwhile finished, 409 if it is busy (for example being authorised).
func (s *Payments) cancelError(ctx context.Context, accountID int64, id string, err error) error {
	var te *TransitionError
	if !errors.As(err, &te) {
		return err
	}
	p, gerr := s.Get(ctx, accountID, id)
	if gerr != nil {
		return gerr
	}
	if p.Cancellable() {
		return errCancelConflict
	}
	return errCancelFailed
}

// cancelWithProvider voids an authorisation and records the outcome.
func (s *Payments) cancelWithProvider(ctx context.Context, p *Payment, done, failed Status) error {
	prov, err := s.provider(p.Provider)
	if err != nil {
		return err
	}
	if perr := prov.Cancel(ctx, p); perr != nil {
		if _, err := s.transition(ctx, 0, p.ID, failed, nil); err != nil {
			return err
		}
		return &Error{Kind: KindProvider, Message: "the provider could not cancel the payment", Err: perr}
	}
	_, err = s.transition(ctx, 0, p.ID, done, nil)
	return err
}

// Capture is the service approving a delayed-capture payment. It is
// idempotent: a payment already approved or captured succeeds again.
func (s *Payments) Capture(ctx context.Context, accountID int64, id string) error {
	for attempt := 0; attempt < 2; attempt++ {
		p, err := s.Get(ctx, accountID, id)
		if err != nil {
			return err
		}
		switch {
		case p.Status.In(StatusCaptureApproved, StatusCaptureApprovedRetry, StatusCaptureReady,
			StatusCaptureSubmitted, StatusCaptured):
			return nil
		case p.Status != StatusAwaitingCaptureRequest:
			return errCaptureRefused
		}
		_, err = TransitionPayment(ctx, s.Store, &PaymentTransitionParams{
			AccountID: accountID, PaymentID: id, To: StatusCaptureApproved,
			Jobs: []Job{{Args: CaptureJob{PaymentID: id}}},
		})
		var te *TransitionError
		if !errors.As(err, &te) {
			return err
		}
		// The status moved under us (a concurrent capture or expiry): look again.
	}
	return errCaptureRefused
}

// ProcessCapture asks the provider to capture an approved payment. It is the
// capture job's body, safe to run again after a crash or a retry.
func (s *Payments) ProcessCapture(ctx context.Context, id string) error {
	p, err := TransitionPayment(ctx, s.Store, &PaymentTransitionParams{
		PaymentID: id, From: []Status{StatusCaptureApproved, StatusCaptureApprovedRetry}, To: StatusCaptureReady,
	})
	var te *TransitionError
	if errors.As(err, &te) {
		if te.From != StatusCaptureReady {
			return nil // already captured, or no longer capturable: nothing to do
		}
		// A previous attempt stopped after CAPTURE READY: ask the provider again.
		if p, err = s.Store.PaymentGet(ctx, 0, id); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	prov, err := s.provider(p.Provider)
	if err != nil {
		return err
	}
	res, perr := prov.Capture(ctx, p)
	if perr != nil {
		if _, err := s.transition(ctx, 0, id, StatusCaptureApprovedRetry, nil); err != nil {
			return err
		}
		return &Error{Kind: KindProvider, Message: "capture failed", Err: perr}
	}
	now := s.now()
	if res.Pending {
		_, err = s.transition(ctx, 0, id, StatusCaptureSubmitted, func(p *Payment) { p.CaptureSubmittedAt = &now })
		return err
	}
	_, err = TransitionPayment(ctx, s.Store, &PaymentTransitionParams{PaymentID: id, To: StatusCaptured,
		Update: func(p *Payment) {
			p.CaptureSubmittedAt = &now
			p.CapturedAt = &now
		},
		Jobs: disputeJobs(prov, p, now),
	})
	return err
}

// AbandonCapture records that capture failed for good.
func (s *Payments) AbandonCapture(ctx context.Context, id string) error {
	_, err := TransitionPayment(ctx, s.Store, &PaymentTransitionParams{
		PaymentID: id, From: []Status{StatusCaptureApproved, StatusCaptureApprovedRetry, StatusCaptureReady},
		To: StatusCaptureError,
	})
	return err
}

func (s *Payments) transition(ctx context.Context, accountID int64, id string, to Status, update func(*Payment)) (*Payment, error) {
	return TransitionPayment(ctx, s.Store, &PaymentTransitionParams{AccountID: accountID, PaymentID: id, To: to, Update: update})
}
