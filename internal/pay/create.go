package pay

import (
	"context"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Field limits of POST /v1/payments.
const (
	MaxReferenceLength   = 255
	MaxDescriptionLength = 255
	MaxEmailLength       = 254
	MaxReturnURLLength   = 2000
	MaxNameLength        = 255
	MaxAddressLineLength = 255
	MaxPostcodeLength    = 25
)

// IdempotencyKeyLifetime is how long an Idempotency-Key is remembered.
const IdempotencyKeyLifetime = 24 * time.Hour

// CreatePaymentRequest is a parsed POST /v1/payments body. The API layer has
// already checked JSON types (the 400s); Create checks sizes, the account's
// settings and everything else, in GOV.UK Pay's order.
type CreatePaymentRequest struct {
	ID                   string // "": a new id; set when the caller needs it first (a link's return_url)
	Amount               int64
	Reference            string
	Description          string
	ReturnURL            *string // nil when absent or null
	Moto                 bool
	SetUpAgreement       *string
	AuthorisationMode    AuthorisationMode
	AgreementID          string
	AgreementPaymentType AgreementPaymentType
	Language             Language
	DelayedCapture       bool
	Email                *string
	Prefilled            *Prefilled
	Metadata             Metadata // nil when absent; empty is accepted and not stored
	Source               Source
	IdempotencyKey       string
	RequestHash          string       // canonical hash of the body, to recognise a replay
	Link                 *LinkPayment // the payment link the payer came through, if any
}

// Prefilled is prefilled_cardholder_details: values the payer's card form starts with.
type Prefilled struct {
	CardholderName string
	Address        Address
}

// checkSizes is GOV.UK Pay's bean validation: the 422s for values that parsed
// but are too long or out of range. The first failure wins.
func (r *CreatePaymentRequest) checkSizes() error {
	tooLong := func(field string, max int) error {
		return invalidAttribute(KindInvalid, CodeCreatePaymentInvalid, field,
			"Must be less than or equal to "+strconv.Itoa(max)+" characters length")
	}
	switch {
	case r.Amount < 0:
		return invalidAttribute(KindInvalid, CodeCreatePaymentInvalid, "amount", "Must be greater than or equal to 1")
	case r.Amount > MaxAmount:
		return invalidAttribute(KindInvalid, CodeCreatePaymentInvalid, "amount", "Must be less than or equal to 10000000")
	case javaLength(r.Reference) > MaxReferenceLength:
		return tooLong("reference", MaxReferenceLength)
	case javaLength(r.Description) > MaxDescriptionLength:
		return tooLong("description", MaxDescriptionLength)
	case r.Email != nil && javaLength(*r.Email) > MaxEmailLength:
		return tooLong("email", MaxEmailLength)
	case r.ReturnURL != nil && javaLength(*r.ReturnURL) > MaxReturnURLLength:
		return tooLong("return_url", MaxReturnURLLength)
	case r.SetUpAgreement != nil && len(*r.SetUpAgreement) != IDLength:
		return invalidAttribute(KindInvalid, CodeCreatePaymentInvalid, "set_up_agreement", "Field [set_up_agreement] length must be 26")
	case r.AgreementID != "" && len(r.AgreementID) != IDLength:
		return invalidAttribute(KindInvalid, CodeCreatePaymentInvalid, "agreement_id", "Field [agreement_id] length must be 26")
	}
	if p := r.Prefilled; p != nil {
		switch {
		case javaLength(p.CardholderName) > MaxNameLength:
			return tooLong("cardholder_name", MaxNameLength)
		case javaLength(p.Address.Line1) > MaxAddressLineLength:
			return tooLong("line1", MaxAddressLineLength)
		case javaLength(p.Address.Line2) > MaxAddressLineLength:
			return tooLong("line2", MaxAddressLineLength)
		case javaLength(p.Address.Postcode) > MaxPostcodeLength:
			return tooLong("postcode", MaxPostcodeLength)
		case javaLength(p.Address.City) > MaxAddressLineLength:
			return tooLong("city", MaxAddressLineLength)
		}
	}
	return nil
}

// checkReturnURL applies the rules that depend on the authorisation mode.
func (r *CreatePaymentRequest) checkReturnURL() error {
	if r.AuthorisationMode == ModeWeb {
		if r.ReturnURL == nil {
			return missingAttribute(CodeCreatePaymentMissing, "return_url")
		}
		if !ValidReturnURL(*r.ReturnURL) {
			return invalidAttribute(KindInvalid, CodeCreatePaymentInvalid, "return_url", "Must be a valid URL format")
		}
		return nil
	}
	if r.ReturnURL != nil {
		return unexpectedAttribute(CodeCreatePaymentUnexpected, "return_url")
	}
	return nil
}

// checkAccount applies the account's settings.
func (r *CreatePaymentRequest) checkAccount(acct *Account) error {
	if acct.IsLive() && r.ReturnURL != nil && !strings.HasPrefix(*r.ReturnURL, "https://") {
		return invalidAttribute(KindInvalid, CodeRequestDenied, "return_url", "Must begin with https:// for a live gateway account")
	}
	if acct.Disabled {
		return &Error{Kind: KindForbidden, Code: CodeAccountDisabled, Message: msgAccountDisabled}
	}
	if r.AuthorisationMode == ModeMotoAPI {
		if !acct.Settings.AllowMotoAPI {
			return &Error{Kind: KindInvalid, Code: CodeMotoAPINotEnabled, Message: msgMotoAPIDisabled}
		}
	} else if r.Moto && !acct.Settings.AllowMoto {
		return &Error{Kind: KindInvalid, Code: CodeMotoNotEnabled, Message: msgMotoNotEnabled}
	}
	if (r.Source == SourcePaymentLink || r.Source == SourceAgentInitiatedMoto) && LooksLikeCardNumber(r.Reference) {
		return &Error{Kind: KindBadRequest, Code: CodeCardNumberInReference, Message: "Card number entered in a payment link reference"}
	}
	if err := r.checkAgreementOptions(acct); err != nil {
		return err
	}
	if acct.Provider == ProviderStripe && r.Amount < StripeMinimumAmount {
		return invalidAttribute(KindInvalid, CodeCreatePaymentInvalid, "amount", "Must be greater than or equal to 30. "+msgAmountDocs)
	}
	if r.Amount == 0 && !acct.Settings.AllowZeroAmount {
		return invalidAttribute(KindInvalid, CodeCreatePaymentInvalid, "amount", "Must be greater than or equal to 1. "+msgAmountDocs)
	}
	if r.DelayedCapture && !acct.Settings.AllowDelayedCapture {
		return invalidAttribute(KindInvalid, CodeCreatePaymentInvalid, "delayed_capture", "Delayed capture is not enabled for this account")
	}
	return nil
}

func (r *CreatePaymentRequest) checkAgreementOptions(acct *Account) error {
	recurringOff := &Error{Kind: KindInvalid, Code: CodeRecurringDisabled, Message: msgRecurringOff}
	switch r.AuthorisationMode {
	case ModeAgreement:
		switch {
		case !acct.Settings.RecurringEnabled:
			return recurringOff
		case r.AgreementID == "":
			return missingAttribute(CodeCreatePaymentMissing, "agreement_id")
		case r.SetUpAgreement != nil:
			return unexpectedAttribute(CodeCreatePaymentUnexpected, "set_up_agreement")
		case r.Moto:
			return unexpectedAttribute(CodeCreatePaymentUnexpected, "moto")
		case r.Email != nil:
			return unexpectedAttribute(CodeCreatePaymentUnexpected, "email")
		case r.Prefilled != nil:
			return unexpectedAttribute(CodeCreatePaymentUnexpected, "prefilled_cardholder_details")
		}
	case ModeWeb:
		if r.SetUpAgreement != nil && !acct.Settings.RecurringEnabled {
			return recurringOff
		}
	default:
		if r.SetUpAgreement != nil {
			return unexpectedAttribute(CodeCreatePaymentUnexpected, "set_up_agreement")
		}
	}
	return nil
}

// checkAgreement looks up the agreement the payment sets up or is charged to.
func (s *Payments) checkAgreement(ctx context.Context, acct *Account, r *CreatePaymentRequest) error {
	switch {
	case r.AuthorisationMode == ModeAgreement:
		a, err := s.Store.AgreementGet(ctx, acct.ID, r.AgreementID)
		if IsKind(err, KindNotFound) {
			return invalidAttribute(KindBadRequest, CodeCreatePaymentInvalid, "agreement_id", "Agreement does not exist")
		} else if err != nil {
			return err
		}
		if !a.IsActive() {
			return invalidAttribute(KindBadRequest, CodeCreatePaymentInvalid, "agreement_id", "Agreement must be active")
		}
	case r.SetUpAgreement != nil:
		_, err := s.Store.AgreementGet(ctx, acct.ID, *r.SetUpAgreement)
		if IsKind(err, KindNotFound) {
			return &Error{Kind: KindBadRequest, Code: CodeSetUpAgreementUnknown, Field: "set_up_agreement",
				Message: "Invalid attribute value: set_up_agreement. Agreement ID does not exist"}
		}
		return err
	}
	return nil
}

// newPayment builds the payment a valid request describes.
func (r *CreatePaymentRequest) newPayment(acct *Account) *Payment {
	p := &Payment{
		ID:                r.ID,
		AccountID:         acct.ID,
		Amount:            r.Amount,
		Reference:         r.Reference,
		Description:       r.Description,
		Language:          r.Language,
		DelayedCapture:    r.DelayedCapture,
		Moto:              r.Moto || r.AuthorisationMode == ModeMotoAPI,
		AuthorisationMode: r.AuthorisationMode,
		Source:            r.Source,
		Status:            StatusCreated,
		Provider:          acct.Provider,
	}
	if p.ID == "" {
		p.ID = NewID()
	}
	if p.Language == "" {
		p.Language = LanguageEnglish
	}
	if p.AuthorisationMode == "" {
		p.AuthorisationMode = ModeWeb
	}
	if p.Source == "" {
		p.Source = SourceAPI
	}
	if r.ReturnURL != nil {
		p.ReturnURL = *r.ReturnURL
	}
	if r.Email != nil {
		p.Email = *r.Email
	}
	if len(r.Metadata) > 0 {
		p.Metadata = r.Metadata
	}
	if r.Prefilled != nil {
		p.Card.CardholderName = r.Prefilled.CardholderName
		p.Card.BillingAddress = r.Prefilled.Address
		if !validCountryCode(p.Card.BillingAddress.Country) {
			p.Card.BillingAddress.Country = ""
		}
	}
	switch {
	case r.AuthorisationMode == ModeAgreement:
		p.AgreementID = r.AgreementID
	case r.SetUpAgreement != nil:
		p.AgreementID = *r.SetUpAgreement
		p.SetUpAgreement = true
	}
	if p.AgreementID != "" {
		p.AgreementPaymentType = r.AgreementPaymentType
		if p.AgreementPaymentType == "" {
			p.AgreementPaymentType = AgreementRecurring
		}
	}
	return p
}

var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

func validCountryCode(s string) bool { return countryCode.MatchString(s) }

var hostLabel = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$`)

// ValidReturnURL reports whether s is an absolute http(s) URL with a host
// name (or an IP address), as GOV.UK Pay's return_url check requires.
// Hosts under .internal and .local are allowed, as are single-label hosts.
func ValidReturnURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Opaque != "" || u.User != nil {
		return false
	}
	host := u.Hostname()
	if host == "" || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	if port := u.Port(); port == "" && strings.HasSuffix(u.Host, ":") {
		return false
	}
	if net.ParseIP(host) != nil {
		return true
	}
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	for _, l := range labels {
		if !hostLabel.MatchString(l) {
			return false
		}
	}
	tld := labels[len(labels)-1]
	if len(labels) > 1 && (len(tld) < 2 || strings.Trim(tld, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") != "") {
		return false
	}
	return true
}
