package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// loadConfig is what one run measures and how.
type loadConfig struct {
	url, key, db string
	ops          string
	concurrency  int
	rate         float64 // arrivals per second; 0: closed loop at concurrency
	duration     time.Duration
	seeded       int
}

// runCommand measures each chosen operation in turn and prints one line each.
func runCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var c loadConfig
	fs.StringVar(&c.url, "url", "http://127.0.0.1:8080", "the Pay to measure")
	fs.StringVar(&c.key, "key", getenv("PAY_API_KEY"), "an API key of the seeded account (default $PAY_API_KEY)")
	fs.StringVar(&c.db, "db", "", "the Pay's database, to run the same SQL directly as the anchor (optional)")
	fs.StringVar(&c.ops, "ops", "all", "operations, comma-separated: create, get, search-reference, search-state, search-brand, "+
		"search-email, search-name, search-last-digits, search-date, search-combined, refunds")
	fs.IntVar(&c.concurrency, "concurrency", 8, "clients, each sending its next request when the last is answered")
	fs.Float64Var(&c.rate, "rate", 0, "requests per second at paced arrivals instead (latency counted from the scheduled start)")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "how long each operation runs")
	fs.IntVar(&c.seeded, "seeded", 1000, "how many payments seed added (searches pick references among them)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.key == "" {
		return errors.New("--key (or PAY_API_KEY) is required")
	}
	if c.concurrency < 1 || c.rate < 0 || c.duration <= 0 {
		return errors.New("--concurrency must be at least 1, --rate not negative and --duration positive")
	}
	if _, err := selectOps(ops(c.seeded, nil), c.ops); err != nil {
		return err
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
	list, err := selectOps(ops(c.seeded, func(rng *rand.Rand) string { return ids[rng.IntN(len(ids))] }), c.ops)
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
		r := measure(ctx, c, cl, o)
		r.anchor = anchor.measure(ctx, c, o)
		r.print(stdout)
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

// measure runs o for the configured duration and returns what it saw.
func measure(ctx context.Context, c *loadConfig, cl *client, o op) *result {
	r := &result{name: o.name}
	before := cl.serverStats(ctx)
	peak := cl.watchMemory(ctx)
	call := func(rng *rand.Rand) error {
		var body string
		if o.body != nil {
			body = o.body(rng)
		}
		_, err := cl.do(ctx, o.method, o.path(rng), body)
		return err
	}
	r.took, r.latencies, r.errors, r.firstErr = drive(ctx, c, call)
	r.peakRSS = peak()
	after := cl.serverStats(ctx)
	if before.ok && after.ok && len(r.latencies) > 0 {
		r.cpuPerOp = time.Duration((after.cpuSeconds - before.cpuSeconds) / float64(len(r.latencies)+r.errors) * float64(time.Second))
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
