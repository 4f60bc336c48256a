package pay

import "time"

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
