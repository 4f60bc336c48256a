package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"

	"pay/internal/pay"
	"pay/internal/store"
	"pay/internal/store/postgres"
	"pay/internal/store/sqlite"
)

// anchor runs, directly against Pay's database, the SQL Pay runs for an
// operation, so each figure has a yardstick measured in the same run on the
// same machine: Pay's rate over the anchor's says how much Pay adds.
type anchor struct {
	db      *sql.DB // nil: no anchor
	eng     engine
	account int64
}

// openAnchor opens the database at url; an empty url gives no anchor.
func openAnchor(url string) (*anchor, error) {
	if url == "" {
		return &anchor{}, nil
	}
	db, eng, err := openDB(url)
	if err != nil {
		return nil, err
	}
	return &anchor{db: db, eng: eng}, nil
}

func (a *anchor) close() {
	if a.db != nil {
		a.db.Close()
	}
}

// findAccount learns the measured account from one of its payments.
func (a *anchor) findAccount(ctx context.Context, paymentID string) error {
	if a.db == nil {
		return nil
	}
	q := `SELECT account_id FROM payments WHERE id = ` + a.codec().Placeholder(1)
	if err := a.db.QueryRowContext(ctx, q, paymentID).Scan(&a.account); err != nil {
		return fmt.Errorf("anchor: find the account: %w", err)
	}
	return nil
}

// anchorResult is the anchor's rate in searches per second.
type anchorResult struct {
	rate float64
	err  error
}

// measure runs o's search as SQL at the run's concurrency for its
// duration; nil for operations that are not searches, or without a database.
func (a *anchor) measure(ctx context.Context, c *loadConfig, o op) *anchorResult {
	if a.db == nil || o.search == nil {
		return nil
	}
	cfg := *c
	cfg.rate = 0 // the anchor is always closed loop: it measures capacity
	took, lat, _, err := drive(ctx, &cfg, func(rng *rand.Rand) error {
		s := o.search(rng)
		s.AccountID = a.account
		return a.search(ctx, s)
	})
	return &anchorResult{rate: float64(len(lat)) / took.Seconds(), err: err}
}

// search runs a payment search as Pay's stores do: the page, then the
// count when the page does not tell it, in one read-only transaction.
func (a *anchor) search(ctx context.Context, s *pay.PaymentSearch) error {
	tx, err := a.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := store.PaymentSearchWhere(s, a.codec())
	args := w.Args[:len(w.Args):len(w.Args)]
	limit, offset := w.Next(s.DisplaySize), w.Next(s.Offset())
	rows, err := tx.QueryContext(ctx, `SELECT `+store.PaymentSelect("")+` FROM payments `+w.String()+
		` ORDER BY created_at DESC, id DESC LIMIT `+limit+` OFFSET `+offset, w.Args...)
	n, err := drain(rows, err)
	if err != nil {
		return err
	}
	if _, ok := store.PageTotal(n, s.DisplaySize, s.Offset()); !ok {
		var total int
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM payments `+w.String(), args...).Scan(&total)
	}
	return err
}

// drain reads every row's columns, as a server must, and counts the rows.
func drain(rows *sql.Rows, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	dest := make([]any, len(cols))
	for i := range dest {
		dest[i] = new(any)
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// codec is the engine's own, so the anchor's SQL is Pay's.
func (a *anchor) codec() store.Codec {
	if a.eng == "postgres" {
		return postgres.Codec()
	}
	return sqlite.Codec()
}
