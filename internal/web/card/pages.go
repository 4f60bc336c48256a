package card

import (
	"encoding/json"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"pay/internal/pay"
	"pay/internal/web"
)

// pageData is what every card page shows: the payment's amount and
// description, and its service.
type pageData struct {
	web.Page
	ID          string
	Amount      int64
	Description string
	Message     *message // for the state pages
	// ChallengeURL is the provider's 3-D Secure page, for the 3-D Secure
	// page of a provider that has one.
	ChallengeURL string
}

// formData is the card details page.
type formData struct {
	pageData
	Form           *cardForm
	Errors         []fieldError
	ErrorFor       map[string]string // inline message by field name
	Brands         []string          // accepted brand labels
	BrandIDs       []string
	Withdrawal     string // which card types are accepted, in words
	ExpiryExample  string
	CollectAddress bool
	Email          pay.EmailCollection
	// ConfirmationEmail says the account emails payers a confirmation, as
	// the email field's hint promises.
	ConfirmationEmail bool
	Countries         []web.Country
	// Messages are the error texts, as JSON, for the script that checks the
	// form before it is sent.
	Messages string
	// CountryOptions is the country list as <option> elements, rendered
	// without a template loop (web.CountryOptions).
	CountryOptions template.HTML
}

// confirmData is the confirm page.
type confirmData struct {
	pageData
	CardNumber string
	Expiry     string
	Name       string
	Address    string
	Email      string
}

// message is a page that tells the payer where the payment stands.
type message struct {
	Class   string // names the state for tests and styling, as GOV.UK Pay's pages do
	Heading string
	Lines   []string
	Link    *link // a link or button, usually back to the service
	Either  *link // "continue with your payment", offered before Link
}

type link struct {
	Href   string
	Text   string
	Button bool
}

func (h *Handler) page(q *request, title string) pageData {
	serviceName := q.account.ServiceName
	if q.locale.Lang == "cy" && q.account.ServiceNameWelsh != "" {
		serviceName = q.account.ServiceNameWelsh
	}
	return pageData{
		Page: web.Page{L: q.locale, Title: title, ServiceName: serviceName, TestBanner: !q.account.IsLive(), ExactTitle: true},
		ID:   q.payment.ID, Amount: q.payment.TotalAmount(), Description: q.payment.Description,
	}
}

func (h *Handler) render(q *request, name string, data any) {
	h.templates.Render(q.w, q.r, http.StatusOK, name, data)
}

func (h *Handler) formRules(q *request) formRules {
	return formRules{settings: q.account.Settings, now: h.now()}
}

// prefilledForm starts the form with what the service sent.
func (h *Handler) prefilledForm(q *request) *cardForm {
	c := q.payment.Card
	f := &cardForm{CardholderName: c.CardholderName, AddressLine1: c.BillingAddress.Line1, AddressLine2: c.BillingAddress.Line2,
		AddressCity: c.BillingAddress.City, AddressPostcode: c.BillingAddress.Postcode, AddressCountry: c.BillingAddress.Country,
		Email: q.payment.Email}
	if f.AddressCountry == "" {
		f.AddressCountry = q.account.Settings.DefaultBillingCountry
	}
	return f
}

func (h *Handler) renderCardForm(q *request, form *cardForm, errs []fieldError) {
	rules := h.formRules(q)
	d := &formData{
		pageData: h.page(q, q.locale.T("cardDetails.enterCardDetails")), Form: form, Errors: errs,
		ErrorFor: map[string]string{}, ExpiryExample: strconv.Itoa((h.now().Year() + 1) % 100),
		CollectAddress: rules.settings.CollectBillingAddress, Email: rules.settings.EmailCollection, Countries: web.Countries(q.locale.Lang),
		ConfirmationEmail: rules.settings.ConfirmationEmails, Messages: clientMessages(q.locale),
		CountryOptions: web.CountryOptions(q.locale.Lang, form.AddressCountry),
	}
	if len(errs) > 0 {
		// GOV.UK's pattern: a page that shows errors says so in its title.
		d.Title = q.locale.T("fieldErrors.visuallyHiddenError") + " " + d.Title
	}
	for _, e := range errs {
		d.ErrorFor[e.Field] = e.Inline
	}
	debit, credit := false, false
	for _, ct := range pay.CardTypes {
		if !rules.settings.AcceptsCard(ct.Brand, ct.Type) {
			continue
		}
		debit, credit = debit || ct.Type == "debit", credit || ct.Type == "credit"
		if len(d.BrandIDs) == 0 || d.BrandIDs[len(d.BrandIDs)-1] != ct.Brand {
			d.Brands, d.BrandIDs = append(d.Brands, brandName(ct)), append(d.BrandIDs, ct.Brand)
		}
	}
	switch {
	case debit && !credit:
		d.Withdrawal = q.locale.T("cardDetails.acceptedDebitOnly")
	case credit && !debit:
		d.Withdrawal = q.locale.T("cardDetails.acceptedCreditOnly")
	default:
		d.Withdrawal = q.locale.T("cardDetails.acceptedCards")
	}
	web.AllowFormTarget(q.w, q.payment.ReturnURL)
	h.render(q, "card_details", d)
}

