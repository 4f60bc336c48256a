package links

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"pay/internal/pay"
	"pay/internal/web"
)

// pageData is what every link page shows.
type pageData struct {
	web.Page
	Link    *pay.Link
	Answers answers
	Back    string // the back link's address, if the page has one
	Action  string // the form's address
	Field   string // the form's one field
	Error   string // the field's problem, if any
	Value   string // the field's value as the payer typed it
	Notice  string // why the payer is back at the start
	Message *message
	Payment *pay.Payment
}

// problemKeys are the texts of the amount and reference problems.
var problemKeys = map[pay.PayerProblem]string{
	pay.AmountMissing:      "links.error.amountMissing",
	pay.AmountFormat:       "links.error.amountFormat",
	pay.AmountTooBig:       "links.error.amountTooBig",
	pay.AmountTooLow:       "links.error.amountTooLow",
	pay.AmountBelowStripe:  "links.error.amountBelowStripe",
	pay.ReferenceMissing:   "links.error.referenceMissing",
	pay.ReferenceTooLong:   "links.error.referenceTooLong",
	pay.ReferenceBadChars:  "links.error.referenceBadChars",
	pay.ReferenceIsCardNum: "links.error.referenceIsCardNumber",
}

// message is a page that only tells the payer something.
type message struct {
	Class   string // names the case, for tests and styling
	Heading string
	Body    string
}

// serviceName is the account's service in the link's language.
func serviceName(acct *pay.Account, l web.Locale) string {
	if l.Lang == "cy" && acct.ServiceNameWelsh != "" {
		return acct.ServiceNameWelsh
	}
	return acct.ServiceName
}

// page fills what the layout needs: titles end with the link's title, as
// GOV.UK Pay's do ("Make a payment - Pay for a parking permit").
func (h *Handler) page(q *request, title string) pageData {
	return pageData{
		Page: web.Page{L: q.locale, Title: title + " - " + q.link.Title, ServiceName: serviceName(q.account, q.locale),
			TestBanner: !q.account.IsLive()},
		Link: q.link, Answers: q.answers,
	}
}

func (h *Handler) render(q *request, status int, name string, d pageData) {
	h.templates.Render(q.w, q.r, status, name, d)
}

// start is the link's first page; ?result= says why a payer is back.
func (h *Handler) start(q *request) {
	d := h.page(q, q.locale.T("links.start.title"))
	d.Action = q.nextStep()
	switch q.r.URL.Query().Get("result") {
	case "cancelled":
		d.Notice = q.locale.T("links.notice.cancelled")
	case "failed":
		d.Notice = q.locale.T("links.notice.failed")
	}
	h.render(q, http.StatusOK, "start", d)
}

func (h *Handler) reference(q *request) {
	if !q.link.OwnReference() {
		q.redirect(q.nextStep())
		return
	}
	h.referenceForm(q, q.answers.Reference, "")
}

func (h *Handler) referenceForm(q *request, value, problem string) {
	title := q.locale.T("links.reference.pleaseEnterYour") + " " + q.link.ReferenceLabel
	h.question(q, "reference", title, "/pay/"+q.link.ID, "payment-reference", value, problem)
}

// question renders a page that asks one thing; a problem makes it a 400
// whose title starts "Error:", as GOV.UK pages do.
func (h *Handler) question(q *request, name, title, back, field, value, problem string) {
	d := h.page(q, title)
	d.Back, d.Action, d.Field, d.Value, d.Error = back+q.answers.Query(), q.r.URL.Path+q.answers.Query(), field, value, problem
	status := http.StatusOK
	if problem != "" {
		status, d.Title = http.StatusBadRequest, q.locale.T("links.errorPrefix")+" "+d.Title
	}
	h.render(q, status, name, d)
}

func (h *Handler) submitReference(q *request) {
	if !q.link.OwnReference() {
		q.redirect(q.nextStep())
		return
	}
	ref := strings.TrimSpace(q.r.PostFormValue("payment-reference"))
	if p := pay.CheckPayerReference(ref); p != "" {
		h.referenceForm(q, ref, q.locale.T(problemKeys[p], q.link.ReferenceLabel))
		return
	}
	q.answers.Reference = ref
	q.redirect(q.nextStep())
}

func (h *Handler) amount(q *request) {
	if q.link.FixedAmount() {
		q.redirect(q.nextStep())
		return
	}
	value := ""
	if q.answers.Amount > 0 {
		value = web.FormatPounds(q.answers.Amount)
	}
	h.amountForm(q, value, "")
}

func (h *Handler) amountForm(q *request, value, problem string) {
	back := "/pay/" + q.link.ID
	if q.link.OwnReference() {
		back += "/reference"
	}
	h.question(q, "amount", q.locale.T("links.amount.enterAmountToPay"), back, "payment-amount", value, problem)
}

func (h *Handler) submitAmount(q *request) {
	if q.link.FixedAmount() {
		q.redirect(q.nextStep())
		return
	}
	value := q.r.PostFormValue("payment-amount")
	amount, p := web.ParseLinkAmount(value)
	if p == "" {
		p = pay.CheckPayerAmount(q.account, amount)
	}
	if p != "" {
		h.amountForm(q, value, q.locale.T(problemKeys[p]))
		return
	}
	q.answers.Amount = amount
	q.redirect(q.nextStep())
}

