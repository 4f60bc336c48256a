package postgres

import "context"

// SettingGet returns an instance-wide setting; not found if it is unset.
func (s *Store) SettingGet(ctx context.Context, name string) (string, error) {
	var v string
	err := s.pool.QueryRow(ctx, `SELECT value FROM settings WHERE name = $1`, name).Scan(&v)
	return v, notFound(err, "setting")
}

// SettingInsert stores a setting once; conflict if it is already set.
func (s *Store) SettingInsert(ctx context.Context, name, value string) error {
	return insertSetting(ctx, s.pool, name, value)
}

// SettingInsert is Store.SettingInsert in the transaction.
func (t *tx) SettingInsert(ctx context.Context, name, value string) error {
	return insertSetting(ctx, t.tx, name, value)
}

func insertSetting(ctx context.Context, db conn, name, value string) error {
	_, err := db.Exec(ctx, `INSERT INTO settings (name, value) VALUES ($1, $2)`, name, value)
	return translate(err)
}
