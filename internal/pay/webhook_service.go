package pay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Webhooks is the domain's service for webhooks: people manage them
// through it, and the delivery job takes messages and records attempts
// through it.
type Webhooks struct {
	Store Store
	Now   func() time.Time
	// Resource renders a payment as the API shows it, without links: the
	// "resource" of a message's body.
	Resource func(ctx context.Context, p *Payment) (json.RawMessage, error)
}

func (s *Webhooks) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Create stores a new active webhook of the account with a fresh signing
// secret. Invalid (with the field) if the URL, description or events break
// the rules.
func (s *Webhooks) Create(ctx context.Context, acct *Account, callbackURL, description string, events []WebhookEvent) (*Webhook, error) {
	now := s.now()
	w := &Webhook{ID: NewID(), AccountID: acct.ID, CallbackURL: callbackURL, Description: description, Events: orderEvents(events),
		Secret: NewWebhookSecret(acct.IsLive()), Status: WebhookActive, CreatedAt: now, UpdatedAt: now}
	if err := checkWebhook(w, acct.IsLive()); err != nil {
		return nil, err
	}
	return w, s.Store.WebhookInsert(ctx, w)
}

// Edit changes a webhook's URL, description and events. Not found if the
// account has no such webhook; invalid as Create.
func (s *Webhooks) Edit(ctx context.Context, acct *Account, id, callbackURL, description string, events []WebhookEvent) (*Webhook, error) {
	return s.change(ctx, acct.ID, id, func(w *Webhook) error {
		w.CallbackURL, w.Description, w.Events = callbackURL, description, orderEvents(events)
		return checkWebhook(w, acct.IsLive())
	})
}

// SetActive activates or deactivates a webhook; a deactivated one is sent
// nothing, and its messages not yet delivered will not be sent. Not found
// if the account has no such webhook.
func (s *Webhooks) SetActive(ctx context.Context, accountID int64, id string, active bool) (*Webhook, error) {
	return s.change(ctx, accountID, id, func(w *Webhook) error {
		w.Status = WebhookInactive
		if active {
			w.Status = WebhookActive
		}
		return nil
	})
}

// RegenerateSecret gives a webhook a new signing secret; the old one stops
// signing at once. Not found if the account has no such webhook.
func (s *Webhooks) RegenerateSecret(ctx context.Context, acct *Account, id string) (*Webhook, error) {
	return s.change(ctx, acct.ID, id, func(w *Webhook) error {
		w.Secret = NewWebhookSecret(acct.IsLive())
		return nil
	})
}

// change reads a webhook, applies fn and stores it.
func (s *Webhooks) change(ctx context.Context, accountID int64, id string, fn func(*Webhook) error) (*Webhook, error) {
	w, err := s.Store.WebhookGet(ctx, accountID, id)
	if err != nil {
		return nil, err
	}
	if err := fn(w); err != nil {
		return nil, err
	}
	w.UpdatedAt = s.now()
	return w, s.Store.WebhookUpdate(ctx, w)
}

// Resend queues another attempt of a message at once, whatever its status.
// Not found if the account (any for 0) has no such message.
func (s *Webhooks) Resend(ctx context.Context, accountID int64, id string) error {
	m, err := s.Store.WebhookMessageGet(ctx, accountID, id)
	if err != nil {
		return err
	}
	job := Job{Args: WebhookJob{MessageID: m.ID, Attempt: m.Attempts + 1, Manual: true}}
	return s.Store.Update(ctx, func(tx Tx) error { return tx.JobInsert(ctx, []Job{job}) })
}

// Cleanup deletes messages older than WebhookRetention, with their attempts.
func (s *Webhooks) Cleanup(ctx context.Context) (int, error) {
	return s.Store.WebhookCleanup(ctx, s.now().Add(-WebhookRetention))
}

// Delivery is one attempt of a message, taken by Prepare: the message
// (with its Body), its webhook, and whether the callback may reach only
// public addresses (live accounts).
type Delivery struct {
	Message     *WebhookMessage
	Webhook     *Webhook
	Attempt     int
	Live        bool
	WillNotSend bool // the webhook is not active: record that, send nothing
}

// WebhookWaitError says a message's next attempt is not due yet.
type WebhookWaitError struct{ Wait time.Duration }

func (e *WebhookWaitError) Error() string { return fmt.Sprintf("webhook attempt due in %s", e.Wait) }

