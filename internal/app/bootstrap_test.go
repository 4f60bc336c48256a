package app_test

import (
	"context"
	"errors"
	"testing"

	"pay/internal/app"
	"pay/internal/apptest"
	"pay/internal/config"
	"pay/internal/pay"
	"pay/internal/store"
	"pay/internal/store/pgtest"
	"pay/internal/team"
)

// failingStore breaks first-start setup at its last step, the API key, after
// the setting, the service, the account, the user and the role are written.
type failingStore struct{ store.Store }

func (s failingStore) UpdateAll(ctx context.Context, fn func(pay.Tx, team.Tx) error) error {
	return s.Store.UpdateAll(ctx, func(ptx pay.Tx, ttx team.Tx) error { return fn(failingKeys{ptx}, ttx) })
}

type failingKeys struct{ pay.Tx }

var errInjected = errors.New("injected failure")

func (failingKeys) APIKeyInsert(context.Context, *pay.APIKey) error { return errInjected }

// testBootstrapAtomic fails first-start setup midway, finds nothing of it
// written, and sets the database up at the next try.
func testBootstrapAtomic(t *testing.T, databaseURL string) {
	ctx := context.Background()
	cfg, err := config.FromEnv(func(k string) string { return map[string]string{"DATABASE_URL": databaseURL}[k] })
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(ctx, cfg, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Shutdown(ctx)
	st := a.Store
	a.Store = failingStore{st}
	if _, err := a.Bootstrap(ctx); !errors.Is(err, errInjected) {
		t.Fatalf("Bootstrap with a failing key insert = %v, want the injected failure", err)
	}
	a.Store = st

	if _, err := st.SettingGet(ctx, "bootstrapped"); !pay.IsKind(err, pay.KindNotFound) {
		t.Errorf("the database is marked set up after a failed setup (%v)", err)
	}
	services, err := st.ServiceList(ctx)
	if err != nil || len(services) != 0 {
		t.Errorf("services after a failed setup: %v, %v", services, err)
	}
	accounts, err := st.AccountList(ctx)
	if err != nil || len(accounts) != 0 {
		t.Errorf("accounts after a failed setup: %v, %v", accounts, err)
	}
	users, err := st.UserList(ctx)
	if err != nil || len(users) != 0 {
		t.Errorf("users after a failed setup: %v, %v", users, err)
	}

	creds, err := a.Bootstrap(ctx)
	if err != nil || creds == nil {
		t.Fatalf("Bootstrap after a failed one = %v, %v; want new credentials", creds, err)
	}
	if creds, err := a.Bootstrap(ctx); err != nil || creds != nil {
		t.Fatalf("a second Bootstrap = %v, %v; want nothing to do", creds, err)
	}
}

func TestBootstrapAtomicSQLite(t *testing.T) {
	t.Parallel()
	testBootstrapAtomic(t, apptest.SQLiteURL(t))
}

func TestBootstrapAtomicPostgres(t *testing.T) {
	t.Parallel()
	testBootstrapAtomic(t, pgtest.URL(t))
}
