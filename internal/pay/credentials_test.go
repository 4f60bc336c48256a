package pay_test

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"pay/internal/apptest"
	"pay/internal/pay"
)

var testCreds = pay.Credentials{StripeSecretKey: "sk_live_51Secret", StripeWebhookSecret: "whsec_Signing"}

func TestSealCredentials(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	sealed, err := pay.SealCredentials(secret, 7, testCreds)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("sk_live_51Secret")) || bytes.Contains(sealed, []byte("whsec_Signing")) {
		t.Fatal("sealed credentials show the secrets")
	}
	again, _ := pay.SealCredentials(secret, 7, testCreds)
	if bytes.Equal(sealed, again) {
		t.Fatal("two seals of the same credentials are equal: the nonce is not fresh")
	}
	got, err := pay.OpenCredentials(secret, 7, sealed)
	if err != nil || got != testCreds {
		t.Fatalf("OpenCredentials = %v, %v", got, err)
	}
	tampered := append([]byte(nil), sealed...)
	tampered[len(tampered)-1] ^= 1
	for name, open := range map[string]func() (pay.Credentials, error){
		"OtherSecret":  func() (pay.Credentials, error) { return pay.OpenCredentials([]byte("another secret"), 7, sealed) },
		"OtherAccount": func() (pay.Credentials, error) { return pay.OpenCredentials(secret, 8, sealed) },
		"Tampered":     func() (pay.Credentials, error) { return pay.OpenCredentials(secret, 7, tampered) },
		"Short":        func() (pay.Credentials, error) { return pay.OpenCredentials(secret, 7, sealed[:5]) },
	} {
		if c, err := open(); err == nil || c != (pay.Credentials{}) {
			t.Errorf("%s: opened %v, %v", name, c, err)
		}
	}
	if s := fmt.Sprintf("%v %+v %#v %s", testCreds, testCreds, testCreds, testCreds); strings.Contains(s, "Secret") || strings.Contains(s, "Signing") {
		t.Fatalf("credentials print their secrets: %s", s)
	}
}

func TestGoLive(t *testing.T) {
	apptest.ForEachEngine(t, func(t *testing.T, eng apptest.Engine) {
		e := apptest.New(t, eng)
		sandbox := e.NewAccount(&pay.Service{Name: "Licences"}, pay.AccountTest, pay.ProviderSandbox)
		accounts := &pay.Accounts{Store: e.Store, Secret: []byte("instance secret of at least 32 chars"), Now: e.Clock.Now}
		org := func() *pay.Organisation {
			return &pay.Organisation{Name: "Borough Council", AcceptedBy: "admin@example.org",
				Address: pay.Address{Line1: "1 High Street", City: "London", Postcode: "SW1A 1AA", Country: "GB"}}
		}
		bad := []pay.Credentials{{StripeSecretKey: "pk_live_x", StripeWebhookSecret: "whsec_x"}, {StripeSecretKey: "sk_live_x"}}
		for _, c := range bad {
			if _, err := accounts.GoLive(e.Ctx, sandbox.ServiceID, org(), c); pay.ErrorKind(err) != pay.KindInvalid {
				t.Fatalf("GoLive(%v) = %v, want invalid", c, err)
			}
		}
		if _, err := accounts.GoLive(e.Ctx, sandbox.ServiceID, &pay.Organisation{Name: " "}, testCreds); pay.ErrorKind(err) != pay.KindInvalid {
			t.Fatalf("GoLive without an organisation name = %v", err)
		}
		if _, err := accounts.GoLive(e.Ctx, 9999, org(), testCreds); pay.ErrorKind(err) != pay.KindNotFound {
			t.Fatalf("GoLive for no service = %v", err)
		}
		if _, err := e.Store.OrganisationGet(e.Ctx, sandbox.ServiceID); pay.ErrorKind(err) != pay.KindNotFound {
			t.Fatalf("a refused GoLive stored the organisation: %v", err)
		}
		live, err := accounts.GoLive(e.Ctx, sandbox.ServiceID, org(), testCreds)
		if err != nil || live.Type != pay.AccountLive || live.Provider != pay.ProviderStripe || live.ServiceID != sandbox.ServiceID {
			t.Fatalf("GoLive = %+v, %v", live, err)
		}
		stored, err := e.Store.AccountGet(e.Ctx, live.ID)
		if err != nil || !stored.IsLive() || stored.Provider != pay.ProviderStripe {
			t.Fatalf("stored live account %+v, %v", stored, err)
		}
		want := org()
		want.AcceptedAt = e.Clock.Now()
		if got, err := e.Store.OrganisationGet(e.Ctx, sandbox.ServiceID); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("organisation %+v, %v; want %+v", got, err, want)
		}
		sealed, _ := e.Store.CredentialsGet(e.Ctx, live.ID)
		if bytes.Contains(sealed, []byte(testCreds.StripeSecretKey)) {
			t.Fatal("the secret key is stored in clear")
		}
		if key, err := accounts.StripeSecretKey(e.Ctx, live.ID); err != nil || key != testCreds.StripeSecretKey {
			t.Fatalf("StripeSecretKey = %q, %v", key, err)
		}
		if _, err := accounts.GoLive(e.Ctx, sandbox.ServiceID, org(), testCreds); pay.ErrorKind(err) != pay.KindConflict {
			t.Fatalf("second GoLive = %v, want conflict", err)
		}
		rolled := pay.Credentials{StripeSecretKey: "sk_live_rolled", StripeWebhookSecret: "whsec_new"}
		if err := accounts.ReplaceCredentials(e.Ctx, live.ID, rolled); err != nil {
			t.Fatal(err)
		}
		if got, _ := accounts.Credentials(e.Ctx, live.ID); got != rolled {
			t.Fatalf("after replacing: %v", got)
		}
		if err := accounts.ReplaceCredentials(e.Ctx, sandbox.ID, rolled); pay.ErrorKind(err) != pay.KindInvalid {
			t.Fatalf("credentials for a sandbox account: %v", err)
		}
		other := &pay.Accounts{Store: e.Store, Secret: []byte("another instance secret, 32 chars")}
		if _, err := other.StripeSecretKey(e.Ctx, live.ID); err == nil {
			t.Fatal("credentials opened with another instance secret")
		}
	})
}
