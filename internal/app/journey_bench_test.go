package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"pay/internal/app"
	"pay/internal/apptest"
	"pay/internal/apptest/boot"
	"pay/internal/jobs"
	"pay/internal/pay"
	"pay/internal/store/pgtest"
)

// BenchmarkJourney drives a payer's whole journey over HTTP against a real
// App, one journey after another: the service creates a payment, the payer
// follows next_url to the card page, pays with a sandbox card that succeeds,
// confirms and is sent back to the service, and River's capture job
// captures the payment. After the last journey it waits for every capture
// and reads each payment back through the API (the eighth request), which
// must be in the success state.
//
// cpu-ms/journey is the process's user and system CPU time over the run,
// divided by the journeys: it counts the client's side of the HTTP
// requests, which runs in this process too, and River's idle polling while
// it runs, so it overstates the server's own cost. The jobs run as in
// production (polling every second), not as the other tests run them, and
// every request is logged as pay serve logs it, in JSON, here to nowhere.
func BenchmarkJourney(b *testing.B) {
	b.Run("SQLite", func(b *testing.B) { benchmarkJourney(b, apptest.SQLiteURL(b)) })
	b.Run("PostgreSQL", func(b *testing.B) { benchmarkJourney(b, pgtest.URL(b)) })
}

func benchmarkJourney(b *testing.B, databaseURL string) {
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	a, creds, base := boot.StartJobs(b, map[string]string{"DATABASE_URL": databaseURL}, app.Options{Logger: logger}, jobs.Options{})
	ctx := context.Background()
	acct, err := a.Store.AccountGet(ctx, creds.Account.ID)
	if err != nil {
		b.Fatal(err)
	}
	// The default limits (15 POSTs a second) would cap the journeys.
	acct.Settings.RateLimitPost, acct.Settings.RateLimitOther = 1_000_000, 1_000_000
	if err := a.Store.AccountUpdate(ctx, acct); err != nil {
		b.Fatal(err)
	}
	j := &journeys{b: b, base: base, key: creds.APIKey, transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	defer j.transport.CloseIdleConnections()

	// One journey first, so that connections and prepared statements are
	// there before measuring, as on a server that has been running.
	j.check(j.pay())

	b.ReportAllocs()
	b.ResetTimer()
	before := cpuTime(b)
	ids := make([]string, b.N)
	for i := range b.N {
		ids[i] = j.pay()
	}
	for _, id := range ids {
		j.check(id)
	}
	spent := cpuTime(b) - before
	b.StopTimer()
	b.ReportMetric(float64(spent)/float64(time.Millisecond)/float64(b.N), "cpu-ms/journey")
}

// cpuTime is the CPU time this process has used, in user and system mode.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// journeys is the service and its payers: an API client and, per journey,
// a browser over plain HTTP that keeps cookies and follows no redirect by
// itself. They share one transport, so connections are reused.
type journeys struct {
	b         *testing.B
	base, key string
	transport *http.Transport
}

// returnURL is where the service has its payers sent back.
const returnURL = "https://service.example.org/done"

// pay runs one journey up to the payer's return to the service and returns
// the payment's id.
func (j *journeys) pay() string {
	created := j.api("POST", "/v1/payments", `{"amount":1000,"reference":"journey","description":"Benchmark journey",`+
		`"return_url":"`+returnURL+`"}`, http.StatusCreated)
	var p struct {
		ID    string `json:"payment_id"`
		Links struct {
			NextURL struct {
				Href string `json:"href"`
			} `json:"next_url"`
		} `json:"_links"`
	}
	if err := json.Unmarshal(created, &p); err != nil {
		j.b.Fatal(err)
	}
	next, err := url.Parse(p.Links.NextURL.Href)
	if err != nil {
		j.b.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Transport: j.transport, Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	page := "/card_details/" + p.ID
	j.page(browser, "GET", next.RequestURI(), nil, http.StatusSeeOther, page)
	j.page(browser, "GET", page, nil, http.StatusOK, "")
	j.page(browser, "POST", page, url.Values{"cardNo": {"4444333322221111"}, "expiryMonth": {"12"}, "expiryYear": {"2090"},
		"cardholderName": {"J Bloggs"}, "cvc": {"123"}, "addressLine1": {"1 High Street"}, "addressCity": {"London"},
		"addressPostcode": {"SW1A 1AA"}, "addressCountry": {"GB"}, "email": {"payer@example.org"}},
		http.StatusSeeOther, page+"/confirm")
	j.page(browser, "GET", page+"/confirm", nil, http.StatusOK, "")
	j.page(browser, "POST", page+"/confirm", url.Values{}, http.StatusSeeOther, "/return/"+p.ID)
	j.page(browser, "GET", "/return/"+p.ID, nil, http.StatusFound, returnURL)
	return p.ID
}

// check waits for the payment's capture job and reads the payment back
// through the API: it must have succeeded.
func (j *journeys) check(id string) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		var p struct {
			State struct {
				Status string `json:"status"`
			} `json:"state"`
		}
		if err := json.Unmarshal(j.api("GET", "/v1/payments/"+id, "", http.StatusOK), &p); err != nil {
			j.b.Fatal(err)
		}
		if p.State.Status == string(pay.StateSuccess) {
			return
		}
		if time.Now().After(deadline) {
			j.b.Fatalf("payment %s: %s, not success, 30 s after the journeys", id, p.State.Status)
		}
		time.Sleep(100 * time.Millisecond) // River polls every second
	}
}

// api sends one API request and returns the body of its answer, which must
// have the status.
func (j *journeys) api(method, path, body string, status int) []byte {
	req, err := http.NewRequest(method, j.base+path, strings.NewReader(body))
	if err != nil {
		j.b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+j.key)
	req.Header.Set("Content-Type", "application/json")
	res, err := j.transport.RoundTrip(req)
	if err != nil {
		j.b.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		j.b.Fatal(err)
	}
	if res.StatusCode != status {
		j.b.Fatalf("%s %s: %d, want %d: %s", method, path, res.StatusCode, status, b)
	}
	return b
}

// page sends one page request as the payer's browser; the answer must have
// the status and, for a redirect, lead to location.
func (j *journeys) page(c *http.Client, method, path string, form url.Values, status int, location string) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, j.base+path, body)
	if err != nil {
		j.b.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := c.Do(req)
	if err != nil {
		j.b.Fatal(err)
	}
	defer res.Body.Close()
	got, err := io.ReadAll(res.Body)
	if err != nil {
		j.b.Fatal(err)
	}
	if res.StatusCode != status || res.Header.Get("Location") != location {
		j.b.Fatalf("%s %s: %d to %q, want %d to %q: %s", method, path, res.StatusCode, res.Header.Get("Location"),
			status, location, firstBytes(got))
	}
}

// firstBytes is the start of a page, enough to see what went wrong.
func firstBytes(b []byte) string {
	if i := bytes.Index(b, []byte("<main")); i >= 0 {
		b = b[i:]
	}
	return fmt.Sprintf("%.400s", b)
}
