package pay

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"
)

// Amount limits, in pence.
const (
	MaxAmount           = 10_000_000
	StripeMinimumAmount = 30
)

// AuthorisationMode says how a payment will be authorised.
type AuthorisationMode string

const (
	ModeWeb       AuthorisationMode = "web"       // the payer enters card details on Pay's pages
	ModeMotoAPI   AuthorisationMode = "moto_api"  // the service sends card details to POST /v1/auth
	ModeAgreement AuthorisationMode = "agreement" // charged to an agreement's saved card, payer not present
)

// Language is the language of the payer's pages and emails.
type Language string

const (
	LanguageEnglish Language = "en"
	LanguageWelsh   Language = "cy"
)

// Source says what created a payment.
type Source string

const (
	SourceAPI                Source = "CARD_API"
	SourcePaymentLink        Source = "CARD_PAYMENT_LINK"
	SourceAgentInitiatedMoto Source = "CARD_AGENT_INITIATED_MOTO"
)

// AgreementPaymentType is why a payment on an agreement is taken.
type AgreementPaymentType string

const (
	AgreementInstalment  AgreementPaymentType = "instalment"
	AgreementRecurring   AgreementPaymentType = "recurring"
	AgreementUnscheduled AgreementPaymentType = "unscheduled"
)

// Address is a billing address.
type Address struct {
	Line1    string `json:"line1,omitempty"`
	Line2    string `json:"line2,omitempty"`
	City     string `json:"city,omitempty"`
	Postcode string `json:"postcode,omitempty"`
	Country  string `json:"country,omitempty"` // ISO 3166-1 alpha-2
}

// IsZero reports whether no part of the address is set.
func (a Address) IsZero() bool { return a == Address{} }

// CardDetails is what Pay keeps of a card: never the full number or the CVC.
type CardDetails struct {
	FirstDigits    string  `json:"first_digits,omitempty"` // first 6 digits
	LastDigits     string  `json:"last_digits,omitempty"`  // last 4 digits
	CardholderName string  `json:"cardholder_name,omitempty"`
	ExpiryDate     string  `json:"expiry_date,omitempty"` // MM/YY
	Brand          string  `json:"brand,omitempty"`       // brand id, e.g. "visa"; see CardTypes
	CardType       string  `json:"card_type,omitempty"`   // "debit", "credit" or ""
	BillingAddress Address `json:"billing_address"`
	WalletType     string  `json:"wallet_type,omitempty"`
}

// IsZero reports whether nothing is known of the card yet.
func (c CardDetails) IsZero() bool { return c == CardDetails{} }

// Payment is a card payment. Status is its internal status; State() gives
// what the public API shows.
type Payment struct {
	ID                   string
	AccountID            int64
	Amount               int64
	Reference            string
	Description          string
	ReturnURL            string
	Email                string
	Language             Language
	DelayedCapture       bool
	Moto                 bool
	AuthorisationMode    AuthorisationMode
	Source               Source
	Metadata             Metadata
	Status               Status
	Provider             string // "sandbox" or "stripe"
	ProviderID           string // the provider's transaction id, once it has one
	Card                 CardDetails
	AgreementID          string // the agreement this payment sets up or is charged to
	SetUpAgreement       bool   // the card is saved to AgreementID when the payment succeeds
	AgreementPaymentType AgreementPaymentType
	ThreeDSRequired      bool
	CanRetry             *bool // set on failed agreement payments
	CorporateSurcharge   int64
	Fee                  *int64
	RefundedAmount       int64 // refunds submitted or done, not in error
	CreatedAt            time.Time
	UpdatedAt            time.Time
	CaptureSubmittedAt   *time.Time
	CapturedAt           *time.Time
	SettledAt            *time.Time
	DisputeStatus        DisputeStatus // of the payment's dispute; "" if it has none
}

// State returns the external state.
func (p *Payment) State() State { return p.Status.State() }

// TotalAmount is what the payer pays: the amount plus any corporate card surcharge.
func (p *Payment) TotalAmount() int64 { return p.Amount + p.CorporateSurcharge }

// Cancellable reports whether the service may cancel the payment now.
func (p *Payment) Cancellable() bool {
	return p.Status.In(StatusCreated, StatusEnteringCardDetails, StatusAuthorisationReady,
		StatusAuthorisation3DSRequired, StatusAuthorisation3DSReady, StatusAuthorisationSuccess,
		StatusAwaitingCaptureRequest)
}