// showState shows the page for where the payment is now. Every action that
// finds the payment in a status it does not handle ends here: this is what
// makes the back button, a refresh and a second submit safe.
func (h *Handler) showState(q *request) {
	p, l := q.payment, q.locale
	back := &link{Href: "/return/" + p.ID}
	switch {
	case p.Status.In(pay.StatusCreated, pay.StatusEnteringCardDetails):
		q.to("")
		return
	case p.Status.In(pay.StatusAuthorisationReady, pay.StatusAuthorisation3DSReady):
		q.to("/auth_waiting")
		return
	case p.Status == pay.StatusAuthorisation3DSRequired:
		q.to("/3ds_required")
		return
	}
	var m *message
	switch st := p.State(); {
	case p.Status == pay.StatusAuthorisationSuccess:
		m = &message{Class: "in-progress", Heading: l.T("commonHeadings.inProgress"),
			Either: &link{Href: "/card_details/" + p.ID + "/confirm", Text: l.T("errorViews.continue")},
			Link:   &link{Href: back.Href, Text: l.T("errorViews.tryAgain")}}
	case st.Status == pay.StateSuccess || st.Status == pay.StateCapturable:
		m = &message{Class: "successful", Heading: l.T("errorViews.paymentSuccessful"), Lines: []string{l.T("errorViews.toMakeChanges")},
			Link: &link{Href: back.Href, Text: l.T("errorViews.viewSummary")}}
	case st.Code == pay.CodeRejected:
		m = &message{Class: "declined", Heading: l.T("errorViews.declined"), Lines: []string{l.T("errorViews.contactYourBank")},
			Link: &link{Href: back.Href, Text: l.T("commonButtons.startAgain"), Button: true}}
	case st.Code == pay.CodeExpired:
		m = &message{Class: "session-expired", Heading: l.T("errorViews.sessionExpired"), Lines: []string{l.T("errorViews.noMoneyTaken")},
			Link: &link{Href: back.Href, Text: l.T("errorViews.goBackToTryAgain")}}
	case st.Code == pay.CodeCancelledByUser:
		m = &message{Class: "user-cancelled", Heading: l.T("authorisation.userCancelledPayment"), Lines: []string{l.T("errorViews.noMoneyTaken")},
			Link: &link{Href: back.Href, Text: l.T("commonButtons.continueButton"), Button: true}}
	case st.Code == pay.CodeCancelledByService:
		m = &message{Class: "system-cancelled", Heading: l.T("errorViews.paymentCancelledTitle"), Lines: []string{l.T("errorViews.paymentCancelledDescription")},
			Link: &link{Href: back.Href, Text: l.T("commonButtons.continueButton"), Button: true}}
	default:
		m = &message{Class: "system-error", Heading: l.T("errorViews.technicalProblems"), Lines: []string{l.T("errorViews.noMoneyTaken")},
			Link: &link{Href: back.Href, Text: l.T("errorViews.tryAgain")}}
	}
	d := h.page(q, m.Heading)
	d.Message = m
	h.templates.Render(q.w, q.r, http.StatusOK, "message", d)
}

// clientFields are the fields the card page's script checks, with the
// reasons it may give besides "message" (as validate gives them).
var clientFields = map[string][]string{
	"cardNo": {"numberIncorrectLength", "cardNotSupported"}, "expiryMonth": {"inThePast"}, "cardholderName": nil,
	"cvc": nil, "email": nil, "addressLine1": nil, "addressLine2": nil, "addressCity": nil, "addressPostcode": nil,
	"addressCountry": nil,
}

