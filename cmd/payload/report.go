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
	runs := ""
	if c.runs > 1 {
		runs = fmt.Sprintf(", %d runs each, alternating with the anchor's", c.runs)
	}
	fmt.Fprintf(w, "%s, %s per operation%s\n", mode, c.duration, runs)
	fmt.Fprintf(w, "%-26s %8s %8s %8s %8s %6s %9s %8s %8s %7s\n",
		"operation", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "cpu ms/op", "peak MB", "sql q/s", "ratio")
}

// line is the figures of one run of an operation, as printed.
type line struct {
	rate, p50, p95, p99, errors, cpu, peakMB, sqlRate, ratio float64 // cpu, sqlRate, ratio: -1 when unknown
}

// line computes r's figures; the ratio is Pay's rate over the anchor's, in
// rows for an operation that counts rows.
func (r *result) line() line {
	l := line{cpu: -1, sqlRate: -1, ratio: -1, errors: float64(r.errors), peakMB: r.peakRSS / 1e6}
	if r.took > 0 { // not when the flow could not start
		l.rate = float64(len(r.latencies)) / r.took.Seconds()
	}
	slices.Sort(r.latencies)
	l.p50, l.p95, l.p99 = ms(percentile(r.latencies, 50)), ms(percentile(r.latencies, 95)), ms(percentile(r.latencies, 99))
	if r.cpuPerOp > 0 {
		l.cpu = ms(r.cpuPerOp)
	}
	if r.anchor != nil && r.anchor.rate > 0 {
		units := l.rate
		if r.rows > 0 {
			units = float64(r.rows) / r.took.Seconds()
		}
		l.sqlRate, l.ratio = r.anchor.rate, units/r.anchor.rate
	}
	return l
}

// print writes one line under name.
func (l line) print(w io.Writer, name string) {
	unknown := func(v float64, format string) string {
		if v < 0 {
			return "-"
		}
		return fmt.Sprintf(format, v)
	}
	fmt.Fprintf(w, "%-26s %8.0f %8.2f %8.2f %8.2f %6.0f %9s %8.0f %8s %7s\n", name, l.rate, l.p50, l.p95, l.p99,
		l.errors, unknown(l.cpu, "%.2f"), l.peakMB, unknown(l.sqlRate, "%.0f"), unknown(l.ratio, "%.2f"))
}

// median returns each figure's median over the runs, separately: with three
// runs interleaved with their anchors, one disturbed run moves none of them.
// A figure unknown in any run stays unknown.
func median(lines []line) line {
	m := func(get func(line) float64) float64 {
		vs := make([]float64, len(lines))
		for i, l := range lines {
			vs[i] = get(l)
		}
		slices.Sort(vs)
		if vs[0] < 0 {
			return -1
		}
		if n := len(vs); n%2 == 0 {
			return (vs[n/2-1] + vs[n/2]) / 2
		}
		return vs[len(vs)/2]
	}
	return line{
		rate: m(func(l line) float64 { return l.rate }), p50: m(func(l line) float64 { return l.p50 }),
		p95: m(func(l line) float64 { return l.p95 }), p99: m(func(l line) float64 { return l.p99 }),
		errors: m(func(l line) float64 { return l.errors }), cpu: m(func(l line) float64 { return l.cpu }),
		peakMB: m(func(l line) float64 { return l.peakMB }), sqlRate: m(func(l line) float64 { return l.sqlRate }),
		ratio: m(func(l line) float64 { return l.ratio }),
	}
}

// printNotes writes what a run adds below its line: a flow's notes and any
// error.
func (r *result) printNotes(w io.Writer) {
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
