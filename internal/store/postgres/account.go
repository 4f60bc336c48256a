package postgres

import (
	"context"
	"time"

	"pay/internal/pay"
	"pay/internal/store"
)

// accountSelect reads accounts with their service's names.
const accountSelect = `SELECT ` + store.AccountColumns + ` FROM accounts a JOIN services s ON s.id = a.service_id`

// ServiceInsert stores a new service and sets its ID and CreatedAt; conflict
// if the external id is taken.
func (s *Store) ServiceInsert(ctx context.Context, svc *pay.Service) error {
	return insertService(ctx, s.pool, svc, s.now())
}

// ServiceInsert is Store.ServiceInsert in the transaction.
func (t *tx) ServiceInsert(ctx context.Context, svc *pay.Service) error {
	return insertService(ctx, t.tx, svc, t.now)
}

func insertService(ctx context.Context, db conn, svc *pay.Service, now time.Time) error {
	err := db.QueryRow(ctx,
		`INSERT INTO services (external_id, name, name_cy, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		svc.ExternalID, svc.Name, svc.NameWelsh, now).Scan(&svc.ID)
	if err != nil {
		return translate(err)
	}
	svc.CreatedAt = now
	return nil
}

// ServiceList returns every service, oldest first.
func (s *Store) ServiceList(ctx context.Context) ([]*pay.Service, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+store.ServiceColumns+` FROM services ORDER BY id`)
	return collect(rows, err, withCodec(store.ScanService))
}

// AccountInsert stores a new gateway account and sets its ID and CreatedAt;
// not found if its service does not exist.
func (s *Store) AccountInsert(ctx context.Context, a *pay.Account) error {
	return insertAccount(ctx, s.pool, a, s.now())
}

// AccountInsert is Store.AccountInsert in the transaction.
func (t *tx) AccountInsert(ctx context.Context, a *pay.Account) error {
	return insertAccount(ctx, t.tx, a, t.now)
}

func insertAccount(ctx context.Context, db conn, a *pay.Account, now time.Time) error {
	err := db.QueryRow(ctx,
		`INSERT INTO accounts (service_id, type, provider, disabled, settings, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		a.ServiceID, string(a.Type), a.Provider, a.Disabled, store.EncodeJSON(a.Settings), now).Scan(&a.ID)
	if err != nil {
		return translate(err)
	}
	a.CreatedAt = now
	return nil
}

// AccountGet returns one account with its service's name; not found if there
// is no such account.
func (s *Store) AccountGet(ctx context.Context, id int64) (*pay.Account, error) {
	a, err := store.ScanAccount(s.pool.QueryRow(ctx, accountSelect+` WHERE a.id = $1`, id).Scan, pc)
	if err != nil {
		return nil, notFound(err, "account")
	}
	return a, nil
}

// AccountList returns every account, oldest first.
func (s *Store) AccountList(ctx context.Context) ([]*pay.Account, error) {
	rows, err := s.pool.Query(ctx, accountSelect+` ORDER BY a.id`)
	return collect(rows, err, withCodec(store.ScanAccount))
}

// AccountListForUser returns the accounts of the user's services, oldest first.
func (s *Store) AccountListForUser(ctx context.Context, userID int64) ([]*pay.Account, error) {
	rows, err := s.pool.Query(ctx, accountSelect+
		` JOIN service_users su ON su.service_id = a.service_id WHERE su.user_id = $1 ORDER BY a.id`, userID)
	return collect(rows, err, withCodec(store.ScanAccount))
}

// AccountUpdate stores the account's Disabled flag and settings; not found if
// there is no such account.
func (s *Store) AccountUpdate(ctx context.Context, a *pay.Account) error {
	return updateAccount(ctx, s.pool, a)
}

// AccountUpdate is Store.AccountUpdate in the transaction.
func (t *tx) AccountUpdate(ctx context.Context, a *pay.Account) error {
	return updateAccount(ctx, t.tx, a)
}

func updateAccount(ctx context.Context, db conn, a *pay.Account) error {
	tag, err := db.Exec(ctx, `UPDATE accounts SET disabled = $1, settings = $2 WHERE id = $3`,
		a.Disabled, store.EncodeJSON(a.Settings), a.ID)
	return affectedOne(tag, err, "account")
}
