package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// loadConfig is what one run measures and how.
type loadConfig struct {
	url, key, db string
	ops          string
	concurrency  int
	runs         int     // runs of each operation, each followed by its anchor's
	rate         float64 // arrivals per second; 0: closed loop at concurrency
	duration     time.Duration
	seeded       int
	account      int64      // the seeded account, whose transactions csv downloads
	csvFilter    url.Values // the transaction list's filters for csv; none: every transaction
	listFilter   url.Values // the transaction list's filters for list; none: every transaction
	adminEmail   string
	adminPass    string
}

// runCommand measures each chosen operation in turn and prints one line each.
func runCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var c loadConfig
	fs.StringVar(&c.url, "url", "http://127.0.0.1:8080", "the Pay to measure")
	fs.StringVar(&c.key, "key", getenv("PAY_API_KEY"), "an API key of the seeded account (default $PAY_API_KEY)")
	fs.StringVar(&c.db, "db", "", "the Pay's database, to do the same work directly as the anchor (optional)")
	fs.StringVar(&c.ops, "ops", "all", "operations, comma-separated: create, get, search-reference, search-state, search-brand, "+
		"search-email, search-name, search-last-digits, search-date, search-combined, refunds, journey, csv, list")
	fs.IntVar(&c.concurrency, "concurrency", 8, "clients, each sending its next request when the last is answered")
	fs.Float64Var(&c.rate, "rate", 0, "requests (journeys, downloads) per second at paced arrivals instead (latency counted from the scheduled start)")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "how long each operation runs")
	fs.IntVar(&c.runs, "runs", 1, "runs of each operation, each followed by its anchor's; above 1, "+
		"each run's line and then each figure's median")
	fs.IntVar(&c.seeded, "seeded", 1000, "how many payments seed added (searches pick references among them)")
	fs.Int64Var(&c.account, "account", 1, "the seeded account, whose transactions csv downloads")
	filter := fs.String("csv-filter", "", "the transaction list's filters for csv, as in its URL (state=success&dateFilter=last-30-days); "+
		"default: every transaction")
	listFilter := fs.String("list-filter", "", "the transaction list's filters for list, as in its URL (state=success); "+
		"default: none, the list as it first opens")
	fs.StringVar(&c.adminEmail, "admin-email", cmp.Or(getenv("PAY_ADMIN_EMAIL"), "admin@pay.localhost"),
		"the admin site user csv signs in as, who has no authenticator app (default $PAY_ADMIN_EMAIL or Pay's default)")
	fs.StringVar(&c.adminPass, "admin-password", getenv("PAY_ADMIN_PASSWORD"), "that user's password (default $PAY_ADMIN_PASSWORD)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var err error
	if c.csvFilter, err = url.ParseQuery(*filter); err != nil {
		return fmt.Errorf("--csv-filter: %w", err)
	}
	if c.listFilter, err = url.ParseQuery(*listFilter); err != nil {
		return fmt.Errorf("--list-filter: %w", err)
	}
	if c.key == "" {
		return errors.New("--key (or PAY_API_KEY) is required")
	}
	if c.concurrency < 1 || c.runs < 1 || c.rate < 0 || c.duration <= 0 {
		return errors.New("--concurrency and --runs must be at least 1, --rate not negative and --duration positive")
	}
	list, err := selectOps(ops(&opEnv{c: &c}), c.ops)
	if err != nil {
		return err
	}
	if (indexOp(list, "csv") >= 0 || indexOp(list, "list") >= 0) && c.adminPass == "" && c.ops != "all" {
		return errors.New("csv and list sign in to the admin site: --admin-password (or PAY_ADMIN_PASSWORD) is required")
	}
	return measureAll(ctx, &c, stdout)
}

// measureAll creates a few payments for get, then measures each operation.
func measureAll(ctx context.Context, c *loadConfig, stdout io.Writer) error {
	cl := &client{base: strings.TrimSuffix(c.url, "/"), key: c.key, http: &http.Client{Timeout: 30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 1024}}}
	ids, err := cl.createSome(ctx, 20)
	if err != nil {
		return err
	}
	e := &opEnv{c: c, cl: cl, created: func(rng *rand.Rand) string { return ids[rng.IntN(len(ids))] }}
	list, err := selectOps(ops(e), c.ops)
	if err != nil {
		return err
	}
	anchor, err := openAnchor(c.db)
	if err != nil {
		return err
	}
	defer anchor.close()
	if err := anchor.findAccount(ctx, ids[0]); err != nil {
		return err
	}
	printHeader(stdout, c)
	for _, o := range list {
		if err := ctx.Err(); err != nil {
			return err
		}
		if (o.name == "csv" || o.name == "list") && c.adminPass == "" {
			fmt.Fprintf(stdout, "%s: left out, without --admin-password (or PAY_ADMIN_PASSWORD) to sign in with\n", o.name)
			continue
		}
		var lines []line
		for run := range c.runs {
			r := measure(ctx, c, cl, o)
			if r.took > 0 { // the flow started
				r.anchor = anchor.measure(ctx, c, o)
			}
			name := o.name
			if c.runs > 1 {
				name = fmt.Sprintf("%s #%d", o.name, run+1)
			}
			l := r.line()
			l.print(stdout, name)
			r.printNotes(stdout)
			lines = append(lines, l)
		}
		if c.runs > 1 {
			median(lines).print(stdout, o.name+" median")
		}
	}
	return nil
}