// confirm shows the payer's answers with Change links; a question not yet
// answered is asked first.
func (h *Handler) confirm(q *request) {
	if next := q.nextStep(); !strings.HasPrefix(next, "/pay/"+q.link.ID+"/confirm") {
		q.redirect(next)
		return
	}
	d := h.page(q, q.locale.T("links.confirm.title"))
	d.Back, d.Action = h.confirmBack(q), q.r.URL.Path
	h.render(q, http.StatusOK, "confirm", d)
}

func (h *Handler) confirmBack(q *request) string {
	base := "/pay/" + q.link.ID
	switch {
	case !q.link.FixedAmount():
		return base + "/amount" + q.answers.Query()
	case q.link.OwnReference():
		return base + "/reference" + q.answers.Query()
	}
	return base
}

// submitConfirm starts the payment and sends the payer to the card pages.
// The answers come back in hidden fields, checked again as if typed.
func (h *Handler) submitConfirm(q *request) {
	q.answers = answers{Reference: strings.TrimSpace(q.r.PostFormValue("reference-value"))}
	if amount, ok := pay.ParsePrefillAmount(q.r.PostFormValue("amount")); ok {
		q.answers.Amount = amount
	}
	if q.link.OwnReference() && pay.CheckPayerReference(q.answers.Reference) != "" {
		q.answers.Reference = ""
	}
	if next := q.nextStep(); !strings.HasPrefix(next, "/pay/"+q.link.ID+"/confirm") {
		q.redirect(next)
		return
	}
	c, err := h.links.Start(q.ctx, q.link, q.answers.Reference, q.answers.Amount)
	var fe pay.FieldErrors
	switch {
	case errors.As(err, &fe):
		q.redirect("/pay/" + q.link.ID + "/reference")
	case err != nil && pay.ErrorKind(err) != pay.KindInternal:
		// The account refuses the payment (disabled, say): the payer can do nothing about it.
		h.logger.WarnContext(q.ctx, "payment link payment refused", slog.String("link", q.link.ID), slog.Any("error", err))
		h.message(q, http.StatusUnprocessableEntity, "payment-refused", q.locale.T("links.internal.title"), q.locale.T("links.internal.message"))
	case err != nil:
		h.systemError(q.w, q.r, err, q.link.Language)
	default:
		q.redirect("/secure/" + c.Token)
	}
}

// complete is where a link's payment returns: the confirmation with the
// reference number when it succeeded, otherwise back to the link's start.
func (h *Handler) complete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	p, lp, ok := h.linkPayment(w, r, id)
	if !ok {
		return
	}
	switch p.State().Status {
	case pay.StateSuccess, pay.StateCapturable:
	case pay.StateCancelled:
		http.Redirect(w, r, "/pay/"+lp.LinkID+"?result=cancelled", http.StatusSeeOther)
		return
	default:
		http.Redirect(w, r, "/pay/"+lp.LinkID+"?result=failed", http.StatusSeeOther)
		return
	}
	acct, err := h.store.AccountGet(r.Context(), p.AccountID)
	if err != nil {
		h.systemError(w, r, err, p.Language)
		return
	}
	l := web.LocaleFor(string(p.Language))
	title := l.T("links.confirmation.title")
	h.templates.Render(w, r, http.StatusOK, "complete", pageData{
		Page:    web.Page{L: l, Title: title, ServiceName: serviceName(acct, l), TestBanner: !acct.IsLive()},
		Payment: p,
	})
}

// linkPayment reads a payment made through a link; not found otherwise.
func (h *Handler) linkPayment(w http.ResponseWriter, r *http.Request, id string) (*pay.Payment, *pay.LinkPayment, bool) {
	if !pay.ValidID(id) {
		h.notFound(w, r)
		return nil, nil, false
	}
	lp, err := h.store.LinkPaymentGet(r.Context(), id)
	if err == nil {
		var p *pay.Payment
		if p, err = h.store.PaymentGet(r.Context(), lp.AccountID, id); err == nil {
			return p, lp, true
		}
	}
	if pay.IsKind(err, pay.KindNotFound) {
		h.notFound(w, r)
	} else {
		h.systemError(w, r, err, "")
	}
	return nil, nil, false
}

func (h *Handler) message(q *request, status int, class, heading, body string) {
	d := pageData{Page: web.Page{L: q.locale, Title: heading}, Message: &message{Class: class, Heading: heading, Body: body}}
	if q.account != nil {
		d.ServiceName, d.TestBanner = serviceName(q.account, q.locale), !q.account.IsLive()
	}
	h.templates.Render(q.w, q.r, status, "message", d)
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	l := web.LocaleFor("en")
	h.message(&request{w: w, r: r, locale: l}, http.StatusNotFound, "not-found", l.T("layout.pageNotFound"), l.T("layout.pageNotFoundBody"))
}

// systemError logs what went wrong and tells the payer no money was taken.
func (h *Handler) systemError(w http.ResponseWriter, r *http.Request, err error, lang pay.Language) {
	h.logger.ErrorContext(r.Context(), "payment link page failed", slog.String("route", r.Pattern), slog.Any("error", err))
	l := web.LocaleFor(string(lang))
	h.message(&request{w: w, r: r, locale: l}, http.StatusInternalServerError, "system-error",
		l.T("links.internal.title"), l.T("links.internal.message"))
}
