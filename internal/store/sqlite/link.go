package sqlite

import (
	"context"
	"strings"

	"pay/internal/pay"
	"pay/internal/store"
)

var (
	linkSelect = `SELECT ` + store.LinkColumns + ` FROM links`
	linkInsert = `INSERT INTO links (` + store.LinkColumns + `) VALUES (` +
		store.Placeholders(sc, strings.Count(store.LinkColumns, ",")+1) + `)`
)

// LinkInsert stores a new link; conflict if its id or address is taken.
func (s *Store) LinkInsert(ctx context.Context, l *pay.Link) error {
	now := s.now()
	l.CreatedAt, l.UpdatedAt = now, now
	_, err := s.write.ExecContext(ctx, linkInsert, store.LinkArgs(l, sc)...)
	return translate(err)
}

// LinkUpdate stores a link's answers, address and status; not found if the
// account has no such link, conflict if the address is another link's.
func (s *Store) LinkUpdate(ctx context.Context, l *pay.Link) error {
	l.UpdatedAt = s.now()
	res, err := s.write.ExecContext(ctx, `UPDATE links SET slug = ?, title = ?, details = ?, language = ?,
		reference_label = ?, reference_hint = ?, amount = ?, amount_hint = ?, metadata = ?, status = ?, updated_at = ?
		WHERE id = ? AND account_id = ?`,
		l.Slug, l.Title, l.Details, string(l.Language), l.ReferenceLabel, l.ReferenceHint, l.Amount, l.AmountHint,
		store.MetadataArg(l.Metadata), string(l.Status), sc.TimeArg(l.UpdatedAt), l.ID, l.AccountID)
	return affectedOne(res, err, "payment link")
}

// LinkDelete removes a link of the account; not found if there is none.
func (s *Store) LinkDelete(ctx context.Context, accountID int64, id string) error {
	res, err := s.write.ExecContext(ctx, `DELETE FROM links WHERE id = ? AND account_id = ?`, id, accountID)
	return affectedOne(res, err, "payment link")
}

// LinkGet returns a link of the account (any account for 0).
func (s *Store) LinkGet(ctx context.Context, accountID int64, id string) (*pay.Link, error) {
	l, err := store.ScanLink(s.read.QueryRowContext(ctx, linkSelect+` WHERE id = ? AND (? = 0 OR account_id = ?)`,
		id, accountID, accountID).Scan, sc)
	if err != nil {
		return nil, notFound(err, "payment link")
	}
	return l, nil
}

// LinkGetByPath returns the link at a friendly address.
func (s *Store) LinkGetByPath(ctx context.Context, serviceSlug, slug string) (*pay.Link, error) {
	l, err := store.ScanLink(s.read.QueryRowContext(ctx, linkSelect+` WHERE service_slug = ? AND slug = ?`,
		serviceSlug, slug).Scan, sc)
	if err != nil {
		return nil, notFound(err, "payment link")
	}
	return l, nil
}

// LinkList returns an account's links (every link for 0), oldest first.
func (s *Store) LinkList(ctx context.Context, accountID int64) ([]*pay.Link, error) {
	rows, err := s.read.QueryContext(ctx, linkSelect+` WHERE ? = 0 OR account_id = ? ORDER BY created_at, id`,
		accountID, accountID)
	return collect(rows, err, withCodec(store.ScanLink))
}

// LinkPaymentGet returns how a payment was tied to its link.
func (s *Store) LinkPaymentGet(ctx context.Context, paymentID string) (*pay.LinkPayment, error) {
	lp, err := store.ScanLinkPayment(s.read.QueryRowContext(ctx,
		`SELECT `+store.LinkPaymentColumns+` FROM link_payments WHERE payment_id = ?`, paymentID).Scan, sc)
	if err != nil {
		return nil, notFound(err, "payment link payment")
	}
	return lp, nil
}

// LinkPaymentInsert ties a new payment to its link; conflict if the
// reference is generated and the account already has it.
func (t *tx) LinkPaymentInsert(ctx context.Context, lp *pay.LinkPayment) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO link_payments (`+store.LinkPaymentColumns+`) VALUES (?, ?, ?, ?, ?)`,
		lp.PaymentID, lp.LinkID, lp.AccountID, lp.Reference, lp.Generated)
	return translate(err)
}
