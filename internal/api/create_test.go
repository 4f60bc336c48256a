package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"pay/internal/pay"
)

// with returns the quick-start body with some attributes changed; a nil
// value deletes the attribute, and remove names more to delete.
func with(changes map[string]any, remove ...string) map[string]any {
	b := quickStart()
	for k, v := range changes {
		b[k] = v
	}
	for _, k := range remove {
		delete(b, k)
	}
	return b
}

func jsonNull() any { return json.RawMessage("null") }

const (
	amountDocs   = " Refer to https://docs.payments.service.gov.uk/making_payments/#amount"
	motoMessage  = "MOTO payments are not enabled for this account. Please contact support if you would like to process MOTO payments - https://www.payments.service.gov.uk/support/ ."
	disabledMsg  = "GOV.UK Pay has disabled payment and refund creation on this account. Contact support with your error code - https://www.payments.service.gov.uk/support/ ."
	recurringMsg = "Recurring card payments are currently disabled for this service. Contact support with your error code - https://www.payments.service.gov.uk/support/"
	sourceMsg    = "Accepted values are only CARD_PAYMENT_LINK, CARD_AGENT_INITIATED_MOTO"
)

var long = strings.Repeat

type createCase struct {
	name    string
	body    any // map or raw string
	headers []string
	setup   func(e *env)
	status  int
	code    string
	field   string
	header  string
	desc    string
}

