package admin

import (
	"net/http"
	"strconv"
	"strings"

	"pay/internal/pay"
	"pay/internal/web"
)

// goLiveData is the go-live form of a service's sandbox account.
type goLiveData struct {
	page
	Organisation pay.Organisation
	Countries    []web.Country
	Terms        bool
	LiveAccount  int64  // the service's live account, once it has one
	WebhookURL   string // where Stripe sends the live account's events
}

// goLiveInput is one text input of the form, for the "go-live-text" template.
type goLiveInput struct {
	ID, Name, Label, Hint, Value, Error string
	Max                                 int
	Secret                              bool // a secret is never echoed back
}

func goLiveField(d *goLiveData, id, name, label, hint, value string, max int) goLiveInput {
	return goLiveInput{ID: id, Name: name, Label: label, Hint: hint, Value: value, Error: d.ErrorFor(id), Max: max,
		Secret: strings.HasPrefix(id, "stripe-")}
}

// Limits of the go-live form.
const (
	maxOrganisationName = 255
	maxAddressLine      = 255
)

func (h *Handler) goLivePage(q *request) {
	d, err := h.goLiveData(q, pay.Organisation{Address: pay.Address{Country: "GB"}})
	if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	h.render(q, http.StatusOK, "go_live", d)
}

func (h *Handler) goLiveData(q *request, org pay.Organisation) (*goLiveData, error) {
	live, err := h.liveAccountOf(q)
	return &goLiveData{page: h.page(q, "Go live", "Dashboard"), Organisation: org, Countries: web.Countries("en"),
		LiveAccount: live, WebhookURL: h.publicURL + "/webhooks/stripe/" + strconv.FormatInt(q.account.ServiceID, 10)}, err
}

// liveAccountOf returns the id of the live account of the account's
// service, among those the user may see; 0 if there is none.
func (h *Handler) liveAccountOf(q *request) (int64, error) {
	list, err := h.store.AccountListForUser(q.ctx, q.user.ID)
	if err != nil {
		return 0, err
	}
	for _, a := range list {
		if a.ServiceID == q.account.ServiceID && a.IsLive() {
			return a.ID, nil
		}
	}
	return 0, nil
}

// goLive checks the form and the key with Stripe, then creates the live
// account and opens its dashboard.
func (h *Handler) goLive(q *request) {
	f := q.r.PostForm
	org := pay.Organisation{Name: strings.TrimSpace(f.Get("organisationName")), AcceptedBy: q.user.Email, Address: pay.Address{
		Line1: strings.TrimSpace(f.Get("addressLine1")), Line2: strings.TrimSpace(f.Get("addressLine2")),
		City: strings.TrimSpace(f.Get("addressCity")), Postcode: strings.TrimSpace(f.Get("addressPostcode")),
		Country: f.Get("addressCountry")}}
	creds := pay.Credentials{StripeSecretKey: strings.TrimSpace(f.Get("stripeSecretKey")),
		StripeWebhookSecret: strings.TrimSpace(f.Get("stripeWebhookSecret"))}
	d, err := h.goLiveData(q, org)
	if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	d.Terms = f.Get("acceptTerms") == "yes"
	if d.LiveAccount != 0 {
		h.render(q, http.StatusOK, "go_live", d)
		return
	}
	d.Errors = checkGoLive(&org, d.Terms, creds)
	if len(d.Errors) == 0 {
		d.Errors = h.checkStripeKey(q, creds.StripeSecretKey)
	}
	if len(d.Errors) > 0 {
		h.render(q, http.StatusOK, "go_live", d)
		return
	}
	live, err := h.accounts.GoLive(q.ctx, q.account.ServiceID, &org, creds)
	if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	q.redirect("/admin/accounts/" + strconv.FormatInt(live.ID, 10) + "?live")
}

// checkStripeKey asks Stripe about the key; its refusal is the key
// field's error. Stripe being unreachable is said as such.
func (h *Handler) checkStripeKey(q *request, key string) []fieldError {
	if h.checkKey == nil {
		return []fieldError{{"stripe-secret-key", "Pay is not set up to reach Stripe"}}
	}
	if err := h.checkKey(q.ctx, key); err != nil {
		h.logger.WarnContext(q.ctx, "go live: stripe key refused", "account", q.account.ID, "error", err.Error())
		return []fieldError{{"stripe-secret-key", capitalise(err.Error())}}
	}
	return nil
}

// checkGoLive validates the form in its order.
func checkGoLive(o *pay.Organisation, terms bool, c pay.Credentials) []fieldError {
	var errs []fieldError
	text := func(id, value, missing string, limit int) {
		switch {
		case value == "":
			errs = append(errs, fieldError{id, missing})
		case len([]rune(value)) > limit:
			errs = append(errs, fieldError{id, "Must be " + strconv.Itoa(limit) + " characters or fewer"})
		}
	}
	text("organisation-name", o.Name, "Enter the name of your organisation", maxOrganisationName)
	text("address-line-1", o.Address.Line1, "Enter a building and street", maxAddressLine)
	if len([]rune(o.Address.Line2)) > maxAddressLine {
		errs = append(errs, fieldError{"address-line-2", "Must be 255 characters or fewer"})
	}
	text("address-city", o.Address.City, "Enter a town or city", maxAddressLine)
	text("address-postcode", o.Address.Postcode, "Enter a postcode", 16)
	if !web.ValidCountry(o.Address.Country) {
		errs = append(errs, fieldError{"address-country", "Select a country"})
	}
	if !terms {
		errs = append(errs, fieldError{"accept-terms", "You must accept the terms to go live"})
	}
	if !strings.HasPrefix(c.StripeSecretKey, "sk_") && !strings.HasPrefix(c.StripeSecretKey, "rk_") {
		errs = append(errs, fieldError{"stripe-secret-key", "Enter the Stripe account’s secret key: it starts with sk_live_"})
	}
	if !strings.HasPrefix(c.StripeWebhookSecret, "whsec_") {
		errs = append(errs, fieldError{"stripe-webhook-secret", "Enter the webhook’s signing secret: it starts with whsec_"})
	}
	return errs
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
