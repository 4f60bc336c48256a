package admin

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"pay/internal/pay"
)

// Date filter periods, in UK time. "Last 7 days" is today and the six days
// before it, so today's payments are in it.
const (
	periodToday      = "today"
	periodYesterday  = "yesterday"
	periodLast7Days  = "last-7-days"
	periodLast30Days = "last-30-days"
	periodCustom     = "custom"
)

var periodLabels = map[string]string{
	periodToday:      "Today",
	periodYesterday:  "Yesterday",
	periodLast7Days:  "Last 7 days",
	periodLast30Days: "Last 30 days",
	periodCustom:     "Custom date range",
}

// periodIDs are the date filter's choices, in the order the form lists them.
var periodIDs = []string{periodToday, periodYesterday, periodLast7Days, periodLast30Days, periodCustom}

// periodRange returns the start (inclusive) and end (exclusive) of a
// named period around now, in loc's days.
func periodRange(id string, now time.Time, loc *time.Location) (time.Time, time.Time) {
	n := now.In(loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	tomorrow := today.AddDate(0, 0, 1)
	switch id {
	case periodYesterday:
		return today.AddDate(0, 0, -1), today
	case periodLast7Days:
		return today.AddDate(0, 0, -6), tomorrow
	case periodLast30Days:
		return today.AddDate(0, 0, -29), tomorrow
	}
	return today, tomorrow
}

// PageSize is how many transactions a page of the list shows (GOV.UK Pay's).
const PageSize = 20

// filters are the transaction list's filters as the URL carries them,
// with GOV.UK Pay's parameter names, so a filtered list can be bookmarked.
// A custom range's dates are Pay's own: a day, a month and a year each;
// GOV.UK Pay's one-parameter dates (fromDate, toDate) are still read.
type filters struct {
	Reference      string
	Email          string
	CardholderName string
	LastDigits     string
	Brands         []string // brand ids
	States         []string // display state ids
	DateFilter     string   // a period id, or "" for any time
	From, To       dateInput
	Page           int

	from, to *time.Time
	errors   []fieldError
}

// filterLabels name the filters in their error messages.
var filterLabels = map[string]string{"reference": "reference", "email": "email address", "cardholderName": "name on card",
	"lastDigitsCardNumber": "last 4 digits", "dateFilter": "date"}

var fourDigits = regexp.MustCompile(`^[0-9]{4}$`)

// parseFilters reads the filters from a query. Unknown states and brands
// are ignored; a malformed value is an error to show beside its field.
func parseFilters(v url.Values, now time.Time, loc *time.Location) *filters {
	f := &filters{Page: 1,
		From: newDateInput("fromDate", "fromTime", "Start date", "For example, 27 3 2026"),
		To:   newDateInput("toDate", "toTime", "End date", "For example, 31 3 2026. Transactions on that day are included.")}
	get := func(name string) string {
		s := strings.TrimSpace(v.Get(name))
		if !pay.ValidText(s) { // a NUL, or bytes that are not UTF-8, matches nothing Pay keeps
			f.errors = append(f.errors, fieldError{name, "Enter a valid " + filterLabels[name]})
			return ""
		}
		return s
	}
	f.Reference, f.Email, f.CardholderName, f.LastDigits = get("reference"), get("email"), get("cardholderName"), get("lastDigitsCardNumber")
	f.DateFilter = get("dateFilter")
	f.Brands = known(multi(v, "brand"), brandIDs())
	f.States = known(multi(v, "state"), stateIDs())
	if n, err := strconv.Atoi(strings.TrimSpace(v.Get("page"))); err == nil && n > 0 && n < 1_000_000 {
		f.Page = n
	}
	if f.LastDigits != "" && !fourDigits.MatchString(f.LastDigits) {
		f.errors = append(f.errors, fieldError{"lastDigitsCardNumber", "Enter the last 4 digits of the card number"})
	}
	f.parseDates(v, now, loc)
	return f
}

// multi reads a parameter given several times or as a comma-separated list.
func multi(v url.Values, name string) []string {
	var out []string
	for _, s := range v[name] {
		for _, part := range strings.Split(s, ",") {
			if part = strings.TrimSpace(part); part != "" && !slices.Contains(out, part) {
				out = append(out, part)
			}
		}
	}
	return out
}

func known(list, allowed []string) []string {
	var out []string
	for _, s := range list {
		if slices.Contains(allowed, s) {
			out = append(out, s)
		}
	}
	return out
}

func brandIDs() []string {
	var out []string
	for _, ct := range pay.CardTypes {
		if !slices.Contains(out, ct.Brand) {
			out = append(out, ct.Brand)
		}
	}
	return out
}

// displayStates are the states the filter offers: the payments', then the refunds'.
var displayStates = append(append([]pay.DisplayState(nil), pay.PaymentDisplayStates...), pay.RefundDisplayStates...)

func stateIDs() []string {
	out := make([]string, len(displayStates))
	for i, s := range displayStates {
		out[i] = s.ID
	}
	return out
}

// parseDates turns the date filter into a range. A named period wins over
// typed dates, so that choosing one after a custom range needs no clearing;
// typed dates make a custom range, the end included.
func (f *filters) parseDates(v url.Values, now time.Time, loc *time.Location) {
	if f.DateFilter != "" && f.DateFilter != periodCustom {
		if _, ok := periodLabels[f.DateFilter]; !ok {
			f.DateFilter = ""
			return
		}
		from, to := periodRange(f.DateFilter, now, loc)
		f.from, f.to = &from, &to
		return
	}
	f.From.read(v)
	f.To.read(v)
	f.from, f.to = f.From.moment(loc, false), f.To.moment(loc, true)
	checkRange(&f.From, &f.To, f.from, f.to)
	f.errors = append(f.errors, f.From.errors()...)
	f.errors = append(f.errors, f.To.errors()...)
	if !f.From.Empty() || !f.To.Empty() || f.From.Error != "" || f.To.Error != "" {
		f.DateFilter = periodCustom
	}
}

// search is the filters as a search of payments and refunds. Without a
// state both are listed; with states, only the kinds they name. The
// reference matches whole, ignoring case, as in GOV.UK Pay's list (which
// asks its ledger for an exact reference match) and the API: a match on
// any part of it would read every payment of the account.
func (f *filters) search(accountID int64) *pay.TransactionSearch {
	q := &pay.TransactionSearch{PaymentSearch: pay.PaymentSearch{AccountID: accountID, Reference: f.Reference,
		Email: f.Email, CardholderName: f.CardholderName, LastDigits: f.LastDigits,
		CardBrands: f.Brands, FromDate: f.from, ToDate: f.to, Page: f.Page, DisplaySize: PageSize}}
	q.Payments, q.Refunds = len(f.States) == 0, len(f.States) == 0
	for _, id := range f.States {
		if statuses := pay.StatusesForDisplayState(id); statuses != nil {
			q.Payments, q.Statuses = true, append(q.Statuses, statuses...)
		}
		if statuses := pay.RefundStatusesForDisplayState(id); statuses != nil {
			q.Refunds, q.RefundStatuses = true, append(q.RefundStatuses, statuses...)
		}
	}
	return q
}

// query is the filters as a URL query for the given page (1 is left out),
// in a fixed order, for pagination and download links.
func (f *filters) query(page int) url.Values {
	v := url.Values{}
	set := func(name, value string) {
		if value != "" {
			v.Set(name, value)
		}
	}
	set("reference", f.Reference)
	set("email", f.Email)
	set("cardholderName", f.CardholderName)
	set("lastDigitsCardNumber", f.LastDigits)
	v["brand"] = f.Brands
	v["state"] = f.States
	set("dateFilter", f.DateFilter)
	if f.DateFilter == periodCustom {
		for _, d := range []*dateInput{&f.From, &f.To} {
			set(d.Name+"Day", d.Day)
			set(d.Name+"Month", d.Month)
			set(d.Name+"Year", d.Year)
			set(d.TimeName, d.Time)
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	for k, list := range v {
		if len(list) == 0 {
			delete(v, k)
		}
	}
	return v
}

// Active reports whether any filter is set.
func (f *filters) Active() bool { return len(f.query(1)) > 0 }
