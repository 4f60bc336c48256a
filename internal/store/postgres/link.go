package postgres

import (
	"context"
	"strings"

	"pay/internal/pay"
	"pay/internal/store"
)

var (
	linkSelect = `SELECT ` + store.LinkColumns + ` FROM links`
	linkInsert = `INSERT INTO links (` + store.LinkColumns + `) VALUES (` +
		store.Placeholders(pc, strings.Count(store.LinkColumns, ",")+1) + `)`
)

// LinkInsert stores a new link; conflict if its id or address is taken.
func (s *Store) LinkInsert(ctx context.Context, l *pay.Link) error {
	now := s.now()
	l.CreatedAt, l.UpdatedAt = now, now
	_, err := s.pool.Exec(ctx, linkInsert, store.LinkArgs(l, pc)...)
	return translate(err)
}

// LinkUpdate stores a link's answers, address and status; not found if the
// account has no such link, conflict if the address is another link's.
func (s *Store) LinkUpdate(ctx context.Context, l *pay.Link) error {
	l.UpdatedAt = s.now()
	tag, err := s.pool.Exec(ctx, `UPDATE links SET slug = $1, title = $2, details = $3, language = $4,
		reference_label = $5, reference_hint = $6, amount = $7, amount_hint = $8, metadata = $9, status = $10,
		updated_at = $11 WHERE id = $12 AND account_id = $13`,
		l.Slug, l.Title, l.Details, string(l.Language), l.ReferenceLabel, l.ReferenceHint, l.Amount, l.AmountHint,
		store.MetadataArg(l.Metadata), string(l.Status), l.UpdatedAt, l.ID, l.AccountID)
	return affectedOne(tag, err, "payment link")
}

// LinkDelete removes a link of the account; not found if there is none.
func (s *Store) LinkDelete(ctx context.Context, accountID int64, id string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM links WHERE id = $1 AND account_id = $2`, id, accountID)
	return affectedOne(tag, err, "payment link")
}

// LinkGet returns a link of the account (any account for 0).
func (s *Store) LinkGet(ctx context.Context, accountID int64, id string) (*pay.Link, error) {
	l, err := store.ScanLink(s.pool.QueryRow(ctx, linkSelect+` WHERE id = $1 AND ($2::bigint = 0 OR account_id = $2)`,
		id, accountID).Scan, pc)
	if err != nil {
		return nil, notFound(err, "payment link")
	}
	return l, nil
}

// LinkGetByPath returns the link at a friendly address.
func (s *Store) LinkGetByPath(ctx context.Context, serviceSlug, slug string) (*pay.Link, error) {
	l, err := store.ScanLink(s.pool.QueryRow(ctx, linkSelect+` WHERE service_slug = $1 AND slug = $2`,
		serviceSlug, slug).Scan, pc)
	if err != nil {
		return nil, notFound(err, "payment link")
	}
	return l, nil
}

// LinkList returns an account's links (every link for 0), oldest first.
func (s *Store) LinkList(ctx context.Context, accountID int64) ([]*pay.Link, error) {
	rows, err := s.pool.Query(ctx, linkSelect+` WHERE $1::bigint = 0 OR account_id = $1 ORDER BY created_at, id`, accountID)
	return collect(rows, err, withCodec(store.ScanLink))
}

// LinkPaymentGet returns how a payment was tied to its link.
func (s *Store) LinkPaymentGet(ctx context.Context, paymentID string) (*pay.LinkPayment, error) {
	lp, err := store.ScanLinkPayment(s.pool.QueryRow(ctx,
		`SELECT `+store.LinkPaymentColumns+` FROM link_payments WHERE payment_id = $1`, paymentID).Scan, pc)
	if err != nil {
		return nil, notFound(err, "payment link payment")
	}
	return lp, nil
}

// LinkPaymentInsert ties a new payment to its link; conflict if the
// reference is generated and the account already has it.
func (t *tx) LinkPaymentInsert(ctx context.Context, lp *pay.LinkPayment) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO link_payments (`+store.LinkPaymentColumns+`) VALUES ($1, $2, $3, $4, $5)`,
		lp.PaymentID, lp.LinkID, lp.AccountID, lp.Reference, lp.Generated)
	return translate(err)
}
