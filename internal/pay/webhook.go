package pay

import (
	"context"
	"encoding/json"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// WebhookEvent is an event a webhook subscribes to, in GOV.UK Pay's words.
type WebhookEvent string

const (
	WebhookPaymentSucceeded WebhookEvent = "card_payment_succeeded"
	WebhookPaymentCaptured  WebhookEvent = "card_payment_captured"
	WebhookPaymentRefunded  WebhookEvent = "card_payment_refunded"
	WebhookPaymentFailed    WebhookEvent = "card_payment_failed"
	WebhookPaymentExpired   WebhookEvent = "card_payment_expired"
)

// WebhookEvents lists every event a webhook may subscribe to, in the order
// the admin site shows them.
var WebhookEvents = []WebhookEvent{
	WebhookPaymentSucceeded, WebhookPaymentCaptured, WebhookPaymentRefunded, WebhookPaymentFailed, WebhookPaymentExpired,
}

// webhookEventOf maps the payment events that produce webhook messages to
// their webhook event, as GOV.UK Pay's webhooks service does.
var webhookEventOf = map[EventType]WebhookEvent{
	EventUserApprovedForCapture:            WebhookPaymentSucceeded,
	EventServiceApprovedForCapture:         WebhookPaymentSucceeded,
	EventQueuedForCapture:                  WebhookPaymentSucceeded,
	EventCaptureConfirmed:                  WebhookPaymentCaptured,
	EventRefundSucceeded:                   WebhookPaymentRefunded,
	EventAuthorisationRejected:             WebhookPaymentFailed,
	EventAuthorisationCancelled:            WebhookPaymentFailed,
	EventGatewayErrorDuringAuthorisation:   WebhookPaymentFailed,
	EventGatewayTimeoutDuringAuthorisation: WebhookPaymentFailed,
	EventUnexpectedGatewayErrorDuringAuth:  WebhookPaymentFailed,
	EventCancelledByExternalService:        WebhookPaymentFailed,
	EventCancelledByUser:                   WebhookPaymentFailed,
	EventCancelledByExpiration:             WebhookPaymentExpired,
	EventPaymentExpired:                    WebhookPaymentExpired,
}

// WebhookStatus says whether a webhook is sent messages.
type WebhookStatus string

const (
	WebhookActive   WebhookStatus = "active"
	WebhookInactive WebhookStatus = "inactive"
)

// Webhook is a service's subscription to an account's payment events: each
// event it subscribes to is sent, signed with Secret, to CallbackURL.
type Webhook struct {
	ID          string
	AccountID   int64
	CallbackURL string
	Description string
	Events      []WebhookEvent
	Secret      string
	Status      WebhookStatus
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Subscribes reports whether the webhook wants events of kind e.
func (w *Webhook) Subscribes(e WebhookEvent) bool { return slices.Contains(w.Events, e) }

// MessageStatus is how the delivery of a webhook message went, as GOV.UK Pay
// names it: the last attempt's outcome.
type MessageStatus string

const (
	MessagePending     MessageStatus = "pending"       // no attempt yet
	MessageSuccessful  MessageStatus = "successful"    // the receiver answered 2xx
	MessageFailed      MessageStatus = "failed"        // the last attempt failed; NextAttemptAt says if another follows
	MessageWillNotSend MessageStatus = "will_not_send" // the webhook was deactivated before delivery
)

// WebhookMessage is one event for one webhook. It is stored with the change
// that causes it; Body is the exact JSON sent, fixed at the first attempt
// so that every attempt (and its signature) is the same.
type WebhookMessage struct {
	ID            string
	WebhookID     string
	AccountID     int64
	PaymentID     string
	EventType     WebhookEvent
	Status        MessageStatus
	Attempts      int
	NextAttemptAt *time.Time // when the next automatic attempt is due; nil when none is
	Body          string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// WebhookAttempt is one try to deliver a message.
type WebhookAttempt struct {
	MessageID  string
	Number     int           // from 1
	Status     MessageStatus // successful, failed or will_not_send
	StatusCode int           // the receiver's HTTP status; 0 if it gave none
	Error      string        // why it failed without a status (timeout, connection)
	Duration   time.Duration
	At         time.Time
}

// WebhookJob makes attempt number Attempt of a message. Manual jobs are
// resends asked for by a person: they go even to a message that succeeded.
type WebhookJob struct {
	MessageID string `json:"message_id"`
	Attempt   int    `json:"attempt"`
	Manual    bool   `json:"manual,omitempty"`
}

func (WebhookJob) Kind() string { return "send_webhook" }

// Queue puts webhook deliveries in their own queue, so slow receivers take
// only that queue's workers and never delay payments' own jobs.
func (WebhookJob) Queue() string { return WebhookQueue }

// WebhookQueue is the job queue of webhook deliveries.
const WebhookQueue = "webhooks"

// WebhookCleanupJob deletes webhook messages older than WebhookRetention.
type WebhookCleanupJob struct{}

func (WebhookCleanupJob) Kind() string { return "cleanup_webhook_messages" }

// Webhook delivery rules, GOV.UK Pay's.
const (
	WebhookTimeout        = 3 * time.Second
	WebhookRetention      = 7 * 24 * time.Hour
	WebhookDescriptionMax = 50
	webhookLease          = 30 * time.Second // longer than an attempt takes; a dead sender's lease runs out
)

// webhookRetries is how long after failure number n (from 1) the next
// attempt waits; after the last failure there is none: 6 attempts in all.
var webhookRetries = []time.Duration{time.Minute, 5 * time.Minute, time.Hour, 24 * time.Hour, 48 * time.Hour}

// WebhookRetryAfter returns the wait after failure number n (from 1), and
// false when no attempt follows it.
func WebhookRetryAfter(n int) (time.Duration, bool) {
	if n < 1 || n > len(webhookRetries) {
		return 0, false
	}
	return webhookRetries[n-1], true
}

// WebhookStore is the part of Store that keeps webhooks, their messages
// and attempts. Messages are inserted only with the change that causes them
// (Tx.WebhookMessageInsert), and change with their attempts (Tx).
type WebhookStore interface {
	// WebhookInsert stores a new webhook; conflict if its id is taken.
	WebhookInsert(ctx context.Context, w *Webhook) error
	// WebhookUpdate stores a webhook's URL, description, events, secret,
	// status and UpdatedAt; not found if the account has no such webhook.
	WebhookUpdate(ctx context.Context, w *Webhook) error
	// WebhookDelete removes a webhook of the account with its messages; not
	// found if there is none.
	WebhookDelete(ctx context.Context, accountID int64, id string) error
	// WebhookGet returns a webhook of the account (any account for 0); not
	// found if there is none.
	WebhookGet(ctx context.Context, accountID int64, id string) (*Webhook, error)
	// WebhookList returns the account's webhooks (every one for 0), oldest first.
	WebhookList(ctx context.Context, accountID int64) ([]*Webhook, error)
	// WebhookMessageGet returns a message of the account (any for 0); not
	// found if there is none.
	WebhookMessageGet(ctx context.Context, accountID int64, id string) (*WebhookMessage, error)
	// WebhookMessageList returns a webhook's latest messages, newest first.
	WebhookMessageList(ctx context.Context, params *WebhookMessageListParams) ([]*WebhookMessage, error)
	// WebhookMessageClaim takes a message for one attempt: it sets the
	// lease until the given time if the message has made exactly attempts
	// attempts and no lease is held at now. It reports whether it did: of
	// any number of senders, on any instances, one holds a message at a time.
	WebhookMessageClaim(ctx context.Context, id string, attempts int, now, until time.Time) (bool, error)
	// WebhookAttemptList returns a message's attempts, first first.
	WebhookAttemptList(ctx context.Context, messageID string) ([]*WebhookAttempt, error)
	// WebhookCleanup deletes messages created before the given time, and
	// their attempts, and reports how many messages went.
	WebhookCleanup(ctx context.Context, before time.Time) (int, error)
}

// WebhookMessageListParams selects a webhook's messages.
type WebhookMessageListParams struct {
	AccountID int64
	WebhookID string
	Status    MessageStatus // "" for every status
	Limit     int
}

// insertWebhookMessages stores a message for each active webhook of the
// payment's account subscribed to the event's webhook event, if it has one,
// and enqueues its first attempt, in tx: there is no event without its
// messages, and no message without its event.
func insertWebhookMessages(ctx context.Context, tx Tx, accountID int64, ev *Event) error {
	kind, ok := webhookEventOf[ev.Type]
	if !ok {
		return nil
	}
	hooks, err := tx.WebhookListSubscribed(ctx, accountID, kind)
	if err != nil {
		return err
	}
	jobs := make([]Job, 0, len(hooks))
	for _, w := range hooks {
		m := &WebhookMessage{ID: NewID(), WebhookID: w.ID, AccountID: accountID, PaymentID: ev.PaymentID,
			EventType: kind, Status: MessagePending, CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
		if err := tx.WebhookMessageInsert(ctx, m); err != nil {
			return err
		}
		jobs = append(jobs, Job{Args: WebhookJob{MessageID: m.ID, Attempt: 1}})
	}
	return tx.JobInsert(ctx, jobs)
}

// WebhookBody is the JSON GOV.UK Pay sends for a message: resource is the
// payment as the API shows it, without its links.
func WebhookBody(m *WebhookMessage, resource json.RawMessage) ([]byte, error) {
	return json.Marshal(struct {
		MessageID    string          `json:"webhook_message_id"`
		CreatedDate  string          `json:"created_date"`
		ResourceID   string          `json:"resource_id"`
		APIVersion   int             `json:"api_version"`
		ResourceType string          `json:"resource_type"`
		EventType    WebhookEvent    `json:"event_type"`
		Resource     json.RawMessage `json:"resource"`
	}{m.ID, m.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z"), m.PaymentID, 1, "payment", m.EventType, resource})
}

// NewWebhookSecret returns a fresh signing secret, GOV.UK Pay's shape.
func NewWebhookSecret(live bool) string {
	if live {
		return "webhook_live_" + NewID()
	}
	return "webhook_test_" + NewID()
}

// CheckCallbackURL checks a callback URL by GOV.UK Pay's rules: a valid
// https URL whose host is a domain name. On sandbox accounts (live false)
// http://localhost and http://127.0.0.1 are allowed too, so a developer
// can receive events on their own machine. Invalid, with the field
// "callback_url" and the reason, if not.
func CheckCallbackURL(raw string, live bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Hostname() == "" || !utf8.ValidString(raw) || u.User != nil {
		return callbackErr("Enter a valid callback URL, like https://www.example.com/webhooks")
	}
	host := u.Hostname()
	if !live && u.Scheme == "http" && (host == "localhost" || host == "127.0.0.1") {
		return nil
	}
	if u.Scheme != "https" {
		return callbackErr("Callback URL must use HTTPS protocol")
	}
	if net.ParseIP(host) != nil || !strings.Contains(host, ".") {
		return callbackErr("Callback URL must be a domain name, not an IP address")
	}
	return nil
}

func callbackErr(msg string) error {
	return &Error{Kind: KindInvalid, Field: "callback_url", Message: msg}
}

// checkWebhook checks what a person entered for a webhook.
func checkWebhook(w *Webhook, live bool) error {
	if err := CheckCallbackURL(w.CallbackURL, live); err != nil {
		return err
	}
	if utf8.RuneCountInString(w.Description) > WebhookDescriptionMax || strings.ContainsRune(w.Description, 0) {
		return &Error{Kind: KindInvalid, Field: "description", Message: "Description must be 50 characters or fewer"}
	}
	if len(w.Events) == 0 {
		return &Error{Kind: KindInvalid, Field: "events", Message: "Select at least one event"}
	}
	for _, e := range w.Events {
		if !slices.Contains(WebhookEvents, e) {
			return &Error{Kind: KindInvalid, Field: "events", Message: "Unknown event " + string(e)}
		}
	}
	return nil
}

// orderEvents returns events without repeats, in WebhookEvents' order, so
// a webhook's events read the same however they were given.
func orderEvents(events []WebhookEvent) []WebhookEvent {
	out := slices.Clone(events)
	slices.SortFunc(out, func(a, b WebhookEvent) int {
		return slices.Index(WebhookEvents, a) - slices.Index(WebhookEvents, b)
	})
	return slices.Compact(out)
}

// ParseWebhookEvents reads a comma-separated list of events.
func ParseWebhookEvents(s string) []WebhookEvent {
	var out []WebhookEvent
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part != "" && !slices.Contains(out, WebhookEvent(part)) {
			out = append(out, WebhookEvent(part))
		}
	}
	return out
}
