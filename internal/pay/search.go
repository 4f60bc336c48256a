package pay

import "time"

// Search page sizes.
const (
	DefaultDisplaySize = 500
	MaxDisplaySize     = 500
)

// PaymentSearch filters one account's payments. Empty fields do not filter.
type PaymentSearch struct {
	AccountID      int64
	Reference      string   // exact, ignoring case
	Email          string   // part of the email, ignoring case
	Statuses       []Status // any of these internal statuses
	CardBrand      string   // brand id or label, ignoring case
	CardholderName string   // part of the name, ignoring case
	FirstDigits    string
	LastDigits     string
	AgreementID    string
	FromDate       *time.Time // created at or after
	ToDate         *time.Time // created before
	FromSettled    *time.Time // settled on or after this day
	ToSettled      *time.Time // settled on or before this day
	Page           int        // from 1
	DisplaySize    int

	// The admin site's filters, which the API does not offer.

	// CardBrands matches any of these brand ids.
	CardBrands []string
}

// Offset returns the number of rows before the page.
func (s *PaymentSearch) Offset() int { return (s.Page - 1) * s.DisplaySize }

// PaymentPage is one page of search results, newest first.
type PaymentPage struct {
	Payments []*Payment
	Total    int
}
