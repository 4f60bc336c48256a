package api

import (
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"pay/internal/pay"
)

var errRefundBadJSON = &pay.Error{Kind: pay.KindBadRequest, Code: pay.CodeRefundBadJSON, Message: pay.DescBadJSON}

// parseRefund reads a POST /v1/payments/{id}/refunds body as GOV.UK Pay
// does: amount must be a JSON integer (400 P0601 when missing or null, 400
// P0602 otherwise); refund_amount_available, when present, is read leniently
// like Jackson's asInt. The domain checks the amount's range (422 P0602).
func parseRefund(r *http.Request) (*pay.RefundRequest, error) {
	obj, _, err := readJSON(r, errRefundBadJSON, nil) // a refund keeps only numbers from its body
	if err != nil {
		return nil, err
	}
	f := field{obj, "amount"}
	if f.isNull() {
		return nil, pay.MissingAttribute(pay.CodeRefundMissing, "amount")
	}
	amount, ok := int32Value(f.value())
	if !ok {
		return nil, pay.InvalidAttribute(pay.KindBadRequest, pay.CodeRefundInvalid, "amount", "Must be a valid numeric format")
	}
	req := &pay.RefundRequest{PaymentID: r.PathValue("paymentId"), Amount: amount}
	if v, present := obj["refund_amount_available"]; present {
		n := javaAsInt(v)
		req.AmountAvailable = &n
	}
	return req, nil
}

// javaAsInt is Jackson's JsonNode.asInt for the values a client may send:
// numbers are truncated to whole pence, numeric strings parsed, true is 1,
// and anything else (null, other text, objects) is 0.
func javaAsInt(v any) int64 {
	switch x := v.(type) {
	case json.Number:
		return truncate(string(x))
	case string:
		return truncate(strings.TrimSpace(x))
	case bool:
		if x {
			return 1
		}
	}
	return 0
}

func truncate(s string) int64 {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.Abs(f) >= math.MaxInt64 {
		return 0
	}
	return int64(f)
}

// refundBody is GOV.UK Pay's refund resource.
type refundBody struct {
	RefundID          string           `json:"refund_id"`
	CreatedDate       string           `json:"created_date"`
	Amount            int64            `json:"amount"`
	Status            string           `json:"status"`
	SettlementSummary refundSettlement `json:"settlement_summary"`
	Links             refundLinks      `json:"_links"`
}

// refundSettlement is a refund's settlement_summary: settled_date once the
// provider has taken the refund from a payout.
type refundSettlement struct {
	SettledDate string `json:"settled_date,omitempty"`
}

type refundLinks struct {
	Self    *link `json:"self"`
	Payment *link `json:"payment"`
}

func (a *API) renderRefund(r *pay.Refund) *refundBody {
	payment := a.url("/v1/payments/" + r.PaymentID)
	b := &refundBody{RefundID: r.ID, CreatedDate: formatTime(r.CreatedAt), Amount: r.Amount, Status: r.Status.External(),
		Links: refundLinks{Self: get(payment + "/refunds/" + r.ID), Payment: get(payment)}}
	if r.SettledAt != nil {
		b.SettlementSummary.SettledDate = formatDate(*r.SettledAt)
	}
	return b
}

func (a *API) createRefund(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	req, err := parseRefund(r)
	if err != nil {
		a.fail(w, r, err, createRefundCodes)
		return
	}
	refund, err := a.Payments.Refund(ctx, accountFrom(ctx), req)
	if err != nil {
		a.fail(w, r, err, createRefundCodes)
		return
	}
	writeJSON(w, http.StatusAccepted, a.renderRefund(refund))
}

func (a *API) getRefund(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	refund, err := a.Payments.GetRefund(ctx, accountFrom(ctx).ID, r.PathValue("paymentId"), r.PathValue("refundId"))
	if err != nil {
		a.fail(w, r, err, getRefundCodes)
		return
	}
	writeJSON(w, http.StatusOK, a.renderRefund(refund))
}

// refundsBody is a payment's refunds, GOV.UK Pay's RefundForSearchResult.
type refundsBody struct {
	PaymentID string      `json:"payment_id"`
	Links     refundLinks `json:"_links"`
	Embedded  struct {
		Refunds []*refundBody `json:"refunds"`
	} `json:"_embedded"`
}

func (a *API) getRefunds(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("paymentId")
	refunds, err := a.Payments.Refunds(ctx, accountFrom(ctx).ID, id)
	if err != nil {
		a.fail(w, r, err, getRefundsCodes)
		return
	}
	payment := a.url("/v1/payments/" + id)
	body := refundsBody{PaymentID: id, Links: refundLinks{Self: get(payment + "/refunds"), Payment: get(payment)}}
	body.Embedded.Refunds = []*refundBody{}
	for _, refund := range refunds {
		body.Embedded.Refunds = append(body.Embedded.Refunds, a.renderRefund(refund))
	}
	writeJSON(w, http.StatusOK, body)
}

// refundSearch is GET /v1/refunds. Its page links keep GOV.UK Pay's refund
// search parameters, in the order it checks them and lists them.
var refundSearch = searchEndpoint{path: "/v1/refunds", codes: searchRefundCodes,
	params: []string{"from_date", "to_date", "from_settled_date", "to_settled_date"}}

func parseRefundSearch(values url.Values, accountID int64) (*pay.RefundSearch, error) {
	q := &searchQuery{values: values}
	s := &pay.RefundSearch{AccountID: accountID}
	s.FromDate = q.dateTime("from_date")
	s.ToDate = q.dateTime("to_date")
	s.FromSettled = q.date("from_settled_date")
	s.ToSettled = q.date("to_settled_date")
	s.Page, s.DisplaySize = q.paging()
	if err := q.err(pay.CodeSearchRefundsBad); err != nil {
		return nil, err
	}
	return s, nil
}

// refundDetailBody is a refund in search results: the refund and its payment's id.
type refundDetailBody struct {
	*refundBody
	PaymentID string `json:"payment_id"`
}

func (a *API) searchRefunds(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	s, err := parseRefundSearch(r.URL.Query(), accountFrom(ctx).ID)
	var page *pay.RefundPage
	if err == nil {
		page, err = a.Store.RefundSearch(ctx, s)
	}
	if err != nil {
		a.fail(w, r, err, refundSearch.codes)
		return
	}
	writePage(w, r, a.pager(r, refundSearch, s.Page, s.DisplaySize, page.Total), page.Refunds, a.renderRefundDetail)
}

func (a *API) renderRefundDetail(r *pay.Refund) *refundDetailBody {
	return &refundDetailBody{refundBody: a.renderRefund(r), PaymentID: r.PaymentID}
}
