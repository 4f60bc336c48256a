package api

import (
	"net/http"
	"net/url"
	"slices"

	"pay/internal/pay"
)

// disputeSearchParams are GOV.UK Pay's dispute search parameters, in the
// order its links list them.
var disputeSearchParams = []string{"from_date", "to_date", "from_settled_date", "to_settled_date", "status"}

// parseDisputeSearch checks the parameters in GOV.UK Pay's order. A bad
// status is reported as "state", the name GOV.UK Pay's validator uses.
func parseDisputeSearch(values url.Values, accountID int64) (*pay.DisputeSearch, error) {
	q := &paymentQuery{values: values}
	s := &pay.DisputeSearch{AccountID: accountID}
	s.FromDate = q.dateTime("from_date")
	s.ToDate = q.dateTime("to_date")
	s.FromSettled = q.date("from_settled_date")
	s.ToSettled = q.date("to_settled_date")
	s.Page = q.number("page", 1, 1, 0)
	s.DisplaySize = q.number("display_size", pay.DefaultDisplaySize, 1, pay.MaxDisplaySize)
	if st := pay.DisputeStatus(q.get("status")); st != "" {
		if slices.Contains(pay.DisputeStatuses, st) {
			s.Status = st
		} else {
			q.bad("state")
		}
	}
	if len(q.invalid) > 0 {
		return nil, invalidParams(pay.CodeSearchPaymentsInvalid, q.invalid)
	}
	return s, nil
}

// disputeSearchBody is GOV.UK Pay's DisputesSearchResults. Its page links
// are under "links", not "_links", as GOV.UK Pay sends them.
type disputeSearchBody struct {
	Total   int            `json:"total"`
	Count   int            `json:"count"`
	Page    int            `json:"page"`
	Results []*disputeBody `json:"results"`
	Links   searchLinks    `json:"links"`
}

// disputeBody is GOV.UK Pay's DisputeDetailForSearch. fee, net_amount and
// settlement_summary appear once a dispute is lost.
type disputeBody struct {
	DisputeID         string             `json:"dispute_id"`
	PaymentID         string             `json:"payment_id"`
	Amount            int64              `json:"amount"`
	Fee               *int64             `json:"fee,omitempty"`
	NetAmount         *int64             `json:"net_amount,omitempty"`
	Reason            string             `json:"reason"`
	Status            string             `json:"status"`
	CreatedDate       string             `json:"created_date"`
	EvidenceDueDate   string             `json:"evidence_due_date"`
	SettlementSummary *disputeSettlement `json:"settlement_summary,omitempty"`
	Links             struct {
		Payment *link `json:"payment"`
	} `json:"_links"`
}

type disputeSettlement struct {
	SettledDate string `json:"settled_date"`
}

func (a *API) renderDispute(d *pay.Dispute) *disputeBody {
	b := &disputeBody{DisputeID: d.ID, PaymentID: d.PaymentID, Amount: d.Amount, Fee: d.Fee, NetAmount: d.NetAmount,
		Reason: d.Reason, Status: string(d.Status), CreatedDate: formatTime(d.CreatedAt), EvidenceDueDate: formatTime(d.EvidenceDueAt)}
	if d.SettledAt != nil {
		b.SettlementSummary = &disputeSettlement{SettledDate: formatDate(*d.SettledAt)}
	}
	b.Links.Payment = get(a.url("/v1/payments/" + d.PaymentID))
	return b
}

func (a *API) searchDisputes(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	s, err := parseDisputeSearch(r.URL.Query(), accountFrom(ctx).ID)
	if err != nil {
		a.fail(w, r, err, searchDisputeCodes)
		return
	}
	page, err := a.Payments.SearchDisputes(ctx, s)
	if err != nil {
		a.fail(w, r, err, searchDisputeCodes)
		return
	}
	nav := a.pager("/v1/disputes", disputeSearchParams, r.URL.Query(), s.Page, s.DisplaySize, page.Total)
	if nav.pastEnd() {
		a.fail(w, r, &pay.Error{Kind: pay.KindNotFound, Code: pay.CodeSearchPaymentsPageNotFound, Message: pay.DescPageNotFound}, searchDisputeCodes)
		return
	}
	body := disputeSearchBody{Total: page.Total, Count: len(page.Disputes), Page: s.Page, Results: []*disputeBody{}, Links: nav.links()}
	for _, d := range page.Disputes {
		body.Results = append(body.Results, a.renderDispute(d))
	}
	writeJSON(w, http.StatusOK, body)
}
