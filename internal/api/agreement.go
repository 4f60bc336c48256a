package api

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"pay/internal/pay"
)

// agreementBody is GOV.UK Pay's agreement resource.
type agreementBody struct {
	AgreementID       string          `json:"agreement_id"`
	Reference         string          `json:"reference"`
	Description       string          `json:"description"`
	Status            string          `json:"status"`
	CreatedDate       string          `json:"created_date"`
	CancelledDate     string          `json:"cancelled_date,omitempty"`
	UserIdentifier    string          `json:"user_identifier,omitempty"`
	PaymentInstrument *instrumentBody `json:"payment_instrument,omitempty"`
}

type instrumentBody struct {
	Type        string           `json:"type"`
	CreatedDate string           `json:"created_date"`
	CardDetails *cardDetailsBody `json:"card_details,omitempty"`
}

func renderAgreement(a *pay.Agreement) *agreementBody {
	b := &agreementBody{AgreementID: a.ID, Reference: a.Reference, Description: a.Description, Status: string(a.Status),
		CreatedDate: formatTime(a.CreatedAt), UserIdentifier: a.UserIdentifier}
	if a.CancelledAt != nil {
		b.CancelledDate = formatTime(*a.CancelledAt)
	}
	if in := a.Instrument; in != nil {
		b.PaymentInstrument = &instrumentBody{Type: "card", CreatedDate: formatTime(in.CreatedAt), CardDetails: renderCard(in.Card)}
	}
	return b
}

var errAgreementBadJSON = &pay.Error{Kind: pay.KindBadRequest, Code: pay.CodeCreateAgreementBadJSON, Message: pay.DescBadJSON}

// parseCreateAgreement reads the body in GOV.UK Pay's order: reference,
// description, user_identifier.
func parseCreateAgreement(r *http.Request) (*pay.CreateAgreementRequest, error) {
	obj, _, err := readJSON(r, errAgreementBadJSON, func(name string) *pay.Error {
		return pay.InvalidAttribute(pay.KindBadRequest, pay.CodeCreateAgreementInvalid, name, "Must be a valid string format")
	})
	if err != nil {
		return nil, err
	}
	req := &pay.CreateAgreementRequest{}
	text := func(name string) (string, error) {
		bad := pay.InvalidAttribute(pay.KindBadRequest, pay.CodeCreateAgreementInvalid, name, "Must be a valid string format")
		s, err := field{obj, name}.requiredString(bad, pay.MissingAttribute(pay.CodeCreateAgreementMissing, name))
		if err == nil && strings.ContainsAny(s, forbiddenChars) {
			return "", bad
		}
		return s, err
	}
	if req.Reference, err = text("reference"); err != nil {
		return nil, err
	}
	if req.Description, err = text("description"); err != nil {
		return nil, err
	}
	if f := (field{obj, "user_identifier"}); f.has() {
		req.UserIdentifier, err = f.optionalString(pay.InvalidAttribute(pay.KindBadRequest, pay.CodeCreateAgreementInvalid, f.name, "Field must be a string"))
	}
	return req, err
}

func (a *API) createAgreement(w http.ResponseWriter, r *http.Request) {
	req, err := parseCreateAgreement(r)
	if err != nil {
		a.fail(w, r, err, createAgreementCodes)
		return
	}
	agreement, err := a.Payments.CreateAgreement(r.Context(), accountFrom(r.Context()), req)
	if err != nil {
		a.fail(w, r, err, createAgreementCodes)
		return
	}
	writeJSON(w, http.StatusCreated, renderAgreement(agreement))
}

func (a *API) getAgreement(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	agreement, err := a.Payments.Agreement(ctx, accountFrom(ctx).ID, r.PathValue("agreementId"))
	if err != nil {
		a.fail(w, r, err, getAgreementCodes)
		return
	}
	writeJSON(w, http.StatusOK, renderAgreement(agreement))
}

func (a *API) cancelAgreement(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := a.Payments.CancelAgreement(ctx, accountFrom(ctx).ID, r.PathValue("agreementId")); err != nil {
		a.fail(w, r, err, cancelAgreementCodes)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// agreementSearch is GET /v1/agreements; its page links keep reference and status.
var agreementSearch = searchEndpoint{path: "/v1/agreements", codes: searchAgreementCodes, params: []string{"reference", "status"}}

// agreementSearchParams are the parameters agreement search accepts.
var agreementSearchParams = []string{"reference", "status", "page", "display_size"}

var agreementStatuses = []string{string(pay.AgreementCreated), string(pay.AgreementActive), string(pay.AgreementCancelled), string(pay.AgreementInactive)}

// parseAgreementSearch validates in GOV.UK Pay's order; any other
// parameter with a value is a 400.
func parseAgreementSearch(values url.Values, accountID int64) (*pay.AgreementSearch, error) {
	q := &searchQuery{values: values}
	s := &pay.AgreementSearch{AccountID: accountID}
	if st := q.get("status"); st != "" && !slices.Contains(agreementStatuses, st) {
		q.bad("status")
	} else {
		s.Status = pay.AgreementStatus(st)
	}
	s.Reference = q.text("reference", pay.MaxReferenceLength)
	s.Page, s.DisplaySize = q.paging()
	if err := q.err(pay.CodeSearchAgreementsInvalid); err != nil {
		return nil, err
	}
	for name, v := range values {
		if !slices.Contains(agreementSearchParams, name) && strings.TrimSpace(strings.Join(v, "")) != "" {
			return nil, invalidParams(pay.KindBadRequest, pay.CodeSearchAgreementsInvalid, name)
		}
	}
	return s, nil
}

func (a *API) searchAgreements(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	s, err := parseAgreementSearch(r.URL.Query(), accountFrom(ctx).ID)
	var page *pay.AgreementPage
	if err == nil {
		page, err = a.Store.AgreementSearch(ctx, s)
	}
	if err != nil {
		a.fail(w, r, err, agreementSearch.codes)
		return
	}
	writePage(w, r, a.pager(r, agreementSearch, s.Page, s.DisplaySize, page.Total), page.Agreements, renderAgreement)
}