// AwaitingCapture reports whether the payment waits for the service to capture it.
func (p *Payment) AwaitingCapture() bool { return p.Status == StatusAwaitingCaptureRequest }

// NeedsPayer reports whether the payer still has to act on Pay's pages, which
// is when the API hands out a next_url.
func (p *Payment) NeedsPayer() bool {
	return !p.Status.Finished() && !p.AwaitingCapture() && p.AuthorisationMode == ModeWeb
}

// NeedsAuthToken reports whether the service still has to send the card
// details to POST /v1/auth (a moto_api payment not yet authorised).
func (p *Payment) NeedsAuthToken() bool {
	return p.AuthorisationMode == ModeMotoAPI && p.Status == StatusCreated
}

// NeedsToken reports whether answers about the payment carry a fresh
// one-time token: for next_url, or for POST /v1/auth.
func (p *Payment) NeedsToken() bool { return p.NeedsPayer() || p.NeedsAuthToken() }

// ShowsCancelLink reports whether the API offers the cancel link.
func (p *Payment) ShowsCancelLink() bool {
	return !p.Status.Finished() && p.AuthorisationMode != ModeAgreement
}

// Refund summary statuses.
const (
	RefundPending      = "pending"
	RefundAvailable    = "available"
	RefundFull         = "full"
	RefundUnavailable  = "unavailable"
	RefundNotAvailable = "amount_not_available"
)

// RefundSummary says how much of a payment can still be refunded.
type RefundSummary struct {
	Status          string
	AmountAvailable int64
	AmountSubmitted int64
}

// RefundSummary derives the refund availability from the status and the
// refunds so far, as GOV.UK Pay's connector does.
func (p *Payment) RefundSummary() RefundSummary {
	available := p.TotalAmount() - p.RefundedAmount
	rs := RefundSummary{AmountAvailable: available, AmountSubmitted: p.RefundedAmount}
	switch {
	case p.Status.In(StatusCreated, StatusEnteringCardDetails, StatusAuthorisationReady,
		StatusAuthorisation3DSRequired, StatusAuthorisation3DSReady, StatusAuthorisationSubmitted,
		StatusAuthorisationSuccess, StatusCaptureReady, StatusCaptureApproved, StatusCaptureApprovedRetry,
		StatusCaptureSubmitted, StatusCaptureQueued, StatusAwaitingCaptureRequest,
		StatusAuthorisationUserNotPresentQd):
		rs.Status = RefundPending
	case p.Status == StatusCaptured && p.DisputeStatus.BlocksRefunds():
		rs.Status = RefundUnavailable
	case p.Status == StatusCaptured && available > 0:
		rs.Status = RefundAvailable
	case p.Status == StatusCaptured:
		rs.Status = RefundFull
	default:
		rs.Status = RefundUnavailable
	}
	return rs
}

// Event is one entry of a payment's history. Every status change appends one,
// in the same transaction as the change.
type Event struct {
	PaymentID string
	Type      EventType
	Status    Status // the status the payment entered
	Amount    int64  // for refund events; 0 otherwise
	RefundID  string // for refund events; "" otherwise
	At        time.Time
}

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
	params := &PaymentInsertParams{Payment: p, IdempotencyKey: req.IdempotencyKey, RequestHash: req.RequestHash, Link: req.Link}
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
	return s.Store.TokenUse(ctx, HashToken(token), s.now())
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
// capture job's body, safe to run again after a crash or a retry. The
// payer's confirmation email, when one is due, is stored and enqueued with
// the CAPTURED status, so exactly one is sent.
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
	emails, err := s.emailsFor(ctx, p, EmailPaymentConfirmed, "")
	if err != nil {
		return err
	}
	_, err = TransitionPayment(ctx, s.Store, &PaymentTransitionParams{PaymentID: id, To: StatusCaptured,
		Update: func(p *Payment) {
			p.CaptureSubmittedAt = &now
			p.CapturedAt = &now
			if res.Fee != nil {
				p.Fee = res.Fee
			}
		},
		Jobs:   disputeJobs(prov, p, now),
		Emails: emails,
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
