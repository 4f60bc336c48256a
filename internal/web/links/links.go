// Package links serves the payer's payment-link pages: the start page of a
// link, the reference and amount questions, the confirm page that starts an
// ordinary payment on the card pages, and the page the payer comes back to.
// Routes, page titles, button texts and field ids are GOV.UK Pay's
// (products-ui), so automation written for its payment links works here.
package links

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"pay/internal/pay"
	"pay/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Store is what the link pages read straight from the database; payments
// start through pay.Links.
type Store interface {
	LinkGet(ctx context.Context, accountID int64, id string) (*pay.Link, error)
	LinkGetByPath(ctx context.Context, serviceSlug, slug string) (*pay.Link, error)
	LinkPaymentGet(ctx context.Context, paymentID string) (*pay.LinkPayment, error)
	PaymentGet(ctx context.Context, accountID int64, id string) (*pay.Payment, error)
	AccountGet(ctx context.Context, id int64) (*pay.Account, error)
}

// Config is what the link pages need.
type Config struct {
	Links  *pay.Links
	Store  Store
	Logger *slog.Logger
}

// Handler serves the payment-link pages.
type Handler struct {
	links     *pay.Links
	store     Store
	templates *web.Templates
	logger    *slog.Logger
}

// New parses the templates and returns the handler.
func New(c Config) (*Handler, error) {
	pages, err := fs.Sub(templateFS, "templates")
	if err != nil {
		return nil, err
	}
	t, err := web.ParseTemplates(pages, template.FuncMap{"paragraphs": paragraphs}, c.Logger)
	if err != nil {
		return nil, err
	}
	return &Handler{links: c.Links, store: c.Store, templates: t, logger: c.Logger}, nil
}

// Register adds the payer's link pages to mux. Their forms are refused
// from other origins, as the card pages' are.
func (h *Handler) Register(mux *http.ServeMux) {
	route := func(pattern string, f http.HandlerFunc) { mux.Handle(pattern, web.Secure(f)) }
	route("GET /redirect/{service}/{link}", h.friendly)
	route("GET /pay/{id}", h.withLink(h.start))
	route("GET /pay/{id}/reference", h.withLink(h.reference))
	route("POST /pay/{id}/reference", h.withLink(h.submitReference))
	route("GET /pay/{id}/amount", h.withLink(h.amount))
	route("POST /pay/{id}/amount", h.withLink(h.submitAmount))
	route("GET /pay/{id}/confirm", h.withLink(h.confirm))
	route("POST /pay/{id}/confirm", h.withLink(h.submitConfirm))
	route("GET /payment-complete/{id}", h.complete)
}

// answers are what the payer has given so far. They travel in the query
// string (?reference=…&amount=…, GOV.UK Pay's pre-fill parameters), so the
// pages need no session and work without JavaScript.
type answers struct {
	Reference string
	Amount    int64 // pence; 0 until known
}

// Query is the answers as a query string, "" when there are none.
func (a answers) Query() string {
	v := url.Values{}
	if a.Reference != "" {
		v.Set("reference", a.Reference)
	}
	if a.Amount > 0 {
		v.Set("amount", strconv.FormatInt(a.Amount, 10))
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// request is one page request for a link.
type request struct {
	w       http.ResponseWriter
	r       *http.Request
	ctx     context.Context
	link    *pay.Link
	account *pay.Account
	locale  web.Locale
	answers answers
}

// withLink loads an active link and the payer's answers so far. A bad
// pre-filled answer is a 400 with GOV.UK Pay's message.
func (h *Handler) withLink(next func(*request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		l, acct, ok := h.load(w, r, r.PathValue("id"))
		if !ok {
			return
		}
		q := &request{w: w, r: r, ctx: r.Context(), link: l, account: acct, locale: web.LocaleFor(string(l.Language))}
		a, msg := readAnswers(r.URL.Query(), l)
		if msg != "" {
			h.message(q, http.StatusBadRequest, "prefill-error", q.locale.T("links.linkProblem"), msg)
			return
		}
		q.answers = a
		next(q)
	}
}

// load reads a link and its account; it answers the request itself (and
// ok is false) when the link is missing or inactive.
func (h *Handler) load(w http.ResponseWriter, r *http.Request, id string) (*pay.Link, *pay.Account, bool) {
	l, err := h.links.Get(r.Context(), 0, id)
	if pay.IsKind(err, pay.KindNotFound) {
		h.notFound(w, r)
		return nil, nil, false
	} else if err != nil {
		h.systemError(w, r, err, "")
		return nil, nil, false
	}
	acct, err := h.store.AccountGet(r.Context(), l.AccountID)
	if err != nil {
		h.systemError(w, r, err, l.Language)
		return nil, nil, false
	}
	if !l.Active() {
		q := &request{w: w, r: r, link: l, account: acct, locale: web.LocaleFor(string(l.Language))}
		h.message(q, http.StatusNotFound, "link-inactive", q.locale.T("links.unavailable"), q.locale.T("links.unavailableBody"))
		return nil, nil, false
	}
	return l, acct, true
}

// readAnswers reads ?reference= and ?amount=, with GOV.UK Pay's message
// for a bad one. A fixed-price link ignores ?amount=; a link whose
// reference Pay makes ignores ?reference=.
func readAnswers(v url.Values, l *pay.Link) (answers, string) {
	var a answers
	if ref := v.Get("reference"); ref != "" && l.OwnReference() {
		if !pay.ValidPrefillReference(ref) {
			return a, pay.MsgPrefillReference
		}
		a.Reference = ref
	}
	if s := v.Get("amount"); s != "" && !l.FixedAmount() {
		amount, ok := pay.ParsePrefillAmount(s)
		if !ok {
			return a, pay.MsgPrefillAmount
		}
		a.Amount = amount
	}
	return a, ""
}

// nextStep is the first question the payer has not answered, or confirm.
func (q *request) nextStep() string {
	base := "/pay/" + q.link.ID
	switch {
	case q.link.OwnReference() && q.answers.Reference == "":
		return base + "/reference" + q.answers.Query()
	case !q.link.FixedAmount() && q.answers.Amount == 0:
		return base + "/amount" + q.answers.Query()
	}
	return base + "/confirm" + q.answers.Query()
}

func (q *request) redirect(to string) { http.Redirect(q.w, q.r, to, http.StatusSeeOther) }

// friendly sends the link's friendly address to its start page, keeping
// any pre-filled answers.
func (h *Handler) friendly(w http.ResponseWriter, r *http.Request) {
	l, err := h.store.LinkGetByPath(r.Context(), r.PathValue("service"), r.PathValue("link"))
	if pay.IsKind(err, pay.KindNotFound) {
		h.notFound(w, r)
		return
	} else if err != nil {
		h.systemError(w, r, err, "")
		return
	}
	to := "/pay/" + l.ID
	if r.URL.RawQuery != "" {
		to += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, to, http.StatusFound)
}

// paragraphs splits a link's details at blank lines, as the payer sees them.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
