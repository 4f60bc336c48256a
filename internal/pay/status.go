package pay

import (
	"slices"
	"strings"
)

// Status is a payment's internal status, close to GOV.UK Pay's connector
// charge status. The strings are stored in the database: never change one.
type Status string

const (
	StatusCreated                         Status = "CREATED"
	StatusEnteringCardDetails             Status = "ENTERING CARD DETAILS"
	StatusAuthorisationReady              Status = "AUTHORISATION READY"
	StatusAuthorisationUserNotPresentQd   Status = "AUTHORISATION USER NOT PRESENT QUEUED"
	StatusAuthorisation3DSRequired        Status = "AUTHORISATION 3DS REQUIRED"
	StatusAuthorisation3DSReady           Status = "AUTHORISATION 3DS READY"
	StatusAuthorisationSubmitted          Status = "AUTHORISATION SUBMITTED"
	StatusAuthorisationSuccess            Status = "AUTHORISATION SUCCESS"
	StatusAuthorisationRejected           Status = "AUTHORISATION REJECTED"
	StatusAuthorisationCancelled          Status = "AUTHORISATION CANCELLED"
	StatusAuthorisationAborted            Status = "AUTHORISATION ABORTED"
	StatusAuthorisationError              Status = "AUTHORISATION ERROR"
	StatusAuthorisationTimeout            Status = "AUTHORISATION TIMEOUT"
	StatusAuthorisationUnexpectedError    Status = "AUTHORISATION UNEXPECTED ERROR"
	StatusAuthorisationErrorCancelled     Status = "AUTHORISATION ERROR CANCELLED"
	StatusAuthorisationErrorRejected      Status = "AUTHORISATION ERROR REJECTED"
	StatusAuthorisationErrorChargeMissing Status = "AUTHORISATION ERROR CHARGE MISSING"
	StatusAwaitingCaptureRequest          Status = "AWAITING CAPTURE REQUEST"
	StatusCaptureApproved                 Status = "CAPTURE APPROVED"
	StatusCaptureApprovedRetry            Status = "CAPTURE APPROVED RETRY"
	StatusCaptureQueued                   Status = "CAPTURE QUEUED"
	StatusCaptureReady                    Status = "CAPTURE READY"
	StatusCaptureSubmitted                Status = "CAPTURE SUBMITTED"
	StatusCaptured                        Status = "CAPTURED"
	StatusCaptureError                    Status = "CAPTURE ERROR"
	StatusExpireCancelReady               Status = "EXPIRE CANCEL READY"
	StatusExpireCancelSubmitted           Status = "EXPIRE CANCEL SUBMITTED"
	StatusExpireCancelFailed              Status = "EXPIRE CANCEL FAILED"
	StatusExpired                         Status = "EXPIRED"
	StatusSystemCancelReady               Status = "SYSTEM CANCEL READY"
	StatusSystemCancelSubmitted           Status = "SYSTEM CANCEL SUBMITTED"
	StatusSystemCancelError               Status = "SYSTEM CANCEL ERROR"
	StatusSystemCancelled                 Status = "SYSTEM CANCELLED"
	StatusUserCancelReady                 Status = "USER CANCEL READY"
	StatusUserCancelSubmitted             Status = "USER CANCEL SUBMITTED"
	StatusUserCancelError                 Status = "USER CANCEL ERROR"
	StatusUserCancelled                   Status = "USER CANCELLED"
)

// External states, as the public API shows them.
const (
	StateCreated    = "created"
	StateStarted    = "started"
	StateSubmitted  = "submitted"
	StateCapturable = "capturable"
	StateSuccess    = "success"
	StateFailed     = "failed"
	StateCancelled  = "cancelled"
	StateError      = "error"
)

// State is the external view of a status: what GET /v1/payments/{id} shows.
type State struct {
	Status   string
	Finished bool
	Code     string // only for failed, cancelled and error
	Message  string
}

