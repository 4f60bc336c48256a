package admin

import (
	"net/http"
	"slices"
	"strconv"

	"pay/internal/pay"
)

// webhookEventLabels are the events as the webhook pages name them.
var webhookEventLabels = map[pay.WebhookEvent]string{
	pay.WebhookPaymentSucceeded: "Payment succeeded",
	pay.WebhookPaymentCaptured:  "Payment captured",
	pay.WebhookPaymentRefunded:  "Payment refunded",
	pay.WebhookPaymentFailed:    "Payment failed",
	pay.WebhookPaymentExpired:   "Payment expired",
}

// messageStatusNames are the delivery statuses as the pages name them.
var messageStatusNames = map[pay.MessageStatus]string{
	pay.MessagePending: "Pending", pay.MessageSuccessful: "Successful", pay.MessageFailed: "Failed",
	pay.MessageWillNotSend: "Will not send",
}

// webhookMessageLimit is how many messages a webhook's page lists.
const webhookMessageLimit = 100

// webhookView is a webhook as the pages show it.
type webhookView struct {
	ID, Path, URL, Description, Secret string
	Active                             bool
	Events                             []string
}

func (h *Handler) webhookView(q *request, w *pay.Webhook) webhookView {
	v := webhookView{ID: w.ID, Path: q.accountPath("/webhooks/" + w.ID), URL: w.CallbackURL, Description: w.Description,
		Secret: w.Secret, Active: w.Status == pay.WebhookActive}
	for _, e := range w.Events {
		v.Events = append(v.Events, webhookEventLabels[e])
	}
	return v
}

type webhooksData struct {
	page
	Webhooks []webhookView
}

func (h *Handler) webhooks(q *request) {
	list, err := h.store.WebhookList(q.ctx, q.account.ID)
	if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	d := &webhooksData{page: h.page(q, "Webhooks", "Webhooks")}
	for _, w := range list {
		d.Webhooks = append(d.Webhooks, h.webhookView(q, w))
	}
	h.render(q, http.StatusOK, "webhooks", d)
}

// webhookFormData is the form that creates or edits a webhook.
type webhookFormData struct {
	page
	Action      string
	URL         string
	Description string
	Events      []option
	Sandbox     bool
}

func (h *Handler) webhookForm(q *request, status int, action string, w *pay.Webhook, errs []fieldError) {
	title := "Create a webhook"
	if w.ID != "" {
		title = "Edit webhook"
	}
	d := &webhookFormData{page: h.page(q, title, "Webhooks"), Action: action, URL: w.CallbackURL,
		Description: w.Description, Sandbox: !q.account.IsLive()}
	d.Errors = errs
	for _, e := range pay.WebhookEvents {
		d.Events = append(d.Events, option{string(e), webhookEventLabels[e], slices.Contains(w.Events, e)})
	}
	h.render(q, status, "webhook_form", d)
}

func (h *Handler) newWebhookPage(q *request) {
	h.webhookForm(q, http.StatusOK, q.accountPath("/webhooks/new"), &pay.Webhook{}, nil)
}

// readWebhookForm reads the posted URL, description and events.
func readWebhookForm(r *http.Request) (url, description string, events []pay.WebhookEvent) {
	for _, e := range r.PostForm["events"] {
		events = append(events, pay.WebhookEvent(e))
	}
	return r.PostFormValue("callback_url"), r.PostFormValue("description"), events
}

func (h *Handler) newWebhook(q *request) {
	url, desc, events := readWebhookForm(q.r)
	w, err := h.webhookSvc.Create(q.ctx, q.account, url, desc, events)
	if err != nil {
		h.webhookFormError(q, q.accountPath("/webhooks/new"), &pay.Webhook{CallbackURL: url, Description: desc, Events: events}, err)
		return
	}
	q.redirect(q.accountPath("/webhooks/" + w.ID))
}

// webhookFieldIDs are the inputs each field's errors point to.
var webhookFieldIDs = map[string]string{"callback_url": "callback-url", "description": "description", "events": "events"}

// webhookFormError shows the form again with a rule's error, or fails.
func (h *Handler) webhookFormError(q *request, action string, w *pay.Webhook, err error) {
	e, ok := err.(*pay.Error)
	if !ok || e.Kind != pay.KindInvalid {
		h.systemError(q.w, q.r, err)
		return
	}
	h.webhookForm(q, http.StatusBadRequest, action, w, []fieldError{{webhookFieldIDs[e.Field], e.Message}})
}

// withWebhook reads the webhook of the path, or answers not found.
func (h *Handler) withWebhook(q *request) *pay.Webhook {
	w, err := h.store.WebhookGet(q.ctx, q.account.ID, q.r.PathValue("hook"))
	if !h.found(q, err) {
		return nil
	}
	return w
}

func (h *Handler) editWebhookPage(q *request) {
	if w := h.withWebhook(q); w != nil {
		h.webhookForm(q, http.StatusOK, q.accountPath("/webhooks/"+w.ID+"/edit"), w, nil)
	}
}

