package admin

import (
	"maps"
	"net/http"
	"slices"
	"strings"

	"pay/internal/pay"
	"pay/internal/team"
	"pay/internal/web"
)

// listData is the transaction list.
type listData struct {
	page
	F        *filters
	Brands   []option
	States   []option
	Periods  []option
	Rows     []txRow
	Total    int
	Over     bool   // more than Total match: the list counts no further
	Count    string // Total with commas between thousands
	First    int    // the rows shown, counted from 1
	Last     int
	Pages    []pageLink
	Prev     string
	Next     string
	Download string
	Clear    string
}

type option struct {
	Value    string
	Label    string
	Selected bool
}

type pageLink struct {
	Number  int
	Href    string
	Current bool
}

// txRow is one transaction in the list.
type txRow struct {
	Href      string
	Reference string
	Email     string
	Amount    string
	Brand     string
	State     string
	StateID   string
	Created   string
}

func (h *Handler) transactions(q *request) {
	f := parseFilters(q.r.URL.Query(), h.now(), h.london)
	d := &listData{page: h.page(q, "Transactions", "Transactions"), F: f, Clear: q.accountPath("/transactions")}
	d.Errors = f.errors
	d.fillOptions()
	if len(f.errors) == 0 {
		search := f.search(q.account.ID)
		search.TotalLimit = h.totalLimit
		res, err := h.store.TransactionSearch(q.ctx, search)
		if err != nil {
			h.systemError(q.w, q.r, err)
			return
		}
		h.fillResults(q, d, res)
	}
	h.render(q, http.StatusOK, "transactions", d)
}

// txRow is a payment, or a refund shown against its payment with a
// negative amount and the refund's own state and date.
func (h *Handler) txRow(q *request, t *pay.Transaction) txRow {
	p := t.Payment
	row := txRow{Href: q.accountPath("/transactions/" + p.ID), Reference: p.Reference, Email: p.Email,
		Amount: web.FormatMoney(p.TotalAmount()), Brand: pay.BrandLabel(p.Card.Brand), State: p.Status.DisplayState().Name,
		StateID: p.Status.DisplayState().ID, Created: h.displayTime(t.CreatedAt())}
	if r := t.Refund; r != nil {
		state := pay.RefundDisplayState(r.Status)
		row.Amount, row.State, row.StateID = web.FormatMoney(-r.Amount), state.Name, state.ID
	}
	return row
}

func (d *listData) fillOptions() {
	for _, id := range brandIDs() {
		d.Brands = append(d.Brands, option{id, pay.BrandLabel(id), slices.Contains(d.F.Brands, id)})
	}
	for _, s := range displayStates {
		d.States = append(d.States, option{s.ID, s.Name, slices.Contains(d.F.States, s.ID)})
	}
	for _, id := range periodIDs {
		d.Periods = append(d.Periods, option{id, periodLabels[id], d.F.DateFilter == id})
	}
}

func (h *Handler) fillResults(q *request, d *listData, res *pay.TransactionPage) {
	f := d.F
	d.Total, d.Over, d.Count = res.Total, res.TotalOver, web.FormatCount(res.Total)
	d.First = (f.Page-1)*PageSize + 1
	d.Last = d.First + len(res.Transactions) - 1
	for _, t := range res.Transactions {
		d.Rows = append(d.Rows, h.txRow(q, t))
	}
	list := q.accountPath("/transactions")
	link := func(n int) string {
		if qs := f.query(n).Encode(); qs != "" {
			return list + "?" + qs
		}
		return list
	}
	pages := (d.Total + PageSize - 1) / PageSize
	for n := max(1, f.Page-2); n <= min(pages, f.Page+2); n++ {
		d.Pages = append(d.Pages, pageLink{Number: n, Href: link(n), Current: n == f.Page})
	}
	if f.Page > 1 {
		d.Prev = link(f.Page - 1)
	}
	if f.Page < pages || (d.Over && len(res.Transactions) == PageSize) {
		d.Next = link(f.Page + 1)
	}
	d.Download = q.accountPath("/transactions/download")
	if qs := f.query(1).Encode(); qs != "" {
		d.Download += "?" + qs
	}
}

