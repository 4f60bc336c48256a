package sqlite

import "context"

// SettingGet returns an instance-wide setting.
func (s *Store) SettingGet(ctx context.Context, name string) (string, error) {
	var v string
	err := s.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
	return v, notFound(err, "setting")
}

// SettingInsert stores a setting once.
func (s *Store) SettingInsert(ctx context.Context, name, value string) error {
	return insertSetting(ctx, s.write, name, value)
}

// SettingInsert is Store.SettingInsert in the transaction.
func (t *tx) SettingInsert(ctx context.Context, name, value string) error {
	return insertSetting(ctx, t.tx, name, value)
}

func insertSetting(ctx context.Context, db execer, name, value string) error {
	_, err := db.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES (?, ?)`, name, value)
	return translate(err)
}