// ErrWebhookBusy says another sender holds the message.
var ErrWebhookBusy = errors.New("webhook message is being sent")

// Prepare takes the message of a job for its attempt. It returns nil, nil
// when the job has nothing to do (the attempt was made, or the message
// needs no more); a *WebhookWaitError when an automatic attempt is not due
// by the service's clock; ErrWebhookBusy when another sender holds the
// message. Not found if the message was deleted.
func (s *Webhooks) Prepare(ctx context.Context, job WebhookJob) (*Delivery, error) {
	m, err := s.Store.WebhookMessageGet(ctx, 0, job.MessageID)
	if err != nil || m.Attempts != job.Attempt-1 || (!job.Manual && m.Attempts > 0 && m.NextAttemptAt == nil) {
		return nil, err
	}
	now := s.now()
	if !job.Manual && m.NextAttemptAt != nil && now.Before(*m.NextAttemptAt) {
		return nil, &WebhookWaitError{Wait: m.NextAttemptAt.Sub(now)}
	}
	if ok, err := s.Store.WebhookMessageClaim(ctx, m.ID, m.Attempts, now, now.Add(webhookLease)); err != nil || !ok {
		return nil, cmpErr(err, ErrWebhookBusy)
	}
	return s.delivery(ctx, m, job.Attempt)
}

// delivery reads what a claimed message's attempt needs, and fixes its
// body on the first attempt.
func (s *Webhooks) delivery(ctx context.Context, m *WebhookMessage, attempt int) (*Delivery, error) {
	w, err := s.Store.WebhookGet(ctx, 0, m.WebhookID)
	if err != nil {
		return nil, err
	}
	acct, err := s.Store.AccountGet(ctx, m.AccountID)
	if err != nil {
		return nil, err
	}
	d := &Delivery{Message: m, Webhook: w, Attempt: attempt, Live: acct.IsLive(), WillNotSend: w.Status != WebhookActive}
	if m.Body != "" || d.WillNotSend {
		return d, nil
	}
	p, err := s.Store.PaymentGet(ctx, m.AccountID, m.PaymentID)
	if err != nil {
		return nil, err
	}
	res, err := s.Resource(ctx, p)
	if err != nil {
		return nil, err
	}
	body, err := WebhookBody(m, res)
	m.Body = string(body)
	return d, err
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// WebhookResult is how an attempt went: the receiver's status code, or the
// error that kept it from answering.
type WebhookResult struct {
	StatusCode int
	Err        string
	Duration   time.Duration
}

// Record stores an attempt, the message's new status and, after a failure
// with retries left, the job of the next attempt on GOV.UK Pay's schedule,
// in one transaction that also frees the message.
func (s *Webhooks) Record(ctx context.Context, d *Delivery, res *WebhookResult) error {
	now, m := s.now(), d.Message
	a := &WebhookAttempt{MessageID: m.ID, Number: d.Attempt, Status: MessageFailed, StatusCode: res.StatusCode,
		Error: res.Err, Duration: res.Duration, At: now}
	switch {
	case d.WillNotSend:
		a.Status, a.Error = MessageWillNotSend, "Webhook not active"
	case res.Err == "" && res.StatusCode >= 200 && res.StatusCode < 300:
		a.Status = MessageSuccessful
	}
	m.Status, m.Attempts, m.UpdatedAt, m.NextAttemptAt = a.Status, d.Attempt, now, nil
	var jobs []Job
	if wait, ok := WebhookRetryAfter(d.Attempt); ok && a.Status == MessageFailed {
		next := now.Add(wait)
		m.NextAttemptAt = &next
		jobs = []Job{{Args: WebhookJob{MessageID: m.ID, Attempt: d.Attempt + 1}, ScheduledAt: next}}
	}
	return s.Store.Update(ctx, func(tx Tx) error {
		if err := tx.WebhookAttemptInsert(ctx, a); err != nil {
			return err
		}
		if err := tx.WebhookMessageUpdate(ctx, m); err != nil {
			return err
		}
		return tx.JobInsert(ctx, jobs)
	})
}

// Release frees a message taken by Prepare without an attempt (the sender
// is busy with the webhook's other messages), keeping its body, so another
// sender may take it at once.
func (s *Webhooks) Release(ctx context.Context, d *Delivery) error {
	return s.Store.Update(ctx, func(tx Tx) error { return tx.WebhookMessageUpdate(ctx, d.Message) })
}
