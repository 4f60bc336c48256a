package admin

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pay/internal/apptest"
	"pay/internal/pay"
	"pay/internal/store"
	"pay/internal/store/sqlite"
)

var csvRows = flag.Int("csvrows", 1_000_000, "payments BenchmarkCSVDownload seeds and streams")

// BenchmarkCSVDownload streams a CSV of csvrows payments (a million by
// default) from SQLite through the CSV writer, and reports rows per second
// and the peak memory while streaming: the Go heap, and where Linux tells,
// the whole process (SQLite's pages included). Seeding takes a while, so it
// runs only when asked for:
//
//	go test -run '^$' -bench CSVDownload -benchtime 1x ./internal/web/admin
func BenchmarkCSVDownload(b *testing.B) {
	if testing.Short() {
		b.Skip("seeding a million payments is not short")
	}
	st, account := seedBenchmark(b, *csvRows)
	ctx := context.Background()
	cols := csvColumns{Metadata: []string{"ledger_code", "vat"}}
	runtime.GC() // measure the stream, not what seeding left behind
	resetPeakRSS()
	var peak atomic.Uint64
	stop := sampleHeap(&peak)
	start := time.Now()
	rows := 0
	for b.Loop() {
		out := &countingWriter{}
		w := bufio.NewWriterSize(out, 32<<10)
		cw, err := newCSVWriter(w, cols)
		if err != nil {
			b.Fatal(err)
		}
		q := &pay.TransactionSearch{PaymentSearch: pay.PaymentSearch{AccountID: account.ID}, Payments: true, Refunds: true}
		err = st.TransactionStream(ctx, q, func(t *pay.Transaction) error {
			return cw.write(t)
		})
		if err == nil {
			err = cw.flush()
		}
		if err == nil {
			err = w.Flush()
		}
		if err != nil || cw.rows != *csvRows {
			b.Fatalf("streamed %d rows of %d: %v", cw.rows, *csvRows, err)
		}
		rows += cw.rows
	}
	elapsed := time.Since(start)
	stop()
	b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
	if rss, ok := peakRSS(); ok {
		b.ReportMetric(float64(rss)/(1<<20), "peak-rss-MB")
	}
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// sampleHeap records the largest live Go heap until stop is called.
func sampleHeap(peak *atomic.Uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	wg.Go(func() {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// resetPeakRSS starts Linux's peak resident set size afresh, so that it
// measures the stream and not the seeding.
func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS reads the process's peak resident set size from Linux.
func peakRSS() (uint64, bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024, err == nil
		}
	}
	return 0, false
}

// seedBenchmark fills a new SQLite store with n payments of one account:
// a thousand varied ones through the store, then copies of them, doubled
// in SQL, which is far quicker than n inserts.
func seedBenchmark(b *testing.B, n int) (*sqlite.Store, *pay.Account) {
	b.Helper()
	ctx := context.Background()
	st := apptest.OpenSQLite(b, nil)
	svc := &pay.Service{ExternalID: pay.NewID(), Name: "Benchmark"}
	must(b, st.ServiceInsert(ctx, svc))
	a := &pay.Account{ServiceID: svc.ID, Type: pay.AccountTest, Provider: pay.ProviderSandbox, Settings: pay.DefaultAccountSettings()}
	must(b, st.AccountInsert(ctx, a))
	for i := range min(n, 1000) {
		must(b, pay.InsertPayment(ctx, st, &pay.PaymentInsertParams{Payment: benchPayment(a, i)}))
	}
	cols := strings.Join(store.PaymentColumns, ", ")
	copyCols := "lower(hex(randomblob(13)))" + strings.TrimPrefix(cols, "id")
	for have := min(n, 1000); have < n; have *= 2 {
		_, err := st.DB().ExecContext(ctx, `INSERT INTO payments (`+cols+`) SELECT `+copyCols+
			` FROM payments LIMIT ?`, min(have, n-have))
		must(b, err)
	}
	return st, a
}

func benchPayment(a *pay.Account, i int) *pay.Payment {
	p := &pay.Payment{ID: pay.NewID(), AccountID: a.ID, Amount: int64(1000 + i), Reference: fmt.Sprintf("REF-%06d", i),
		Description: "Benchmark payment", Email: "payer@example.org", Language: pay.LanguageEnglish,
		AuthorisationMode: pay.ModeWeb, Source: pay.SourceAPI, Status: pay.StatusCaptured, Provider: pay.ProviderSandbox,
		ProviderID: pay.NewID(), Card: pay.CardDetails{FirstDigits: "444433", LastDigits: "1111", CardholderName: "J Bloggs",
			ExpiryDate: "12/30", Brand: "visa", CardType: "debit"}}
	if i%3 == 0 {
		p.Metadata = pay.Metadata{"ledger_code": "AB" + strconv.Itoa(i), "vat": i%2 == 0}
	}
	return p
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}
