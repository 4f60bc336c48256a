package sqlite

import (
	"context"
	"database/sql"

	"pay/internal/pay"
	"pay/internal/store"
)

// TransactionSearch returns a page of payments and refunds from one snapshot.
func (s *Store) TransactionSearch(ctx context.Context, q *pay.TransactionSearch) (*pay.TransactionPage, error) {
	page := &pay.TransactionPage{}
	query, count, w := store.TransactionQuery(q, sc)
	if query == "" {
		return page, nil
	}
	err := s.readSnapshot(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, count, w.Args...).Scan(&page.Total); err != nil {
			return err
		}
		limit, offset := w.Next(q.DisplaySize), w.Next(q.Offset())
		rows, err := tx.QueryContext(ctx, query+` LIMIT `+limit+` OFFSET `+offset, w.Args...)
		if err != nil {
			return err
		}
		page.Transactions, err = collect(rows, err, withCodec(store.ScanTransaction))
		return err
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// TransactionStream calls fn with every payment and refund a search
// matches, newest first, reading rows only as fn takes them.
func (s *Store) TransactionStream(ctx context.Context, q *pay.TransactionSearch, fn func(*pay.Transaction) error) error {
	query, _, w := store.TransactionQuery(q, sc)
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
