package sqlite

import (
	"context"
	"encoding/json"

	"pay/internal/pay"
)

// AgreementGet returns an agreement of the account.
func (s *Store) AgreementGet(ctx context.Context, accountID int64, id string) (*pay.Agreement, error) {
	var a pay.Agreement
	var instrument *string
	err := s.read.QueryRowContext(ctx, `SELECT id, account_id, reference, description, user_identifier, status,
		instrument, created_at, cancelled_at FROM agreements WHERE id = ? AND account_id = ?`, id, accountID,
	).Scan(&a.ID, &a.AccountID, &a.Reference, &a.Description, &a.UserIdentifier, &a.Status,
		&instrument, sc.Time(&a.CreatedAt), sc.NullTime(&a.CancelledAt))
	if err != nil {
		return nil, notFound(err, "agreement")
	}
	if instrument != nil {
		a.Instrument = new(pay.PaymentInstrument)
		if err := json.Unmarshal([]byte(*instrument), a.Instrument); err != nil {
			return nil, err
		}
	}
	return &a, nil
}
