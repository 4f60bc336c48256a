package sqlite

import (
	"context"
	"time"

	"pay/internal/pay"
	"pay/internal/store"
)

var (
	webhookInsert = `INSERT INTO webhooks (` + store.WebhookSelect + `) VALUES (` +
		store.Placeholders(sc, len(store.WebhookColumns)) + `)`
	webhookUpdate = `UPDATE webhooks SET ` + store.SetList(sc, store.WebhookUpdateColumns, 1) +
		` WHERE id = ? AND account_id = ?`
	webhookMessageInsert = `INSERT INTO webhook_messages (` + store.WebhookMessageSelect + `) VALUES (` +
		store.Placeholders(sc, len(store.WebhookMessageColumns)) + `)`
	webhookMessageUpdate = `UPDATE webhook_messages SET ` + store.SetList(sc, store.WebhookMessageUpdateColumns, 1) +
		`, lease_until = NULL WHERE id = ?`
	webhookAttemptInsert = `INSERT INTO webhook_attempts (` + store.WebhookAttemptSelect + `) VALUES (` +
		store.Placeholders(sc, len(store.WebhookAttemptColumns)) + `)`
)

// WebhookInsert stores a new webhook; conflict if its id is taken.
func (s *Store) WebhookInsert(ctx context.Context, w *pay.Webhook) error {
	_, err := s.write.ExecContext(ctx, webhookInsert, store.WebhookArgs(w, sc)...)
	return translate(err)
}

// WebhookUpdate stores a webhook's settings; not found if the account has none.
func (s *Store) WebhookUpdate(ctx context.Context, w *pay.Webhook) error {
	res, err := s.write.ExecContext(ctx, webhookUpdate, append(store.WebhookUpdateArgs(w, sc), w.ID, w.AccountID)...)
	return affectedOne(res, err, "webhook")
}

// WebhookDelete removes a webhook of the account; its messages and their
// attempts go with it (ON DELETE CASCADE).
func (s *Store) WebhookDelete(ctx context.Context, accountID int64, id string) error {
	res, err := s.write.ExecContext(ctx, `DELETE FROM webhooks WHERE id = ? AND account_id = ?`, id, accountID)
	return affectedOne(res, err, "webhook")
}

// WebhookGet returns a webhook of the account (any account for 0).
func (s *Store) WebhookGet(ctx context.Context, accountID int64, id string) (*pay.Webhook, error) {
	row := s.read.QueryRowContext(ctx, `SELECT `+store.WebhookSelect+` FROM webhooks WHERE id = ? AND (? = 0 OR account_id = ?)`,
		id, accountID, accountID)
	w, err := store.ScanWebhook(row.Scan, sc)
	if err != nil {
		return nil, notFound(err, "webhook")
	}
	return w, nil
}

// WebhookList returns the account's webhooks (every one for 0), oldest first.
func (s *Store) WebhookList(ctx context.Context, accountID int64) ([]*pay.Webhook, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+store.WebhookSelect+` FROM webhooks
		WHERE ? = 0 OR account_id = ? ORDER BY created_at, id`, accountID, accountID)
	return collect(rows, err, withCodec(store.ScanWebhook))
}

// WebhookListSubscribed returns the account's active webhooks subscribed to e.
func (t *tx) WebhookListSubscribed(ctx context.Context, accountID int64, e pay.WebhookEvent) ([]*pay.Webhook, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+store.WebhookSelect+` FROM webhooks
		WHERE account_id = ? AND status = ? AND ',' || events || ',' LIKE '%,' || ? || ',%' ORDER BY created_at, id`,
		accountID, string(pay.WebhookActive), string(e))
	return collect(rows, err, withCodec(store.ScanWebhook))
}

// WebhookMessageInsert stores a new message.
func (t *tx) WebhookMessageInsert(ctx context.Context, m *pay.WebhookMessage) error {
	_, err := t.tx.ExecContext(ctx, webhookMessageInsert, store.WebhookMessageArgs(m, sc)...)
	return translate(err)
}

// WebhookMessageUpdate stores a message's progress and frees its lease.
func (t *tx) WebhookMessageUpdate(ctx context.Context, m *pay.WebhookMessage) error {
	res, err := t.tx.ExecContext(ctx, webhookMessageUpdate, append(store.WebhookMessageUpdateArgs(m, sc), m.ID)...)
	return affectedOne(res, err, "webhook message")
}

// WebhookAttemptInsert stores an attempt; conflict if its number is taken.
func (t *tx) WebhookAttemptInsert(ctx context.Context, a *pay.WebhookAttempt) error {
	_, err := t.tx.ExecContext(ctx, webhookAttemptInsert, store.WebhookAttemptArgs(a, sc)...)
	return translate(err)
}

// WebhookMessageGet returns a message of the account (any account for 0).
func (s *Store) WebhookMessageGet(ctx context.Context, accountID int64, id string) (*pay.WebhookMessage, error) {
	row := s.read.QueryRowContext(ctx, `SELECT `+store.WebhookMessageSelect+` FROM webhook_messages
		WHERE id = ? AND (? = 0 OR account_id = ?)`, id, accountID, accountID)
	m, err := store.ScanWebhookMessage(row.Scan, sc)
	if err != nil {
		return nil, notFound(err, "webhook message")
	}
	return m, nil
}

// WebhookMessageList returns a webhook's latest messages, newest first.
func (s *Store) WebhookMessageList(ctx context.Context, q *pay.WebhookMessageListParams) ([]*pay.WebhookMessage, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+store.WebhookMessageSelect+` FROM webhook_messages
		WHERE webhook_id = ? AND account_id = ? AND (? = '' OR status = ?) ORDER BY created_at DESC, id DESC LIMIT ?`,
		q.WebhookID, q.AccountID, string(q.Status), string(q.Status), q.Limit)
	return collect(rows, err, withCodec(store.ScanWebhookMessage))
}

// WebhookMessageClaim takes a message's lease if it has made attempts
// attempts and no lease is held at now. SQLite's one writer makes the check
// and the write one step.
func (s *Store) WebhookMessageClaim(ctx context.Context, id string, attempts int, now, until time.Time) (bool, error) {
	res, err := s.write.ExecContext(ctx, `UPDATE webhook_messages SET lease_until = ?
		WHERE id = ? AND attempts = ? AND (lease_until IS NULL OR lease_until < ?)`,
		sc.TimeArg(until), id, attempts, sc.TimeArg(now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// WebhookAttemptList returns a message's attempts, first first.
func (s *Store) WebhookAttemptList(ctx context.Context, messageID string) ([]*pay.WebhookAttempt, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+store.WebhookAttemptSelect+` FROM webhook_attempts
		WHERE message_id = ? ORDER BY number`, messageID)
	return collect(rows, err, withCodec(store.ScanWebhookAttempt))
}

// WebhookCleanup deletes messages created before the given time; their
// attempts go with them (ON DELETE CASCADE).
func (s *Store) WebhookCleanup(ctx context.Context, before time.Time) (int, error) {
	res, err := s.write.ExecContext(ctx, `DELETE FROM webhook_messages WHERE created_at < ?`, sc.TimeArg(before))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
