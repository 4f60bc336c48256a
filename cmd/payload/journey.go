package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"pay/internal/pay"
)

const (
	// journeyCard is the sandbox's card that is authorised.
	journeyCard = "4444333322221111"
	// journeyReturnURL is the service's page the payer goes back to, on a
	// host the tool never contacts: a journey ends at Pay's redirect there.
	journeyReturnURL = "https://service.example.org/payment-done"
	// journeyRequests are one journey's requests: the create, six to the
	// card pages (next_url, the card page it redirects to, the card
	// details, the confirm page they redirect to, the confirmation, the
	// return page), and the service's status check.
	journeyRequests = 8
)

// journeys walk payers through the card pages over HTTP, each in a browser
// of its own: the service creates a payment with the API key, the payer
// follows next_url, fills in the card form, confirms and is sent back, and
// the service checks the payment's state. The payments of one measurement
// share a reference, so that one search finds them all when waiting for
// their captures.
type journeys struct {
	cl        *client
	reference string
	extra     atomic.Int64 // status checks beyond each journey's first
	searches  int          // searches waiting for the captures
}

func newJourneys(cl *client) *journeys {
	return &journeys{cl: cl, reference: fmt.Sprintf("LOAD-JOURNEY-%d", time.Now().UnixNano())}
}

func (j *journeys) start(context.Context) error { return nil }

func (j *journeys) call(ctx context.Context, rng *rand.Rand) error {
	b, err := j.cl.do(ctx, "POST", "/v1/payments", fmt.Sprintf(`{"amount":%d,"reference":%q,"description":"Load test journey",`+
		`"return_url":%q}`, 100+rng.IntN(10000), j.reference, journeyReturnURL))
	if err != nil {
		return err
	}
	var p struct {
		ID    string `json:"payment_id"`
		Links struct {
			NextURL struct{ Href string } `json:"next_url"`
		} `json:"_links"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("create: %w", err)
	}
	if err := j.pay(ctx, p.ID, p.Links.NextURL.Href); err != nil {
		return fmt.Errorf("payment %s: %w", p.ID, err)
	}
	return j.checkSuccess(ctx, p.ID)
}

// pay is the payer's part, from next_url to the redirect to the service.
func (j *journeys) pay(ctx context.Context, id, nextURL string) error {
	next, err := url.Parse(nextURL)
	if err != nil {
		return fmt.Errorf("next_url %q: %w", nextURL, err)
	}
	b := newBrowser(j.cl)
	// next_url is on Pay's public URL: the path goes to the Pay measured.
	card, err := b.send(ctx, "GET", next.RequestURI(), nil)
	if err != nil {
		return err
	}
	if err := card.want(http.StatusOK, "/card_details/"+id); err != nil {
		return err
	}
	f, err := card.form("card-details")
	if err != nil {
		return err
	}
	now := time.Now()
	confirm, err := b.send(ctx, "POST", f.action, f.fill(map[string]string{
		"cardNo": journeyCard, "expiryMonth": fmt.Sprintf("%02d", now.Month()), "expiryYear": fmt.Sprint(now.Year() + 3),
		"cardholderName": "J Payer", "cvc": "123", "addressLine1": "1 High Street", "addressCity": "London",
		"addressPostcode": "SW1A 1AA", "addressCountry": "GB", "email": "payer@example.org",
	}))
	if err != nil {
		return err
	}
	if err := confirm.want(http.StatusOK, "/card_details/"+id+"/confirm"); err != nil {
		return fmt.Errorf("card details not accepted: %w", err)
	}
	if f, err = confirm.form("confirmation"); err != nil {
		return err
	}
	back, err := b.send(ctx, "POST", f.action, f.fill(nil))
	if err != nil {
		return err
	}
	if back.status != http.StatusFound || back.location != journeyReturnURL {
		return fmt.Errorf("confirmed: %d at %s to %q, want a redirect to the return_url", back.status, back.url.Path, back.location)
	}
	return nil
}

// checkSuccess is the service's check when the payer is back: the
// payment's state is success, at once unless the confirmation is still
// being recorded, which a few more checks allow for.
func (j *journeys) checkSuccess(ctx context.Context, id string) error {
	for i := 0; ; i++ {
		b, err := j.cl.do(ctx, "GET", "/v1/payments/"+id, "")
		if err != nil {
			return err
		}
		var p struct {
			State struct{ Status string } `json:"state"`
		}
		if err := json.Unmarshal(b, &p); err != nil {
			return fmt.Errorf("payment %s: %w", id, err)
		}
		if p.State.Status == "success" {
			return nil
		}
		if i == 20 {
			return fmt.Errorf("payment %s: state %q after the payer's return", id, p.State.Status)
		}
		j.extra.Add(1)
		time.Sleep(50 * time.Millisecond)
	}
}

// finish waits until the server has captured every payment paid, which its
// capture job does in the background, and then for a second, Pay's default
// job poll interval, for the jobs the captures enqueue (the payer's
// confirmation email), so that their CPU time is counted too.
func (j *journeys) finish(ctx context.Context, r *result) error {
	deadline := time.Now().Add(time.Minute)
	for {
		n, err := j.captured(ctx)
		if err != nil {
			return err
		}
		if n >= len(r.latencies) {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d payments captured a minute after the journeys", n, len(r.latencies))
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(time.Second)
	r.notes = append(r.notes, fmt.Sprintf("per journey: %d requests (create, 6 card page requests, a status check) "+
		"and the capture job; in all also %d more status checks and %d searches waiting for the captures",
		journeyRequests, j.extra.Load(), j.searches))
	return nil
}

// captured counts this measurement's payments that are captured, from a
// search by their reference, a page of the most the API gives at a time.
func (j *journeys) captured(ctx context.Context) (int, error) {
	n := 0
	for page := 1; ; page++ {
		j.searches++
		b, err := j.cl.do(ctx, "GET", fmt.Sprintf("/v1/payments?reference=%s&state=success&display_size=%d&page=%d",
			url.QueryEscape(j.reference), pay.MaxDisplaySize, page), "")
		if err != nil {
			return 0, err
		}
		var res struct {
			Results []struct {
				Settlement struct {
					CapturedDate string `json:"captured_date"`
				} `json:"settlement_summary"`
			} `json:"results"`
		}
		if err := json.Unmarshal(b, &res); err != nil {
			return 0, fmt.Errorf("search: %w", err)
		}
		for _, p := range res.Results {
			if p.Settlement.CapturedDate != "" {
				n++
			}
		}
		if len(res.Results) < pay.MaxDisplaySize {
			return n, nil
		}
	}
}
