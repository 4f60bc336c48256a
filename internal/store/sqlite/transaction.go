package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"pay/internal/pay"
	"pay/internal/store"
)

// TransactionSearch returns a page of payments and refunds from one snapshot.
func (s *Store) TransactionSearch(ctx context.Context, q *pay.TransactionSearch) (*pay.TransactionPage, error) {
	page := &pay.TransactionPage{}
	query, count, w := transactionQuery(q)
	if query == "" {
		return page, nil
	}
	err := s.readSnapshot(ctx, func(tx *sql.Tx) error {
		args := w.Args[:len(w.Args):len(w.Args)]
		limit, offset := w.Next(q.DisplaySize), w.Next(q.Offset())
		rows, err := tx.QueryContext(ctx, query+` LIMIT `+limit+` OFFSET `+offset, w.Args...)
		if page.Transactions, err = collect(rows, err, withCodec(store.ScanTransaction)); err != nil {
			return err
		}
		var ok bool
		if page.Total, ok = store.PageTotal(len(page.Transactions), q.DisplaySize, q.Offset()); ok {
			return nil
		}
		if err := tx.QueryRowContext(ctx, count, args...).Scan(&page.Total); err != nil {
			return err
		}
		page.Total, page.TotalOver = store.LimitTotal(page.Total, q.TotalLimit)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// TransactionStream calls fn with every payment and refund a search
// matches, newest first, reading rows only as fn takes them.
func (s *Store) TransactionStream(ctx context.Context, q *pay.TransactionSearch, fn func(*pay.Transaction) error) error {
	query, _, w := transactionQuery(q)
	if query == "" {
		return nil
	}
	return s.readSnapshot(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, query, w.Args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		return store.Each(rows, withCodec(store.ScanTransaction), fn)
	})
}

// TransactionStreamQuery returns the query TransactionStream runs for a
// search and its arguments ("" when the search takes nothing), for tools
// that run Pay's own SQL directly (the load tool's CSV anchor).
func TransactionStreamQuery(q *pay.TransactionSearch) (string, []any) {
	query, _, w := transactionQuery(q)
	return query, w.Args
}

// txRefundNulls stand for the refund columns on payment rows.
const txRefundNulls = "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL"

// transactionQuery is a transaction search as one query over the union of
// payments and refunds (with their payments), newest first, for
// store.ScanTransaction; the query counting its rows; and the conditions,
// whose Args both take and whose Next adds LIMIT and OFFSET. The queries are
// "" when the search takes neither payments nor refunds.
func transactionQuery(q *pay.TransactionSearch) (query, count string, w *store.Where) {
	pw, rw, w := store.TransactionFilters(q, sc)
	var union, counts []string
	if pw != nil {
		union = append(union, `SELECT 'payment', p.created_at, p.id, `+store.TransactionPaymentCols+`, `+txRefundNulls+
			` FROM payments p `+pw.String())
		counts = append(counts, store.CountUpTo(`FROM payments p `+pw.String(), q.TotalLimit))
	}
	if rw != nil {
		from := ` FROM refunds r JOIN payments p ON p.id = r.payment_id ` + rw.String()
		union = append(union, `SELECT 'refund', r.created_at, r.id, `+store.TransactionPaymentCols+`, `+store.TransactionRefundCols+from)
		counts = append(counts, store.CountUpTo(from, q.TotalLimit))
	}
	if len(union) == 0 {
		return "", "", w
	}
	// The ORDER BY belongs to the compound itself, not to a query over it
	// as a subquery: SQLite then merges the two branches, each read newest
	// first from its index, and a page stops after its rows; over a
	// subquery it sorted every payment of the account first.
	return strings.Join(union, " UNION ALL ") + ` ORDER BY 2 DESC, 3 DESC`,
		`SELECT ` + strings.Join(counts, " + "), w
}