func (h *Handler) editWebhook(q *request) {
	w := h.withWebhook(q)
	if w == nil {
		return
	}
	url, desc, events := readWebhookForm(q.r)
	if _, err := h.webhookSvc.Edit(q.ctx, q.account, w.ID, url, desc, events); err != nil {
		h.webhookFormError(q, q.accountPath("/webhooks/"+w.ID+"/edit"),
			&pay.Webhook{ID: w.ID, CallbackURL: url, Description: desc, Events: events}, err)
		return
	}
	q.redirect(q.accountPath("/webhooks/" + w.ID))
}

// webhookData is a webhook's page: its settings, signing secret and
// latest messages.
type webhookData struct {
	page
	Webhook  webhookView
	Messages []messageView
	Failed   bool // only failed messages are listed
}

// messageView is a message as the pages show it.
type messageView struct {
	ID, Href, Event, PaymentID, Created, Status, StatusID string
	Attempts                                              int
}

func (h *Handler) messageView(q *request, w *pay.Webhook, m *pay.WebhookMessage) messageView {
	return messageView{ID: m.ID, Href: q.accountPath("/webhooks/" + w.ID + "/messages/" + m.ID),
		Event: string(m.EventType), PaymentID: m.PaymentID, Created: h.displayTime(m.CreatedAt),
		Status: messageStatusNames[m.Status], StatusID: string(m.Status), Attempts: m.Attempts}
}

func (h *Handler) webhook(q *request) {
	w := h.withWebhook(q)
	if w == nil {
		return
	}
	d := &webhookData{page: h.page(q, "Webhook", "Webhooks"), Webhook: h.webhookView(q, w),
		Failed: q.r.URL.Query().Get("status") == string(pay.MessageFailed)}
	params := &pay.WebhookMessageListParams{AccountID: q.account.ID, WebhookID: w.ID, Limit: webhookMessageLimit}
	if d.Failed {
		params.Status = pay.MessageFailed
	}
	list, err := h.store.WebhookMessageList(q.ctx, params)
	if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	for _, m := range list {
		d.Messages = append(d.Messages, h.messageView(q, w, m))
	}
	h.render(q, http.StatusOK, "webhook", d)
}

// webhookStatus deactivates or reactivates a webhook.
func (h *Handler) webhookStatus(q *request) {
	w := h.withWebhook(q)
	if w == nil {
		return
	}
	if _, err := h.webhookSvc.SetActive(q.ctx, q.account.ID, w.ID, q.r.PostFormValue("status") == "active"); err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	q.redirect(q.accountPath("/webhooks/" + w.ID))
}

// webhookSecret gives a webhook a new signing secret.
func (h *Handler) webhookSecret(q *request) {
	w := h.withWebhook(q)
	if w == nil {
		return
	}
	if _, err := h.webhookSvc.RegenerateSecret(q.ctx, q.account, w.ID); err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	q.redirect(q.accountPath("/webhooks/" + w.ID + "#signing-secret"))
}

// webhookMessageData is one message's page: its body and attempts.
type webhookMessageData struct {
	page
	Webhook  webhookView
	Message  messageView
	Body     string
	Attempts []attemptView
	Resent   bool
}

type attemptView struct {
	Number           int
	At, Result, Took string
	StatusID         string
}

func (h *Handler) webhookMessage(q *request) {
	w, m := h.withMessage(q)
	if m == nil {
		return
	}
	attempts, err := h.store.WebhookAttemptList(q.ctx, m.ID)
	if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	d := &webhookMessageData{page: h.page(q, "Webhook message", "Webhooks"), Webhook: h.webhookView(q, w),
		Message: h.messageView(q, w, m), Body: m.Body, Resent: q.r.URL.Query().Has("resent")}
	for _, a := range attempts {
		d.Attempts = append(d.Attempts, h.attemptView(a))
	}
	h.render(q, http.StatusOK, "webhook_message", d)
}

func (h *Handler) attemptView(a *pay.WebhookAttempt) attemptView {
	v := attemptView{Number: a.Number, At: h.displayTime(a.At), Result: a.Error, Took: a.Duration.String(), StatusID: string(a.Status)}
	if a.StatusCode != 0 {
		v.Result = strconv.Itoa(a.StatusCode) + " " + http.StatusText(a.StatusCode)
	}
	return v
}

// withMessage reads the webhook and the message of the path, or answers
// not found.
func (h *Handler) withMessage(q *request) (*pay.Webhook, *pay.WebhookMessage) {
	w := h.withWebhook(q)
	if w == nil {
		return nil, nil
	}
	m, err := h.store.WebhookMessageGet(q.ctx, q.account.ID, q.r.PathValue("message"))
	if err == nil && m.WebhookID != w.ID {
		err = pay.ErrNotFound("webhook message")
	}
	if !h.found(q, err) {
		return nil, nil
	}
	return w, m
}

// resendMessage queues another attempt of a message at once.
func (h *Handler) resendMessage(q *request) {
	w, m := h.withMessage(q)
	if m == nil {
		return
	}
	if err := h.webhookSvc.Resend(q.ctx, q.account.ID, m.ID); err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	q.redirect(q.accountPath("/webhooks/" + w.ID + "/messages/" + m.ID + "?resent"))
}
