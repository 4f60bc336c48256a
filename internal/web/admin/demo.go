package admin

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"pay/internal/pay"
	"pay/internal/web"
)

// demoData is the "Make a demo payment" page: a sandbox payment through the
// real card pages, without an API key or code.
type demoData struct {
	page
	Description string
	Amount      string // as typed, in pounds
}

// demoResult is the outcome of a demo payment, shown on the dashboard.
type demoResult struct {
	Amount  int64
	State   string // the display state, "Success", "Declined"…
	Success bool
	Detail  string // the payment's page in the admin site
}

// demoAccount refuses live accounts: a demo payment must never take money.
func (h *Handler) demoAccount(q *request) bool {
	if q.account.IsLive() {
		h.notFound(q.w, q.r)
		return false
	}
	return true
}

func (h *Handler) demoPage(q *request) {
	if h.demoAccount(q) {
		h.renderDemo(q, http.StatusOK, "An example payment description", "20.00", nil)
	}
}

func (h *Handler) renderDemo(q *request, status int, description, amount string, errs []fieldError) {
	d := &demoData{page: h.page(q, "Make a demo payment", "Dashboard"), Description: description, Amount: amount}
	d.Errors = errs
	if len(errs) > 0 {
		d.Title = "Error: " + d.Title
	}
	h.render(q, status, "demo_payment", d)
}

// makeDemo creates the sandbox payment and sends the user to its card
// pages; its return_url brings them back to the dashboard with the result.
func (h *Handler) makeDemo(q *request) {
	if !h.demoAccount(q) {
		return
	}
	description := strings.TrimSpace(q.r.PostFormValue("description"))
	amountText := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(q.r.PostFormValue("amount")), "£"))
	amount, errs := checkDemo(description, amountText)
	if len(errs) > 0 {
		h.renderDemo(q, http.StatusBadRequest, description, amountText, errs)
		return
	}
	id := pay.NewID()
	returnURL := strings.TrimRight(h.publicURL, "/") + q.accountPath("/demo-payment/"+id)
	c, err := h.payments.Create(q.ctx, q.account, &pay.CreatePaymentRequest{ID: id, Amount: amount, Reference: "DEMO PAYMENT",
		Description: description, ReturnURL: &returnURL, Language: pay.LanguageEnglish, Source: pay.SourceAPI, AuthorisationMode: pay.ModeWeb})
	if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	q.redirect("/secure/" + c.Token)
}

// checkDemo checks the demo form: a description of up to 255 characters
// and an amount from £0.01 to £100,000.
func checkDemo(description, amount string) (int64, []fieldError) {
	var errs []fieldError
	if description == "" || !pay.ValidText(description) || utf8.RuneCountInString(description) > pay.MaxDescriptionLength {
		errs = append(errs, fieldError{"payment-description", "Enter a description of up to 255 characters"})
	}
	pence, err := web.ParsePounds(amount)
	if err != nil || pence < 1 || pence > pay.MaxAmount {
		errs = append(errs, fieldError{"payment-amount", "Enter an amount in pounds and pence from £0.01 to £100,000, like 20.00"})
	}
	return pence, errs
}

// demoReturn is the demo payment's return_url: back to the dashboard, which
// says how the payment went.
func (h *Handler) demoReturn(q *request) {
	id := q.r.PathValue("payment")
	if !pay.ValidID(id) {
		h.notFound(q.w, q.r)
		return
	}
	if _, err := h.payments.Get(q.ctx, q.account.ID, id); pay.IsKind(err, pay.KindNotFound) {
		h.notFound(q.w, q.r)
		return
	} else if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	q.redirect(q.accountPath("") + "?demo-payment=" + id)
}

// demoOutcome reads the demo payment the dashboard was sent back with, or
// nil if there is none (or it is not this account's).
func (h *Handler) demoOutcome(q *request) *demoResult {
	id := q.r.URL.Query().Get("demo-payment")
	if !pay.ValidID(id) {
		return nil
	}
	p, err := h.payments.Get(q.ctx, q.account.ID, id)
	if err != nil {
		return nil
	}
	st := p.Status.DisplayState()
	return &demoResult{Amount: p.TotalAmount(), State: st.Name, Success: st == pay.DisplaySuccess,
		Detail: q.accountPath("/transactions/" + id)}
}
