package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"pay/internal/pay"
	"pay/internal/store"
)

var (
	paymentCols   = store.PaymentSelect("")
	paymentInsert = `INSERT INTO payments (` + paymentCols + `) VALUES (` + store.Placeholders(pc, len(store.PaymentColumns)) + `)`
	// paymentUpdate rewrites every column but the id, which comes last.
	paymentUpdate = `UPDATE payments SET ` + store.SetList(pc, store.PaymentColumns[1:], 1) +
		` WHERE id = ` + pc.Placeholder(len(store.PaymentColumns))
	// paymentByID takes the account as $2; 0 matches any account.
	paymentByID = `SELECT ` + paymentCols + ` FROM payments WHERE id = $1 AND ($2::bigint = 0 OR account_id = $2)`
)

// PaymentInsert stores a new payment; conflict if its id is taken.
func (t *tx) PaymentInsert(ctx context.Context, p *pay.Payment) error {
	_, err := t.tx.Exec(ctx, paymentInsert, store.PaymentArgs(p, pc)...)
	return translate(err)
}

// IdempotencyKeyInsert keeps the key a payment was created with; conflict
// if the account's key is live.
func (t *tx) IdempotencyKeyInsert(ctx context.Context, p *pay.Payment, key, requestHash string) error {
	// An expired key may be used again: drop the old row first.
	_, err := t.tx.Exec(ctx, `DELETE FROM idempotency_keys WHERE account_id = $1 AND key = $2 AND created_at < $3`,
		p.AccountID, key, t.now.Add(-pay.IdempotencyKeyLifetime))
	if err != nil {
		return err
	}
	_, err = t.tx.Exec(ctx,
		`INSERT INTO idempotency_keys (account_id, key, payment_id, request_hash, created_at) VALUES ($1, $2, $3, $4, $5)`,
		p.AccountID, key, p.ID, requestHash, t.now)
	return translate(err)
}

