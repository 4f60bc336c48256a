package sqlite

import "context"

// CredentialsGet returns an account's sealed provider credentials; not
// found if it has none.
func (s *Store) CredentialsGet(ctx context.Context, accountID int64) ([]byte, error) {
	var sealed []byte
	err := s.read.QueryRowContext(ctx, `SELECT sealed FROM account_credentials WHERE account_id = ?`, accountID).Scan(&sealed)
	return sealed, notFound(err, "credentials")
}

// CredentialsPut stores or replaces an account's sealed credentials.
func (t *tx) CredentialsPut(ctx context.Context, accountID int64, sealed []byte) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO account_credentials (account_id, sealed, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (account_id) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at`,
		accountID, sealed, sc.TimeArg(t.now))
	return translate(err)
}