func createErrorCases() []createCase {
	agreementID := pay.NewID()
	recurring := func(e *env) { e.setting(func(a *pay.Account) { a.Settings.RecurringEnabled = true }) }
	inv := func(f, reason string) string { return "Invalid attribute value: " + f + ". " + reason }
	tooLong := func(f string, n int) string {
		return inv(f, fmt.Sprintf("Must be less than or equal to %d characters length", n))
	}
	return []createCase{
		// JSON that does not parse.
		{name: "BadJSON", body: `{"amount":`, status: 400, code: "P0197", desc: "Unable to parse JSON"},
		{name: "EmptyBody", body: ``, status: 400, code: "P0197", desc: "Unable to parse JSON"},
		{name: "TrailingGarbage", body: `{"amount":100} x`, status: 400, code: "P0197", desc: "Unable to parse JSON"},
		{name: "NotAnObject", body: `[1,2]`, status: 400, code: "P0101", field: "amount", desc: "Missing mandatory attribute: amount"},

		// amount
		{name: "AmountMissing", body: with(nil, "amount"), status: 400, code: "P0101", field: "amount", desc: "Missing mandatory attribute: amount"},
		{name: "AmountNull", body: with(map[string]any{"amount": jsonNull()}), status: 400, code: "P0101", field: "amount", desc: "Missing mandatory attribute: amount"},
		{name: "AmountString", body: with(map[string]any{"amount": "12000"}), status: 400, code: "P0102", field: "amount", desc: inv("amount", "Must be a valid numeric format")},
		{name: "AmountFraction", body: `{"amount":120.5,"reference":"r","description":"d","return_url":"https://x.gov.uk"}`, status: 400, code: "P0102", field: "amount", desc: inv("amount", "Must be a valid numeric format")},
		{name: "AmountDecimalPoint", body: `{"amount":100.0,"reference":"r","description":"d","return_url":"https://x.gov.uk"}`, status: 400, code: "P0102", field: "amount", desc: inv("amount", "Must be a valid numeric format")},
		{name: "AmountExponent", body: `{"amount":1e3,"reference":"r","description":"d","return_url":"https://x.gov.uk"}`, status: 400, code: "P0102", field: "amount", desc: inv("amount", "Must be a valid numeric format")},
		{name: "AmountBeyondInt", body: with(map[string]any{"amount": 3000000000}), status: 400, code: "P0102", field: "amount", desc: inv("amount", "Must be a valid numeric format")},
		{name: "AmountNegative", body: with(map[string]any{"amount": -1}), status: 422, code: "P0102", field: "amount", desc: inv("amount", "Must be greater than or equal to 1")},
		{name: "AmountTooLarge", body: with(map[string]any{"amount": 10000001}), status: 422, code: "P0102", field: "amount", desc: inv("amount", "Must be less than or equal to 10000000")},
		{name: "AmountZeroNotAllowed", body: with(map[string]any{"amount": 0}), status: 422, code: "P0102", field: "amount", desc: inv("amount", "Must be greater than or equal to 1."+amountDocs)},

		// reference and description
		{name: "ReferenceMissing", body: with(nil, "reference"), status: 400, code: "P0101", field: "reference", desc: "Missing mandatory attribute: reference"},
		{name: "ReferenceEmpty", body: with(map[string]any{"reference": ""}), status: 400, code: "P0101", field: "reference", desc: "Missing mandatory attribute: reference"},
		{name: "ReferenceBlank", body: with(map[string]any{"reference": "  \t"}), status: 400, code: "P0101", field: "reference", desc: "Missing mandatory attribute: reference"},
		{name: "ReferenceNumber", body: with(map[string]any{"reference": 123}), status: 400, code: "P0102", field: "reference", desc: inv("reference", "Must be a valid string format")},
		{name: "ReferenceForbiddenChar", body: with(map[string]any{"reference": "a<b"}), status: 400, code: "P0102", field: "reference", desc: inv("reference", "Must be a valid string format")},
		{name: "ReferencePipe", body: with(map[string]any{"reference": "a|b"}), status: 400, code: "P0102", field: "reference", desc: inv("reference", "Must be a valid string format")},
		{name: "ReferenceTooLong", body: with(map[string]any{"reference": long("r", 256)}), status: 422, code: "P0102", field: "reference", desc: tooLong("reference", 255)},
		{name: "DescriptionMissing", body: with(nil, "description"), status: 400, code: "P0101", field: "description", desc: "Missing mandatory attribute: description"},
		{name: "DescriptionObject", body: with(map[string]any{"description": map[string]any{}}), status: 400, code: "P0102", field: "description", desc: inv("description", "Must be a valid string format")},
		{name: "DescriptionForbiddenChar", body: with(map[string]any{"description": "x>y"}), status: 400, code: "P0102", field: "description", desc: inv("description", "Must be a valid string format")},
		{name: "DescriptionTooLong", body: with(map[string]any{"description": long("d", 256)}), status: 422, code: "P0102", field: "description", desc: tooLong("description", 255)},
		{name: "DescriptionTooLongInUTF16", body: with(map[string]any{"description": long("😀", 128)}), status: 422, code: "P0102", field: "description", desc: tooLong("description", 255)},

		// return_url
		{name: "ReturnURLMissing", body: with(nil, "return_url"), status: 400, code: "P0101", field: "return_url", desc: "Missing mandatory attribute: return_url"},
		{name: "ReturnURLNull", body: with(map[string]any{"return_url": jsonNull()}), status: 400, code: "P0101", field: "return_url", desc: "Missing mandatory attribute: return_url"},
		{name: "ReturnURLNumber", body: with(map[string]any{"return_url": 5}), status: 400, code: "P0102", field: "return_url", desc: inv("return_url", "Must be a valid URL format")},
		{name: "ReturnURLNotURL", body: with(map[string]any{"return_url": "not a url"}), status: 422, code: "P0102", field: "return_url", desc: inv("return_url", "Must be a valid URL format")},
		{name: "ReturnURLFTP", body: with(map[string]any{"return_url": "ftp://service.gov.uk/x"}), status: 422, code: "P0102", field: "return_url", desc: inv("return_url", "Must be a valid URL format")},
		{name: "ReturnURLEmpty", body: with(map[string]any{"return_url": ""}), status: 422, code: "P0102", field: "return_url", desc: inv("return_url", "Must be a valid URL format")},
		{name: "ReturnURLTooLong", body: with(map[string]any{"return_url": "https://x.gov.uk/" + long("a", 2000)}), status: 422, code: "P0102", field: "return_url", desc: tooLong("return_url", 2000)},
		{name: "ReturnURLHTTPOnLive", setup: func(e *env) { e.client = e.clientFor(e.newAccount(pay.AccountLive, pay.ProviderSandbox)) },
			body: with(map[string]any{"return_url": "http://service.gov.uk/done"}), status: 422, code: "P0920", field: "return_url",
			desc: inv("return_url", "Must begin with https:// for a live gateway account")},

		// email, language, delayed_capture
		{name: "EmailNumber", body: with(map[string]any{"email": 5}), status: 400, code: "P0102", field: "email", desc: inv("email", "Field must be a string")},
		{name: "EmailTooLong", body: with(map[string]any{"email": long("e", 250) + "@x.io"}), status: 422, code: "P0102", field: "email", desc: tooLong("email", 254)},
		{name: "LanguageUnknown", body: with(map[string]any{"language": "fr"}), status: 422, code: "P0102", field: "language", desc: inv("language", `Must be "en" or "cy"`)},
		{name: "LanguageEmpty", body: with(map[string]any{"language": ""}), status: 400, code: "P0102", field: "language", desc: inv("language", `Must be "en" or "cy"`)},
		{name: "LanguageNumber", body: with(map[string]any{"language": 1}), status: 400, code: "P0102", field: "language", desc: inv("language", `Must be "en" or "cy"`)},
		{name: "LanguageNull", body: with(map[string]any{"language": jsonNull()}), status: 400, code: "P0102", field: "language", desc: inv("language", `Must be "en" or "cy"`)},
		{name: "DelayedCaptureString", body: with(map[string]any{"delayed_capture": "true"}), status: 400, code: "P0102", field: "delayed_capture", desc: inv("delayed_capture", "Must be true or false")},
		{name: "DelayedCaptureNull", body: with(map[string]any{"delayed_capture": jsonNull()}), status: 400, code: "P0102", field: "delayed_capture", desc: inv("delayed_capture", "Must be true or false")},

		// moto and authorisation_mode
		{name: "MotoString", body: with(map[string]any{"moto": "yes"}), status: 400, code: "P0102", field: "moto", desc: inv("moto", "Must be true or false")},
		{name: "MotoNotEnabled", body: with(map[string]any{"moto": true}), status: 422, code: "P0196", desc: motoMessage},
		{name: "ModeUnknown", body: with(map[string]any{"authorisation_mode": "external"}), status: 422, code: "P0102", field: "authorisation_mode", desc: inv("authorisation_mode", "Must be one of web, moto_api, agreement")},
		{name: "ModeNumber", body: with(map[string]any{"authorisation_mode": 3}), status: 400, code: "P0102", field: "authorisation_mode", desc: inv("authorisation_mode", "Must be one of web, moto_api, agreement")},
		{name: "MotoAPINotEnabled", body: with(map[string]any{"authorisation_mode": "moto_api"}, "return_url"), status: 422, code: "P0195", desc: "Using authorisation_mode of moto_api is not allowed for this account"},
		{name: "MotoAPIWithReturnURL", body: with(map[string]any{"authorisation_mode": "moto_api"}), status: 400, code: "P0104", desc: "Unexpected attribute: return_url"},

		// agreements
		{name: "AgreementIDInWebMode", body: with(map[string]any{"agreement_id": agreementID}), status: 400, code: "P0104", desc: "Unexpected attribute: agreement_id"},
		{name: "AgreementModeRecurringOff", body: with(map[string]any{"authorisation_mode": "agreement", "agreement_id": agreementID}, "return_url"), status: 422, code: "P0942", desc: recurringMsg},
		{name: "AgreementModeWithReturnURL", body: with(map[string]any{"authorisation_mode": "agreement", "agreement_id": agreementID}), status: 400, code: "P0104", desc: "Unexpected attribute: return_url"},
		{name: "AgreementIDMissing", setup: recurring, body: with(map[string]any{"authorisation_mode": "agreement"}, "return_url"), status: 400, code: "P0101", field: "agreement_id", desc: "Missing mandatory attribute: agreement_id"},
		{name: "AgreementIDNull", setup: recurring, body: with(map[string]any{"authorisation_mode": "agreement", "agreement_id": jsonNull()}, "return_url"), status: 400, code: "P0101", field: "agreement_id", desc: "Missing mandatory attribute: agreement_id"},
		{name: "AgreementIDNumber", setup: recurring, body: with(map[string]any{"authorisation_mode": "agreement", "agreement_id": 7}, "return_url"), status: 400, code: "P0102", field: "agreement_id", desc: inv("agreement_id", "Must be a valid string format")},
		{name: "AgreementIDLength", setup: recurring, body: with(map[string]any{"authorisation_mode": "agreement", "agreement_id": "short"}, "return_url"), status: 422, code: "P0102", field: "agreement_id", desc: inv("agreement_id", "Field [agreement_id] length must be 26")},
		{name: "AgreementUnknown", setup: recurring, body: with(map[string]any{"authorisation_mode": "agreement", "agreement_id": agreementID}, "return_url"), status: 400, code: "P0102", field: "agreement_id", desc: inv("agreement_id", "Agreement does not exist")},
		{name: "AgreementModeWithEmail", setup: recurring, body: with(map[string]any{"authorisation_mode": "agreement", "agreement_id": agreementID, "email": "a@b.org"}, "return_url"), status: 400, code: "P0104", desc: "Unexpected attribute: email"},
		{name: "AgreementModeWithMoto", setup: func(e *env) {
			e.setting(func(a *pay.Account) { a.Settings.RecurringEnabled, a.Settings.AllowMoto = true, true })
		}, body: with(map[string]any{"authorisation_mode": "agreement", "agreement_id": agreementID, "moto": true}, "return_url"), status: 400, code: "P0104", desc: "Unexpected attribute: moto"},
		{name: "AgreementModeWithPrefilled", setup: recurring, body: with(map[string]any{"authorisation_mode": "agreement", "agreement_id": agreementID, "prefilled_cardholder_details": map[string]any{"cardholder_name": "A"}}, "return_url"), status: 400, code: "P0104", desc: "Unexpected attribute: prefilled_cardholder_details"},
		{name: "AgreementModeWithSetUp", setup: recurring, body: with(map[string]any{"authorisation_mode": "agreement", "agreement_id": agreementID, "set_up_agreement": agreementID}, "return_url"), status: 400, code: "P0104", desc: "Unexpected attribute: set_up_agreement"},
		{name: "SetUpAgreementLength", body: with(map[string]any{"set_up_agreement": "abc"}), status: 422, code: "P0102", field: "set_up_agreement", desc: inv("set_up_agreement", "Field [set_up_agreement] length must be 26")},
		{name: "SetUpAgreementRecurringOff", body: with(map[string]any{"set_up_agreement": agreementID}), status: 422, code: "P0942", desc: recurringMsg},
		{name: "SetUpAgreementUnknown", setup: recurring, body: with(map[string]any{"set_up_agreement": agreementID}), status: 400, code: "P0103", field: "set_up_agreement", desc: inv("set_up_agreement", "Agreement ID does not exist")},
		{name: "SetUpAgreementWithMotoAPI", setup: func(e *env) { e.setting(func(a *pay.Account) { a.Settings.AllowMotoAPI = true }) },
			body: with(map[string]any{"authorisation_mode": "moto_api", "set_up_agreement": agreementID}, "return_url"), status: 400, code: "P0104", desc: "Unexpected attribute: set_up_agreement"},
		{name: "PaymentTypeWithoutAgreement", body: with(map[string]any{"agreement_payment_type": "recurring"}), status: 400, code: "P0104", desc: "Unexpected attribute: agreement_payment_type"},
		{name: "PaymentTypeUnknown", body: with(map[string]any{"set_up_agreement": agreementID, "agreement_payment_type": "weekly"}), status: 422, code: "P0102", field: "agreement_payment_type", desc: inv("agreement_payment_type", "Must be one of instalment, recurring, unscheduled")},
		{name: "PaymentTypeNumber", body: with(map[string]any{"set_up_agreement": agreementID, "agreement_payment_type": 1}), status: 400, code: "P0102", field: "agreement_payment_type", desc: inv("agreement_payment_type", "Must be one of instalment, recurring, unscheduled")},

		// prefilled cardholder details
		{name: "PrefilledNameNumber", body: with(map[string]any{"prefilled_cardholder_details": map[string]any{"cardholder_name": 5}}), status: 400, code: "P0102", field: "cardholder_name", desc: inv("cardholder_name", "Field must be a string")},
		{name: "PrefilledNameTooLong", body: with(map[string]any{"prefilled_cardholder_details": map[string]any{"cardholder_name": long("n", 256)}}), status: 422, code: "P0102", field: "cardholder_name", desc: tooLong("cardholder_name", 255)},
		{name: "PrefilledLine1Number", body: with(map[string]any{"prefilled_cardholder_details": map[string]any{"billing_address": map[string]any{"line1": 5}}}), status: 400, code: "P0102", field: "line1", desc: inv("line1", "Field must be a string")},
		{name: "PrefilledCityTooLong", body: with(map[string]any{"prefilled_cardholder_details": map[string]any{"billing_address": map[string]any{"city": long("c", 256)}}}), status: 422, code: "P0102", field: "city", desc: tooLong("city", 255)},
		{name: "PrefilledPostcodeTooLong", body: with(map[string]any{"prefilled_cardholder_details": map[string]any{"billing_address": map[string]any{"postcode": long("p", 26)}}}), status: 422, code: "P0102", field: "postcode", desc: tooLong("postcode", 25)},

		// metadata
		{name: "MetadataNull", body: with(map[string]any{"metadata": jsonNull()}), status: 422, code: "P0102", field: "metadata", desc: inv("metadata", "Value must not be null")},
		{name: "MetadataArray", body: with(map[string]any{"metadata": []any{1}}), status: 422, code: "P0102", field: "metadata", desc: inv("metadata", "Must be an object of JSON key-value pairs")},
		{name: "MetadataString", body: with(map[string]any{"metadata": "x"}), status: 422, code: "P0102", field: "metadata", desc: inv("metadata", "Must be an object of JSON key-value pairs")},
		{name: "MetadataTooMany", body: with(map[string]any{"metadata": pairs(16)}), status: 422, code: "P0102", field: "metadata", desc: inv("metadata", "Cannot have more than 15 key-value pairs")},
		{name: "MetadataKeyTooLong", body: with(map[string]any{"metadata": map[string]any{long("k", 31): "v"}}), status: 422, code: "P0102", field: "metadata", desc: inv("metadata", "Keys must be between 1 and 30 characters long")},
		{name: "MetadataKeyEmpty", body: with(map[string]any{"metadata": map[string]any{"": "v"}}), status: 422, code: "P0102", field: "metadata", desc: inv("metadata", "Keys must be between 1 and 30 characters long")},
		{name: "MetadataValueTooLong", body: with(map[string]any{"metadata": map[string]any{"k": long("v", 101)}}), status: 422, code: "P0102", field: "metadata", desc: inv("metadata", "Values must be no greater than 100 characters long")},
		{name: "MetadataValueObject", body: with(map[string]any{"metadata": map[string]any{"k": map[string]any{}}}), status: 422, code: "P0102", field: "metadata", desc: inv("metadata", "Values must be of type String, Boolean or Number")},
		{name: "MetadataValueNull", body: with(map[string]any{"metadata": map[string]any{"k": nil}}), status: 422, code: "P0102", field: "metadata", desc: inv("metadata", "Must not have null values")},
		{name: "MetadataDuplicateKeys", body: with(map[string]any{"metadata": map[string]any{"key": 1, "KEY": 2}}), status: 422, code: "P0102", field: "metadata", desc: inv("metadata", "Must have case insensitive unique keys")},
		{name: "MetadataSeveralProblems", body: with(map[string]any{"metadata": map[string]any{"a": nil, "b": []any{}}}), status: 422, code: "P0102", field: "metadata", desc: inv("metadata", "Values must be of type String, Boolean or Number. Must not have null values")},

		// internal.source (payment links)
		{name: "SourceNotAllowed", body: with(map[string]any{"internal": map[string]any{"source": "CARD_API"}}), status: 400, code: "P0102", field: "source", desc: inv("source", sourceMsg)},
		{name: "SourceUnknown", body: with(map[string]any{"internal": map[string]any{"source": "CARD_WHATEVER"}}), status: 422, code: "P0102", field: "source", desc: inv("source", sourceMsg)},
		{name: "SourceNumber", body: with(map[string]any{"internal": map[string]any{"source": 1}}), status: 400, code: "P0102", field: "source", desc: inv("source", sourceMsg)},
		{name: "CardNumberInLinkReference", body: with(map[string]any{"reference": "4242 4242 4242 4242", "internal": map[string]any{"source": "CARD_PAYMENT_LINK"}}), status: 400, code: "P0105", desc: "Card number entered in a payment link reference"},

		// the Idempotency-Key header
		{name: "IdempotencyKeyEmpty", body: quickStart(), headers: []string{"Idempotency-Key", ""}, status: 422, code: "P0102", header: "Idempotency-Key", desc: "Header [Idempotency-Key] can have a size between 1 and 255"},
		{name: "IdempotencyKeyTooLong", body: quickStart(), headers: []string{"Idempotency-Key", long("k", 256)}, status: 422, code: "P0102", header: "Idempotency-Key", desc: "Header [Idempotency-Key] can have a size between 1 and 255"},
		{name: "IdempotencyKeyBadChars", body: quickStart(), headers: []string{"Idempotency-Key", "not ok!"}, status: 422, code: "P0102", header: "Idempotency-Key", desc: "Header [Idempotency-Key] can only contain alphanumeric characters and hyphens"},

		// account-level refusals
		{name: "AccountDisabled", setup: func(e *env) { e.setting(func(a *pay.Account) { a.Disabled = true }) }, body: quickStart(), status: 403, code: "P0941", desc: disabledMsg},
		{name: "StripeMinimum", setup: func(e *env) { e.client = e.clientFor(e.newAccount(pay.AccountLive, pay.ProviderStripe)) },
			body: with(map[string]any{"amount": 29}), status: 422, code: "P0102", field: "amount", desc: inv("amount", "Must be greater than or equal to 30."+amountDocs)},

		// first failure wins, in GOV.UK Pay's order
		{name: "OrderAmountBeforeReference", body: with(map[string]any{"amount": "x"}, "reference"), status: 400, code: "P0102", field: "amount", desc: inv("amount", "Must be a valid numeric format")},
		{name: "OrderTypesBeforeSizes", body: with(map[string]any{"reference": long("r", 300)}, "description"), status: 400, code: "P0101", field: "description", desc: "Missing mandatory attribute: description"},
		{name: "OrderSizesBeforeReturnURL", body: with(map[string]any{"amount": -5}, "return_url"), status: 422, code: "P0102", field: "amount", desc: inv("amount", "Must be greater than or equal to 1")},
		{name: "OrderReturnURLBeforeMoto", body: with(map[string]any{"moto": true}, "return_url"), status: 400, code: "P0101", field: "return_url", desc: "Missing mandatory attribute: return_url"},
		{name: "OrderMetadataBeforeHeader", body: with(map[string]any{"metadata": jsonNull()}), headers: []string{"Idempotency-Key", "bad key"}, status: 422, code: "P0102", field: "metadata", desc: inv("metadata", "Value must not be null")},
		{name: "OrderDisabledBeforeMoto", setup: func(e *env) { e.setting(func(a *pay.Account) { a.Disabled = true }) }, body: with(map[string]any{"moto": true}), status: 403, code: "P0941", desc: disabledMsg},
		{name: "OrderMotoBeforeAgreementOptions", setup: recurring, body: with(map[string]any{"authorisation_mode": "agreement", "agreement_id": agreementID, "moto": true}, "return_url"), status: 422, code: "P0196", desc: motoMessage},
		{name: "OrderMotoBeforeZeroAmount", body: with(map[string]any{"moto": true, "amount": 0}), status: 422, code: "P0196", desc: motoMessage},
	}
}

func pairs(n int) map[string]any {
	m := map[string]any{}
	for i := range n {
		m[fmt.Sprintf("key%d", i)] = i
	}
	return m
}

func TestCreatePaymentErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range createErrorCases() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			if tt.setup != nil {
				tt.setup(e)
			}
			res := e.client.Do("POST", "/v1/payments", tt.body, tt.headers...)
			wantError(t, res, tt.status, tt.code, tt.desc)
			if res.Str("field") != tt.field || res.Str("header") != tt.header {
				t.Fatalf("field %q header %q, want %q %q", res.Str("field"), res.Str("header"), tt.field, tt.header)
			}
			page, err := e.Store.PaymentSearch(e.Ctx, &pay.PaymentSearch{AccountID: e.account.ID, Page: 1, DisplaySize: 10})
			must(t, err)
			if page.Total != 0 {
				t.Fatalf("a refused request stored %d payments", page.Total)
			}
		})
	}
}
