package postgres

import (
	"context"
	"strconv"
	"time"

	"pay/internal/pay"
	"pay/internal/store"
)

var (
	webhookInsert = `INSERT INTO webhooks (` + store.WebhookSelect + `) VALUES (` +
		store.Placeholders(pc, len(store.WebhookColumns)) + `)`
	webhookUpdate = `UPDATE webhooks SET ` + store.SetList(pc, store.WebhookUpdateColumns, 1) +
		` WHERE id = $` + strconv.Itoa(len(store.WebhookUpdateColumns)+1) +
		` AND account_id = $` + strconv.Itoa(len(store.WebhookUpdateColumns)+2)
	webhookMessageInsert = `INSERT INTO webhook_messages (` + store.WebhookMessageSelect + `) VALUES (` +
		store.Placeholders(pc, len(store.WebhookMessageColumns)) + `)`
	webhookMessageUpdate = `UPDATE webhook_messages SET ` + store.SetList(pc, store.WebhookMessageUpdateColumns, 1) +
		`, lease_until = NULL WHERE id = $` + strconv.Itoa(len(store.WebhookMessageUpdateColumns)+1)
	webhookAttemptInsert = `INSERT INTO webhook_attempts (` + store.WebhookAttemptSelect + `) VALUES (` +
		store.Placeholders(pc, len(store.WebhookAttemptColumns)) + `)`
)

// WebhookInsert stores a new webhook; conflict if its id is taken.
func (s *Store) WebhookInsert(ctx context.Context, w *pay.Webhook) error {
	_, err := s.pool.Exec(ctx, webhookInsert, store.WebhookArgs(w, pc)...)
	return translate(err)
}

// WebhookUpdate stores a webhook's settings; not found if the account has none.
func (s *Store) WebhookUpdate(ctx context.Context, w *pay.Webhook) error {
	tag, err := s.pool.Exec(ctx, webhookUpdate, append(store.WebhookUpdateArgs(w, pc), w.ID, w.AccountID)...)
	return affectedOne(tag, err, "webhook")
}

// WebhookDelete removes a webhook of the account; its messages and their
// attempts go with it (ON DELETE CASCADE).
func (s *Store) WebhookDelete(ctx context.Context, accountID int64, id string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM webhooks WHERE id = $1 AND account_id = $2`, id, accountID)
	return affectedOne(tag, err, "webhook")
}

// WebhookGet returns a webhook of the account (any account for 0).
func (s *Store) WebhookGet(ctx context.Context, accountID int64, id string) (*pay.Webhook, error) {
	row := s.pool.QueryRow(ctx, `SELECT `+store.WebhookSelect+` FROM webhooks WHERE id = $1 AND ($2::bigint = 0 OR account_id = $2)`,
		id, accountID)
	w, err := store.ScanWebhook(row.Scan, pc)
	if err != nil {
		return nil, notFound(err, "webhook")
	}
	return w, nil
}

// WebhookList returns the account's webhooks (every one for 0), oldest first.
func (s *Store) WebhookList(ctx context.Context, accountID int64) ([]*pay.Webhook, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+store.WebhookSelect+` FROM webhooks
		WHERE $1::bigint = 0 OR account_id = $1 ORDER BY created_at, id`, accountID)
	return collect(rows, err, withCodec(store.ScanWebhook))
}

// WebhookListSubscribed returns the account's active webhooks subscribed to e.
func (t *tx) WebhookListSubscribed(ctx context.Context, accountID int64, e pay.WebhookEvent) ([]*pay.Webhook, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+store.WebhookSelect+` FROM webhooks
		WHERE account_id = $1 AND status = $2 AND $3::text = ANY (string_to_array(events, ',')) ORDER BY created_at, id`,
		accountID, string(pay.WebhookActive), string(e))
	return collect(rows, err, withCodec(store.ScanWebhook))
}

// WebhookMessageInsert stores a new message.
func (t *tx) WebhookMessageInsert(ctx context.Context, m *pay.WebhookMessage) error {
	_, err := t.tx.Exec(ctx, webhookMessageInsert, store.WebhookMessageArgs(m, pc)...)
	return translate(err)
}

// WebhookMessageUpdate stores a message's progress and frees its lease.
func (t *tx) WebhookMessageUpdate(ctx context.Context, m *pay.WebhookMessage) error {
	tag, err := t.tx.Exec(ctx, webhookMessageUpdate, append(store.WebhookMessageUpdateArgs(m, pc), m.ID)...)
	return affectedOne(tag, err, "webhook message")
}

// WebhookAttemptInsert stores an attempt; conflict if its number is taken.
func (t *tx) WebhookAttemptInsert(ctx context.Context, a *pay.WebhookAttempt) error {
	_, err := t.tx.Exec(ctx, webhookAttemptInsert, store.WebhookAttemptArgs(a, pc)...)
	return translate(err)
}

// WebhookMessageGet returns a message of the account (any account for 0).
func (s *Store) WebhookMessageGet(ctx context.Context, accountID int64, id string) (*pay.WebhookMessage, error) {
	row := s.pool.QueryRow(ctx, `SELECT `+store.WebhookMessageSelect+` FROM webhook_messages
		WHERE id = $1 AND ($2::bigint = 0 OR account_id = $2)`, id, accountID)
	m, err := store.ScanWebhookMessage(row.Scan, pc)
	if err != nil {
		return nil, notFound(err, "webhook message")
	}
	return m, nil
}

// WebhookMessageList returns a webhook's latest messages, newest first.
func (s *Store) WebhookMessageList(ctx context.Context, q *pay.WebhookMessageListParams) ([]*pay.WebhookMessage, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+store.WebhookMessageSelect+` FROM webhook_messages
		WHERE webhook_id = $1 AND account_id = $2 AND ($3::text = '' OR status = $3) ORDER BY created_at DESC, id DESC LIMIT $4`,
		q.WebhookID, q.AccountID, string(q.Status), q.Limit)
	return collect(rows, err, withCodec(store.ScanWebhookMessage))
}

// WebhookMessageClaim takes a message's lease if it has made attempts
// attempts and no lease is held at now: one UPDATE, which PostgreSQL's row
// lock makes atomic across instances.
func (s *Store) WebhookMessageClaim(ctx context.Context, id string, attempts int, now, until time.Time) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE webhook_messages SET lease_until = $1
		WHERE id = $2 AND attempts = $3 AND (lease_until IS NULL OR lease_until < $4)`,
		pc.TimeArg(until), id, attempts, pc.TimeArg(now))
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// WebhookAttemptList returns a message's attempts, first first.
func (s *Store) WebhookAttemptList(ctx context.Context, messageID string) ([]*pay.WebhookAttempt, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+store.WebhookAttemptSelect+` FROM webhook_attempts
		WHERE message_id = $1 ORDER BY number`, messageID)
	return collect(rows, err, withCodec(store.ScanWebhookAttempt))
}

// WebhookCleanup deletes messages created before the given time; their
// attempts go with them (ON DELETE CASCADE).
func (s *Store) WebhookCleanup(ctx context.Context, before time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM webhook_messages WHERE created_at < $1`, pc.TimeArg(before))
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}
