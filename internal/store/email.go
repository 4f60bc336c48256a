package store

import (
	"strings"

	"pay/internal/pay"
)

// EmailColumns lists the emails table's columns in the order ScanEmail
// reads them and EmailArgs writes them.
var EmailColumns = []string{
	"id", "account_id", "payment_id", "refund_id", "kind", "recipient", "status", "attempts", "error",
	"subject", "body_text", "body_html", "created_at", "updated_at", "sent_at",
}

// EmailSelect is the column list for SELECTs.
var EmailSelect = strings.Join(EmailColumns, ", ")

// EmailUpdateColumns are the columns EmailUpdate writes, in
// EmailUpdateArgs order.
var EmailUpdateColumns = []string{"status", "attempts", "error", "subject", "body_text", "body_html", "updated_at", "sent_at"}

// ScanEmail reads one row of EmailColumns.
func ScanEmail(scan func(dest ...any) error, c Codec) (*pay.Email, error) {
	var e pay.Email
	err := scan(&e.ID, &e.AccountID, &e.PaymentID, &e.RefundID, &e.Kind, &e.To, &e.Status, &e.Attempts, &e.Error,
		&e.Subject, &e.Text, &e.HTML, c.Time(&e.CreatedAt), c.Time(&e.UpdatedAt), c.NullTime(&e.SentAt))
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// EmailArgs returns e's values in EmailColumns order.
func EmailArgs(e *pay.Email, c Codec) []any {
	return append([]any{e.ID, e.AccountID, e.PaymentID, e.RefundID, string(e.Kind), e.To, string(e.Status), e.Attempts, e.Error,
		e.Subject, e.Text, e.HTML, c.TimeArg(e.CreatedAt)}, EmailUpdateArgs(e, c)[6:]...)
}

// EmailUpdateArgs returns e's values in EmailUpdateColumns order.
func EmailUpdateArgs(e *pay.Email, c Codec) []any {
	return []any{string(e.Status), e.Attempts, e.Error, e.Subject, e.Text, e.HTML, c.TimeArg(e.UpdatedAt), c.NullTimeArg(e.SentAt)}
}
