package api

import (
	"context"
	"net/http"
	"net/url"

	"pay/internal/pay"
)

// paymentBody is GOV.UK Pay's payment resource. Empty optional fields are
// left out, as GOV.UK Pay's NON_EMPTY serialisation does.
type paymentBody struct {
	Amount                 int64                 `json:"amount"`
	Description            string                `json:"description"`
	Reference              string                `json:"reference"`
	Language               string                `json:"language"`
	Metadata               pay.Metadata          `json:"metadata,omitempty"`
	Email                  string                `json:"email,omitempty"`
	State                  stateBody             `json:"state"`
	PaymentID              string                `json:"payment_id"`
	PaymentProvider        string                `json:"payment_provider"`
	CreatedDate            string                `json:"created_date"`
	RefundSummary          refundSummaryBody     `json:"refund_summary"`
	SettlementSummary      settlementSummaryBody `json:"settlement_summary"`
	CardDetails            *cardDetailsBody      `json:"card_details,omitempty"`
	DelayedCapture         bool                  `json:"delayed_capture"`
	Moto                   bool                  `json:"moto"`
	ReturnURL              string                `json:"return_url,omitempty"`
	AuthorisationMode      string                `json:"authorisation_mode"`
	AgreementID            string                `json:"agreement_id,omitempty"`
	AgreementPaymentType   string                `json:"agreement_payment_type,omitempty"`
	ProviderID             string                `json:"provider_id,omitempty"`
	CardBrand              string                `json:"card_brand,omitempty"`
	CorporateCardSurcharge *int64                `json:"corporate_card_surcharge,omitempty"`
	TotalAmount            *int64                `json:"total_amount,omitempty"`
	Fee                    *int64                `json:"fee,omitempty"`
	NetAmount              *int64                `json:"net_amount,omitempty"`
	AuthorisationSummary   *authorisationSummary `json:"authorisation_summary,omitempty"`
	Links                  paymentLinks          `json:"_links"`
}

type stateBody struct {
	Status   string `json:"status"`
	Finished bool   `json:"finished"`
	Message  string `json:"message,omitempty"`
	Code     string `json:"code,omitempty"`
	CanRetry *bool  `json:"can_retry,omitempty"`
}

type refundSummaryBody struct {
	Status          string `json:"status"`
	AmountAvailable int64  `json:"amount_available"`
	AmountSubmitted int64  `json:"amount_submitted"`
}

type settlementSummaryBody struct {
	CaptureSubmitTime string `json:"capture_submit_time,omitempty"`
	CapturedDate      string `json:"captured_date,omitempty"`
	SettledDate       string `json:"settled_date,omitempty"`
}

type cardDetailsBody struct {
	LastDigitsCardNumber  string       `json:"last_digits_card_number,omitempty"`
	FirstDigitsCardNumber string       `json:"first_digits_card_number,omitempty"`
	CardholderName        string       `json:"cardholder_name,omitempty"`
	ExpiryDate            string       `json:"expiry_date,omitempty"`
	BillingAddress        *addressBody `json:"billing_address,omitempty"`
	CardBrand             string       `json:"card_brand,omitempty"`
	CardType              string       `json:"card_type,omitempty"`
	WalletType            string       `json:"wallet_type,omitempty"`
}

type addressBody struct {
	Line1    string `json:"line1,omitempty"`
	Line2    string `json:"line2,omitempty"`
	Postcode string `json:"postcode,omitempty"`
	City     string `json:"city,omitempty"`
	Country  string `json:"country,omitempty"`
}

type authorisationSummary struct {
	ThreeDSecure struct {
		Required bool `json:"required"`
	} `json:"three_d_secure"`
}

type paymentLinks struct {
	Self        *link     `json:"self"`
	NextURL     *link     `json:"next_url,omitempty"`
	NextURLPost *postLink `json:"next_url_post,omitempty"`
	AuthURLPost *postLink `json:"auth_url_post,omitempty"`
	Events      *link     `json:"events"`
	Refunds     *link     `json:"refunds"`
	Cancel      *postLink `json:"cancel,omitempty"`
	Capture     *postLink `json:"capture,omitempty"`
}

func newState(p *pay.Payment) stateBody {
	st := p.State()
	body := stateBody{Status: st.Status, Finished: st.Finished, Code: st.Code, Message: st.Message}
	if st.Status == pay.StateFailed && p.AuthorisationMode == pay.ModeAgreement {
		body.CanRetry = p.CanRetry
	}
	return body
}

