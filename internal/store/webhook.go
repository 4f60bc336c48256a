package store

import (
	"strings"
	"time"

	"pay/internal/pay"
)

// WebhookColumns lists the webhooks table's columns in the order
// ScanWebhook reads them and WebhookArgs writes them.
var WebhookColumns = []string{"id", "account_id", "callback_url", "description", "events", "secret", "status", "created_at", "updated_at"}

// WebhookSelect is the column list for SELECTs.
var WebhookSelect = strings.Join(WebhookColumns, ", ")

// WebhookUpdateColumns are the columns WebhookUpdate writes, in
// WebhookUpdateArgs order.
var WebhookUpdateColumns = []string{"callback_url", "description", "events", "secret", "status", "updated_at"}

// ScanWebhook reads one row of WebhookColumns.
func ScanWebhook(scan func(dest ...any) error, c Codec) (*pay.Webhook, error) {
	var w pay.Webhook
	var events string
	if err := scan(&w.ID, &w.AccountID, &w.CallbackURL, &w.Description, &events, &w.Secret, &w.Status,
		c.Time(&w.CreatedAt), c.Time(&w.UpdatedAt)); err != nil {
		return nil, err
	}
	w.Events = pay.ParseWebhookEvents(events)
	return &w, nil
}

// WebhookArgs returns w's values in WebhookColumns order.
func WebhookArgs(w *pay.Webhook, c Codec) []any {
	return append([]any{w.ID, w.AccountID}, append(WebhookUpdateArgs(w, c)[:5], c.TimeArg(w.CreatedAt), c.TimeArg(w.UpdatedAt))...)
}

// WebhookUpdateArgs returns w's values in WebhookUpdateColumns order.
func WebhookUpdateArgs(w *pay.Webhook, c Codec) []any {
	events := make([]string, len(w.Events))
	for i, e := range w.Events {
		events[i] = string(e)
	}
	return []any{w.CallbackURL, w.Description, strings.Join(events, ","), w.Secret, string(w.Status), c.TimeArg(w.UpdatedAt)}
}

// WebhookMessageColumns lists the webhook_messages table's columns in the
// order ScanWebhookMessage reads them and WebhookMessageArgs writes them.
var WebhookMessageColumns = []string{"id", "webhook_id", "account_id", "payment_id", "event_type", "created_at",
	"status", "attempts", "next_attempt_at", "body", "updated_at"}

// WebhookMessageSelect is the column list for SELECTs.
var WebhookMessageSelect = strings.Join(WebhookMessageColumns, ", ")

// WebhookMessageUpdateColumns are the columns WebhookMessageUpdate writes,
// in WebhookMessageUpdateArgs order.
var WebhookMessageUpdateColumns = WebhookMessageColumns[6:]

// ScanWebhookMessage reads one row of WebhookMessageColumns.
func ScanWebhookMessage(scan func(dest ...any) error, c Codec) (*pay.WebhookMessage, error) {
	var m pay.WebhookMessage
	if err := scan(&m.ID, &m.WebhookID, &m.AccountID, &m.PaymentID, &m.EventType, c.Time(&m.CreatedAt),
		&m.Status, &m.Attempts, c.NullTime(&m.NextAttemptAt), &m.Body, c.Time(&m.UpdatedAt)); err != nil {
		return nil, err
	}
	return &m, nil
}

// WebhookMessageArgs returns m's values in WebhookMessageColumns order.
func WebhookMessageArgs(m *pay.WebhookMessage, c Codec) []any {
	return append([]any{m.ID, m.WebhookID, m.AccountID, m.PaymentID, string(m.EventType), c.TimeArg(m.CreatedAt)},
		WebhookMessageUpdateArgs(m, c)...)
}

// WebhookMessageUpdateArgs returns m's values in WebhookMessageUpdateColumns order.
func WebhookMessageUpdateArgs(m *pay.WebhookMessage, c Codec) []any {
	return []any{string(m.Status), m.Attempts, c.NullTimeArg(m.NextAttemptAt), m.Body, c.TimeArg(m.UpdatedAt)}
}

// WebhookAttemptColumns lists the webhook_attempts table's columns in the
// order ScanWebhookAttempt reads them and WebhookAttemptArgs writes them.
var WebhookAttemptColumns = []string{"message_id", "number", "status", "status_code", "error", "duration_ms", "at"}

// WebhookAttemptSelect is the column list for SELECTs.
var WebhookAttemptSelect = strings.Join(WebhookAttemptColumns, ", ")

// ScanWebhookAttempt reads one row of WebhookAttemptColumns.
func ScanWebhookAttempt(scan func(dest ...any) error, c Codec) (*pay.WebhookAttempt, error) {
	var a pay.WebhookAttempt
	var ms int64
	if err := scan(&a.MessageID, &a.Number, &a.Status, &a.StatusCode, &a.Error, &ms, c.Time(&a.At)); err != nil {
		return nil, err
	}
	a.Duration = time.Duration(ms) * time.Millisecond
	return &a, nil
}

// WebhookAttemptArgs returns a's values in WebhookAttemptColumns order.
func WebhookAttemptArgs(a *pay.WebhookAttempt, c Codec) []any {
	return []any{a.MessageID, a.Number, string(a.Status), a.StatusCode, a.Error, a.Duration.Milliseconds(), c.TimeArg(a.At)}
}
