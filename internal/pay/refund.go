package pay

import "time"

// RefundStatus is a refund's internal status (GOV.UK Pay's connector).
type RefundStatus string

const (
	RefundCreated   RefundStatus = "CREATED"
	RefundSubmitted RefundStatus = "REFUND SUBMITTED"
	RefundSucceeded RefundStatus = "REFUNDED"
	RefundError     RefundStatus = "REFUND ERROR"
)

// External returns the refund status the API shows: submitted, success or error.
func (s RefundStatus) External() string {
	switch s {
	case RefundSucceeded:
		return "success"
	case RefundError:
		return "error"
	}
	return "submitted"
}

// Refund gives money back on a captured payment.
type Refund struct {
	ID              string
	PaymentID       string
	AccountID       int64
	Amount          int64
	Status          RefundStatus
	ProviderID      string
	CreatedBy       string // the admin user's email, for refunds made in the admin site
	CreatedByUserID int64  // and that user's id
	CreatedAt       time.Time
	SettledAt       *time.Time
}
