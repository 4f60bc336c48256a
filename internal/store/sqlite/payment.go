package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"pay/internal/pay"
	"pay/internal/store"
)

var (
	paymentCols   = store.PaymentSelect("")
	paymentInsert = `INSERT INTO payments (` + paymentCols + `) VALUES (` + store.Placeholders(sc, len(store.PaymentColumns)) + `)`
	// paymentUpdate rewrites every column but the id, which comes last.
	paymentUpdate = `UPDATE payments SET ` + store.SetList(sc, store.PaymentColumns[1:], 1) + ` WHERE id = ?`
	paymentGet    = `SELECT ` + paymentCols + ` FROM payments WHERE id = ? AND (? = 0 OR account_id = ?)`
	eventInsert   = `INSERT INTO payment_events (payment_id, type, status, amount, refund_id, occurred_at) VALUES (?, ?, ?, ?, ?, ?)`
	// An expired idempotency key may be used again: its old row goes first.
	idempotencyDelete = `DELETE FROM idempotency_keys WHERE account_id = ? AND key = ? AND created_at < ?`
	idempotencyInsert = `INSERT INTO idempotency_keys (account_id, key, payment_id, request_hash, created_at) VALUES (?, ?, ?, ?, ?)`
)

// PaymentInsert stores a new payment.
func (t *tx) PaymentInsert(ctx context.Context, p *pay.Payment) error {
	_, err := t.tx.ExecContext(ctx, paymentInsert, store.PaymentArgs(p, sc)...)
	return translate(err)
}

// IdempotencyKeyInsert keeps the key a payment was created with.
func (t *tx) IdempotencyKeyInsert(ctx context.Context, p *pay.Payment, key, requestHash string) error {
	_, err := t.tx.ExecContext(ctx, idempotencyDelete,
		p.AccountID, key, sc.TimeArg(t.now.Add(-pay.IdempotencyKeyLifetime)))
	if err != nil {
		return err
	}
	_, err = t.tx.ExecContext(ctx, idempotencyInsert,
		p.AccountID, key, p.ID, requestHash, sc.TimeArg(t.now))
	return translate(err)
}

