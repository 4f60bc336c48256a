package sqlite

import (
	"context"
	"database/sql"

	"pay/internal/pay"
	"pay/internal/store"
)

// ServiceInsert stores a new service.
func (s *Store) ServiceInsert(ctx context.Context, svc *pay.Service) error {
	now := s.now()
	res, err := s.write.ExecContext(ctx,
		`INSERT INTO services (external_id, name, name_cy, created_at) VALUES (?, ?, ?, ?)`,
		svc.ExternalID, svc.Name, svc.NameWelsh, sc.TimeArg(now))
	if err != nil {
		return translate(err)
	}
	svc.ID, err = res.LastInsertId()
	svc.CreatedAt = now
	return err
}

// ServiceList returns every service, oldest first.
func (s *Store) ServiceList(ctx context.Context) ([]*pay.Service, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, external_id, name, name_cy, created_at FROM services ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pay.Service
	for rows.Next() {
		var svc pay.Service
		if err := rows.Scan(&svc.ID, &svc.ExternalID, &svc.Name, &svc.NameWelsh, sc.Time(&svc.CreatedAt)); err != nil {
			return nil, err
		}
		out = append(out, &svc)
	}
	return out, rows.Err()
}

// AccountInsert stores a new gateway account.
func (s *Store) AccountInsert(ctx context.Context, a *pay.Account) error {
	now := s.now()
	res, err := s.write.ExecContext(ctx,
		`INSERT INTO accounts (service_id, type, provider, disabled, settings, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		a.ServiceID, string(a.Type), a.Provider, a.Disabled, store.EncodeJSON(a.Settings), sc.TimeArg(now))
	if err != nil {
		return translate(err)
	}
	a.ID, err = res.LastInsertId()
	a.CreatedAt = now
	return err
}

const accountSelect = `SELECT a.id, a.service_id, s.name, s.name_cy, a.type, a.provider, a.disabled, a.settings, a.created_at
	FROM accounts a JOIN services s ON s.id = a.service_id`

func scanAccount(scan func(...any) error) (*pay.Account, error) {
	var a pay.Account
	var settings string
	if err := scan(&a.ID, &a.ServiceID, &a.ServiceName, &a.ServiceNameWelsh, &a.Type, &a.Provider, &a.Disabled, &settings, sc.Time(&a.CreatedAt)); err != nil {
		return nil, err
	}
	var err error
	a.Settings, err = store.DecodeSettings(settings)
	return &a, err
}

// AccountGet returns one account.
func (s *Store) AccountGet(ctx context.Context, id int64) (*pay.Account, error) {
	a, err := scanAccount(s.read.QueryRowContext(ctx, accountSelect+` WHERE a.id = ?`, id).Scan)
	if err != nil {
		return nil, notFound(err, "account")
	}
	return a, nil
}

// AccountList returns every account, oldest first.
func (s *Store) AccountList(ctx context.Context) ([]*pay.Account, error) {
	rows, err := s.read.QueryContext(ctx, accountSelect+` ORDER BY a.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pay.Account
	for rows.Next() {
		a, err := scanAccount(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AccountListForUser returns the accounts of the user's services, oldest first.
func (s *Store) AccountListForUser(ctx context.Context, userID int64) ([]*pay.Account, error) {
	rows, err := s.read.QueryContext(ctx, accountSelect+
		` JOIN service_users su ON su.service_id = a.service_id WHERE su.user_id = ? ORDER BY a.id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pay.Account
	for rows.Next() {
		a, err := scanAccount(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AccountUpdate stores the account's Disabled flag and settings.
func (s *Store) AccountUpdate(ctx context.Context, a *pay.Account) error {
	res, err := s.write.ExecContext(ctx, `UPDATE accounts SET disabled = ?, settings = ? WHERE id = ?`,
		a.Disabled, store.EncodeJSON(a.Settings), a.ID)
	return affectedOne(res, err, "account")
}

// affectedOne turns "no row changed" into not found.
func affectedOne(res sql.Result, err error, what string) error {
	if err != nil {
		return translate(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return pay.ErrNotFound(what)
	}
	return nil
}
