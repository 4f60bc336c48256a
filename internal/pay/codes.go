package pay

// GOV.UK Pay's API error codes, all of them, by endpoint
// (../shared/govukpay/reference.md §1.6). The domain sets the codes it
// decides; the API layer names the rest (each endpoint's own 404 and 500
// codes) in its per-endpoint table, from these constants.
const (
	// Payment states (a payment outcome, not an error); also /v1/auth's
	// answers for a refused card and a failed authorisation.
	CodeRejected           = "P0010" // failed: payment method rejected
	CodeExpired            = "P0020" // failed: payment expired
	CodeCancelledByUser    = "P0030" // failed: cancelled by the user
	CodeCancelledByService = "P0040" // cancelled: cancelled by the service
	CodeProviderError      = "P0050" // error: the provider returned an error

	// POST /v1/payments
	CodeCreatePaymentMissing    = "P0101"
	CodeCreatePaymentInvalid    = "P0102"
	CodeSetUpAgreementUnknown   = "P0103"
	CodeCreatePaymentUnexpected = "P0104"
	CodeCardNumberInReference   = "P0105"
	CodeIdempotencyKeyUsed      = "P0191"
	CodeMotoAPINotEnabled       = "P0195"
	CodeMotoNotEnabled          = "P0196"
	CodeCreatePaymentBadJSON    = "P0197"
	CodeCreatePaymentDownstream = "P0198"
	CodeAccountError            = "P0199"

	// GET /v1/payments/{id} and its events
	CodeGetPaymentNotFound   = "P0200"
	CodeGetPaymentDownstream = "P0298"
	CodeGetEventsNotFound    = "P0300"
	CodeGetEventsDownstream  = "P0398"

	// GET /v1/payments and GET /v1/disputes
	CodeSearchPaymentsInvalid      = "P0401"
	CodeSearchPaymentsPageNotFound = "P0402"
	CodeSearchPaymentsDownstream   = "P0498"

	// POST /v1/payments/{id}/cancel
	CodeCancelNotFound   = "P0500"
	CodeCancelFailed     = "P0501"
	CodeCancelConflict   = "P0502"
	CodeCancelDownstream = "P0598"

	// POST /v1/payments/{id}/refunds, GET one refund, GET a payment's refunds
	CodeCreateRefundNotFound   = "P0600"
	CodeRefundMissing          = "P0601"
	CodeRefundInvalid          = "P0602"
	CodeRefundNotAvailable     = "P0603"
	CodeRefundMismatch         = "P0604"
	CodeRefundBadJSON          = "P0697"
	CodeCreateRefundDownstream = "P0698"
	CodeGetRefundNotFound      = "P0700"
	CodeGetRefundDownstream    = "P0798"
	CodeGetRefundsNotFound     = "P0800"
	CodeGetRefundsDownstream   = "P0898"

	// Any endpoint
	CodeTooManyRequests   = "P0900"
	CodeRequestDenied     = "P0920"
	CodeAccountNotLinked  = "P0940"
	CodeAccountDisabled   = "P0941"
	CodeRecurringDisabled = "P0942"
	CodeInternal          = "P0998" // Pay's own: a failure outside any endpoint (authentication, the OpenAPI document)
	CodeUnavailable       = "P0999" // a request that panicked

	// POST /v1/payments/{id}/capture
	CodeCaptureNotFound    = "P1000"
	CodeCaptureFailed      = "P1001"
	CodeCaptureNotPossible = "P1003"
	CodeCaptureDownstream  = "P1098"

	// GET /v1/refunds
	CodeSearchRefundsAbsent     = "P1100"
	CodeSearchRefundsBad        = "P1101"
	CodeSearchRefundsDownstream = "P1898"

	// POST /v1/auth (also CodeAuthRejected and CodeAuthError below)
	CodeAuthTokenInvalid = "P1211"
	CodeAuthTokenUsed    = "P1212"

	// Agreements
	CodeCreateAgreementMissing       = "P2101"
	CodeCreateAgreementInvalid       = "P2102"
	CodeCreateAgreementBadJSON       = "P2197"
	CodeCreateAgreementDownstream    = "P2198"
	CodeGetAgreementNotFound         = "P2200"
	CodeGetAgreementDownstream       = "P2298"
	CodeSearchAgreementsInvalid      = "P2401"
	CodeSearchAgreementsPageNotFound = "P2402"
	CodeSearchAgreementsDownstream   = "P2498"
	CodeCancelAgreementNotFound      = "P2500"
	CodeCancelAgreementFailed        = "P2501"
	CodeCancelAgreementDownstream    = "P2598"
)

// /v1/auth's names for the payment-state codes it answers with.
const (
	CodeAuthRejected = CodeRejected      // 402: the card was refused
	CodeAuthError    = CodeProviderError // 500: authorisation failed or timed out
)

// GOV.UK Pay's descriptions for the codes every endpoint shares.
const (
	DescNotFound     = "Not found"
	DescPageNotFound = "Page not found"
	DescDownstream   = "Downstream system error"
	DescAccountError = "There is an error with this account. Contact support with your error code - " + msgSupport + " ."
	DescBadJSON      = "Unable to parse JSON"
	DescUnavailable  = "Pay is temporarily unavailable" // Pay's own, with CodeUnavailable
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