// EventInsert appends an event to its payment's log.
func (t *tx) EventInsert(ctx context.Context, ev *pay.Event) error {
	_, err := t.tx.ExecContext(ctx, eventInsert,
		ev.PaymentID, string(ev.Type), string(ev.Status), ev.Amount, ev.RefundID, sc.TimeArg(ev.At))
	return translate(err)
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func getPayment(ctx context.Context, q queryRower, accountID int64, id string) (*pay.Payment, error) {
	row := q.QueryRowContext(ctx, paymentGet, id, accountID, accountID)
	p, err := store.ScanPayment(row.Scan, sc)
	if err != nil {
		return nil, notFound(err, "payment")
	}
	return p, nil
}

// PaymentGet returns a payment of the account (any account for 0).
func (s *Store) PaymentGet(ctx context.Context, accountID int64, id string) (*pay.Payment, error) {
	return getPayment(ctx, s.read, accountID, id)
}

// PaymentGetWithAccount returns a payment and its account, in one query.
func (s *Store) PaymentGetWithAccount(ctx context.Context, id string) (*pay.Payment, *pay.Account, error) {
	row := s.read.QueryRowContext(ctx, `SELECT `+store.PaymentAccountColumns+` FROM `+store.PaymentAccountFrom+` WHERE p.id = ?`, id)
	p, a, err := store.ScanPaymentAccount(row.Scan, sc)
	if err != nil {
		return nil, nil, notFound(err, "payment")
	}
	return p, a, nil
}

// PaymentGetByIdempotencyKey returns the payment a live idempotency key created.
func (s *Store) PaymentGetByIdempotencyKey(ctx context.Context, accountID int64, key string, since time.Time) (*pay.Payment, string, error) {
	var hash string
	row := s.read.QueryRowContext(ctx, `SELECT `+store.PaymentSelect("p")+`, k.request_hash
		FROM idempotency_keys k JOIN payments p ON p.id = k.payment_id
		WHERE k.account_id = ? AND k.key = ? AND k.created_at >= ?`, accountID, key, sc.TimeArg(since))
	p, err := store.ScanPayment(func(dest ...any) error { return row.Scan(append(dest, &hash)...) }, sc)
	if err != nil {
		return nil, "", notFound(err, "idempotency key")
	}
	return p, hash, nil
}

// PaymentSearch returns one page of payments, newest first, from one snapshot.
func (s *Store) PaymentSearch(ctx context.Context, q *pay.PaymentSearch) (*pay.PaymentPage, error) {
	list, total, err := searchPage(ctx, s, "payments", paymentCols, store.PaymentSearchWhere(q, sc), statusCount(q),
		q.DisplaySize, q.Offset(), store.ScanPayment)
	if err != nil {
		return nil, err
	}
	return &pay.PaymentPage{Payments: list, Total: total}, nil
}

// statusCount counts the payments of a search by state alone, or of a
// whole account, from the counts per account and status (migration 00014):
// a few rows, where counting the payments reads an index entry for each.
// nil for any other search.
func statusCount(q *pay.PaymentSearch) *countQuery {
	accountID, statuses, ok := store.PaymentCountByStatus(q, sc)
	if !ok {
		return nil
	}
	c := &countQuery{`SELECT coalesce(sum(n), 0) FROM payment_status_counts WHERE account_id = ?`, []any{accountID}}
	if len(statuses) > 0 {
		c.sql += ` AND status IN (` + store.Placeholders(sc, len(statuses)) + `)`
		for _, st := range statuses {
			c.args = append(c.args, string(st))
		}
	}
	return c
}

// PaymentCountQuery returns the query PaymentSearch counts a search's
// matches with, when its page does not tell the total, and its arguments,
// for tools that run Pay's own SQL directly (the load tool's anchor).
func PaymentCountQuery(q *pay.PaymentSearch) (string, []any) {
	if c := statusCount(q); c != nil {
		return c.sql, c.args
	}
	w := store.PaymentSearchWhere(q, sc)
	return `SELECT count(*) FROM payments ` + w.String(), w.Args
}

// PaymentLock reads a payment in the write transaction, which already holds
// SQLite's only write lock. It remembers the row as read, for PaymentUpdate.
func (t *tx) PaymentLock(ctx context.Context, accountID int64, id string) (*pay.Payment, error) {
	p, err := getPayment(ctx, t.tx, accountID, id)
	if err == nil {
		t.rememberPayment(p.ID, store.PaymentArgs(p, sc))
	}
	return p, err
}

// rememberPayment keeps a payment's row as this transaction last read or
// wrote it.
func (t *tx) rememberPayment(id string, args []any) {
	if t.payments == nil {
		t.payments = map[string][]any{}
	}
	t.payments[id] = args
}

// PaymentUpdate rewrites a payment read in the transaction. Only the columns
// that changed since it was read are set: SQLite rewrites the entry of every
// index on a column an UPDATE sets, changed or not, and the payments table
// has an index for each search filter, so setting every column wrote four
// times the pages a change of status needs.
func (t *tx) PaymentUpdate(ctx context.Context, p *pay.Payment) error {
	args := store.PaymentArgs(p, sc)
	query, values := paymentUpdate, append(args[1:len(args):len(args)], p.ID)
	if old, ok := t.payments[p.ID]; ok {
		query, values = changedPaymentColumns(old, args)
	}
	t.rememberPayment(p.ID, args)
	if query == "" {
		return nil
	}
	_, err := t.tx.ExecContext(ctx, query, values...)
	return translate(err)
}

// changedPaymentColumns returns the UPDATE of the columns that differ
// between a payment's arguments as read and as changed (PaymentArgs), and
// its arguments; "" if none differ.
func changedPaymentColumns(old, args []any) (string, []any) {
	var set strings.Builder
	var values []any
	for i := 1; i < len(args); i++ { // the id, first, never changes
		if sameArg(old[i], args[i]) {
			continue
		}
		if set.Len() > 0 {
			set.WriteString(", ")
		}
		set.WriteString(store.PaymentColumns[i] + " = ?")
		values = append(values, args[i])
	}
	if len(values) == 0 {
		return "", nil
	}
	return `UPDATE payments SET ` + set.String() + ` WHERE id = ?`, append(values, args[0])
}

// sameArg reports whether two query arguments of PaymentArgs store the same
// value; a kind it does not know counts as changed, which is always safe.
func sameArg(a, b any) bool {
	switch a := a.(type) {
	case nil:
		return b == nil
	case string, int64, bool:
		return a == b
	case *string:
		b, ok := b.(*string)
		return ok && (a == nil) == (b == nil) && (a == nil || *a == *b)
	case *int64:
		b, ok := b.(*int64)
		return ok && (a == nil) == (b == nil) && (a == nil || *a == *b)
	case *bool:
		b, ok := b.(*bool)
		return ok && (a == nil) == (b == nil) && (a == nil || *a == *b)
	}
	return false
}

// PaymentEvents returns a payment's events, oldest first.
func (s *Store) PaymentEvents(ctx context.Context, accountID int64, paymentID string) ([]*pay.Event, error) {
	var out []*pay.Event
	err := s.readSnapshot(ctx, func(tx *sql.Tx) error {
		if err := paymentExists(ctx, tx, accountID, paymentID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+store.EventColumns+` FROM payment_events WHERE payment_id = ? ORDER BY id`, paymentID)
		out, err = collect(rows, err, withCodec(store.ScanEvent))
		return err
	})
	return out, err
}

// paymentExists answers not found unless the account (any for 0) has the payment.
func paymentExists(ctx context.Context, tx *sql.Tx, accountID int64, paymentID string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM payments WHERE id = ? AND (? = 0 OR account_id = ?)`,
		paymentID, accountID, accountID).Scan(&one)
	return notFound(err, "payment")
}

// execer is a *sql.Tx or the writer pool, for statements that need no
// transaction of their own.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func insertToken(ctx context.Context, db execer, paymentID, hash string, at time.Time) error {
	_, err := db.ExecContext(ctx, `INSERT INTO payment_tokens (hash, payment_id, created_at) VALUES (?, ?, ?)`,
		hash, paymentID, sc.TimeArg(at))
	return translate(err)
}

// TokenInsert stores a one-time next_url token for a payment in the transaction.
func (t *tx) TokenInsert(ctx context.Context, paymentID, hash string) error {
	return insertToken(ctx, t.tx, paymentID, hash, t.now)
}

// TokenInsert stores a one-time next_url token for a payment.
func (s *Store) TokenInsert(ctx context.Context, paymentID, hash string, at time.Time) error {
	return insertToken(ctx, s.write, paymentID, hash, at)
}

// TokenUse spends a token and returns its payment.
func (s *Store) TokenUse(ctx context.Context, hash string, at time.Time) (*pay.Payment, error) {
	var p *pay.Payment
	err := s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		var used sql.NullString
		row := tx.QueryRowContext(ctx, `SELECT `+store.PaymentSelect("p")+`, t.used_at
			FROM payment_tokens t JOIN payments p ON p.id = t.payment_id WHERE t.hash = ?`, hash)
		var err error
		p, err = store.ScanPayment(func(dest ...any) error { return row.Scan(append(dest, &used)...) }, sc)
		if err != nil {
			return notFound(err, "token")
		}
		if used.Valid {
			return &pay.Error{Kind: pay.KindConflict, Message: "token already used", Err: &pay.TokenUsedError{PaymentID: p.ID}}
		}
		_, err = tx.ExecContext(ctx, `UPDATE payment_tokens SET used_at = ? WHERE hash = ?`, sc.TimeArg(at), hash)
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Cleanup deletes expired idempotency keys and old tokens.
func (s *Store) Cleanup(ctx context.Context, keysBefore, tokensBefore time.Time) (int, error) {
	var n int64
	err := s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		for _, q := range []struct {
			sql    string
			before time.Time
		}{
			{`DELETE FROM idempotency_keys WHERE created_at < ?`, keysBefore},
			{`DELETE FROM payment_tokens WHERE created_at < ?`, tokensBefore},
		} {
			res, err := tx.ExecContext(ctx, q.sql, sc.TimeArg(q.before))
			if err != nil {
				return err
			}
			c, _ := res.RowsAffected()
			n += c
		}
		return nil
	})
	return int(n), err
}

// PaymentListExpirable returns the ids of payments that have run out of time, oldest first.
func (s *Store) PaymentListExpirable(ctx context.Context, q *pay.PaymentExpirableParams) ([]string, error) {
	w := store.PaymentExpirableWhere(q, sc)
	limit := w.Next(q.Limit)
	rows, err := s.read.QueryContext(ctx, `SELECT id FROM payments `+w.String()+` ORDER BY created_at LIMIT `+limit, w.Args...)
	return collect(rows, err, store.ScanString)
}
