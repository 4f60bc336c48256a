package links_test

import (
	"context"
	"testing"

	"pay/internal/app"
	"pay/internal/apptest"
	"pay/internal/apptest/boot"
	"pay/internal/pay"
)

// env is the real app, booted as pay serve runs it, with its sandbox account.
type env struct {
	t    *testing.T
	ctx  context.Context
	app  *app.App
	base string
	acct *pay.Account
}

// newEnv boots the app on a fresh database of the engine.
func newEnv(t *testing.T, eng apptest.Engine) *env {
	t.Helper()
	a, _, base := boot.Start(t, map[string]string{"DATABASE_URL": eng.URL(t)}, app.Options{})
	ctx := context.Background()
	accounts, err := a.Store.AccountList(ctx)
	if err != nil || len(accounts) == 0 {
		t.Fatalf("the sandbox account: %v", err)
	}
	return &env{t: t, ctx: ctx, app: a, base: base, acct: accounts[0]}
}

// newLink creates a link on the sandbox account.
func (e *env) newLink(l *pay.Link) *pay.Link {
	e.t.Helper()
	if err := e.app.Links.Create(e.ctx, e.acct, l); err != nil {
		e.t.Fatal(err)
	}
	return l
}
