package postgres

import (
	"context"
	"encoding/json"

	"pay/internal/pay"
)

// AgreementGet returns an agreement of the account; not found if there is no
// such agreement or it belongs to another account.
func (s *Store) AgreementGet(ctx context.Context, accountID int64, id string) (*pay.Agreement, error) {
	var a pay.Agreement
	var instrument *string
	err := s.pool.QueryRow(ctx, `SELECT id, account_id, reference, description, user_identifier, status,
		instrument, created_at, cancelled_at FROM agreements WHERE id = $1 AND account_id = $2`, id, accountID,
	).Scan(&a.ID, &a.AccountID, &a.Reference, &a.Description, &a.UserIdentifier, &a.Status,
		&instrument, pc.Time(&a.CreatedAt), pc.NullTime(&a.CancelledAt))
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
