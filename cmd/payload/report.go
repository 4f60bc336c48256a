package main

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// result is what one operation's run saw.
type result struct {
	name      string
	took      time.Duration
	latencies []time.Duration
	errors    int
	firstErr  error
	cpuPerOp  time.Duration // 0 when the server's metrics could not be read
	peakRSS   float64
	rows      int64         // rows downloaded (csv), which its ratio compares
	notes     []string      // what a flow adds to its line
	anchor    *anchorResult // nil without --db or for operations without SQL
}

func printHeader(w io.Writer, c *loadConfig) {
	mode := fmt.Sprintf("concurrency %d", c.concurrency)
	if c.rate > 0 {
		mode = fmt.Sprintf("paced at %.0f/s", c.rate)
	}
	fmt.Fprintf(w, "%s, %s per operation\n", mode, c.duration)
	fmt.Fprintf(w, "%-20s %8s %8s %8s %8s %6s %9s %8s %8s %7s\n",
		"operation", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "cpu ms/op", "peak MB", "sql q/s", "ratio")
}

// print writes one line, and the notes; the ratio is Pay's rate over the
// anchor's, in rows for an operation that counts rows.
func (r *result) print(w io.Writer) {
	rate := 0.0
	if r.took > 0 { // not when the flow could not start
		rate = float64(len(r.latencies)) / r.took.Seconds()
	}
	slices.Sort(r.latencies)
	cpu, sqlRate, ratio := "-", "-", "-"
	if r.cpuPerOp > 0 {
		cpu = fmt.Sprintf("%.2f", ms(r.cpuPerOp))
	}
	if r.anchor != nil && r.anchor.rate > 0 {
		units := rate
		if r.rows > 0 {
			units = float64(r.rows) / r.took.Seconds()
		}
		sqlRate, ratio = fmt.Sprintf("%.0f", r.anchor.rate), fmt.Sprintf("%.2f", units/r.anchor.rate)
	}
	fmt.Fprintf(w, "%-20s %8.0f %8.2f %8.2f %8.2f %6d %9s %8.0f %8s %7s\n", r.name, rate,
		ms(percentile(r.latencies, 50)), ms(percentile(r.latencies, 95)), ms(percentile(r.latencies, 99)),
		r.errors, cpu, r.peakRSS/1e6, sqlRate, ratio)
	for _, n := range r.notes {
		fmt.Fprintf(w, "  %s\n", n)
	}
	if r.firstErr != nil {
		fmt.Fprintf(w, "  first error: %v\n", r.firstErr)
	}
	if a := r.anchor; a != nil && r.rows > 0 && a.calls > 0 && a.units/a.calls != r.rows/int64(len(r.latencies)) {
		fmt.Fprintf(w, "  the anchor's rows differ: %d per run, against %d per download\n", a.units/a.calls, r.rows/int64(len(r.latencies)))
	}
	if r.anchor != nil && r.anchor.skipped != "" {
		fmt.Fprintf(w, "  no anchor: %s\n", r.anchor.skipped)
	}
	if r.anchor != nil && r.anchor.err != nil {
		fmt.Fprintf(w, "  anchor error: %v\n", r.anchor.err)
	}
}

// percentile returns the p-th percentile of sorted latencies, 0 for none.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, len(sorted)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
