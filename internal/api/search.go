package api

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"pay/internal/pay"
)

// searchParams are GOV.UK Pay's payment search parameters, in the order its
// links list them.
var searchParams = []string{
	"reference", "email", "state", "card_brand", "from_date", "to_date", "cardholder_name",
	"first_digits_card_number", "last_digits_card_number", "from_settled_date", "to_settled_date", "agreement_id",
}

// searchableStates are the states search accepts; capturable is not one.
var searchableStates = map[string]bool{
	pay.StateCreated: true, pay.StateStarted: true, pay.StateSubmitted: true, pay.StateSuccess: true,
	pay.StateFailed: true, pay.StateCancelled: true, pay.StateError: true,
}

var digits = regexp.MustCompile(`^[0-9]+$`)

// paymentQuery validates search parameters in GOV.UK Pay's order and
// collects every invalid one; the first error lists them all.
type paymentQuery struct {
	values  url.Values
	invalid []string
	search  pay.PaymentSearch
}

func (q *paymentQuery) get(name string) string { return strings.TrimSpace(q.values.Get(name)) }

func (q *paymentQuery) bad(name string) { q.invalid = append(q.invalid, name) }

func parsePaymentSearch(values url.Values, accountID int64) (*pay.PaymentSearch, error) {
	q := &paymentQuery{values: values, search: pay.PaymentSearch{AccountID: accountID}}
	s := &q.search
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
	s.Page = q.number("page", 1, 1, 0)
	s.DisplaySize = q.number("display_size", pay.DefaultDisplaySize, 1, pay.MaxDisplaySize)
	s.FirstDigits = q.fixedDigits("first_digits_card_number", 6)
	s.LastDigits = q.fixedDigits("last_digits_card_number", 4)
	s.FromSettled = q.date("from_settled_date")
	s.ToSettled = q.date("to_settled_date")
	s.CardholderName = q.get("cardholder_name")
	s.AgreementID = q.get("agreement_id")
	if len(q.invalid) > 0 {
		return nil, &pay.Error{Kind: pay.KindInvalid, Code: pay.CodeSearchPaymentsInvalid,
			Message: "Invalid parameters: " + strings.Join(q.invalid, ", ") + ". See Public API documentation for the correct data formats"}
	}
	return s, nil
}

func (q *paymentQuery) text(name string, max int) string {
	v := q.get(name)
	if pay.JavaLength(v) > max {
		q.bad(name)
	}
	return v
}

// number reads a whole number of at least lo (and at most hi when hi > 0)
// that fits in 32 bits, as GOV.UK Pay's parsing requires.
func (q *paymentQuery) number(name string, def, lo, hi int) int {
	v := q.get(name)
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if !digits.MatchString(v) || err != nil || int(n) < lo || (hi > 0 && int(n) > hi) {
		q.bad(name)
		return def
	}
	return int(n)
}

func (q *paymentQuery) fixedDigits(name string, n int) string {
	v := q.get(name)
	if v != "" && (len(v) != n || !digits.MatchString(v)) {
		q.bad(name)
	}
	return v
}

// dateTimeLayouts are the ISO 8601 forms GOV.UK Pay's search accepts.
var dateTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"}

func (q *paymentQuery) dateTime(name string) *time.Time {
	v := q.get(name)
	if v == "" {
		return nil
	}
	for _, layout := range dateTimeLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			t = t.UTC()
			return &t
		}
	}
	q.bad(name)
	return nil
}

func (q *paymentQuery) date(name string) *time.Time {
	v := q.get(name)
	if v == "" {
		return nil
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		q.bad(name)
		return nil
	}
	return &t
}

type searchBody struct {
	Total   int            `json:"total"`
	Count   int            `json:"count"`
	Page    int            `json:"page"`
	Results []*paymentBody `json:"results"`
	Links   searchLinks    `json:"_links"`
}

type searchLinks struct {
	Self      *link `json:"self"`
	FirstPage *link `json:"first_page"`
	LastPage  *link `json:"last_page"`
	PrevPage  *link `json:"prev_page,omitempty"`
	NextPage  *link `json:"next_page,omitempty"`
}

func (a *API) searchPayments(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	s, err := parsePaymentSearch(r.URL.Query(), accountFrom(ctx).ID)
	if err != nil {
		a.fail(w, r, err, searchPaymentCodes)
		return
	}
	page, err := a.Payments.Search(ctx, s)
	if err != nil {
		a.fail(w, r, err, searchPaymentCodes)
		return
	}
	last := lastPage(page.Total, s.DisplaySize)
	if page.Total > 0 && s.Page > last {
		a.fail(w, r, &pay.Error{Kind: pay.KindNotFound, Code: pay.CodeSearchPaymentsPageNotFound, Message: pay.DescPageNotFound}, searchPaymentCodes)
		return
	}
	body := searchBody{Total: page.Total, Count: len(page.Payments), Page: s.Page, Results: []*paymentBody{}}
	for _, p := range page.Payments {
		body.Results = append(body.Results, a.renderPayment(p, ""))
	}
	pageLink := func(n int) *link {
		return get(a.pageURL("/v1/payments", searchParams, r.URL.Query(), n, s.DisplaySize))
	}
	body.Links = navigation(pageLink, s.Page, last)
	writeJSON(w, http.StatusOK, body)
}

// pageURL rebuilds a search on Pay's public base with the given page,
// keeping only the named search parameters that were set.
func (a *API) pageURL(path string, names []string, values url.Values, page, size int) string {
	var parts []string
	for _, name := range names {
		if v := strings.TrimSpace(values.Get(name)); v != "" {
			parts = append(parts, url.QueryEscape(name)+"="+url.QueryEscape(v))
		}
	}
	parts = append(parts, "page="+strconv.Itoa(page), "display_size="+strconv.Itoa(size))
	return a.url(path + "?" + strings.Join(parts, "&"))
}

// navigation returns the page links of a search result.
func navigation(pageLink func(int) *link, page, last int) searchLinks {
	links := searchLinks{Self: pageLink(page), FirstPage: pageLink(1), LastPage: pageLink(last)}
	if page > 1 {
		links.PrevPage = pageLink(page - 1)
	}
	if page < last {
		links.NextPage = pageLink(page + 1)
	}
	return links
}

// lastPage is the number of the last page, 1 when there are no results.
func lastPage(total, size int) int { return max(1, (total+size-1)/size) }