// EventInsert appends an event to its payment's log.
func (t *tx) EventInsert(ctx context.Context, ev *pay.Event) error {
	_, err := t.tx.Exec(ctx,
		`INSERT INTO payment_events (payment_id, type, status, amount, refund_id, occurred_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		ev.PaymentID, string(ev.Type), string(ev.Status), ev.Amount, ev.RefundID, ev.At)
	return translate(err)
}

// querier is a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func getPayment(ctx context.Context, q querier, query string, accountID int64, id string) (*pay.Payment, error) {
	p, err := store.ScanPayment(q.QueryRow(ctx, query, id, accountID).Scan, pc)
	if err != nil {
		return nil, notFound(err, "payment")
	}
	return p, nil
}

// PaymentGet returns a payment of the account (any account for 0); not found
// if there is no such payment or it belongs to another account.
func (s *Store) PaymentGet(ctx context.Context, accountID int64, id string) (*pay.Payment, error) {
	return getPayment(ctx, s.pool, paymentByID, accountID, id)
}

// PaymentGetWithAccount returns a payment and its account, in one query; not
// found if there is no such payment.
func (s *Store) PaymentGetWithAccount(ctx context.Context, id string) (*pay.Payment, *pay.Account, error) {
	row := s.pool.QueryRow(ctx, `SELECT `+store.PaymentAccountColumns+` FROM `+store.PaymentAccountFrom+` WHERE p.id = $1`, id)
	p, a, err := store.ScanPaymentAccount(row.Scan, pc)
	if err != nil {
		return nil, nil, notFound(err, "payment")
	}
	return p, a, nil
}

// PaymentGetByIdempotencyKey returns the payment the account created with key
// since the given time, and the hash of the request that created it; not
// found if there is no such live key.
func (s *Store) PaymentGetByIdempotencyKey(ctx context.Context, accountID int64, key string, since time.Time) (*pay.Payment, string, error) {
	var hash string
	row := s.pool.QueryRow(ctx, `SELECT `+store.PaymentSelect("p")+`, k.request_hash
		FROM idempotency_keys k JOIN payments p ON p.id = k.payment_id
		WHERE k.account_id = $1 AND k.key = $2 AND k.created_at >= $3`, accountID, key, since)
	p, err := store.ScanPayment(func(dest ...any) error { return row.Scan(append(dest, &hash)...) }, pc)
	if err != nil {
		return nil, "", notFound(err, "idempotency key")
	}
	return p, hash, nil
}

// PaymentSearch returns one page of an account's payments, newest first, and
// how many match in all, both read from one snapshot.
func (s *Store) PaymentSearch(ctx context.Context, q *pay.PaymentSearch) (*pay.PaymentPage, error) {
	list, total, err := searchPage(ctx, s, "payments", paymentCols, store.PaymentSearchWhere(q, pc), q.DisplaySize, q.Offset(), store.ScanPayment)
	if err != nil {
		return nil, err
	}
	return &pay.PaymentPage{Payments: list, Total: total}, nil
}

// PaymentLock reads a payment and locks its row (FOR UPDATE) until the
// transaction ends: a concurrent change of the payment waits, then sees this one's.
func (t *tx) PaymentLock(ctx context.Context, accountID int64, id string) (*pay.Payment, error) {
	return getPayment(ctx, t.tx, paymentByID+` FOR UPDATE`, accountID, id)
}

// PaymentUpdate rewrites a payment locked in the transaction.
func (t *tx) PaymentUpdate(ctx context.Context, p *pay.Payment) error {
	args := store.PaymentArgs(p, pc)
	_, err := t.tx.Exec(ctx, paymentUpdate, append(args[1:], p.ID)...)
	return translate(err)
}

// PaymentEvents returns a payment's events, oldest first; not found if there
// is no such payment of the account (any account for 0).
func (s *Store) PaymentEvents(ctx context.Context, accountID int64, paymentID string) ([]*pay.Event, error) {
	var out []*pay.Event
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM payments WHERE id = $1 AND ($2::bigint = 0 OR account_id = $2)`,
			paymentID, accountID).Scan(&one)
		if err != nil {
			return notFound(err, "payment")
		}
		rows, err := tx.Query(ctx,
			`SELECT `+store.EventColumns+` FROM payment_events WHERE payment_id = $1 ORDER BY id`, paymentID)
		out, err = collect(rows, err, withCodec(store.ScanEvent))
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// execer is a pgx.Tx or the pool: a statement that needs no transaction of
// its own runs on the pool in one round trip.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

func insertToken(ctx context.Context, db execer, paymentID, hash string, at time.Time) error {
	_, err := db.Exec(ctx, `INSERT INTO payment_tokens (hash, payment_id, created_at) VALUES ($1, $2, $3)`,
		hash, paymentID, at)
	return translate(err)
}

// TokenInsert stores a one-time next_url token (its hash) for a payment in
// the transaction.
func (t *tx) TokenInsert(ctx context.Context, paymentID, hash string) error {
	return insertToken(ctx, t.tx, paymentID, hash, t.now)
}

// TokenInsert stores a one-time next_url token (its hash) for a payment:
// conflict if the hash exists, not found if the payment does not.
func (s *Store) TokenInsert(ctx context.Context, paymentID, hash string, at time.Time) error {
	return insertToken(ctx, s.pool, paymentID, hash, at)
}

// TokenUse marks a token used and returns its payment: not found if there
// is no such token, conflict if it was used before. The token's row is
// locked, so of concurrent uses exactly one succeeds.
func (s *Store) TokenUse(ctx context.Context, hash string, at time.Time) (*pay.Payment, error) {
	var p *pay.Payment
	err := s.withTx(ctx, func(tx pgx.Tx, _ time.Time) error {
		var used bool
		row := tx.QueryRow(ctx, `SELECT `+store.PaymentSelect("p")+`, t.used_at IS NOT NULL
			FROM payment_tokens t JOIN payments p ON p.id = t.payment_id WHERE t.hash = $1 FOR UPDATE OF t`, hash)
		var err error
		p, err = store.ScanPayment(func(dest ...any) error { return row.Scan(append(dest, &used)...) }, pc)
		if err != nil {
			return notFound(err, "token")
		}
		if used {
			return &pay.Error{Kind: pay.KindConflict, Message: "token already used", Err: &pay.TokenUsedError{PaymentID: p.ID}}
		}
		_, err = tx.Exec(ctx, `UPDATE payment_tokens SET used_at = $1 WHERE hash = $2`, at, hash)
		return translate(err)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Cleanup deletes idempotency keys created before keysBefore and tokens
// created before tokensBefore in one transaction, and reports how many rows
// went.
func (s *Store) Cleanup(ctx context.Context, keysBefore, tokensBefore time.Time) (int, error) {
	var n int64
	err := s.withTx(ctx, func(tx pgx.Tx, _ time.Time) error {
		for _, q := range []struct {
			sql    string
			before time.Time
		}{
			{`DELETE FROM idempotency_keys WHERE created_at < $1`, keysBefore},
			{`DELETE FROM payment_tokens WHERE created_at < $1`, tokensBefore},
		} {
			tag, err := tx.Exec(ctx, q.sql, q.before)
			if err != nil {
				return err
			}
			n += tag.RowsAffected()
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return int(n), nil
}

// PaymentListExpirable returns the ids of payments that have run out of time, oldest first.
func (s *Store) PaymentListExpirable(ctx context.Context, q *pay.PaymentExpirableParams) ([]string, error) {
	w := store.PaymentExpirableWhere(q, pc)
	limit := w.Next(q.Limit)
	rows, err := s.pool.Query(ctx, `SELECT id FROM payments `+w.String()+` ORDER BY created_at LIMIT `+limit, w.Args...)
	return collect(rows, err, store.ScanString)
}