var (
	stateCreated    = State{Status: StateCreated}
	stateStarted    = State{Status: StateStarted}
	stateSubmitted  = State{Status: StateSubmitted}
	stateCapturable = State{Status: StateCapturable}
	stateSuccess    = State{Status: StateSuccess, Finished: true}
	stateDeclined   = State{Status: StateFailed, Finished: true, Code: CodeRejected, Message: "Payment method rejected"}
	stateTimedOut   = State{Status: StateFailed, Finished: true, Code: CodeExpired, Message: "Payment expired"}
	stateUserCancel = State{Status: StateFailed, Finished: true, Code: CodeCancelledByUser, Message: "Payment was cancelled by the user"}
	stateCancelled  = State{Status: StateCancelled, Finished: true, Code: CodeCancelledByService, Message: "Payment was cancelled by the service"}
	stateError      = State{Status: StateError, Finished: true, Code: CodeProviderError, Message: "Payment provider returned an error"}
)

// statusInfo is everything the domain knows about one status.
type statusInfo struct {
	state State
}

var statuses = map[Status]statusInfo{
	StatusCreated:                         {stateCreated},
	StatusEnteringCardDetails:             {stateStarted},
	StatusAuthorisationReady:              {stateStarted},
	StatusAuthorisationUserNotPresentQd:   {stateStarted},
	StatusAuthorisation3DSRequired:        {stateStarted},
	StatusAuthorisation3DSReady:           {stateStarted},
	StatusAuthorisationSubmitted:          {stateError},
	StatusAuthorisationSuccess:            {stateSubmitted},
	StatusAuthorisationRejected:           {stateDeclined},
	StatusAuthorisationCancelled:          {stateDeclined},
	StatusAuthorisationAborted:            {stateDeclined},
	StatusAuthorisationError:              {stateError},
	StatusAuthorisationTimeout:            {stateError},
	StatusAuthorisationUnexpectedError:    {stateError},
	StatusAuthorisationErrorCancelled:     {stateError},
	StatusAuthorisationErrorRejected:      {stateError},
	StatusAuthorisationErrorChargeMissing: {stateError},
	StatusAwaitingCaptureRequest:          {stateCapturable},
	StatusCaptureApproved:                 {stateSuccess},
	StatusCaptureApprovedRetry:            {stateSuccess},
	StatusCaptureQueued:                   {stateSuccess},
	StatusCaptureReady:                    {stateSuccess},
	StatusCaptureSubmitted:                {stateSuccess},
	StatusCaptured:                        {stateSuccess},
	StatusCaptureError:                    {stateError},
	StatusExpireCancelReady:               {stateTimedOut},
	StatusExpireCancelSubmitted:           {stateTimedOut},
	StatusExpireCancelFailed:              {stateTimedOut},
	StatusExpired:                         {stateTimedOut},
	StatusSystemCancelReady:               {stateCancelled},
	StatusSystemCancelSubmitted:           {stateCancelled},
	StatusSystemCancelError:               {stateCancelled},
	StatusSystemCancelled:                 {stateCancelled},
	StatusUserCancelReady:                 {stateUserCancel},
	StatusUserCancelSubmitted:             {stateUserCancel},
	StatusUserCancelError:                 {stateUserCancel},
	StatusUserCancelled:                   {stateUserCancel},
}

// Valid reports whether s is a status Pay knows.
func (s Status) Valid() bool {
	_, ok := statuses[s]
	return ok
}

// State returns the external state of s.
func (s Status) State() State { return statuses[s].state }

// Finished reports whether no further payer or service action can change the outcome.
func (s Status) Finished() bool { return statuses[s].state.Finished }

// In reports whether s is one of list.
func (s Status) In(list ...Status) bool {
	for _, x := range list {
		if s == x {
			return true
		}
	}
	return false
}