// detailData is one transaction's detail page. The sections follow GOV.UK
// Pay's: details, amount, payment method, provider, metadata and events.
type detailData struct {
	page
	Payment   *pay.Payment
	Details   []row
	Amount    []row
	Method    []row
	Provider  []row
	Metadata  []row
	Events    []eventRow
	Refunds   []refundRow
	Emails    []emailRow // emails to the payer about the payment and its refunds
	RefundURL string     // the refund form, when the user may refund and money is left
	Refunded  bool       // a refund was just submitted
	Back      string
}

// refundRow is one refund of the payment.
type refundRow struct {
	Amount    string
	State     string
	StateID   string
	CreatedBy string
	At        string
}

type row struct {
	Key   string
	Value string
}

type eventRow struct {
	Event  string
	Detail string // the error code and message of a failure
	Amount string
	At     string
}

// payment finds the account's payment a page is about; when there is none
// it answers the request and returns false.
func (h *Handler) payment(q *request) (*pay.Payment, bool) {
	p, err := h.payments.Get(q.ctx, q.account.ID, q.r.PathValue("id"))
	return p, h.found(q, err)
}

// found answers a request whose lookup failed, "not found" or a system
// error, and reports whether the lookup worked.
func (h *Handler) found(q *request, err error) bool {
	if pay.IsKind(err, pay.KindNotFound) {
		h.notFound(q.w, q.r)
		return false
	} else if err != nil {
		h.systemError(q.w, q.r, err)
		return false
	}
	return true
}

func (h *Handler) transaction(q *request) {
	p, ok := h.payment(q)
	if !ok {
		return
	}
	events, err := h.store.PaymentEvents(q.ctx, q.account.ID, p.ID)
	if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	refunds, err := h.payments.Refunds(q.ctx, q.account.ID, p.ID)
	if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	d := &detailData{page: h.page(q, "Transaction details", "Transactions"), Payment: p, Back: q.accountPath("/transactions"),
		Refunded: q.r.URL.Query().Get("refunded") == "1"}
	d.Title = "Transaction details – " + p.Reference
	h.fillDetail(q, d)
	h.fillRefunds(q, d, refunds, events)
	emails, err := h.store.EmailList(q.ctx, q.account.ID, p.ID, pay.EmailListLimit)
	if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	for _, e := range emails {
		d.Emails = append(d.Emails, h.emailRow(q, e))
	}
	h.render(q, http.StatusOK, "transaction", d)
}

func (h *Handler) fillDetail(q *request, d *detailData) {
	p := d.Payment
	threeDS := "Not required"
	if p.ThreeDSRequired {
		threeDS = "Required"
	}
	d.Details = []row{{"Reference number", p.Reference}, {"Service name", q.account.ServiceName},
		{"Description", p.Description}, {"Date created", h.displayTime(p.CreatedAt)},
		{"Payment status", p.Status.DisplayState().Name}, {"Payment source", sourceLabel(p.Source)}, {"3D Secure (3DS)", threeDS}}
	d.Amount = amountRows(p)
	d.Method = methodRows(p)
	d.Provider = []row{{"Provider", titleCase(p.Provider)}, {"Provider ID", p.ProviderID}, {"Pay ID", p.ID}}
	for _, k := range slices.Sorted(maps.Keys(p.Metadata)) {
		d.Metadata = append(d.Metadata, row{k, metadataText(p.Metadata[k])})
	}
}

// fillRefunds adds the refunds, the refund link, and the timeline: the
// payment's states, each the first time it reached them, and its refunds'
// steps with their amounts.
func (h *Handler) fillRefunds(q *request, d *detailData, refunds []*pay.Refund, events []*pay.Event) {
	p := d.Payment
	for _, r := range refunds {
		state := pay.RefundDisplayState(r.Status)
		d.Refunds = append(d.Refunds, refundRow{Amount: web.FormatMoney(r.Amount), State: state.Name, StateID: state.ID,
			CreatedBy: r.CreatedBy, At: h.displayTime(r.CreatedAt)})
	}
	if q.role.Can(team.PermRefundsCreate) && p.RefundSummary().Status == pay.RefundAvailable {
		d.RefundURL = q.accountPath("/transactions/" + p.ID + "/refund")
	}
	seen := map[pay.State]bool{}
	for _, ev := range events {
		if ev.RefundID != "" {
			if name, ok := refundEventNames[ev.Type]; ok {
				d.Events = append(d.Events, eventRow{Event: name, Amount: web.FormatMoney(-ev.Amount), At: h.displayTime(ev.At)})
			}
			continue
		}
		st := ev.Status.State()
		if ev.Status == "" || seen[st] {
			continue
		}
		seen[st] = true
		row := eventRow{Event: eventName(st), Amount: web.FormatMoney(p.TotalAmount()), At: h.displayTime(ev.At)}
		if st.Code != "" {
			row.Detail = st.Code + ": " + st.Message
		}
		d.Events = append(d.Events, row)
	}
}

