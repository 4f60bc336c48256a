package admin

import (
	"net/http"
	"slices"
	"strings"

	"pay/internal/pay"
	"pay/internal/web"
)

// MaxServiceNameLength is GOV.UK Pay's limit on a service's name.
const MaxServiceNameLength = 50

// settingsData is the payment page settings of an account.
type settingsData struct {
	page
	// NameInput is the service name as typed. (Not ServiceName: that is the
	// header's, which must stay the saved name when a save fails.)
	NameInput        string
	ServiceNameWelsh string
	CardTypes        []cardTypeOption
	Settings         pay.AccountSettings
	Countries        []web.Country
	Saved            bool
}

type cardTypeOption struct {
	ID, Label string
	Checked   bool
}

func (h *Handler) settingsPage(q *request) {
	d := h.settingsData(q, q.account.ServiceName, q.account.ServiceNameWelsh, q.account.Settings)
	d.Saved = q.r.URL.Query().Has("saved")
	h.render(q, http.StatusOK, "settings", d)
}

func (h *Handler) settingsData(q *request, name, welsh string, s pay.AccountSettings) *settingsData {
	d := &settingsData{page: h.page(q, "Settings", "Settings"), NameInput: name, ServiceNameWelsh: welsh,
		Settings: s, Countries: web.Countries("en")}
	for _, ct := range pay.CardTypes {
		d.CardTypes = append(d.CardTypes, cardTypeOption{ID: ct.ID(), Label: ct.Label + " " + ct.Type,
			Checked: slices.Contains(s.CardTypes, ct.ID())})
	}
	return d
}

// settings stores the payment page settings and the service's names. The
// card pages read them on every request, so they apply at once.
func (h *Handler) settings(q *request) {
	form := q.r.PostForm
	s := q.account.Settings
	s.CardTypes = nil
	for _, id := range form["cardTypes"] {
		if _, ok := pay.CardTypeByID(id); ok && !slices.Contains(s.CardTypes, id) {
			s.CardTypes = append(s.CardTypes, id)
		}
	}
	s.CollectBillingAddress = form.Get("collectBillingAddress") == "on"
	s.AllowZeroAmount = form.Get("allowZeroAmount") == "on"
	s.AllowDelayedCapture = form.Get("allowDelayedCapture") == "on"
	s.AllowMoto = form.Get("allowMoto") == "on"
	name, welsh := strings.TrimSpace(form.Get("serviceName")), strings.TrimSpace(form.Get("serviceNameWelsh"))
	d := h.settingsData(q, name, welsh, s)
	d.Errors = checkSettings(&s, form.Get("defaultBillingCountry"), name, welsh)
	if len(d.Errors) > 0 {
		d.Settings = s
		h.render(q, http.StatusOK, "settings", d)
		return
	}
	if err := h.saveSettings(q, s, name, welsh); err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	q.redirect(q.accountPath("/settings?saved"))
}

// checkSettings validates the form, in GOV.UK Pay's words where it has them.
func checkSettings(s *pay.AccountSettings, country, name, welsh string) []fieldError {
	var errs []fieldError
	switch {
	case name == "":
		errs = append(errs, fieldError{"service-name", "Enter a service name"})
	case !pay.ValidText(name):
		errs = append(errs, fieldError{"service-name", "Enter a valid service name"})
	case len([]rune(name)) > MaxServiceNameLength:
		errs = append(errs, fieldError{"service-name", "Service name must be 50 characters or fewer"})
	}
	if !pay.ValidText(welsh) {
		errs = append(errs, fieldError{"service-name-welsh", "Enter a valid Welsh service name"})
	} else if len([]rune(welsh)) > MaxServiceNameLength {
		errs = append(errs, fieldError{"service-name-welsh", "Welsh service name must be 50 characters or fewer"})
	}
	if len(s.CardTypes) == 0 {
		errs = append(errs, fieldError{"card-types", "You must choose at least one card"})
	}
	if web.ValidCountry(country) {
		s.DefaultBillingCountry = country
	} else {
		errs = append(errs, fieldError{"default-billing-country", "Select a country"})
	}
	return errs
}

func (h *Handler) saveSettings(q *request, s pay.AccountSettings, name, welsh string) error {
	a := *q.account
	a.Settings, a.ServiceName, a.ServiceNameWelsh = s, name, welsh
	return h.accounts.SaveSettings(q.ctx, &a)
}
