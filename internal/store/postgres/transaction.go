package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"pay/internal/pay"
	"pay/internal/store"
)

// TransactionSearch returns a page of payments and refunds from one snapshot.
func (s *Store) TransactionSearch(ctx context.Context, q *pay.TransactionSearch) (*pay.TransactionPage, error) {
	page := &pay.TransactionPage{}
	query, count, w := transactionQuery(q, q.Offset()+q.DisplaySize)
	if query == "" {
		return page, nil
	}
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		args := w.Args[:len(w.Args):len(w.Args)]
		limit, offset := w.Next(q.DisplaySize), w.Next(q.Offset())
		rows, err := tx.Query(ctx, query+` LIMIT `+limit+` OFFSET `+offset, custom(w.Args)...)
		if page.Transactions, err = collect(rows, err, withCodec(store.ScanTransaction)); err != nil {
			return err
		}
		var ok bool
		if page.Total, ok = store.PageTotal(len(page.Transactions), q.DisplaySize, q.Offset()); ok {
			return nil
		}
		if err := tx.QueryRow(ctx, count, custom(args)...).Scan(&page.Total); err != nil {
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
// matches, newest first, from one snapshot. pgx reads rows from the
// connection as fn takes them.
func (s *Store) TransactionStream(ctx context.Context, q *pay.TransactionSearch, fn func(*pay.Transaction) error) error {
	query, _, w := transactionQuery(q, 0)
	if query == "" {
		return nil
	}
	return s.readTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, query, custom(w.Args)...)
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
	query, _, w := transactionQuery(q, 0)
	return query, w.Args
}

// txRefundNulls stand for the refund columns on payment rows, typed as the
// refund branch's columns are, so that the union's types resolve even when
// the search has no refund branch.
const txRefundNulls = "NULL::text, NULL::text, NULL::bigint, NULL::bigint, NULL::text, NULL::text, NULL::text, " +
	"NULL::bigint, NULL::timestamptz, NULL::timestamptz"

// transactionQuery is a transaction search as one query over the union of
// payments and refunds (with their payments), newest first, for
// store.ScanTransaction; the query counting its rows; and the conditions,
// whose Args both take and whose Next adds LIMIT and OFFSET. The queries are
// "" when the search takes neither payments nor refunds. With top above 0,
// each branch reads only its newest top rows: PostgreSQL sorts the whole
// union otherwise, every payment of the account for the list's first page,
// as it does not merge the branches in order.
func transactionQuery(q *pay.TransactionSearch, top int) (query, count string, w *store.Where) {
	pw, rw, w := store.TransactionFilters(q, pc)
	var union, counts []string
	branch := func(sel, alias string) string {
		if top <= 0 {
			return sel
		}
		return fmt.Sprintf(`SELECT * FROM (%s ORDER BY %s.created_at DESC, %s.id DESC LIMIT %d) %s_top`, sel, alias, alias, top, alias)
	}
	if pw != nil {
		union = append(union, branch(`SELECT 'payment'::text, p.created_at, p.id, `+store.TransactionPaymentCols+`, `+txRefundNulls+
			` FROM payments p `+pw.String(), "p"))
		counts = append(counts, store.CountUpTo(`FROM payments p `+pw.String(), q.TotalLimit))
	}
	if rw != nil {
		from := ` FROM refunds r JOIN payments p ON p.id = r.payment_id ` + rw.String()
		union = append(union, branch(`SELECT 'refund'::text, r.created_at, r.id, `+store.TransactionPaymentCols+`, `+store.TransactionRefundCols+from, "r"))
		counts = append(counts, store.CountUpTo(from, q.TotalLimit))
	}
	if len(union) == 0 {
		return "", "", w
	}
	return `SELECT * FROM (` + strings.Join(union, " UNION ALL ") + `) t ORDER BY 2 DESC, 3 DESC`,
		`SELECT ` + strings.Join(counts, " + "), w
}
