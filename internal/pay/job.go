package pay

import "time"

// JobArgs is the payload of a background job. Kind must never change once
// jobs of that kind may be queued: it is how a later release finds the worker.
// Every kind is declared in this file, so they are seen together.
type JobArgs interface {
	Kind() string
}

// Job is a background job to enqueue in the same transaction as the change
// that causes it, so that it runs exactly when that change commits.
type Job struct {
	Args        JobArgs
	ScheduledAt time.Time // zero: as soon as possible
}

// CaptureJob asks the provider to capture an approved payment.
type CaptureJob struct {
	PaymentID string `json:"payment_id"`
}

func (CaptureJob) Kind() string { return "capture_payment" }

// CleanupJob deletes idempotency keys and payment tokens that have expired.
type CleanupJob struct{}

func (CleanupJob) Kind() string { return "cleanup" }

// ExpiryJob expires payments that were not finished in time.
type ExpiryJob struct{}

func (ExpiryJob) Kind() string { return "expire_payments" }

// AgreementPaymentJob authorises a payment on an agreement's saved card.
type AgreementPaymentJob struct {
	PaymentID string `json:"payment_id"`
}

func (AgreementPaymentJob) Kind() string { return "authorise_agreement_payment" }

// RefundJob asks the provider to pay a refund back.
type RefundJob struct {
	RefundID string `json:"refund_id"`
}

func (RefundJob) Kind() string { return "refund_payment" }

// DisputeJob moves a simulated dispute of a payment one step on. From is the
// status the step starts from; "" opens the dispute.
type DisputeJob struct {
	PaymentID string        `json:"payment_id"`
	From      DisputeStatus `json:"from"`
}

func (DisputeJob) Kind() string { return "simulate_dispute" }
