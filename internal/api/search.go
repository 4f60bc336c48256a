package api

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"pay/internal/pay"
)

// Every search endpoint (payments, refunds, disputes, agreements) reads its
// query with a searchQuery and answers with one page of results through a
// pager, in GOV.UK Pay's shape.

// searchQuery validates a search's parameters in GOV.UK Pay's order and
// collects every invalid one, so that one error can name them all.
type searchQuery struct {
	values  url.Values
	invalid []string
}

var digits = regexp.MustCompile(`^[0-9]+$`)

// get returns a parameter's value. A value that is not text (a NUL
// character, bytes that are not UTF-8) matches nothing Pay keeps: the
// parameter is invalid, like any other value it cannot take.
func (q *searchQuery) get(name string) string { return q.getAs(name, name) }

// getAs is get for a parameter whose errors call it reported (the dispute
// search calls its status parameter "state", as GOV.UK Pay's does).
func (q *searchQuery) getAs(name, reported string) string {
	v := strings.TrimSpace(q.values.Get(name))
	if !pay.ValidText(v) {
		q.bad(reported)
		return ""
	}
	return v
}

// bad records an invalid parameter, once.
func (q *searchQuery) bad(name string) {
	if !slices.Contains(q.invalid, name) {
		q.invalid = append(q.invalid, name)
	}
}

// err returns GOV.UK Pay's "Invalid parameters" error (422) with the given
// code, naming every invalid parameter; nil when all were valid.
func (q *searchQuery) err(code string) error {
	if len(q.invalid) == 0 {
		return nil
	}
	return invalidParams(pay.KindInvalid, code, q.invalid...)
}

// paging reads page (from 1) and display_size (1 to the maximum, the
// maximum when absent), in that order.
func (q *searchQuery) paging() (page, size int) {
	page = q.number("page", 1, 1, 0)
	size = q.number("display_size", pay.DefaultDisplaySize, 1, pay.MaxDisplaySize)
	return page, size
}

func (q *searchQuery) text(name string, max int) string {
	v := q.get(name)
	if pay.JavaLength(v) > max {
		q.bad(name)
	}
	return v
}

// number reads a whole number of at least lo (and at most hi when hi > 0)
// that fits in 32 bits, as GOV.UK Pay's parsing requires.
func (q *searchQuery) number(name string, def, lo, hi int) int {
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

func (q *searchQuery) fixedDigits(name string, n int) string {
	v := q.get(name)
	if v != "" && (len(v) != n || !digits.MatchString(v)) {
		q.bad(name)
	}
	return v
}

// dateTimeLayouts are the ISO 8601 forms GOV.UK Pay's search accepts.
var dateTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"}

func (q *searchQuery) dateTime(name string) *time.Time {
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

func (q *searchQuery) date(name string) *time.Time {
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

// searchEndpoint is what the pager needs to know about one search endpoint.
type searchEndpoint struct {
	path      string   // the endpoint, for page links
	params    []string // the search parameters page links keep, in GOV.UK Pay's order
	codes     codes    // the endpoint's error codes; notFound is its "Page not found"
	bareLinks bool     // page links under "links" (dispute search), not "_links"
}

// pager pages one search request's results on Pay's public base.
type pager struct {
	searchEndpoint
	a          *API
	values     url.Values
	page, size int
	total      int
}

func (a *API) pager(r *http.Request, e searchEndpoint, page, size, total int) *pager {
	return &pager{searchEndpoint: e, a: a, values: r.URL.Query(), page: page, size: size, total: total}
}

// last is the last page's number: 1 when nothing matches.
func (p *pager) last() int { return max(1, (p.total+p.size-1)/p.size) }

// pastEnd reports a page after the last one of a search with results,
// which GOV.UK Pay answers with 404 "Page not found".
func (p *pager) pastEnd() bool { return p.total > 0 && p.page > p.last() }

// searchLinks are a search page's links to itself and the other pages.
type searchLinks struct {
	Self      *link `json:"self"`
	FirstPage *link `json:"first_page"`
	LastPage  *link `json:"last_page"`
	PrevPage  *link `json:"prev_page,omitempty"`
	NextPage  *link `json:"next_page,omitempty"`
}

func (p *pager) links() *searchLinks {
	last := p.last()
	l := &searchLinks{Self: p.link(p.page), FirstPage: p.link(1), LastPage: p.link(last)}
	if p.page > 1 {
		l.PrevPage = p.link(p.page - 1)
	}
	if p.page < last {
		l.NextPage = p.link(p.page + 1)
	}
	return l
}

// link rebuilds the search for the given page, keeping only the search
// parameters that were set.
func (p *pager) link(page int) *link {
	var parts []string
	for _, name := range p.params {
		if v := strings.TrimSpace(p.values.Get(name)); v != "" {
			parts = append(parts, url.QueryEscape(name)+"="+url.QueryEscape(v))
		}
	}
	parts = append(parts, "page="+strconv.Itoa(page), "display_size="+strconv.Itoa(p.size))
	return get(p.a.url(p.path + "?" + strings.Join(parts, "&")))
}

// searchPage is one page of search results, GOV.UK Pay's *SearchResults.
type searchPage[T any] struct {
	Total     int          `json:"total"`
	Count     int          `json:"count"`
	Page      int          `json:"page"`
	Results   []T          `json:"results"`
	Links     *searchLinks `json:"_links,omitempty"`
	BareLinks *searchLinks `json:"links,omitempty"`
}

// writePage answers a search with the page's items, each rendered by
// render, or with the endpoint's 404 "Page not found" for a page after the
// last.
func writePage[R, T any](w http.ResponseWriter, r *http.Request, p *pager, items []R, render func(R) T) {
	if p.pastEnd() {
		err := &pay.Error{Kind: pay.KindNotFound, Code: p.codes.notFound, Message: pay.DescPageNotFound}
		p.a.fail(w, r, err, p.codes)
		return
	}
	body := searchPage[T]{Total: p.total, Count: len(items), Page: p.page, Results: make([]T, 0, len(items))}
	for _, item := range items {
		body.Results = append(body.Results, render(item))
	}
	if p.bareLinks {
		body.BareLinks = p.links()
	} else {
		body.Links = p.links()
	}
	writeJSON(w, http.StatusOK, body)
}
