package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"pay/internal/pay"
	"pay/internal/store"
	"pay/internal/store/postgres"
	"pay/internal/store/sqlite"
)

// anchor does, directly against Pay's database, the work Pay does for an
// operation (its SQL, or for the CSV the database's own client), so each
// figure has a yardstick measured in the same run on the same machine:
// Pay's rate over the anchor's says how much Pay adds.
type anchor struct {
	db      *sql.DB // nil: no anchor
	write   *sql.DB // what create writes with: on SQLite, one connection, as Pay's writer
	eng     engine
	url     string
	account int64
}

// openAnchor opens the database at dbURL; an empty dbURL gives no anchor.
func openAnchor(dbURL string) (*anchor, error) {
	if dbURL == "" {
		return &anchor{}, nil
	}
	db, eng, err := openDB(dbURL)
	if err != nil {
		return nil, err
	}
	a := &anchor{db: db, write: db, eng: eng, url: dbURL}
	if path, ok := strings.CutPrefix(dbURL, "sqlite:"); ok {
		// As internal/store/sqlite opens its writer.
		a.write, err = sql.Open("sqlite", "file:"+url.PathEscape(path)+"?_txlock=immediate&_pragma=journal_mode(WAL)&"+
			"_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)")
		if err != nil {
			db.Close()
			return nil, err
		}
		a.write.SetMaxOpenConns(1)
	}
	return a, nil
}

func (a *anchor) close() {
	if a.write != nil && a.write != a.db {
		a.write.Close()
	}
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

// anchorCall does one operation's work directly against the database and
// returns how many units it did: one, or the rows it exported.
type anchorCall func(ctx context.Context, rng *rand.Rand) (int, error)

// anchorSkipped is why an operation's anchor cannot run here.
type anchorSkipped string

func (s anchorSkipped) Error() string { return string(s) }

// anchorResult is the anchor's rate in units per second.
type anchorResult struct {
	rate         float64
	units, calls int64 // done in all, for a check on the rows exported
	err          error
	skipped      string
}

// measure runs o's anchor at the run's concurrency for its duration; nil
// for operations without one, or without a database.
func (a *anchor) measure(ctx context.Context, c *loadConfig, o op) *anchorResult {
	if a.db == nil || o.sql == nil {
		return nil
	}
	call, err := o.sql(ctx, a)
	var skipped anchorSkipped
	if errors.As(err, &skipped) {
		return &anchorResult{skipped: string(skipped)}
	} else if err != nil {
		return &anchorResult{err: err}
	}
	cfg := *c
	cfg.rate = 0 // the anchor is always closed loop: it measures capacity
	var units atomic.Int64
	took, lat, _, err := drive(ctx, &cfg, func(rng *rand.Rand) error {
		n, err := call(ctx, rng)
		units.Add(int64(n))
		return err
	})
	return &anchorResult{rate: float64(units.Load()) / took.Seconds(), units: units.Load(), calls: int64(len(lat)), err: err}
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
		count := `SELECT count(*) FROM payments ` + w.String()
		if a.eng == "sqlite" { // as Pay: some searches count from the counts per status
			count, args = sqlite.PaymentCountQuery(s)
		}
		var total int
		err = tx.QueryRowContext(ctx, count, args...).Scan(&total)
	}
	return err
}

// create does to the database what POST /v1/payments does: it reads the
// API key with its account, then inserts the payment, its created event and
// its next_url token in one transaction, with the statements Pay keeps
// prepared prepared here too. Pay also records a key's last use, at most
// once a minute, which is left out. The payments are the measured
// account's, referenced ANCHOR-n, and expire as unpaid payments do.
func (a *anchor) create(ctx context.Context, key string) (anchorCall, error) {
	c := a.codec()
	var provider string
	err := a.db.QueryRowContext(ctx, `SELECT provider FROM accounts WHERE id = `+c.Placeholder(1), a.account).Scan(&provider)
	if err != nil {
		return nil, fmt.Errorf("the account's provider: %w", err)
	}
	lookup, err := a.db.PrepareContext(ctx, `SELECT `+store.APIKeyAccountColumns+` FROM `+store.APIKeyAccountFrom+
		` WHERE k.hash = `+c.Placeholder(1))
	if err != nil {
		return nil, err
	}
	insertPayment, err := a.write.PrepareContext(ctx, `INSERT INTO payments (`+store.PaymentSelect("")+`) VALUES (`+
		store.Placeholders(c, len(store.PaymentColumns))+`)`)
	if err != nil {
		return nil, err
	}
	insertEvent, err := a.write.PrepareContext(ctx, `INSERT INTO payment_events (payment_id, type, status, amount, refund_id, occurred_at) VALUES (`+
		store.Placeholders(c, 6)+`)`)
	if err != nil {
		return nil, err
	}
	insertToken := `INSERT INTO payment_tokens (hash, payment_id, created_at) VALUES (` + store.Placeholders(c, 3) + `)`
	hash := pay.HashAPIKey(key)
	return func(ctx context.Context, rng *rand.Rand) (int, error) {
		if n, err := drain(lookup.QueryContext(ctx, hash)); err != nil || n != 1 {
			return 0, fmt.Errorf("API key: %d rows, %v", n, err)
		}
		now := time.Now().UTC().Truncate(time.Microsecond)
		p := &pay.Payment{ID: pay.NewID(), AccountID: a.account, Amount: 100 + rng.Int64N(10000),
			Reference: fmt.Sprintf("ANCHOR-%d", rng.Int()), Description: "Load test", ReturnURL: "https://example.org/done",
			Language: pay.LanguageEnglish, AuthorisationMode: pay.ModeWeb, Source: pay.SourceAPI, Status: pay.StatusCreated,
			Provider: provider, CreatedAt: now, UpdatedAt: now}
		tx, err := a.write.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		defer tx.Rollback()
		if _, err := tx.StmtContext(ctx, insertPayment).ExecContext(ctx, store.PaymentArgs(p, c)...); err != nil {
			return 0, err
		}
		_, err = tx.StmtContext(ctx, insertEvent).ExecContext(ctx, p.ID, string(pay.EventPaymentCreated), string(p.Status),
			int64(0), "", c.TimeArg(now))
		if err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, insertToken, pay.HashToken(pay.NewToken()), p.ID, c.TimeArg(now)); err != nil {
			return 0, err
		}
		return 1, tx.Commit()
	}, nil
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
