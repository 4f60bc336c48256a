package api

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"pay/internal/pay"
)

// codes are an endpoint's error codes for the kinds whose code depends on
// the endpoint rather than on the error (GOV.UK Pay gives every endpoint its
// own 404 and 500 codes).
type codes struct {
	notFound   string // 404
	conflict   string // 409 for a conflict the domain did not code itself
	downstream string // 500
}

// Each endpoint's codes.
var (
	createPaymentCodes = codes{notFound: pay.CodeAccountError, downstream: pay.CodeCreatePaymentDownstream}
	getPaymentCodes    = codes{notFound: pay.CodeGetPaymentNotFound, downstream: pay.CodeGetPaymentDownstream}
	getEventsCodes     = codes{notFound: pay.CodeGetEventsNotFound, downstream: pay.CodeGetEventsDownstream}
	searchPaymentCodes = codes{notFound: pay.CodeSearchPaymentsPageNotFound, downstream: pay.CodeSearchPaymentsDownstream}
	cancelCodes        = codes{notFound: pay.CodeCancelNotFound, conflict: pay.CodeCancelConflict, downstream: pay.CodeCancelDownstream}
	captureCodes       = codes{notFound: pay.CodeCaptureNotFound, conflict: pay.CodeCaptureNotPossible, downstream: pay.CodeCaptureDownstream}
	createRefundCodes  = codes{notFound: pay.CodeCreateRefundNotFound, downstream: pay.CodeCreateRefundDownstream}
	getRefundCodes     = codes{notFound: pay.CodeGetRefundNotFound, downstream: pay.CodeGetRefundDownstream}
	getRefundsCodes    = codes{notFound: pay.CodeGetRefundsNotFound, downstream: pay.CodeGetRefundsDownstream}
	searchRefundCodes  = codes{notFound: pay.CodeSearchRefundsAbsent, downstream: pay.CodeSearchRefundsDownstream}
	searchDisputeCodes = codes{notFound: pay.CodeSearchPaymentsPageNotFound, downstream: pay.CodeSearchPaymentsDownstream}
	authoriseCodes     = codes{downstream: pay.CodeCreatePaymentDownstream}

	createAgreementCodes = codes{downstream: pay.CodeCreateAgreementDownstream}
	getAgreementCodes    = codes{notFound: pay.CodeGetAgreementNotFound, downstream: pay.CodeGetAgreementDownstream}
	searchAgreementCodes = codes{notFound: pay.CodeSearchAgreementsPageNotFound, downstream: pay.CodeSearchAgreementsDownstream}
	cancelAgreementCodes = codes{notFound: pay.CodeCancelAgreementNotFound, downstream: pay.CodeCancelAgreementDownstream}

	// authCodes answer failures to read an API key or its account.
	authCodes = codes{notFound: pay.CodeAccountError, downstream: pay.CodeInternal}
)

// statusOf is the one table from error kinds to HTTP statuses.
var statusOf = map[pay.Kind]int{
	pay.KindBadRequest:      http.StatusBadRequest,
	pay.KindInvalid:         http.StatusUnprocessableEntity,
	pay.KindUnauthorised:    http.StatusUnauthorized,
	pay.KindForbidden:       http.StatusForbidden,
	pay.KindNotFound:        http.StatusNotFound,
	pay.KindConflict:        http.StatusConflict,
	pay.KindPrecondition:    http.StatusPreconditionFailed,
	pay.KindTooManyRequests: http.StatusTooManyRequests,
	pay.KindPaymentRequired: http.StatusPaymentRequired,
}

// errorBody is GOV.UK Pay's error shape; empty keys are left out.
type errorBody struct {
	Field       string `json:"field,omitempty"`
	Header      string `json:"header,omitempty"`
	Code        string `json:"code"`
	Description string `json:"description"`
}

// fail writes err in GOV.UK Pay's error format. Errors the domain did not
// classify, and provider failures, are logged with their cause and shown
// only as the endpoint's "Downstream system error".
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error, c codes) {
	var e *pay.Error
	if !errors.As(err, &e) {
		e = &pay.Error{Kind: pay.KindInternal, Err: err}
	}
	status, ok := statusOf[e.Kind]
	body := errorBody{Field: e.Field, Header: e.Header, Code: e.Code, Description: e.Message}
	switch {
	case e.Kind == pay.KindProvider && e.Code != "":
		status = http.StatusInternalServerError // a provider failure the operation words itself
	case !ok: // internal and provider errors
		status, body = http.StatusInternalServerError, errorBody{Code: c.downstream, Description: pay.DescDownstream}
	case e.Kind == pay.KindNotFound && e.Code == "":
		body = errorBody{Code: c.notFound, Description: pay.DescNotFound}
		if c.notFound == pay.CodeAccountError {
			status = http.StatusInternalServerError
			body.Description = pay.DescAccountError
		}
	case e.Kind == pay.KindConflict && e.Code == "" && c.conflict != "":
		body.Code = c.conflict
	case e.Code == "":
		// A classified error without a code for this endpoint is our bug.
		status, body = http.StatusInternalServerError, errorBody{Code: c.downstream, Description: pay.DescDownstream}
	}
	if status == http.StatusInternalServerError {
		a.Logger.ErrorContext(r.Context(), "request failed", slog.String("method", r.Method),
			slog.String("path", r.URL.Path), slog.Any("error", err))
	}
	writeJSON(w, status, body)
}

// invalidParams is GOV.UK Pay's error for bad query parameters, naming each
// one in the order they were checked: KindInvalid (422) for values it
// cannot accept, KindBadRequest (400) for a parameter it does not know.
func invalidParams(kind pay.Kind, code string, names ...string) *pay.Error {
	return &pay.Error{Kind: kind, Code: code,
		Message: "Invalid parameters: " + strings.Join(names, ", ") + ". See Public API documentation for the correct data formats"}
}

// unauthorised answers 401 with a JSON body that clients of GOV.UK Pay can parse.
func unauthorised(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="Pay"`)
	writeJSON(w, http.StatusUnauthorized, map[string]any{
		"code":    http.StatusUnauthorized,
		"message": "Credentials are required to access this resource.",
	})
}
