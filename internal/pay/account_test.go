package pay_test

import (
	"context"
	"errors"
	"testing"

	"pay/internal/apptest"
	"pay/internal/pay"
)

// failingServiceStore breaks saving settings midway: after the account's
// settings are written, before the service's names are.
type failingServiceStore struct{ pay.Store }

func (s failingServiceStore) Update(ctx context.Context, fn func(pay.Tx) error) error {
	return s.Store.Update(ctx, func(tx pay.Tx) error { return fn(failingServiceTx{tx}) })
}

type failingServiceTx struct{ pay.Tx }

var errInjected = errors.New("injected failure")

func (failingServiceTx) ServiceUpdate(context.Context, *pay.Service) error { return errInjected }

func TestSaveSettingsIsAtomic(t *testing.T) {
	apptest.ForEachEngine(t, func(t *testing.T, eng apptest.Engine) {
		e := apptest.New(t, eng)
		svc := &pay.Service{ExternalID: pay.NewID(), Name: "Licences", NameWelsh: "Trwyddedau"}
		acct := e.NewAccount(svc, pay.AccountTest, pay.ProviderSandbox)
		changed := *acct
		changed.Settings.AllowMoto = !acct.Settings.AllowMoto
		changed.ServiceName, changed.ServiceNameWelsh = "Permits", "Trwyddedau newydd"

		failing := &pay.Accounts{Store: failingServiceStore{e.Store}}
		if err := failing.SaveSettings(e.Ctx, &changed); !errors.Is(err, errInjected) {
			t.Fatalf("SaveSettings with a failing service update = %v, want the injected failure", err)
		}
		stored, err := e.Store.AccountGet(e.Ctx, acct.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Settings.AllowMoto != acct.Settings.AllowMoto || stored.ServiceName != "Licences" {
			t.Fatalf("a failed save left the account half-written: allow_moto %v, service %q",
				stored.Settings.AllowMoto, stored.ServiceName)
		}

		if err := (&pay.Accounts{Store: e.Store}).SaveSettings(e.Ctx, &changed); err != nil {
			t.Fatal(err)
		}
		stored, err = e.Store.AccountGet(e.Ctx, acct.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Settings.AllowMoto != changed.Settings.AllowMoto || stored.ServiceName != "Permits" ||
			stored.ServiceNameWelsh != "Trwyddedau newydd" {
			t.Fatalf("saved settings read back as allow_moto %v, names %q / %q",
				stored.Settings.AllowMoto, stored.ServiceName, stored.ServiceNameWelsh)
		}
	})
}
