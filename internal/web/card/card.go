// Package card serves the payer's hosted payment pages: the pages behind
// next_url where a person enters card details, confirms and goes back to
// the service. Routes, form field names and element ids are GOV.UK Pay's.
package card

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"pay/internal/pay"
	"pay/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Handler serves the card pages.
type Handler struct {
	payments  *pay.Payments
	store     Store
	templates *web.Templates
	sessions  *sessions
	logger    *slog.Logger
	now       func() time.Time
}

// Store is what the card pages read straight from the database; every
// change goes through Payments.
type Store interface {
	PaymentGet(ctx context.Context, accountID int64, id string) (*pay.Payment, error)
	PaymentGetWithAccount(ctx context.Context, id string) (*pay.Payment, *pay.Account, error)
}

// Config is what the card pages need.
type Config struct {
	Payments      *pay.Payments
	Store         Store
	Secret        []byte // signs the payer's session cookie
	SecureCookies bool   // Pay is reached over https
	Logger        *slog.Logger
	Now           func() time.Time
}

// New parses the templates and returns the handler.
func New(c Config) (*Handler, error) {
	pages, err := fs.Sub(templateFS, "templates")
	if err != nil {
		return nil, err
	}
	t, err := web.ParseTemplates(pages, template.FuncMap{"fieldArgs": newFieldArgs}, c.Logger)
	if err != nil {
		return nil, err
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return &Handler{payments: c.Payments, store: c.Store, templates: t, logger: c.Logger, now: c.Now,
		sessions: newSessions(c.Secret, c.SecureCookies, c.Now)}, nil
}

// Register adds the card pages to mux. Unsafe requests from other origins
// are refused, except POST /secure, which services use to send their payers.
func (h *Handler) Register(mux *http.ServeMux) {
	route := func(pattern string, f http.HandlerFunc) { mux.Handle(pattern, web.Secure(f, "POST /secure")) }
	route("GET /secure/{token}", h.secure)
	route("POST /secure", h.secure)
	route("GET /card_details/{id}", h.withPayment(h.cardDetails))
	route("POST /card_details/{id}", h.withPayment(h.submitCardDetails))
	route("GET /card_details/{id}/auth_waiting", h.withPayment(h.authWaiting))
	route("GET /card_details/{id}/3ds_required", h.withPayment(h.threeDS))
	route("POST /card_details/{id}/3ds_required", h.withPayment(h.submitThreeDS))
	route("GET /card_details/{id}/confirm", h.withPayment(h.confirm))
	route("POST /card_details/{id}/confirm", h.withPayment(h.submitConfirm))
	route("POST /card_details/{id}/cancel", h.withPayment(h.cancel))
	route("GET /return/{id}", h.withPayment(h.returnToService))
}

// NotFound answers paths no page serves.
func (h *Handler) NotFound() http.Handler { return web.Secure(http.HandlerFunc(h.notFound)) }

// secure spends a next_url token and opens the payment in this browser.
func (h *Handler) secure(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if r.Method == http.MethodPost {
		token = r.PostFormValue("chargeTokenId")
	}
	sess := h.sessions.read(r)
	p, err := h.payments.UseToken(r.Context(), token)
	var used *pay.TokenUsedError
	switch {
	case err == nil && p.AuthorisationMode != pay.ModeWeb:
		h.sessionExpired(w, r, nil) // a moto_api token has no pages
	case err == nil:
		sess.add(p.ID, h.now())
		h.sessions.write(w, sess)
		http.Redirect(w, r, "/card_details/"+p.ID, http.StatusSeeOther)
	case errors.As(err, &used) && sess.has(used.PaymentID):
		// The payer's own browser came back: carry on where they were.
		http.Redirect(w, r, "/card_details/"+used.PaymentID, http.StatusSeeOther)
	case errors.As(err, &used):
		h.sessionExpired(w, r, h.usedPayment(r, used.PaymentID))
	case pay.IsKind(err, pay.KindNotFound) || token == "":
		h.sessionExpired(w, r, nil)
	default:
		h.systemError(w, r, err, "")
	}
}

// usedPayment is the payment of a spent token, so that the expired page can
// link back to its service; nil if it cannot be read.
func (h *Handler) usedPayment(r *http.Request, id string) *pay.Payment {
	p, err := h.store.PaymentGet(r.Context(), 0, id)
	if err != nil || p.AuthorisationMode != pay.ModeWeb {
		return nil
	}
	return p
}

// request is one page request for a payment this browser opened.
type request struct {
	w       http.ResponseWriter
	r       *http.Request
	ctx     context.Context
	payment *pay.Payment
	account *pay.Account
	locale  web.Locale
}

// withPayment loads the payment and refuses browsers that did not open it.
func (h *Handler) withPayment(next func(*request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if !pay.ValidID(id) {
			h.notFound(w, r)
			return
		}
		p, acct, err := h.store.PaymentGetWithAccount(r.Context(), id)
		if pay.IsKind(err, pay.KindNotFound) || (err == nil && p.AuthorisationMode != pay.ModeWeb) {
			h.notFound(w, r)
			return
		} else if err != nil {
			h.systemError(w, r, err, "")
			return
		}
		if !h.sessions.read(r).has(id) {
			h.sessionExpired(w, r, p)
			return
		}
		next(&request{w: w, r: r, ctx: r.Context(), payment: p, account: acct, locale: web.LocaleFor(string(p.Language))})
	}
}

// reload reads the payment again after a change.
func (h *Handler) reload(q *request) bool {
	p, err := h.store.PaymentGet(q.ctx, 0, q.payment.ID)
	if err != nil {
		h.systemError(q.w, q.r, err, q.payment.Language)
		return false
	}
	q.payment = p
	return true
}

// to sends the browser on to one of the payment's card pages.
func (q *request) to(suffix string) {
	http.Redirect(q.w, q.r, "/card_details/"+q.payment.ID+suffix, http.StatusSeeOther)
}

func (h *Handler) cardDetails(q *request) {
	if q.payment.Status == pay.StatusCreated {
		p, err := h.payments.Start(q.ctx, q.payment.ID)
		switch {
		case err == nil:
			q.payment = p
		case !isTransition(err):
			h.systemError(q.w, q.r, err, q.payment.Language)
			return
		case !h.reload(q): // another request moved it on: show where it is now
			return
		}
	}
	if q.payment.Status != pay.StatusEnteringCardDetails {
		h.showState(q)
		return
	}
	h.renderCardForm(q, h.prefilledForm(q), nil)
}

func (h *Handler) submitCardDetails(q *request) {
	if q.payment.Status == pay.StatusAuthorisationReady {
		q.to("/auth_waiting") // a second submit while the first is with the provider
		return
	}
	if !q.payment.Status.In(pay.StatusCreated, pay.StatusEnteringCardDetails) {
		q.to("")
		return
	}
	form := readForm(q.r)
	rules := h.formRules(q)
	if errs := form.validate(rules, q.locale); len(errs) > 0 {
		form.forget()
		h.renderCardForm(q, form, errs)
		return
	}
	email := ""
	if rules.settings.EmailCollection != pay.EmailOff {
		email = form.Email
	}
	p, err := h.payments.Authorise(q.ctx, q.payment.ID, form.card(rules.settings.CollectBillingAddress), email)
	if isTransition(err) {
		q.to("")
		return
	} else if err != nil {
		h.systemError(q.w, q.r, err, q.payment.Language)
		return
	}
	q.payment = p
	switch p.Status {
	case pay.StatusAuthorisationSuccess:
		q.to("/confirm")
	case pay.StatusAuthorisation3DSRequired:
		q.to("/3ds_required")
	default:
		q.to("") // shows the declined or error page
	}
}

func (h *Handler) authWaiting(q *request) {
	if !q.payment.Status.In(pay.StatusAuthorisationReady, pay.StatusAuthorisation3DSReady) {
		q.to("")
		return
	}
	h.render(q, "auth_waiting", h.page(q, q.locale.T("authorisation.checkingDetails")))
}

// threeDS shows the sandbox's challenge, or a link to the provider's
// challenge page and, when the payer comes back from it, completes the
// authorisation with the provider's answer.
func (h *Handler) threeDS(q *request) {
	if q.payment.Status != pay.StatusAuthorisation3DSRequired {
		h.showState(q)
		return
	}
	if q.r.URL.Query().Has(pay.ChallengeReturnParam) {
		h.completeThreeDS(q, false)
		return
	}
	challenge, err := h.payments.ChallengeURL(q.ctx, q.payment)
	if err != nil {
		h.systemError(q.w, q.r, err, q.payment.Language)
		return
	}
	d := h.page(q, q.locale.T("authorisation.bankCheckingDetails"))
	// A link rather than a redirect: the card form's redirects may only lead
	// to Pay's own pages (form-action 'self').
	d.ChallengeURL = challenge
	h.render(q, "three_ds", d)
}

func (h *Handler) submitThreeDS(q *request) {
	if q.payment.Status != pay.StatusAuthorisation3DSRequired {
		q.to("")
		return
	}
	h.completeThreeDS(q, q.r.PostFormValue("result") == "pass")
}

// completeThreeDS records the challenge's result and moves the payer on.
func (h *Handler) completeThreeDS(q *request, passed bool) {
	p, err := h.payments.Complete3DS(q.ctx, q.payment.ID, passed)
	if err != nil && !isTransition(err) {
		h.systemError(q.w, q.r, err, q.payment.Language)
		return
	}
	if p != nil && p.Status == pay.StatusAuthorisationSuccess {
		q.to("/confirm")
		return
	}
	q.to("")
}

func (h *Handler) confirm(q *request) {
	if q.payment.Status != pay.StatusAuthorisationSuccess {
		h.showState(q)
		return
	}
	web.AllowFormTarget(q.w, q.payment.ReturnURL)
	h.render(q, "confirm", h.confirmData(q))
}

// submitConfirm captures (or approves for later capture) and updates the
// payment before sending the payer back, so the service sees the outcome.
func (h *Handler) submitConfirm(q *request) {
	if q.payment.Status != pay.StatusAuthorisationSuccess {
		q.to("") // a second submit after capture: the success page
		return
	}
	if _, err := h.payments.ConfirmPayment(q.ctx, q.payment); err != nil && !isTransition(err) {
		h.systemError(q.w, q.r, err, q.payment.Language)
		return
	}
	http.Redirect(q.w, q.r, "/return/"+q.payment.ID, http.StatusSeeOther)
}

func (h *Handler) cancel(q *request) {
	if !q.payment.Status.In(pay.StatusEnteringCardDetails, pay.StatusAuthorisationSuccess) {
		q.to("")
		return
	}
	// Another request may have moved the payment on (a transition error):
	// the page it is redirected to shows where it is now.
	if _, err := h.payments.CancelByUser(q.ctx, q.payment.ID); err != nil && !isTransition(err) {
		h.systemError(q.w, q.r, err, q.payment.Language)
		return
	}
	q.to("")
}

// returnToService sends the payer back to the service. A payment the payer
// walks away from is cancelled first, so the service never waits on it.
func (h *Handler) returnToService(q *request) {
	if q.payment.Status.In(pay.StatusCreated, pay.StatusEnteringCardDetails, pay.StatusAuthorisationReady,
		pay.StatusAuthorisationSuccess, pay.StatusAuthorisation3DSRequired, pay.StatusAuthorisation3DSReady) {
		if _, err := h.payments.CancelByUser(q.ctx, q.payment.ID); err != nil && !isTransition(err) {
			h.systemError(q.w, q.r, err, q.payment.Language)
			return
		}
	}
	http.Redirect(q.w, q.r, q.payment.ReturnURL, http.StatusFound)
}

func isTransition(err error) bool {
	var te *pay.TransitionError
	return errors.As(err, &te)
}
