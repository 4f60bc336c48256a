package postgres

import (
	"context"
	"encoding/json"

	"pay/internal/pay"
	"pay/internal/store"
)

// CredentialsGet returns an account's sealed provider credentials; not
// found if it has none.
func (s *Store) CredentialsGet(ctx context.Context, accountID int64) ([]byte, error) {
	var sealed []byte
	err := s.pool.QueryRow(ctx, `SELECT sealed FROM account_credentials WHERE account_id = $1`, accountID).Scan(&sealed)
	return sealed, notFound(err, "credentials")
}

// CredentialsPut stores or replaces an account's sealed credentials.
func (t *tx) CredentialsPut(ctx context.Context, accountID int64, sealed []byte) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO account_credentials (account_id, sealed, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (account_id) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at`,
		accountID, sealed, t.now)
	return translate(err)
}

// OrganisationGet returns the organisation of a live service; not found if
// it has none.
func (s *Store) OrganisationGet(ctx context.Context, serviceID int64) (*pay.Organisation, error) {
	var details []byte
	o := &pay.Organisation{}
	err := s.pool.QueryRow(ctx, `SELECT details, accepted_by, accepted_at FROM service_organisations WHERE service_id = $1`,
		serviceID).Scan(&details, &o.AcceptedBy, &o.AcceptedAt)
	if err != nil {
		return nil, notFound(err, "organisation")
	}
	o.AcceptedAt = o.AcceptedAt.UTC()
	return o, json.Unmarshal(details, o)
}

// OrganisationPut stores or replaces the organisation of a service.
func (t *tx) OrganisationPut(ctx context.Context, serviceID int64, o *pay.Organisation) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO service_organisations (service_id, details, accepted_by, accepted_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (service_id) DO UPDATE SET details = excluded.details, accepted_by = excluded.accepted_by,
		accepted_at = excluded.accepted_at`,
		serviceID, store.EncodeJSON(o), o.AcceptedBy, o.AcceptedAt)
	return translate(err)
}