// refundEventNames name the refund steps of the timeline, as GOV.UK Pay's do.
var refundEventNames = map[pay.EventType]string{
	pay.EventRefundCreatedByService: "Refund submitted",
	pay.EventRefundCreatedByUser:    "Refund submitted",
	pay.EventRefundSucceeded:        "Refund successful",
	pay.EventRefundError:            "Refund error",
}

func amountRows(p *pay.Payment) []row {
	amount := web.FormatMoney(p.TotalAmount())
	if p.CorporateSurcharge > 0 {
		amount += " (including card fee of " + web.FormatMoney(p.CorporateSurcharge) + ")"
	}
	rows := []row{{"Payment amount", amount}}
	if p.Fee != nil {
		rows = append(rows, row{"Provider fee", web.FormatMoney(*p.Fee)}, row{"Net amount", web.FormatMoney(p.TotalAmount() - *p.Fee)})
	}
	if p.RefundedAmount > 0 {
		rows = append(rows, row{"Refunded amount", web.FormatMoney(p.RefundedAmount)})
	}
	return rows
}

func methodRows(p *pay.Payment) []row {
	var rows []row
	if !p.Card.IsZero() {
		kind := "Card"
		if p.Moto {
			kind = "Card (telephone payment)"
		}
		if p.Card.WalletType != "" {
			kind = walletName(p.Card.WalletType)
		}
		number := ""
		if p.Card.LastDigits != "" {
			number = "**** **** **** " + p.Card.LastDigits
		}
		rows = append(rows, row{"Payment type", kind}, row{"Card brand", pay.BrandLabel(p.Card.Brand)},
			row{"Name on card", p.Card.CardholderName}, row{"Card number", number},
			row{"Card expiry date", p.Card.ExpiryDate})
		if a := p.Card.BillingAddress; !a.IsZero() {
			rows = append(rows, row{"Billing address", strings.Join(web.AddressParts(a.Line1, a.Line2, a.City, a.Postcode, a.Country, "en"), ", ")})
		}
	}
	return append(rows, row{"Email", p.Email})
}

// eventName names a state the payment reached, as GOV.UK Pay's timeline does.
func eventName(st pay.State) string {
	switch st.Status {
	case pay.StateCreated:
		return "Created"
	case pay.StateStarted:
		return "Started"
	case pay.StateSubmitted:
		return "Submitted"
	case pay.StateCapturable:
		return "Capturable"
	case pay.StateSuccess:
		return "Successful"
	}
	switch st.Code {
	case pay.CodeRejected:
		return "Declined"
	case pay.CodeExpired:
		return "Timed out"
	case pay.CodeCancelledByUser, pay.CodeCancelledByService:
		return "Cancelled"
	}
	return "Error"
}

// walletName writes a wallet type as GOV.UK Pay's CSV does: APPLE_PAY → Apple Pay.
func walletName(w string) string {
	return titleCase(strings.ReplaceAll(strings.ToLower(w), "_", " "))
}

// titleCase capitalises each word: "sandbox" → "Sandbox".
func titleCase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + strings.ToLower(w[1:])
	}
	return strings.Join(words, " ")
}

// sourceLabel names what created a payment, as GOV.UK Pay's detail page does.
func sourceLabel(s pay.Source) string {
	switch s {
	case pay.SourcePaymentLink:
		return "Payment link"
	case pay.SourceAgentInitiatedMoto:
		return "Telephone payment link"
	}
	return "API"
}