// client sends authenticated requests to one Pay.
type client struct {
	base, key string
	http      *http.Client
}

// do sends one request and reads the whole answer; any status but 2xx is an error.
func (cl *client) do(ctx context.Context, method, path, body string) ([]byte, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, cl.base+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+cl.key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := cl.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err == nil && res.StatusCode/100 != 2 {
		err = fmt.Errorf("%s %s: %s: %.200s", method, path, res.Status, b)
	}
	return b, err
}

// createSome creates n payments and returns their ids.
func (cl *client) createSome(ctx context.Context, n int) ([]string, error) {
	var ids []string
	for i := range n {
		b, err := cl.do(ctx, "POST", "/v1/payments",
			fmt.Sprintf(`{"amount":1000,"reference":"LOAD-GET-%d","description":"Load test","return_url":"https://example.org/done"}`, i))
		if err != nil {
			return nil, fmt.Errorf("create payments to get: %w", err)
		}
		var p struct {
			PaymentID string `json:"payment_id"`
		}
		if err := json.Unmarshal(b, &p); err != nil {
			return nil, fmt.Errorf("create payments to get: %w", err)
		}
		ids = append(ids, p.PaymentID)
	}
	return ids, nil
}

// flow is an operation of several requests (journey, csv).
type flow interface {
	// start prepares before the measurement, such as signing in.
	start(ctx context.Context) error
	// call makes one operation's requests.
	call(ctx context.Context, rng *rand.Rand) error
	// finish waits for the work the calls left to the server's background
	// jobs, so that its CPU time is counted, and adds the flow's own
	// figures to r.
	finish(ctx context.Context, r *result) error
}

// measure runs o for the configured duration and returns what it saw.
func measure(ctx context.Context, c *loadConfig, cl *client, o op) *result {
	r := &result{name: o.name}
	call := func(rng *rand.Rand) error {
		var body string
		if o.body != nil {
			body = o.body(rng)
		}
		_, err := cl.do(ctx, o.method, o.path(rng), body)
		return err
	}
	var f flow
	if o.flow != nil {
		f = o.flow()
		if r.firstErr = f.start(ctx); r.firstErr != nil {
			return r
		}
		call = func(rng *rand.Rand) error { return f.call(ctx, rng) }
	}
	before := cl.serverStats(ctx)
	peak := cl.watchMemory(ctx)
	r.took, r.latencies, r.errors, r.firstErr = drive(ctx, c, call)
	done := len(r.latencies) + r.errors
	if f != nil {
		// A flow's CPU time is per completed operation: a failed one did
		// only part of the work.
		done = len(r.latencies)
		if err := f.finish(ctx, r); err != nil && r.firstErr == nil {
			r.firstErr = err
		}
	}
	r.peakRSS = peak()
	after := cl.serverStats(ctx)
	if before.ok && after.ok && done > 0 {
		r.cpuPerOp = time.Duration((after.cpuSeconds - before.cpuSeconds) / float64(done) * float64(time.Second))
	}
	return r
}

// drive calls call for c.duration, closed loop at c.concurrency or at
// paced arrivals of c.rate per second, and returns the latencies of the
// calls that succeeded. A paced call's latency counts from its scheduled
// start, so time spent queued behind a slow server is not hidden.
func drive(ctx context.Context, c *loadConfig, call func(*rand.Rand) error) (took time.Duration, lat []time.Duration, errs int, first error) {
	var mu sync.Mutex
	record := func(d time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			errs++
			if first == nil {
				first = err
			}
			return
		}
		lat = append(lat, d)
	}
	start := time.Now()
	if c.rate > 0 {
		paced(ctx, c.rate, start.Add(c.duration), call, record)
	} else {
		closed(ctx, c.concurrency, start.Add(c.duration), call, record)
	}
	return time.Since(start), lat, errs, first
}

// closed runs n clients until end, each calling again as soon as it is answered.
func closed(ctx context.Context, n int, end time.Time, call func(*rand.Rand) error, record func(time.Duration, error)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano())))
			for ctx.Err() == nil && time.Now().Before(end) {
				t := time.Now()
				err := call(rng)
				record(time.Since(t), err)
			}
		})
	}
	wg.Wait()
}

// paced starts one call every 1/rate seconds until end, whether or not the
// earlier ones have been answered.
func paced(ctx context.Context, rate float64, end time.Time, call func(*rand.Rand) error, record func(time.Duration, error)) {
	var wg sync.WaitGroup
	interval := time.Duration(float64(time.Second) / rate)
	for i, at := 0, time.Now(); at.Before(end) && ctx.Err() == nil; i, at = i+1, at.Add(interval) {
		time.Sleep(time.Until(at))
		wg.Go(func() {
			err := call(rand.New(rand.NewPCG(uint64(i), uint64(at.UnixNano()))))
			record(time.Since(at), err)
		})
	}
	wg.Wait()
}