// clientMessages are the texts of validate's errors, by field and reason,
// as JSON: "empty" is the summary of an empty field, "message" the inline
// text and the summary of any other reason not listed.
func clientMessages(l web.Locale) string {
	out := map[string]map[string]string{"": {"summary": l.T("fieldErrors.summary"), "error": l.T("fieldErrors.visuallyHiddenError")}}
	for name, reasons := range clientFields {
		key := "fieldErrors.fields." + name
		m := map[string]string{"empty": l.T("fieldErrors.generic", l.T(key+".name")), "message": l.T(key + ".message")}
		for _, r := range reasons {
			m[r] = l.T(key + "." + r)
		}
		out[name] = m
	}
	b, _ := json.Marshal(out) // maps of strings always marshal
	return string(b)
}

// brandNames are brands whose proper names differ from the API's
// card_brand labels, which GOV.UK Pay spells "Jcb" and "Union Pay".
var brandNames = map[string]string{"jcb": "JCB", "unionpay": "UnionPay"}

// brandName is how a card brand is written for payers.
func brandName(ct pay.CardType) string {
	if name, ok := brandNames[ct.Brand]; ok {
		return name
	}
	return ct.Label
}

// sessionExpired answers a browser that has no right to a payment: a used
// or unknown token, or a payment it did not open. When the payment is known
// (p is not nil) the page links back to its service, which can start again;
// the link does not go through Pay, as this browser may not act on it.
func (h *Handler) sessionExpired(w http.ResponseWriter, r *http.Request, p *pay.Payment) {
	l := web.LocaleFor("")
	m := &message{Class: "session-expired"}
	if p != nil {
		l = web.LocaleFor(string(p.Language))
		m.Link = &link{Href: p.ReturnURL, Text: l.T("errorViews.goBackToTryAgain")}
	}
	m.Heading, m.Lines = l.T("errorViews.sessionExpired"), []string{l.T("errorViews.noMoneyTaken")}
	h.renderMessage(w, r, http.StatusForbidden, l, m)
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	l := web.LocaleFor("en")
	m := &message{Class: "not-found", Heading: l.T("layout.pageNotFound"), Lines: []string{l.T("layout.pageNotFoundBody")}}
	h.renderMessage(w, r, http.StatusNotFound, l, m)
}

// systemError logs what went wrong and tells the payer no money was taken.
func (h *Handler) systemError(w http.ResponseWriter, r *http.Request, err error, lang pay.Language) {
	h.logger.ErrorContext(r.Context(), "card page failed", slog.String("route", r.Pattern), slog.Any("error", err))
	l := web.LocaleFor(string(lang))
	m := &message{Class: "system-error", Heading: l.T("errorViews.technicalProblems"), Lines: []string{l.T("errorViews.noMoneyTaken")}}
	h.renderMessage(w, r, http.StatusInternalServerError, l, m)
}

// renderMessage shows a message page of no particular payment.
func (h *Handler) renderMessage(w http.ResponseWriter, r *http.Request, status int, l web.Locale, m *message) {
	d := pageData{Page: web.Page{L: l, Title: m.Heading, ExactTitle: true}, Message: m}
	h.templates.Render(w, r, status, "message", d)
}

func (h *Handler) confirmData(q *request) *confirmData {
	p := q.payment
	c := p.Card
	a := c.BillingAddress
	addr := web.AddressParts(a.Line1, a.Line2, a.City, a.Postcode, a.Country, q.locale.Lang)
	return &confirmData{
		pageData:   h.page(q, q.locale.T("confirmDetails.title")),
		CardNumber: strings.Repeat("•", 12) + c.LastDigits, Expiry: c.ExpiryDate, Name: c.CardholderName,
		Address: strings.Join(addr, ", "), Email: p.Email,
	}
}

// fieldArgs are a text field's parameters for the "text-field" template.
type fieldArgs struct {
	Page                                            *formData
	Name, ID, Label, Value, Autocomplete, MaxLength string
}

func newFieldArgs(page *formData, name, id, label, value, autocomplete, maxLength string) fieldArgs {
	return fieldArgs{page, name, id, label, value, autocomplete, maxLength}
}
