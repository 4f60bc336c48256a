package pay

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
)

// MotoAuthRequest is a POST /v1/auth body: card details a service's agent
// took by phone or post, for a moto_api payment.
type MotoAuthRequest struct {
	Token          string
	CardNumber     *string
	CVC            *string
	ExpiryDate     *string
	CardholderName string
}

var expiryMMYY = regexp.MustCompile(`^(0[1-9]|1[0-2])/([0-9]{2})$`)

// checkAttributes is GOV.UK Pay's validation of the body, in its order.
func (r *MotoAuthRequest) checkAttributes() error {
	inv := func(field, reason string) error {
		return invalidAttribute(KindInvalid, CodeCreatePaymentInvalid, field, reason)
	}
	missing := func(field string) error {
		return &Error{Kind: KindInvalid, Code: CodeCreatePaymentMissing, Field: field, Message: "Missing mandatory attribute: " + field}
	}
	switch {
	case strings.TrimSpace(r.Token) == "":
		return missing("one_time_token")
	case r.CardNumber == nil:
		return missing("card_number")
	case len(*r.CardNumber) < 12 || len(*r.CardNumber) > 19:
		return inv("card_number", "Must be between 12 and 19 characters long")
	case r.CVC == nil:
		return missing("cvc")
	case len(*r.CVC) < 3 || len(*r.CVC) > 4:
		return inv("cvc", "Must be between 3 and 4 characters long")
	case r.ExpiryDate == nil:
		return missing("expiry_date")
	case len(*r.ExpiryDate) != 5:
		return inv("expiry_date", "Must be a valid date with the format MM/YY")
	case strings.TrimSpace(r.CardholderName) == "":
		return missing("cardholder_name")
	case javaLength(r.CardholderName) > MaxNameLength:
		return inv("cardholder_name", "Must be less than or equal to 255 characters long")
	case strings.Trim(*r.CVC, "0123456789") != "":
		return inv("cvc", "Must contain numbers only")
	case !expiryMMYY.MatchString(*r.ExpiryDate):
		return inv("expiry_date", "Must be a valid date with the format MM/YY")
	}
	return nil
}

// expiry returns the card's expiry month and four-digit year.
func (r *MotoAuthRequest) expiry() (int, int) {
	m := expiryMMYY.FindStringSubmatch(*r.ExpiryDate)
	month, _ := strconv.Atoi(m[1])
	year, _ := strconv.Atoi(m[2])
	return month, 2000 + year
}

// AuthoriseMoto authorises a moto_api payment with the card details a
// service sends, and on success approves it for capture (or, with delayed
// capture, leaves it for the service to capture). Every refusal carries
// GOV.UK Pay's code: a card the provider declines, or a card number that
// cannot be a card, is a 402 and fails the payment.
func (s *Payments) AuthoriseMoto(ctx context.Context, req *MotoAuthRequest) error {
	if err := req.checkAttributes(); err != nil {
		return err
	}
	month, year := req.expiry()
	now := s.now()
	if year < now.Year() || (year == now.Year() && month < int(now.Month())) {
		return invalidAttribute(KindInvalid, CodeCreatePaymentInvalid, "expiry_date", "Must be a valid date in the future")
	}
	p, err := s.useAuthToken(ctx, req.Token)
	if err != nil {
		return err
	}
	acct, err := s.Store.AccountGet(ctx, p.AccountID)
	if err != nil {
		return err
	}
	card := &Card{Number: *req.CardNumber, CVC: *req.CVC, ExpiryMonth: month, ExpiryYear: year, CardholderName: req.CardholderName,
		Brand: DetectBrand(*req.CardNumber), CardType: CardTypeOf(*req.CardNumber)}
	if reason := cardRefusal(card, acct); reason != "" {
		if _, err := TransitionPayment(ctx, s.Store, &PaymentTransitionParams{PaymentID: p.ID, To: StatusAuthorisationRejected,
			Update: func(p *Payment) { p.Card = card.Details() }}); err != nil {
			return err
		}
		return &Error{Kind: KindPaymentRequired, Code: CodeAuthRejected, Message: reason}
	}
	p, err = s.Authorise(ctx, p.ID, card, "")
	if err != nil {
		return err
	}
	switch p.Status {
	case StatusAuthorisationSuccess:
		_, err = s.ConfirmPayment(ctx, p)
		return err
	case StatusAuthorisationRejected:
		return &Error{Kind: KindPaymentRequired, Code: CodeAuthRejected, Message: "The payment was rejected"}
	}
	return &Error{Kind: KindProvider, Code: CodeAuthError, Message: "There was an error authorising the payment"}
}

// useAuthToken spends a one-time token and returns its moto_api payment.
func (s *Payments) useAuthToken(ctx context.Context, token string) (*Payment, error) {
	invalid := &Error{Kind: KindBadRequest, Code: CodeAuthTokenInvalid, Message: "The one_time_token is not valid"}
	p, err := s.UseToken(ctx, token)
	var used *TokenUsedError
	switch {
	case errors.As(err, &used):
		return nil, &Error{Kind: KindBadRequest, Code: CodeAuthTokenUsed, Message: "The one_time_token has already been used"}
	case IsKind(err, KindNotFound):
		return nil, invalid
	case err != nil:
		return nil, err
	case !p.NeedsAuthToken():
		return nil, invalid
	}
	return p, nil
}

// cardRefusal says why a card number cannot be charged on the account, or "".
func cardRefusal(c *Card, acct *Account) string {
	digits := c.Number
	if strings.Trim(digits, "0123456789") != "" || !Luhn(digits) || c.Brand == "" {
		return "The card_number is not a valid card number"
	}
	if !acct.Settings.AcceptsCard(c.Brand, c.CardType) {
		kind := c.CardType
		if kind == "" {
			kind = "credit"
		}
		return "The card type is not enabled: " + c.Brand + " " + kind
	}
	return ""
}
