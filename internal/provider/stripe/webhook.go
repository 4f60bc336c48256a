package stripe

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	stripe "github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"pay/internal/pay"
)

// LiveAccounts finds a service's live account and its credentials.
type LiveAccounts interface {
	// LiveCredentials returns the service's live account and credentials;
	// an error if it has none.
	LiveCredentials(ctx context.Context, serviceID int64) (*pay.Account, pay.Credentials, error)
}

// EventRecorder applies what Stripe reports to Pay's records.
type EventRecorder interface {
	RecordProviderEvent(ctx context.Context, ev *pay.ProviderEvent) error
}

// WebhookTolerance is how old a signed event may be; older ones are
// refused, so a captured delivery cannot be replayed later.
const WebhookTolerance = 5 * time.Minute

// maxEventSize bounds what Pay reads of a delivery (Stripe's are a few kB).
const maxEventSize = 1 << 20

// Webhook receives Stripe's events for the live account of the service
// named in the path: POST /webhooks/stripe/{service}. The path names the
// service, not the account, so that it is known before the service goes
// live, when the webhook and its signing secret are made in Stripe. It
// answers 400 to an event that is not signed with the account's signing
// secret or is older than WebhookTolerance, 404 for a service without a
// live account, 200 to an event applied or of no interest to Pay, and 500
// when it could not be applied now (Stripe sends it again).
type Webhook struct {
	Provider *Provider
	Accounts LiveAccounts
	Events   EventRecorder
	Logger   *slog.Logger
}

func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	serviceID, err := strconv.ParseInt(r.PathValue("service"), 10, 64)
	if err != nil {
		http.Error(w, "unknown service", http.StatusNotFound)
		return
	}
	acct, creds, err := h.Accounts.LiveCredentials(r.Context(), serviceID)
	if err != nil || creds.StripeWebhookSecret == "" {
		http.Error(w, "no live account", http.StatusNotFound)
		return
	}
	accountID := acct.ID
	payload, err := io.ReadAll(io.LimitReader(r.Body, maxEventSize))
	if err != nil {
		http.Error(w, "could not read the event", http.StatusBadRequest)
		return
	}
	event, err := webhook.ConstructEventWithOptions(payload, r.Header.Get("Stripe-Signature"), creds.StripeWebhookSecret,
		webhook.ConstructEventOptions{Tolerance: WebhookTolerance, IgnoreAPIVersionMismatch: true})
	if err != nil {
		http.Error(w, "the event is not signed with this account's signing secret, or is too old", http.StatusBadRequest)
		return
	}
	if err := h.record(r.Context(), accountID, &event); err != nil {
		h.logger().Error("stripe event not applied", "account", accountID, "event", event.ID, "type", event.Type, "err", err)
		http.Error(w, "the event could not be applied now", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (h *Webhook) logger() *slog.Logger {
	if h.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Logger
}

// record translates the event and applies it; events Pay does not follow,
// or about payments that are not Pay's, are ignored.
func (h *Webhook) record(ctx context.Context, accountID int64, event *stripe.Event) error {
	ev, err := h.translate(ctx, accountID, event)
	if err != nil || ev == nil {
		return err
	}
	ev.AccountID = accountID
	err = h.Events.RecordProviderEvent(ctx, ev)
	if pay.IsKind(err, pay.KindNotFound) {
		return nil // not one of this account's payments (made outside Pay)
	}
	return err
}

// translate reads the event into Pay's terms; nil for events Pay ignores.
func (h *Webhook) translate(ctx context.Context, accountID int64, event *stripe.Event) (*pay.ProviderEvent, error) {
	switch event.Type {
	case "payment_intent.succeeded":
		var pi stripe.PaymentIntent
		if err := json.Unmarshal(event.Data.Raw, &pi); err != nil {
			return nil, err
		}
		return &pay.ProviderEvent{Kind: pay.ProviderCaptureConfirmed, PaymentID: pi.Metadata["pay_payment_id"]}, nil
	case "refund.updated", "refund.failed", "charge.refund.updated":
		return refundEvent(event.Data.Raw)
	case "charge.dispute.created", "charge.dispute.updated", "charge.dispute.closed":
		return h.disputeEvent(ctx, accountID, event.Data.Raw)
	}
	return nil, nil
}

// refundEvent reads a refund that has finished at Stripe.
func refundEvent(raw json.RawMessage) (*pay.ProviderEvent, error) {
	var ref stripe.Refund
	if err := json.Unmarshal(raw, &ref); err != nil {
		return nil, err
	}
	ev := &pay.ProviderEvent{PaymentID: ref.Metadata["pay_payment_id"], RefundID: ref.Metadata["pay_refund_id"]}
	switch ref.Status {
	case stripe.RefundStatusSucceeded:
		ev.Kind = pay.ProviderRefundSucceeded
	case stripe.RefundStatusFailed, stripe.RefundStatusCanceled:
		ev.Kind = pay.ProviderRefundFailed
	default:
		return nil, nil // still pending
	}
	return ev, nil
}

// disputeEvent reads a dispute. Stripe's dispute names the payment intent
// but not Pay's payment, so the intent is read for its metadata.
func (h *Webhook) disputeEvent(ctx context.Context, accountID int64, raw json.RawMessage) (*pay.ProviderEvent, error) {
	var d stripe.Dispute
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, err
	}
	ev := &pay.ProviderEvent{Reason: string(d.Reason)}
	switch d.Status {
	case stripe.DisputeStatusWon:
		ev.Kind = pay.ProviderDisputeWon
	case stripe.DisputeStatusLost:
		ev.Kind, ev.Fee = pay.ProviderDisputeLost, disputeFee(&d)
	case stripe.DisputeStatusUnderReview:
		ev.Kind = pay.ProviderDisputeUnderReview
	case stripe.DisputeStatusNeedsResponse, stripe.DisputeStatusWarningNeedsResponse:
		ev.Kind = pay.ProviderDisputeOpened
	default:
		return nil, nil
	}
	if d.EvidenceDetails != nil {
		ev.EvidenceDueAt = time.Unix(d.EvidenceDetails.DueBy, 0).UTC()
	}
	if d.PaymentIntent == nil {
		return nil, nil // a charge made outside Pay
	}
	var pi *stripe.PaymentIntent
	err := h.Provider.call(ctx, accountID, "read disputed payment", func(c *stripe.Client) (err error) {
		pi, err = c.V1PaymentIntents.Retrieve(ctx, d.PaymentIntent.ID, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	ev.PaymentID = pi.Metadata["pay_payment_id"]
	return ev, nil
}

// disputeFee is Stripe's dispute fee: the fees of the dispute's balance
// transactions.
func disputeFee(d *stripe.Dispute) *int64 {
	var fee int64
	for _, bt := range d.BalanceTransactions {
		fee += bt.Fee
	}
	return &fee
}

// WebhookPath is where Pay receives the Stripe events of a service's live
// account.
func WebhookPath(serviceID int64) string { return fmt.Sprintf("/webhooks/stripe/%d", serviceID) }