// renderPayment builds the resource. token, when set, is a fresh one-time
// token for next_url; search results pass "" and get no next_url.
func (a *API) renderPayment(p *pay.Payment, token string) *paymentBody {
	rs := p.RefundSummary()
	self := a.url("/v1/payments/" + p.ID)
	b := &paymentBody{
		Amount: p.Amount, Description: p.Description, Reference: p.Reference, Language: string(p.Language),
		Metadata: p.Metadata, Email: p.Email, State: newState(p), PaymentID: p.ID, PaymentProvider: p.Provider,
		CreatedDate:    formatTime(p.CreatedAt),
		RefundSummary:  refundSummaryBody{Status: rs.Status, AmountAvailable: rs.AmountAvailable, AmountSubmitted: rs.AmountSubmitted},
		DelayedCapture: p.DelayedCapture, Moto: p.Moto, ReturnURL: p.ReturnURL,
		AuthorisationMode: string(p.AuthorisationMode), AgreementID: p.AgreementID,
		AgreementPaymentType: string(p.AgreementPaymentType), ProviderID: p.ProviderID,
		CardBrand: pay.BrandLabel(p.Card.Brand), CardDetails: renderCard(p.Card), Fee: p.Fee,
		Links: paymentLinks{Self: get(self), Events: get(self + "/events"), Refunds: get(self + "/refunds")},
	}
	if p.CaptureSubmittedAt != nil {
		b.SettlementSummary.CaptureSubmitTime = formatTime(*p.CaptureSubmittedAt)
	}
	if p.CapturedAt != nil {
		b.SettlementSummary.CapturedDate = formatDate(*p.CapturedAt)
	}
	if p.SettledAt != nil {
		b.SettlementSummary.SettledDate = formatDate(*p.SettledAt)
	}
	if p.CorporateSurcharge > 0 {
		total := p.TotalAmount()
		b.CorporateCardSurcharge, b.TotalAmount = &p.CorporateSurcharge, &total
	}
	if p.Fee != nil {
		net := p.TotalAmount() - *p.Fee
		b.NetAmount = &net
	}
	if p.ThreeDSRequired {
		b.AuthorisationSummary = &authorisationSummary{}
		b.AuthorisationSummary.ThreeDSecure.Required = true
	}
	if p.ShowsCancelLink() {
		b.Links.Cancel = post(self + "/cancel")
	}
	if p.AwaitingCapture() {
		b.Links.Capture = post(self + "/capture")
	}
	if token != "" && p.NeedsAuthToken() {
		b.Links.AuthURLPost = &postLink{Href: a.url("/v1/auth"), Method: http.MethodPost, Type: "application/json",
			Params: map[string]string{"one_time_token": token}}
	} else if token != "" {
		b.Links.NextURL = get(a.url("/secure/" + token))
		b.Links.NextURLPost = &postLink{Href: a.url("/secure"), Method: http.MethodPost,
			Type: "application/x-www-form-urlencoded", Params: map[string]string{"chargeTokenId": token}}
	}
	return b
}

func renderCard(c pay.CardDetails) *cardDetailsBody {
	if c.IsZero() {
		return nil
	}
	b := &cardDetailsBody{
		LastDigitsCardNumber: c.LastDigits, FirstDigitsCardNumber: c.FirstDigits, CardholderName: c.CardholderName,
		ExpiryDate: c.ExpiryDate, CardBrand: pay.BrandLabel(c.Brand), CardType: c.CardType, WalletType: c.WalletType,
	}
	if a := c.BillingAddress; !a.IsZero() {
		b.BillingAddress = &addressBody{Line1: a.Line1, Line2: a.Line2, Postcode: a.Postcode, City: a.City, Country: a.Country}
	}
	return b
}

// renderWithNextURL renders p with a fresh next_url (or auth_url_post) when
// the payer (or the service) still has to act: GOV.UK Pay issues a new
// one-time token on every such answer.
func (a *API) renderWithNextURL(ctx context.Context, p *pay.Payment) (*paymentBody, error) {
	if !p.NeedsToken() {
		return a.renderPayment(p, ""), nil
	}
	token, err := a.Payments.IssueToken(ctx, p)
	if err != nil {
		return nil, err
	}
	return a.renderPayment(p, token), nil
}

func (a *API) createPayment(w http.ResponseWriter, r *http.Request) {
	acct := accountFrom(r.Context())
	req, err := parseCreatePayment(r)
	if err != nil {
		a.fail(w, r, err, createPaymentCodes)
		return
	}
	created, err := a.Payments.Create(r.Context(), acct, req)
	if err != nil {
		a.fail(w, r, err, createPaymentCodes)
		return
	}
	body := a.renderPayment(created.Payment, created.Token)
	status := http.StatusOK
	if created.New {
		status = http.StatusCreated
		w.Header().Set("Location", body.Links.Self.Href)
	}
	writeJSON(w, status, body)
}

