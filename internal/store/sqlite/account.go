package sqlite

import (
	"context"
	"database/sql"
	"time"

	"pay/internal/pay"
	"pay/internal/store"
)

// accountSelect reads accounts with their service's names.
const accountSelect = `SELECT ` + store.AccountColumns + ` FROM accounts a JOIN services s ON s.id = a.service_id`

// ServiceInsert stores a new service.
func (s *Store) ServiceInsert(ctx context.Context, svc *pay.Service) error {
	return insertService(ctx, s.write, svc, s.now())
}

// ServiceInsert is Store.ServiceInsert in the transaction.
func (t *tx) ServiceInsert(ctx context.Context, svc *pay.Service) error {
	return insertService(ctx, t.tx, svc, t.now)
}

func insertService(ctx context.Context, db execer, svc *pay.Service, now time.Time) error {
	res, err := db.ExecContext(ctx,
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
	rows, err := s.read.QueryContext(ctx, `SELECT `+store.ServiceColumns+` FROM services ORDER BY id`)
	return collect(rows, err, withCodec(store.ScanService))
}

// AccountInsert stores a new gateway account.
func (s *Store) AccountInsert(ctx context.Context, a *pay.Account) error {
	return insertAccount(ctx, s.write, a, s.now())
}

// AccountInsert is Store.AccountInsert in the transaction.
func (t *tx) AccountInsert(ctx context.Context, a *pay.Account) error {
	return insertAccount(ctx, t.tx, a, t.now)
}

func insertAccount(ctx context.Context, db execer, a *pay.Account, now time.Time) error {
	res, err := db.ExecContext(ctx,
		`INSERT INTO accounts (service_id, type, provider, disabled, settings, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		a.ServiceID, string(a.Type), a.Provider, a.Disabled, store.EncodeJSON(a.Settings), sc.TimeArg(now))
	if err != nil {
		return translate(err)
	}
	a.ID, err = res.LastInsertId()
	a.CreatedAt = now
	return err
}

// AccountGet returns one account.
func (s *Store) AccountGet(ctx context.Context, id int64) (*pay.Account, error) {
	a, err := store.ScanAccount(s.read.QueryRowContext(ctx, accountSelect+` WHERE a.id = ?`, id).Scan, sc)
	if err != nil {
		return nil, notFound(err, "account")
	}
	return a, nil
}

// AccountList returns every account, oldest first.
func (s *Store) AccountList(ctx context.Context) ([]*pay.Account, error) {
	rows, err := s.read.QueryContext(ctx, accountSelect+` ORDER BY a.id`)
	return collect(rows, err, withCodec(store.ScanAccount))
}

// AccountListForUser returns the accounts of the user's services, oldest first.
func (s *Store) AccountListForUser(ctx context.Context, userID int64) ([]*pay.Account, error) {
	rows, err := s.read.QueryContext(ctx, accountSelect+
		` JOIN service_users su ON su.service_id = a.service_id WHERE su.user_id = ? ORDER BY a.id`, userID)
	return collect(rows, err, withCodec(store.ScanAccount))
}

// AccountUpdate stores the account's Disabled flag and settings.
func (s *Store) AccountUpdate(ctx context.Context, a *pay.Account) error {
	return updateAccount(ctx, s.write, a)
}

// AccountUpdate is Store.AccountUpdate in the transaction.
func (t *tx) AccountUpdate(ctx context.Context, a *pay.Account) error {
	return updateAccount(ctx, t.tx, a)
}

func updateAccount(ctx context.Context, db execer, a *pay.Account) error {
	res, err := db.ExecContext(ctx, `UPDATE accounts SET disabled = ?, settings = ? WHERE id = ?`,
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
