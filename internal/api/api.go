// Package api serves Pay's public REST API (/v1), which speaks GOV.UK Pay's
// API v1 on the wire: the same paths, fields, limits, status codes and
// error bodies, so a GOV.UK Pay integration works by changing the base URL
// and the key.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"pay/internal/pay"
	"pay/internal/ratelimit"
)

// API is the public API's handlers and what they need.
type API struct {
	Payments  *pay.Payments
	Accounts  *pay.Accounts // authenticates API keys
	Store     Store
	PublicURL string // base of every URL the API hands out, without a trailing slash
	Logger    *slog.Logger
	Limiter   *ratelimit.Limiter // per-account request limits; nil: none
}

// Store is what the API reads straight from the database: the searches.
// Every change, and every read with a rule in it, goes through Payments.
type Store interface {
	PaymentSearch(ctx context.Context, s *pay.PaymentSearch) (*pay.PaymentPage, error)
	RefundSearch(ctx context.Context, s *pay.RefundSearch) (*pay.RefundPage, error)
	DisputeSearch(ctx context.Context, s *pay.DisputeSearch) (*pay.DisputePage, error)
	AgreementSearch(ctx context.Context, s *pay.AgreementSearch) (*pay.AgreementPage, error)
}

// Register adds the whole /v1 surface to mux. Routes are registered on the
// caller's mux, not a nested one, so request metrics see each route pattern.
func (a *API) Register(mux *http.ServeMux) {
	authed := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, noStore(a.authenticate(a.rateLimit(h)))) }
	authed("POST /v1/payments", a.createPayment)
	authed("GET /v1/payments", a.searchPayments)
	authed("GET /v1/payments/{paymentId}", a.getPayment)
	authed("GET /v1/payments/{paymentId}/events", a.getEvents)
	authed("POST /v1/payments/{paymentId}/cancel", a.cancelPayment)
	authed("POST /v1/payments/{paymentId}/capture", a.capturePayment)
	authed("POST /v1/agreements", a.createAgreement)
	authed("GET /v1/agreements", a.searchAgreements)
	authed("GET /v1/agreements/{agreementId}", a.getAgreement)
	authed("POST /v1/agreements/{agreementId}/cancel", a.cancelAgreement)
	authed("POST /v1/payments/{paymentId}/refunds", a.createRefund)
	authed("GET /v1/payments/{paymentId}/refunds", a.getRefunds)
	authed("GET /v1/payments/{paymentId}/refunds/{refundId}", a.getRefund)
	authed("GET /v1/refunds", a.searchRefunds)
	authed("GET /v1/disputes", a.searchDisputes)
	authed("/v1/", a.notFound)

	mux.Handle("POST /v1/auth", noStore(http.HandlerFunc(a.authoriseMoto)))
	mux.HandleFunc("GET /v1/openapi.json", a.openAPIJSON)
	mux.HandleFunc("GET /v1/openapi.yaml", a.openAPIYAML)
}

// Handler returns the /v1 surface on its own mux, for tests.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	a.Register(mux)
	return mux
}

// notFound answers API paths Pay does not serve, after authentication, in
// the shape GOV.UK Pay's server gives them.
func (a *API) notFound(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusNotFound, map[string]any{"code": http.StatusNotFound, "message": "HTTP 404 Not Found"})
}

// noStore keeps API answers, which carry payment data and one-time links,
// out of every cache.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Pragma", "no-cache")
		next.ServeHTTP(w, r)
	})
}

// url returns an absolute URL on Pay's public base.
func (a *API) url(path string) string { return strings.TrimSuffix(a.PublicURL, "/") + path }
