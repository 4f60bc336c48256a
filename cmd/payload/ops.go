package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"pay/internal/pay"
)

// op is one kind of operation the tool measures: one HTTP request, or a
// flow of several; and, where there is one, the same work done directly
// against the database, which the anchor runs.
type op struct {
	name   string
	method string
	path   func(rng *rand.Rand) string
	body   func(rng *rand.Rand) string
	// flow, when set, makes the operation's requests instead of method and
	// path: a new flow for each measurement.
	flow func() flow
	// sql prepares the anchor's version of the operation; nil: no anchor.
	sql func(ctx context.Context, a *anchor) (anchorCall, error)
}

// opEnv is what the operations need when they run: the run's
// configuration, the client, and the ids of the payments made for get.
type opEnv struct {
	c       *loadConfig
	cl      *client
	created func(rng *rand.Rand) string
	admin   *browser // signed in to the admin site, once for the whole run
}

// searchSize is the page size of the measured searches: a page a person reads.
const searchSize = 20

// ops returns every operation. Only their names and anchors are used
// before the run, so e may then hold the configuration alone.
func ops(e *opEnv) []op {
	seededNum := func(rng *rand.Rand) int { return rng.IntN(max(e.c.seeded, 1)) }
	recent := time.Now().UTC().Add(-24 * time.Hour).Truncate(time.Second)
	month := time.Now().UTC().AddDate(0, -1, 0).Truncate(time.Second)
	return []op{
		{name: "create", method: "POST", path: fixed("/v1/payments"), body: func(rng *rand.Rand) string {
			return fmt.Sprintf(`{"amount":%d,"reference":"LOAD-%d","description":"Load test","return_url":"https://example.org/done"}`,
				100+rng.IntN(10000), rng.Int())
		}, sql: func(ctx context.Context, a *anchor) (anchorCall, error) { return a.create(ctx, e.c.key) }},
		{name: "get", method: "GET", path: func(rng *rand.Rand) string { return "/v1/payments/" + e.created(rng) }},
		searchOp("search-reference", func(rng *rand.Rand) (url.Values, *pay.PaymentSearch) {
			ref := fmt.Sprintf("SEED-%d", seededNum(rng))
			return url.Values{"reference": {ref}}, &pay.PaymentSearch{Reference: ref}
		}),
		searchOp("search-state", func(*rand.Rand) (url.Values, *pay.PaymentSearch) {
			return url.Values{"state": {"failed"}}, &pay.PaymentSearch{Statuses: pay.StatusesForState("failed")}
		}),
		searchOp("search-brand", func(*rand.Rand) (url.Values, *pay.PaymentSearch) {
			return url.Values{"card_brand": {"maestro"}}, &pay.PaymentSearch{CardBrand: "maestro"}
		}),
		searchOp("search-email", func(rng *rand.Rand) (url.Values, *pay.PaymentSearch) {
			email := fmt.Sprintf("payer%d@", seededNum(rng)/20)
			return url.Values{"email": {email}}, &pay.PaymentSearch{Email: email}
		}),
		searchOp("search-name", func(rng *rand.Rand) (url.Values, *pay.PaymentSearch) {
			name := fmt.Sprintf("payer %d smith", seededNum(rng)/20)
			return url.Values{"cardholder_name": {name}}, &pay.PaymentSearch{CardholderName: name}
		}),
		searchOp("search-last-digits", func(rng *rand.Rand) (url.Values, *pay.PaymentSearch) {
			last := fmt.Sprintf("%04d", rng.IntN(10000))
			return url.Values{"last_digits_card_number": {last}}, &pay.PaymentSearch{LastDigits: last}
		}),
		searchOp("search-date", func(*rand.Rand) (url.Values, *pay.PaymentSearch) {
			return url.Values{"from_date": {recent.Format(time.RFC3339)}}, &pay.PaymentSearch{FromDate: &recent}
		}),
		searchOp("search-combined", func(*rand.Rand) (url.Values, *pay.PaymentSearch) {
			v := url.Values{"state": {"success"}, "card_brand": {"visa"}, "from_date": {month.Format(time.RFC3339)}}
			return v, &pay.PaymentSearch{Statuses: pay.StatusesForState("success"), CardBrand: "visa", FromDate: &month}
		}),
		{name: "refunds", method: "GET", path: fixed("/v1/refunds?display_size=" + fmt.Sprint(searchSize))},
		{name: "journey", flow: func() flow { return newJourneys(e.cl) }},
		{name: "csv", flow: func() flow { return newDownload(e) },
			sql: func(ctx context.Context, a *anchor) (anchorCall, error) { return a.export(e.c) }},
		{name: "list", flow: func() flow { return newListing(e) }},
	}
}

// searchOp is a payment search given as query parameters and as the
// domain's search, which the anchor runs as Pay's SQL.
func searchOp(name string, q func(rng *rand.Rand) (url.Values, *pay.PaymentSearch)) op {
	return op{name: name, method: "GET",
		path: func(rng *rand.Rand) string {
			v, _ := q(rng)
			v.Set("display_size", fmt.Sprint(searchSize))
			return "/v1/payments?" + v.Encode()
		},
		sql: func(_ context.Context, a *anchor) (anchorCall, error) {
			return func(ctx context.Context, rng *rand.Rand) (int, error) {
				_, s := q(rng)
				s.AccountID, s.Page, s.DisplaySize = a.account, 1, searchSize
				return 1, a.search(ctx, s)
			}, nil
		}}
}

func fixed(path string) func(*rand.Rand) string { return func(*rand.Rand) string { return path } }

// selectOps keeps the named operations, in the order given; "all" keeps every one.
func selectOps(all []op, names string) ([]op, error) {
	if names == "all" {
		return all, nil
	}
	var out []op
	for _, name := range strings.Split(names, ",") {
		i := indexOp(all, strings.TrimSpace(name))
		if i < 0 {
			return nil, fmt.Errorf("unknown operation %q", name)
		}
		out = append(out, all[i])
	}
	return out, nil
}

func indexOp(all []op, name string) int {
	for i, o := range all {
		if o.name == name {
			return i
		}
	}
	return -1
}
