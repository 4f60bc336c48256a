package pay

// API error codes that the domain itself decides. Codes that depend only on
// the endpoint (a 404 on GET payment is P0200, on events P0300) live in the
// API layer's table.
const (
	CodeCreatePaymentMissing       = "P0101"
	CodeCreatePaymentInvalid       = "P0102"
	CodeSetUpAgreementUnknown      = "P0103"
	CodeCreatePaymentUnexpected    = "P0104"
	CodeCardNumberInReference      = "P0105"
	CodeIdempotencyKeyUsed         = "P0191"
	CodeMotoAPINotEnabled          = "P0195"
	CodeMotoNotEnabled             = "P0196"
	CodeCreatePaymentBadJSON       = "P0197"
	CodeCreatePaymentDownstream    = "P0198"
	CodeAccountError               = "P0199"
	CodeSearchPaymentsInvalid      = "P0401"
	CodeSearchPaymentsPageNotFound = "P0402"
	CodeCancelNotFound             = "P0500"
	CodeCancelFailed               = "P0501"
	CodeCancelConflict             = "P0502"
	CodeCaptureFailed              = "P1001"
	CodeCaptureNotPossible         = "P1003"
	CodeRequestDenied              = "P0920"
	CodeAccountNotLinked           = "P0940"
	CodeAccountDisabled            = "P0941"
	CodeRecurringDisabled          = "P0942"
	CodeTooManyRequests            = "P0900"
)

// Messages GOV.UK Pay uses for account-level refusals.
const (
	msgSupport          = "https://www.payments.service.gov.uk/support/"
	msgAccountDisabled  = "GOV.UK Pay has disabled payment and refund creation on this account. Contact support with your error code - " + msgSupport + " ."
	msgAccountNotLinked = "Account is not fully configured. Please refer to documentation to setup your account or contact support with your error code - " + msgSupport + " ."
	msgMotoNotEnabled   = "MOTO payments are not enabled for this account. Please contact support if you would like to process MOTO payments - " + msgSupport + " ."
	msgMotoAPIDisabled  = "Using authorisation_mode of moto_api is not allowed for this account"
	msgRecurringOff     = "Recurring card payments are currently disabled for this service. Contact support with your error code - " + msgSupport
	msgIdempotencyUsed  = "The `Idempotency-Key` you sent in the request header has already been used to create a payment."
	msgAmountDocs       = "Refer to https://docs.payments.service.gov.uk/making_payments/#amount"
)