func (a *API) getPayment(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, err := a.Payments.Get(ctx, accountFrom(ctx).ID, r.PathValue("paymentId"))
	if err != nil {
		a.fail(w, r, err, getPaymentCodes)
		return
	}
	body, err := a.renderWithNextURL(ctx, p)
	if err != nil {
		a.fail(w, r, err, getPaymentCodes)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

type eventsBody struct {
	PaymentID string      `json:"payment_id"`
	Links     selfLinks   `json:"_links"`
	Events    []eventBody `json:"events"`
}

type selfLinks struct {
	Self *link `json:"self"`
}

type eventBody struct {
	PaymentID string    `json:"payment_id"`
	State     stateBody `json:"state"`
	Updated   string    `json:"updated"`
	Links     struct {
		PaymentURL *link `json:"payment_url"`
	} `json:"_links"`
}

func (a *API) getEvents(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("paymentId")
	history, err := a.Payments.History(ctx, accountFrom(ctx).ID, id)
	if err != nil {
		a.fail(w, r, err, getEventsCodes)
		return
	}
	self := a.url("/v1/payments/" + id)
	body := eventsBody{PaymentID: id, Links: selfLinks{Self: get(self + "/events")}, Events: []eventBody{}}
	for _, h := range history {
		ev := eventBody{PaymentID: id, Updated: formatTime(h.At),
			State: stateBody{Status: h.State.Status, Finished: h.State.Finished, Code: h.State.Code, Message: h.State.Message}}
		ev.Links.PaymentURL = get(self)
		body.Events = append(body.Events, ev)
	}
	writeJSON(w, http.StatusOK, body)
}

func (a *API) cancelPayment(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := a.Payments.Cancel(ctx, accountFrom(ctx).ID, r.PathValue("paymentId")); err != nil {
		a.fail(w, r, err, cancelCodes)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) capturePayment(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := a.Payments.Capture(ctx, accountFrom(ctx).ID, r.PathValue("paymentId")); err != nil {
		a.fail(w, r, err, captureCodes)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// paymentSearch is GET /v1/payments. Its page links keep GOV.UK Pay's
// payment search parameters, in the order it lists them.
var paymentSearch = searchEndpoint{path: "/v1/payments", codes: searchPaymentCodes, params: []string{
	"reference", "email", "state", "card_brand", "from_date", "to_date", "cardholder_name",
	"first_digits_card_number", "last_digits_card_number", "from_settled_date", "to_settled_date", "agreement_id",
}}

// searchableStates are the states search accepts; capturable is not one.
var searchableStates = map[string]bool{
	pay.StateCreated: true, pay.StateStarted: true, pay.StateSubmitted: true, pay.StateSuccess: true,
	pay.StateFailed: true, pay.StateCancelled: true, pay.StateError: true,
}

// parsePaymentSearch validates the parameters in GOV.UK Pay's order; the
// error names every invalid one.
func parsePaymentSearch(values url.Values, accountID int64) (*pay.PaymentSearch, error) {
	q := &searchQuery{values: values}
	s := &pay.PaymentSearch{AccountID: accountID}
	if st := q.get("state"); st != "" {
		if searchableStates[st] {
			s.Statuses = pay.StatusesForState(st)
		} else {
			q.bad("state")
		}
	}
	s.Reference = q.text("reference", pay.MaxReferenceLength)
	s.Email = q.text("email", pay.MaxEmailLength)
	s.CardBrand = q.text("card_brand", 20)
	s.FromDate = q.dateTime("from_date")
	s.ToDate = q.dateTime("to_date")
	s.Page, s.DisplaySize = q.paging()
	s.FirstDigits = q.fixedDigits("first_digits_card_number", 6)
	s.LastDigits = q.fixedDigits("last_digits_card_number", 4)
	s.FromSettled = q.date("from_settled_date")
	s.ToSettled = q.date("to_settled_date")
	s.CardholderName = q.get("cardholder_name")
	s.AgreementID = q.get("agreement_id")
	if err := q.err(pay.CodeSearchPaymentsInvalid); err != nil {
		return nil, err
	}
	return s, nil
}

func (a *API) searchPayments(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	s, err := parsePaymentSearch(r.URL.Query(), accountFrom(ctx).ID)
	var page *pay.PaymentPage
	if err == nil {
		page, err = a.Store.PaymentSearch(ctx, s)
	}
	if err != nil {
		a.fail(w, r, err, paymentSearch.codes)
		return
	}
	writePage(w, r, a.pager(r, paymentSearch, s.Page, s.DisplaySize, page.Total), page.Payments, a.searchResult)
}

// searchResult renders a payment in search results, without next_url.
func (a *API) searchResult(p *pay.Payment) *paymentBody { return a.renderPayment(p, "") }