// StatusesForState returns every internal status whose external state has the
// given status name (for example all the failed ones for "failed"), in a
// stable order. It returns nil for an unknown name.
func StatusesForState(name string) []Status {
	var out []Status
	for _, s := range allStatuses {
		if statuses[s].state.Status == name {
			out = append(out, s)
		}
	}
	return out
}

// allStatuses fixes an order for listings and tests.
var allStatuses = func() []Status {
	out := make([]Status, 0, len(statuses))
	for s := range statuses {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}()

// AllStatuses returns every status in a stable order.
func AllStatuses() []Status { return append([]Status(nil), allStatuses...) }

// EventType names a payment event in GOV.UK Pay's vocabulary (connector
// event class names in upper snake case).
type EventType string

const (
	EventPaymentCreated                        EventType = "PAYMENT_CREATED"
	EventPaymentStarted                        EventType = "PAYMENT_STARTED"
	EventPaymentExpired                        EventType = "PAYMENT_EXPIRED"
	EventAuthorisationRejected                 EventType = "AUTHORISATION_REJECTED"
	EventAuthorisationSucceeded                EventType = "AUTHORISATION_SUCCEEDED"
	EventAuthorisationCancelled                EventType = "AUTHORISATION_CANCELLED"
	EventGatewayErrorDuringAuthorisation       EventType = "GATEWAY_ERROR_DURING_AUTHORISATION"
	EventGatewayTimeoutDuringAuthorisation     EventType = "GATEWAY_TIMEOUT_DURING_AUTHORISATION"
	EventUnexpectedGatewayErrorDuringAuth      EventType = "UNEXPECTED_GATEWAY_ERROR_DURING_AUTHORISATION"
	EventGatewayRequires3DSAuthorisation       EventType = "GATEWAY_REQUIRES_3DS_AUTHORISATION"
	EventQueuedForAuthorisationUserNotPresent  EventType = "QUEUED_FOR_AUTHORISATION_WITH_USER_NOT_PRESENT"
	EventUserApprovedForCapture                EventType = "USER_APPROVED_FOR_CAPTURE"
	EventUserApprovedForCaptureAwaitingService EventType = "USER_APPROVED_FOR_CAPTURE_AWAITING_SERVICE_APPROVAL"
	EventServiceApprovedForCapture             EventType = "SERVICE_APPROVED_FOR_CAPTURE"
	EventQueuedForCapture                      EventType = "QUEUED_FOR_CAPTURE"
	EventCaptureSubmitted                      EventType = "CAPTURE_SUBMITTED"
	EventCaptureConfirmed                      EventType = "CAPTURE_CONFIRMED"
	EventCaptureErrored                        EventType = "CAPTURE_ERRORED"
	EventCaptureAbandonedAfterTooManyRetries   EventType = "CAPTURE_ABANDONED_AFTER_TOO_MANY_RETRIES"
	EventCancelByExpirationSubmitted           EventType = "CANCEL_BY_EXPIRATION_SUBMITTED"
	EventCancelByExpirationFailed              EventType = "CANCEL_BY_EXPIRATION_FAILED"
	EventCancelledByExpiration                 EventType = "CANCELLED_BY_EXPIRATION"
	EventCancelByExternalServiceSubmitted      EventType = "CANCEL_BY_EXTERNAL_SERVICE_SUBMITTED"
	EventCancelByExternalServiceFailed         EventType = "CANCEL_BY_EXTERNAL_SERVICE_FAILED"
	EventCancelledByExternalService            EventType = "CANCELLED_BY_EXTERNAL_SERVICE"
	EventCancelByUserSubmitted                 EventType = "CANCEL_BY_USER_SUBMITTED"
	EventCancelByUserFailed                    EventType = "CANCEL_BY_USER_FAILED"
	EventCancelledByUser                       EventType = "CANCELLED_BY_USER"
	EventCancelledWithGatewayAfterAuthError    EventType = "CANCELLED_WITH_GATEWAY_AFTER_AUTHORISATION_ERROR"
	EventAuthErrorCheckedChargeWasRejected     EventType = "AUTHORISATION_ERROR_CHECKED_WITH_GATEWAY_CHARGE_WAS_REJECTED"
	EventAuthErrorCheckedChargeWasMissing      EventType = "AUTHORISATION_ERROR_CHECKED_WITH_GATEWAY_CHARGE_WAS_MISSING"
)

// statusEvent names the event for a transition GOV.UK Pay models without one
// (for example into AUTHORISATION READY): the target status in upper snake
// case, so every row of the event log says what happened.
func statusEvent(s Status) EventType {
	return EventType(strings.ReplaceAll(string(s), " ", "_"))
}

type edge struct{ from, to Status }

// transitions is the payment state machine (GOV.UK Pay's
// PaymentGatewayStateTransitions, without telephone payments). The value is
// the event the transition records; "" means statusEvent(to).
var transitions = map[edge]EventType{
	{StatusCreated, StatusEnteringCardDetails}:           EventPaymentStarted,
	{StatusCreated, StatusExpired}:                       EventPaymentExpired,
	{StatusCreated, StatusSystemCancelled}:               EventCancelledByExternalService,
	{StatusCreated, StatusUserCancelled}:                 EventCancelledByUser,
	{StatusCreated, StatusAuthorisationRejected}:         EventAuthorisationRejected,
	{StatusCreated, StatusAuthorisationReady}:            "",
	{StatusCreated, StatusAuthorisationUserNotPresentQd}: EventQueuedForAuthorisationUserNotPresent,

	{StatusEnteringCardDetails, StatusAuthorisationReady}:   "",
	{StatusEnteringCardDetails, StatusAuthorisationAborted}: EventAuthorisationRejected,
	{StatusEnteringCardDetails, StatusUserCancelled}:        EventCancelledByUser,
	{StatusEnteringCardDetails, StatusSystemCancelled}:      EventCancelledByExternalService,
	{StatusEnteringCardDetails, StatusExpired}:              EventPaymentExpired,

	{StatusAuthorisationUserNotPresentQd, StatusAuthorisationReady}: "",

	{StatusAuthorisationReady, StatusAuthorisationSuccess}:         EventAuthorisationSucceeded,
	{StatusAuthorisationReady, StatusAuthorisationRejected}:        EventAuthorisationRejected,
	{StatusAuthorisationReady, StatusAuthorisationAborted}:         EventAuthorisationRejected,
	{StatusAuthorisationReady, StatusAuthorisationError}:           EventGatewayErrorDuringAuthorisation,
	{StatusAuthorisationReady, StatusAuthorisationTimeout}:         EventGatewayTimeoutDuringAuthorisation,
	{StatusAuthorisationReady, StatusAuthorisationUnexpectedError}: EventUnexpectedGatewayErrorDuringAuth,
	{StatusAuthorisationReady, StatusAuthorisation3DSRequired}:     EventGatewayRequires3DSAuthorisation,
	{StatusAuthorisationReady, StatusAuthorisationCancelled}:       EventAuthorisationCancelled,
	{StatusAuthorisationReady, StatusAuthorisationSubmitted}:       EventGatewayErrorDuringAuthorisation,
	{StatusAuthorisationReady, StatusUserCancelled}:                EventCancelledByUser,
	{StatusAuthorisationReady, StatusExpired}:                      EventPaymentExpired,

	{StatusAuthorisationSubmitted, StatusAuthorisationSuccess}:     EventAuthorisationSucceeded,
	{StatusAuthorisationSubmitted, StatusAuthorisationRejected}:    EventAuthorisationRejected,
	{StatusAuthorisationSubmitted, StatusAuthorisationError}:       EventGatewayErrorDuringAuthorisation,
	{StatusAuthorisationSubmitted, StatusAuthorisation3DSRequired}: EventGatewayRequires3DSAuthorisation,

	{StatusAuthorisation3DSRequired, StatusAuthorisation3DSReady}:  "",
	{StatusAuthorisation3DSRequired, StatusAuthorisationSuccess}:   EventAuthorisationSucceeded,
	{StatusAuthorisation3DSRequired, StatusAuthorisationRejected}:  EventAuthorisationRejected,
	{StatusAuthorisation3DSRequired, StatusAuthorisationCancelled}: EventAuthorisationCancelled,
	{StatusAuthorisation3DSRequired, StatusExpireCancelReady}:      "",
	{StatusAuthorisation3DSRequired, StatusUserCancelled}:          EventCancelledByUser,
	{StatusAuthorisation3DSRequired, StatusUserCancelReady}:        "",
	{StatusAuthorisation3DSRequired, StatusSystemCancelled}:        EventCancelledByExternalService,
	{StatusAuthorisation3DSRequired, StatusSystemCancelReady}:      "",
	{StatusAuthorisation3DSRequired, StatusExpired}:                EventPaymentExpired,
	{StatusAuthorisation3DSReady, StatusAuthorisationSuccess}:      EventAuthorisationSucceeded,
	{StatusAuthorisation3DSReady, StatusAuthorisationRejected}:     EventAuthorisationRejected,
	{StatusAuthorisation3DSReady, StatusAuthorisation3DSRequired}:  EventGatewayRequires3DSAuthorisation,
	{StatusAuthorisation3DSReady, StatusAuthorisationError}:        EventGatewayErrorDuringAuthorisation,
	{StatusAuthorisation3DSReady, StatusAuthorisationCancelled}:    EventAuthorisationCancelled,
	{StatusAuthorisation3DSReady, StatusExpireCancelReady}:         "",
	{StatusAuthorisation3DSReady, StatusSystemCancelled}:           EventCancelledByExternalService,
	{StatusAuthorisation3DSReady, StatusSystemCancelReady}:         "",
	{StatusAuthorisation3DSReady, StatusUserCancelled}:             EventCancelledByUser,
	{StatusAuthorisation3DSReady, StatusUserCancelReady}:           "",
	{StatusAuthorisation3DSReady, StatusExpired}:                   EventPaymentExpired,

	{StatusAuthorisationSuccess, StatusCaptureApproved}:        EventUserApprovedForCapture,
	{StatusAuthorisationSuccess, StatusCaptureReady}:           "",
	{StatusAuthorisationSuccess, StatusCaptureQueued}:          EventQueuedForCapture,
	{StatusAuthorisationSuccess, StatusAwaitingCaptureRequest}: EventUserApprovedForCaptureAwaitingService,
	{StatusAuthorisationSuccess, StatusSystemCancelReady}:      "",
	{StatusAuthorisationSuccess, StatusUserCancelReady}:        "",
	{StatusAuthorisationSuccess, StatusExpireCancelReady}:      "",

	{StatusAwaitingCaptureRequest, StatusCaptureApproved}:   EventServiceApprovedForCapture,
	{StatusAwaitingCaptureRequest, StatusSystemCancelReady}: "",
	{StatusAwaitingCaptureRequest, StatusExpireCancelReady}: "",

	{StatusCaptureQueued, StatusCaptureReady}:        "",
	{StatusCaptureQueued, StatusCaptureError}:        EventCaptureErrored,
	{StatusCaptureApproved, StatusCaptureReady}:      "",
	{StatusCaptureApproved, StatusCaptureError}:      EventCaptureAbandonedAfterTooManyRetries,
	{StatusCaptureApprovedRetry, StatusCaptureReady}: "",
	{StatusCaptureApprovedRetry, StatusCaptureError}: EventCaptureAbandonedAfterTooManyRetries,
	{StatusCaptureApprovedRetry, StatusCaptured}:     EventCaptureConfirmed,
	{StatusCaptureReady, StatusCaptureSubmitted}:     EventCaptureSubmitted,
	{StatusCaptureReady, StatusCaptureError}:         EventCaptureErrored,
	{StatusCaptureReady, StatusCaptureApprovedRetry}: "",
	{StatusCaptureReady, StatusCaptured}:             EventCaptureConfirmed,
	{StatusCaptureSubmitted, StatusCaptureError}:     EventCaptureErrored,
	{StatusCaptureSubmitted, StatusCaptured}:         EventCaptureConfirmed,

	{StatusExpireCancelReady, StatusExpireCancelSubmitted}:  EventCancelByExpirationSubmitted,
	{StatusExpireCancelReady, StatusExpireCancelFailed}:     EventCancelByExpirationFailed,
	{StatusExpireCancelReady, StatusExpired}:                EventCancelledByExpiration,
	{StatusExpireCancelSubmitted, StatusExpireCancelFailed}: EventCancelByExpirationFailed,
	{StatusExpireCancelSubmitted, StatusExpired}:            EventCancelledByExpiration,
	{StatusSystemCancelReady, StatusSystemCancelSubmitted}:  EventCancelByExternalServiceSubmitted,
	{StatusSystemCancelReady, StatusSystemCancelError}:      EventCancelByExternalServiceFailed,
	{StatusSystemCancelReady, StatusSystemCancelled}:        EventCancelledByExternalService,
	{StatusSystemCancelSubmitted, StatusSystemCancelError}:  EventCancelByExternalServiceFailed,
	{StatusSystemCancelSubmitted, StatusSystemCancelled}:    EventCancelledByExternalService,
	{StatusUserCancelReady, StatusUserCancelSubmitted}:      EventCancelByUserSubmitted,
	{StatusUserCancelReady, StatusUserCancelError}:          EventCancelByUserFailed,
	{StatusUserCancelReady, StatusUserCancelled}:            EventCancelledByUser,
	{StatusUserCancelSubmitted, StatusUserCancelError}:      EventCancelByUserFailed,
	{StatusUserCancelSubmitted, StatusUserCancelled}:        EventCancelledByUser,

	{StatusAuthorisationError, StatusAuthorisationErrorCancelled}:               EventCancelledWithGatewayAfterAuthError,
	{StatusAuthorisationError, StatusAuthorisationErrorRejected}:                EventAuthErrorCheckedChargeWasRejected,
	{StatusAuthorisationError, StatusAuthorisationErrorChargeMissing}:           EventAuthErrorCheckedChargeWasMissing,
	{StatusAuthorisationUnexpectedError, StatusAuthorisationErrorCancelled}:     EventCancelledWithGatewayAfterAuthError,
	{StatusAuthorisationUnexpectedError, StatusAuthorisationErrorRejected}:      EventAuthErrorCheckedChargeWasRejected,
	{StatusAuthorisationUnexpectedError, StatusAuthorisationErrorChargeMissing}: EventAuthErrorCheckedChargeWasMissing,
	{StatusAuthorisationTimeout, StatusAuthorisationErrorCancelled}:             EventCancelledWithGatewayAfterAuthError,
	{StatusAuthorisationTimeout, StatusAuthorisationErrorRejected}:              EventAuthErrorCheckedChargeWasRejected,
	{StatusAuthorisationTimeout, StatusAuthorisationErrorChargeMissing}:         EventAuthErrorCheckedChargeWasMissing,
}

// CanTransition reports whether the state machine allows from → to.
func CanTransition(from, to Status) bool {
	_, ok := transitions[edge{from, to}]
	return ok
}

// TransitionEvent returns the event that from → to records, and false if the
// transition is not allowed.
func TransitionEvent(from, to Status) (EventType, bool) {
	ev, ok := transitions[edge{from, to}]
	if !ok {
		return "", false
	}
	if ev == "" {
		ev = statusEvent(to)
	}
	return ev, true
}
