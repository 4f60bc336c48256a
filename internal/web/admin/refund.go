package admin

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"pay/internal/pay"
	"pay/internal/web"
)

// refundData is the refund form of one payment.
type refundData struct {
	page
	Payment   *pay.Payment
	Available int64  // pence left to refund, sent back with the form
	Full      string // the amount left, in pounds
	Choice    string // "full" or "partial"
	Partial   string // the partial amount as typed
	Detail    string
}

func (h *Handler) newRefundData(q *request, p *pay.Payment) *refundData {
	available := p.RefundSummary().AmountAvailable
	return &refundData{page: h.page(q, "Refund payment", "Transactions"), Payment: p, Available: available,
		Full: web.FormatMoney(available), Detail: q.accountPath("/transactions/" + p.ID)}
}

func (h *Handler) refundPage(q *request) {
	p, ok := h.payment(q)
	if !ok {
		return
	}
	if p.RefundSummary().Status != pay.RefundAvailable {
		q.redirect(q.accountPath("/transactions/" + p.ID))
		return
	}
	h.render(q, http.StatusOK, "refund", h.newRefundData(q, p))
}

// refund submits the refund the form describes through the same domain
// code as the API's refunds, as the signed-in user.
func (h *Handler) refund(q *request) {
	p, ok := h.payment(q)
	if !ok {
		return
	}
	d := h.newRefundData(q, p)
	d.Choice, d.Partial = q.r.PostFormValue("refundPayment"), strings.TrimSpace(q.r.PostFormValue("partialRefundAmount"))
	// The amount the user saw: if someone refunded since, the domain says so.
	seen, err := strconv.ParseInt(q.r.PostFormValue("refundAmountAvailable"), 10, 64)
	if err != nil {
		seen = d.Available
	}
	amount, fieldErr := refundAmount(d.Choice, d.Partial, seen)
	if fieldErr != nil {
		d.Errors = []fieldError{*fieldErr}
		h.render(q, http.StatusOK, "refund", d)
		return
	}
	_, err = h.payments.Refund(q.ctx, q.account, &pay.RefundRequest{PaymentID: p.ID, Amount: amount, AmountAvailable: &seen,
		CreatedBy: q.user.Email, CreatedByUserID: q.user.ID})
	if err != nil {
		msg, known := refundFailure(err)
		if !known {
			h.logger.ErrorContext(q.ctx, "admin refund failed", "payment", p.ID, "error", err)
		}
		d.Errors = []fieldError{{"refund-full", msg}}
		h.render(q, http.StatusOK, "refund", d)
		return
	}
	q.redirect(q.accountPath("/transactions/" + p.ID + "?refunded=1"))
}

const msgPoundsAndPence = "Enter an amount to refund in pounds and pence using digits and a decimal point. For example “10.50”"

// refundAmount checks the form as GOV.UK Pay's admin tool does and returns
// the amount in pence.
func refundAmount(choice, partial string, available int64) (int64, *fieldError) {
	switch choice {
	case "full":
		return available, nil
	case "partial":
	default:
		return 0, &fieldError{"refund-full", "Select an option"}
	}
	if partial == "" {
		return 0, &fieldError{"partial-refund-amount", "Enter a refund amount"}
	}
	pence, err := web.ParsePounds(partial)
	switch {
	case errors.Is(err, web.ErrNotAmount), errors.Is(err, web.ErrAmountForm) && pence > 0 && pence <= available:
		// A number like "12.5" is only badly written; "-5" is closer to the range error.
		return 0, &fieldError{"partial-refund-amount", msgPoundsAndPence}
	case err != nil || pence <= 0 || pence > available:
		return 0, &fieldError{"partial-refund-amount", "Enter a refund amount greater than £0.00 and less than " + web.FormatMoney(available)}
	}
	return pence, nil
}

// refundFailure words a refused refund as GOV.UK Pay's admin tool does, and
// reports whether the refusal was one it expects.
func refundFailure(err error) (string, bool) {
	var e *pay.Error
	if !errors.As(err, &e) {
		return "We couldn’t process this refund. Please try again or contact support.", false
	}
	var unavailable *pay.RefundUnavailableError
	errors.As(err, &unavailable)
	switch {
	case e.Code == pay.CodeRefundMismatch, unavailable != nil && unavailable.Status == pay.RefundFull:
		return "This refund request has already been submitted.", true
	case unavailable != nil && unavailable.Status == pay.RefundNotAvailable:
		return "The amount you tried to refund is greater than the amount available to be refunded. Please try again.", true
	case e.Code == pay.CodeAccountDisabled:
		return "GOV.UK Pay has disabled payment and refund creation on this account. Please contact support.", true
	}
	return "We couldn’t process this refund. Please try again or contact support.", e.Kind != pay.KindInternal
}
