package stripe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	stripe "github.com/stripe/stripe-go/v82"

	"pay/internal/pay"
)

// Authorise sends the card to Stripe as a PaymentMethod and authorises the
// payment with a manual-capture PaymentIntent, confirmed at once. With
// SaveCard, the card is attached to a new Stripe customer for later
// payments on the agreement; without a card, the agreement's saved card is
// charged with the payer not present.
func (s *Provider) Authorise(ctx context.Context, req *pay.AuthoriseRequest) (*pay.AuthoriseResult, error) {
	c, err := s.client(ctx, req.Payment.AccountID)
	if err != nil {
		return nil, err
	}
	if req.Card == nil {
		return s.authoriseInstrument(ctx, c, req)
	}
	pm, err := createPaymentMethod(ctx, c, req.Payment, req.Card)
	if err != nil {
		return outcome(err)
	}
	params := s.intentParams(req.Payment, pm.ID)
	var customer string
	if req.SaveCard {
		if customer, err = createCustomer(ctx, c, req.Payment); err != nil {
			return outcome(err)
		}
		params.Customer, params.SetupFutureUsage = stripe.String(customer), stripe.String("off_session")
	}
	pi, err := c.V1PaymentIntents.Create(ctx, params)
	if err != nil {
		return outcome(err)
	}
	res := intentResult(pi)
	if req.SaveCard && res.Outcome == pay.AuthAuthorised {
		res.InstrumentRef = customer + " " + pm.ID
	}
	return res, nil
}

// createPaymentMethod hands the card to Stripe. This is the only call that
// carries the card number and security code.
func createPaymentMethod(ctx context.Context, c *stripe.Client, p *pay.Payment, card *pay.Card) (*stripe.PaymentMethod, error) {
	addr := card.BillingAddress
	params := &stripe.PaymentMethodCreateParams{
		Type: stripe.String(string(stripe.PaymentMethodTypeCard)),
		Card: &stripe.PaymentMethodCreateCardParams{Number: stripe.String(card.Number), CVC: stripe.String(card.CVC),
			ExpMonth: stripe.Int64(int64(card.ExpiryMonth)), ExpYear: stripe.Int64(int64(card.ExpiryYear))},
		BillingDetails: &stripe.PaymentMethodCreateBillingDetailsParams{Name: stringOrNil(card.CardholderName),
			Email: stringOrNil(p.Email)},
	}
	if !addr.IsZero() {
		params.BillingDetails.Address = &stripe.AddressParams{Line1: stringOrNil(addr.Line1), Line2: stringOrNil(addr.Line2),
			City: stringOrNil(addr.City), PostalCode: stringOrNil(addr.Postcode), Country: stringOrNil(addr.Country)}
	}
	params.IdempotencyKey = idempotencyKey("payment-method", p.ID)
	return c.V1PaymentMethods.Create(ctx, params)
}

// createCustomer makes the Stripe customer an agreement's card is saved to.
func createCustomer(ctx context.Context, c *stripe.Client, p *pay.Payment) (string, error) {
	params := &stripe.CustomerCreateParams{Description: stringOrNil(p.Description), Email: stringOrNil(p.Email),
		Metadata: map[string]string{"pay_agreement_id": p.AgreementID}}
	params.IdempotencyKey = idempotencyKey("customer", p.ID)
	cus, err := c.V1Customers.Create(ctx, params)
	if err != nil {
		return "", err
	}
	return cus.ID, nil
}

// intentParams is the PaymentIntent of a payment: manual capture, so that
// Pay captures when the payer confirms (or the service, with delayed
// capture), and confirmed at once with the payment method.
func (s *Provider) intentParams(p *pay.Payment, paymentMethod string) *stripe.PaymentIntentCreateParams {
	params := &stripe.PaymentIntentCreateParams{
		Amount: stripe.Int64(p.TotalAmount()), Currency: stripe.String(string(stripe.CurrencyGBP)),
		PaymentMethod: stripe.String(paymentMethod), PaymentMethodTypes: []*string{stripe.String("card")},
		Confirm: stripe.Bool(true), CaptureMethod: stripe.String(string(stripe.PaymentIntentCaptureMethodManual)),
		Description: stringOrNil(p.Description),
		Metadata:    map[string]string{"pay_payment_id": p.ID, "reference": p.Reference},
	}
	if s.ReturnURL != nil && p.AuthorisationMode == pay.ModeWeb {
		params.ReturnURL = stripe.String(s.ReturnURL(p))
	}
	if p.Moto {
		// A telephone payment has no payer to authenticate.
		params.PaymentMethodOptions = &stripe.PaymentIntentCreatePaymentMethodOptionsParams{
			Card: &stripe.PaymentIntentCreatePaymentMethodOptionsCardParams{MOTO: stripe.Bool(true)}}
	}
	params.IdempotencyKey = idempotencyKey("authorise", p.ID)
	return params
}

// authoriseInstrument charges an agreement's saved card off-session.
func (s *Provider) authoriseInstrument(ctx context.Context, c *stripe.Client, req *pay.AuthoriseRequest) (*pay.AuthoriseResult, error) {
	if req.Instrument == nil {
		return &pay.AuthoriseResult{Outcome: pay.AuthError, Message: "no saved card"}, nil
	}
	customer, pm, ok := strings.Cut(req.Instrument.ProviderRef, " ")
	if !ok {
		return &pay.AuthoriseResult{Outcome: pay.AuthError, Message: "the saved card is not a Stripe card"}, nil
	}
	params := s.intentParams(req.Payment, pm)
	params.Customer, params.OffSession, params.ReturnURL = stripe.String(customer), stripe.Bool(true), nil
	pi, err := c.V1PaymentIntents.Create(ctx, params)
	if err != nil {
		return outcome(err)
	}
	return intentResult(pi), nil
}

