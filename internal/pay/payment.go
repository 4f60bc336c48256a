package pay

import (
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
