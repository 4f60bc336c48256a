package apptest

import (
	"context"
	"testing"
	"time"

	"pay/internal/pay"
	"pay/internal/provider/sandbox"
	"pay/internal/store"
	"pay/internal/store/storetest"
)

// Env is the domain on a real store: the store, a settable clock that the
// store and the services read, and the payment service with the sandbox
// provider.
type Env struct {
	T        *testing.T
	Ctx      context.Context
	Store    store.Store
	Clock    *storetest.Clock
	Payments *pay.Payments
}

// NewClock returns a settable clock set to the current time, truncated to
// the millisecond.
func NewClock() *storetest.Clock {
	c := storetest.NewClock()
	c.Set(time.Now().UTC().Truncate(time.Millisecond))
	return c
}

// New opens a store on eng that reads a NewClock, and the services on it.
func New(t *testing.T, eng Engine) *Env {
	t.Helper()
	clock := NewClock()
	st := eng.Open(t, clock.Now)
	return &Env{T: t, Ctx: context.Background(), Store: st, Clock: clock,
		Payments: &pay.Payments{Store: st, Now: clock.Now, Providers: map[string]pay.Provider{pay.ProviderSandbox: sandbox.New()}}}
}

// NewAccount stores svc, with a new external id, and an account of
// type typ on provider for it with the default settings.
func (e *Env) NewAccount(svc *pay.Service, typ pay.AccountType, provider string) *pay.Account {
	e.T.Helper()
	svc.ExternalID = pay.NewID()
	e.must(e.Store.ServiceInsert(e.Ctx, svc))
	a := &pay.Account{ServiceID: svc.ID, Type: typ, Provider: provider, Settings: pay.DefaultAccountSettings()}
	e.must(e.Store.AccountInsert(e.Ctx, a))
	return a
}

// UpdateAccount reads the account with the given id as stored, changes it
// and stores it again.
func (e *Env) UpdateAccount(id int64, change func(*pay.Account)) {
	e.T.Helper()
	a, err := e.Store.AccountGet(e.Ctx, id)
	e.must(err)
	change(a)
	e.must(e.Store.AccountUpdate(e.Ctx, a))
}

func (e *Env) must(err error) {
	e.T.Helper()
	if err != nil {
		e.T.Fatal(err)
	}
}
