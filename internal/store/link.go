package store

import "pay/internal/pay"

// LinkColumns lists the links columns in ScanLink's and LinkArgs' order.
const LinkColumns = "id, account_id, service_slug, slug, title, details, language, reference_label, reference_hint, " +
	"amount, amount_hint, metadata, status, created_at, updated_at"

// ScanLink reads one row of LinkColumns.
func ScanLink(scan func(...any) error, c Codec) (*pay.Link, error) {
	var l pay.Link
	var metadata *string
	err := scan(&l.ID, &l.AccountID, &l.ServiceSlug, &l.Slug, &l.Title, &l.Details, &l.Language,
		&l.ReferenceLabel, &l.ReferenceHint, &l.Amount, &l.AmountHint, &metadata, &l.Status,
		c.Time(&l.CreatedAt), c.Time(&l.UpdatedAt))
	if err != nil {
		return nil, err
	}
	if metadata != nil {
		if l.Metadata, err = decodeMetadata(*metadata); err != nil {
			return nil, err
		}
	}
	return &l, nil
}

// LinkArgs returns l's values in LinkColumns order.
func LinkArgs(l *pay.Link, c Codec) []any {
	return []any{l.ID, l.AccountID, l.ServiceSlug, l.Slug, l.Title, l.Details, string(l.Language),
		l.ReferenceLabel, l.ReferenceHint, l.Amount, l.AmountHint, MetadataArg(l.Metadata), string(l.Status),
		c.TimeArg(l.CreatedAt), c.TimeArg(l.UpdatedAt)}
}

// LinkPaymentColumns lists the link_payments columns in ScanLinkPayment's order.
const LinkPaymentColumns = "payment_id, link_id, account_id, reference, generated"

// ScanLinkPayment reads one row of LinkPaymentColumns.
func ScanLinkPayment(scan func(...any) error, _ Codec) (*pay.LinkPayment, error) {
	var lp pay.LinkPayment
	err := scan(&lp.PaymentID, &lp.LinkID, &lp.AccountID, &lp.Reference, &lp.Generated)
	return &lp, err
}

// MetadataArg returns metadata as stored: JSON, or NULL when there is none.
func MetadataArg(m pay.Metadata) *string {
	if len(m) == 0 {
		return nil
	}
	s := EncodeJSON(m)
	return &s
}
