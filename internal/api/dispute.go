package api

import (
	"net/http"
	"net/url"
	"slices"

	"pay/internal/pay"
)

// disputeSearch is GET /v1/disputes. Its page links keep GOV.UK Pay's
// dispute search parameters, in the order it lists them, under "links", not
// "_links", as GOV.UK Pay sends them (DisputesSearchResults).
var disputeSearch = searchEndpoint{path: "/v1/disputes", codes: searchDisputeCodes, bareLinks: true,
	params: []string{"from_date", "to_date", "from_settled_date", "to_settled_date", "status"}}

// parseDisputeSearch checks the parameters in GOV.UK Pay's order. A bad
// status is reported as "state", the name GOV.UK Pay's validator uses.
func parseDisputeSearch(values url.Values, accountID int64) (*pay.DisputeSearch, error) {
	q := &searchQuery{values: values}
	s := &pay.DisputeSearch{AccountID: accountID}
	s.FromDate = q.dateTime("from_date")
	s.ToDate = q.dateTime("to_date")
	s.FromSettled = q.date("from_settled_date")
	s.ToSettled = q.date("to_settled_date")
	s.Page, s.DisplaySize = q.paging()
	if st := pay.DisputeStatus(q.getAs("status", "state")); st != "" {
		if slices.Contains(pay.DisputeStatuses, st) {
			s.Status = st
		} else {
			q.bad("state")
		}
	}
	if err := q.err(pay.CodeSearchPaymentsInvalid); err != nil {
		return nil, err
	}
	return s, nil
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
	var page *pay.DisputePage
	if err == nil {
		page, err = a.Store.DisputeSearch(ctx, s)
	}
	if err != nil {
		a.fail(w, r, err, disputeSearch.codes)
		return
	}
	writePage(w, r, a.pager(r, disputeSearch, s.Page, s.DisplaySize, page.Total), page.Disputes, a.renderDispute)
}
