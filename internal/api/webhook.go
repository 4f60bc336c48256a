package api

import (
	"context"
	"encoding/json"

	"pay/internal/pay"
)

// webhookResource is a payment as the API shows it, without _links: the
// "resource" of GOV.UK Pay's webhook messages. The outer, nil _links hides
// the embedded body's.
type webhookResource struct {
	*paymentBody
	Links *struct{} `json:"_links,omitempty"`
}

// PaymentResource renders p for a webhook message (see pay.Webhooks.Resource).
func (a *API) PaymentResource(_ context.Context, p *pay.Payment) (json.RawMessage, error) {
	return json.Marshal(webhookResource{paymentBody: a.renderPayment(p, "")})
}
