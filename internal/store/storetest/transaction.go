package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"pay/internal/pay"
)

// testTransactions lists payments and refunds together, as the admin site
// does: newest first, refunds matching through their payment, each row
// filtered by its own date and status.
func testTransactions(t *testing.T, open Opener) {
	f := setup(t, open)
	start := f.Clock.Now()
	alice := f.newPayment()
	alice.Amount, alice.Status, alice.Email = 5000, pay.StatusCaptured, "alice@example.org"
	f.insert(t, alice)
	f.Clock.Advance(time.Minute)
	created := f.insert(t, f.newPayment())
	f.Clock.Advance(time.Minute)
	r1 := f.insertRefund(t, alice, 1000)
	f.Clock.Advance(time.Minute)
	bob := f.captured(t, 3000)
	f.Clock.Advance(time.Minute)
	r2 := f.insertRefund(t, bob, 500)
	_, err := pay.TransitionRefund(f.ctx, f.Store, &pay.RefundTransitionParams{RefundID: r2.ID, To: pay.RefundSubmitted})
	mustOK(t, err)
	_, err = pay.TransitionRefund(f.ctx, f.Store, &pay.RefundTransitionParams{RefundID: r2.ID, To: pay.RefundSucceeded})
	mustOK(t, err)
	elsewhere := f.newPayment()
	elsewhere.AccountID = f.other.ID
	f.insert(t, elsewhere)

	search := func(change func(*pay.TransactionSearch)) *pay.TransactionPage {
		t.Helper()
		q := &pay.TransactionSearch{PaymentSearch: pay.PaymentSearch{AccountID: f.account.ID, Page: 1, DisplaySize: 100},
			Payments: true, Refunds: true}
		if change != nil {
			change(q)
		}
		page, err := f.Store.TransactionSearch(f.ctx, q)
		mustOK(t, err)
		return page
	}
	rows := func(page *pay.TransactionPage) []string {
		var out []string
		for _, tx := range page.Transactions {
			if tx.Refund != nil {
				out = append(out, "refund "+tx.Refund.ID+" of "+tx.Payment.ID)
			} else {
				out = append(out, "payment "+tx.Payment.ID)
			}
		}
		return out
	}
	pRow := func(p *pay.Payment) string { return "payment " + p.ID }
	rRow := func(r *pay.Refund, p *pay.Payment) string { return "refund " + r.ID + " of " + p.ID }

	t.Run("AllNewestFirst", func(t *testing.T) {
		page := search(nil)
		want := []string{rRow(r2, bob), pRow(bob), rRow(r1, alice), pRow(created), pRow(alice)}
		if diff := cmp.Diff(want, rows(page)); diff != "" || page.Total != 5 {
			t.Fatalf("all (total %d) (-want +got):\n%s", page.Total, diff)
		}
		got := page.Transactions[0]
		if got.Refund.Amount != 500 || got.Refund.Status != pay.RefundSucceeded || got.Payment.Amount != 3000 ||
			!got.CreatedAt().Equal(r2.CreatedAt) || got.Payment.RefundedAmount != 500 {
			t.Fatalf("refund row: %+v %+v", got.Refund, got.Payment)
		}
	})
	tests := []struct {
		name   string
		change func(*pay.TransactionSearch)
		want   []string
		total  int
	}{
		{"PaymentsOnly", func(q *pay.TransactionSearch) { q.Refunds = false }, []string{pRow(bob), pRow(created), pRow(alice)}, 3},
		{"RefundsOnly", func(q *pay.TransactionSearch) { q.Payments = false }, []string{rRow(r2, bob), rRow(r1, alice)}, 2},
		{"Neither", func(q *pay.TransactionSearch) { q.Payments, q.Refunds = false, false }, nil, 0},
		{"PaymentStatus", func(q *pay.TransactionSearch) { q.Refunds = false; q.Statuses = []pay.Status{pay.StatusCreated} }, []string{pRow(created)}, 1},
		{"RefundStatus", func(q *pay.TransactionSearch) {
			q.Payments = false
			q.RefundStatuses = []pay.RefundStatus{pay.RefundSucceeded}
		}, []string{rRow(r2, bob)}, 1},
		{"RefundThroughItsPayment", func(q *pay.TransactionSearch) { q.Email = "ALICE" }, []string{rRow(r1, alice), pRow(alice)}, 2},
		{"RowDates", func(q *pay.TransactionSearch) {
			from, to := start.Add(90*time.Second), start.Add(210*time.Second)
			q.FromDate, q.ToDate = &from, &to
		}, []string{pRow(bob), rRow(r1, alice)}, 2},
		{"Paged", func(q *pay.TransactionSearch) { q.Page, q.DisplaySize = 2, 2 }, []string{rRow(r1, alice), pRow(created)}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := search(tt.change)
			if diff := cmp.Diff(tt.want, rows(page)); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
			if page.Total != tt.total {
				t.Fatalf("total %d, want %d", page.Total, tt.total)
			}
		})
	}
	t.Run("TotalLimit", func(t *testing.T) {
		for _, c := range []struct {
			limit, total int
			over         bool
		}{{3, 3, true}, {4, 4, true}, {5, 5, false}, {6, 5, false}} {
			page := search(func(q *pay.TransactionSearch) { q.DisplaySize, q.TotalLimit = 2, c.limit })
			if page.Total != c.total || page.TotalOver != c.over || len(page.Transactions) != 2 {
				t.Errorf("limit %d: total %d, over %v, %d rows; want %d, %v, 2 rows",
					c.limit, page.Total, page.TotalOver, len(page.Transactions), c.total, c.over)
			}
		}
		// Each branch counts up to the limit: three payments, two refunds.
		page := search(func(q *pay.TransactionSearch) { q.DisplaySize, q.TotalLimit, q.Refunds = 1, 2, false })
		if page.Total != 2 || !page.TotalOver {
			t.Errorf("payments only, limit 2: total %d, over %v", page.Total, page.TotalOver)
		}
		// A last page that is not full tells the exact total without counting.
		page = search(func(q *pay.TransactionSearch) { q.Page, q.DisplaySize, q.TotalLimit = 3, 2, 1 })
		if page.Total != 5 || page.TotalOver {
			t.Errorf("last page, limit 1: total %d, over %v; want 5, false", page.Total, page.TotalOver)
		}
	})
	t.Run("Stream", func(t *testing.T) {
		var got []*pay.Transaction
		q := &pay.TransactionSearch{PaymentSearch: pay.PaymentSearch{AccountID: f.account.ID, Page: 2, DisplaySize: 1},
			Payments: true, Refunds: true}
		mustOK(t, f.Store.TransactionStream(f.ctx, q, func(tx *pay.Transaction) error {
			got = append(got, tx)
			return nil
		}))
		if diff := cmp.Diff(rows(search(nil)), rows(&pay.TransactionPage{Transactions: got})); diff != "" {
			t.Fatalf("the stream ignores paging and matches the search (-search +stream):\n%s", diff)
		}
		n := 0
		err := f.Store.TransactionStream(f.ctx, q, func(*pay.Transaction) error {
			n++
			if n == 2 {
				return errStop
			}
			return nil
		})
		if !errors.Is(err, errStop) || n != 2 {
			t.Fatalf("after fn failed: %d rows, error %v", n, err)
		}
	})
}