// Complete3DS reads how the payer's authentication at Stripe ended: the
// payer's answer on Pay's side does not matter, Stripe's does.
func (s *Provider) Complete3DS(ctx context.Context, p *pay.Payment, _ bool) (*pay.AuthoriseResult, error) {
	var pi *stripe.PaymentIntent
	err := s.call(ctx, p.AccountID, "3-D Secure result", func(c *stripe.Client) (err error) {
		pi, err = c.V1PaymentIntents.Retrieve(ctx, p.ProviderID, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return intentResult(pi), nil
}

// intentResult maps a PaymentIntent's status to an authorisation outcome.
func intentResult(pi *stripe.PaymentIntent) *pay.AuthoriseResult {
	res := &pay.AuthoriseResult{ProviderID: pi.ID}
	switch pi.Status {
	case stripe.PaymentIntentStatusRequiresCapture, stripe.PaymentIntentStatusSucceeded:
		res.Outcome = pay.AuthAuthorised
	case stripe.PaymentIntentStatusRequiresAction:
		res.Outcome = pay.AuthRequires3DS
		if na := pi.NextAction; na != nil && na.RedirectToURL != nil {
			res.ChallengeURL = na.RedirectToURL.URL
		}
	case stripe.PaymentIntentStatusRequiresPaymentMethod:
		if pi.LastPaymentError == nil {
			res.Outcome, res.Message = pay.AuthError, "Stripe gave no reason"
			break
		}
		return declined(pi.LastPaymentError, pi.ID)
	default:
		res.Outcome, res.Message = pay.AuthError, "unexpected payment intent status "+string(pi.Status)
	}
	return res
}

// outcome turns a Stripe error into an authorisation outcome: a card error
// is a decline (or, for Stripe's processing errors, an error outcome),
// another refusal by Stripe is an error outcome, and anything that is not
// Stripe's answer (a network failure, Stripe's own 5xx) is an error.
func outcome(err error) (*pay.AuthoriseResult, error) {
	var se *stripe.Error
	if !errors.As(err, &se) || se.HTTPStatusCode >= http.StatusInternalServerError || se.HTTPStatusCode == 0 {
		return nil, fmt.Errorf("stripe: authorise: %w", describe(err))
	}
	id := ""
	if se.PaymentIntent != nil {
		id = se.PaymentIntent.ID
	}
	if se.Type == stripe.ErrorTypeCard {
		return declined(se, id), nil
	}
	return &pay.AuthoriseResult{Outcome: pay.AuthError, ProviderID: id, Message: string(se.Code) + ": " + se.Msg}, nil
}

// declined maps a card error. Stripe's processing_error is GOV.UK Pay's
// "error" state, not a decline. For payments without the payer, CanRetry
// says whether the same card may be tried again.
func declined(se *stripe.Error, intentID string) *pay.AuthoriseResult {
	res := &pay.AuthoriseResult{Outcome: pay.AuthRejected, ProviderID: intentID, Message: declineMessage(se)}
	if se.Code == stripe.ErrorCodeProcessingError {
		res.Outcome = pay.AuthError
	}
	canRetry := !hardDeclines[string(se.DeclineCode)] && !hardDeclines[string(se.Code)]
	res.CanRetry = &canRetry
	return res
}

// declineMessage is the decline's reason for the event history, without
// anything of the card.
func declineMessage(se *stripe.Error) string {
	reason := string(se.Code)
	if se.DeclineCode != "" {
		reason += "/" + string(se.DeclineCode)
	}
	return reason + ": " + se.Msg
}

// hardDeclines are Stripe's codes after which the same card will not work
// again, so an agreement payment may not be retried.
var hardDeclines = map[string]bool{
	"expired_card": true, "incorrect_number": true, "invalid_account": true, "lost_card": true,
	"stolen_card": true, "pickup_card": true, "restricted_card": true, "revocation_of_authorization": true,
	"revocation_of_all_authorizations": true, "stop_payment_order": true, "card_not_supported": true,
	"invalid_number": true, "transaction_not_allowed": true,
}

// stringOrNil is nil for "", so that Stripe is not sent empty fields.
func stringOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

var _ pay.Challenger = (*Provider)(nil)

// ChallengeURL returns Stripe's page where the payer authenticates. When
// the payment intent no longer waits for the payer (they finished in
// another tab), it is Pay's return page, which completes the payment.
func (s *Provider) ChallengeURL(ctx context.Context, p *pay.Payment) (string, error) {
	var pi *stripe.PaymentIntent
	err := s.call(ctx, p.AccountID, "3-D Secure page", func(c *stripe.Client) (err error) {
		pi, err = c.V1PaymentIntents.Retrieve(ctx, p.ProviderID, nil)
		return err
	})
	if err != nil {
		return "", err
	}
	if na := pi.NextAction; pi.Status == stripe.PaymentIntentStatusRequiresAction && na != nil && na.RedirectToURL != nil {
		return na.RedirectToURL.URL, nil
	}
	if s.ReturnURL == nil {
		return "", errors.New("stripe: no return page for 3-D Secure")
	}
	return s.ReturnURL(p), nil
}
