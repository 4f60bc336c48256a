package admin_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"pay/internal/apptest"
	"pay/internal/team"
)

// Text PostgreSQL cannot keep (a NUL character, bytes that are not UTF-8)
// gets the page's validation message on every engine, never a 500, and
// nothing is stored.
func TestNonTextFields(t *testing.T) {
	t.Parallel()
	apptest.ForEachEngine(t, func(t *testing.T, eng apptest.Engine) {
		e := newEnvOn(t, eng)
		u := e.user("admin@example.org", team.RoleAdmin, false)
		b := e.browser()
		for _, email := range []string{"admin\x00@example.org", "admin@example.org\xff"} {
			p := b.postSignIn(url.Values{"email": {email}, "password": {testPassword}})
			if want := []string{"email: Enter a valid email address"}; p.status != http.StatusOK || !slices.Equal(p.errors(), want) {
				t.Errorf("sign in as %q: %d %v, want %v", email, p.status, p.errors(), want)
			}
		}
		b.signIn(u)

		b.get(e.accountPath("/api-keys/new"))
		p := b.post(e.accountPath("/api-keys/new"), url.Values{"keyName": {"key\x00"}})
		if want := []string{"key-name: Enter a valid API key name"}; p.status != http.StatusOK || !slices.Equal(p.errors(), want) {
			t.Errorf("key name: %d %v, want %v", p.status, p.errors(), want)
		}
		if keys, err := e.Store.APIKeyList(e.Ctx, e.account.ID); err != nil || len(keys) != 0 {
			t.Errorf("keys after a refused name: %d %v", len(keys), err)
		}

		b.get(e.accountPath("/settings"))
		p = b.post(e.accountPath("/settings"), url.Values{"serviceName": {"Licence\x00"}, "serviceNameWelsh": {"Trwydded\xff"},
			"cardTypes": {"visa-debit"}, "defaultBillingCountry": {"GB"}})
		want := []string{"service-name: Enter a valid service name", "service-name-welsh: Enter a valid Welsh service name"}
		if p.status != http.StatusOK || !slices.Equal(p.errors(), want) {
			t.Errorf("settings: %d %v, want %v", p.status, p.errors(), want)
		}
		if a, err := e.Store.AccountGet(e.Ctx, e.account.ID); err != nil || a.ServiceName != "Licence service" {
			t.Errorf("service name after a refused form: %v", err)
		}

		for query, want := range map[string][]string{
			"?email=%ff": {"email: Enter a valid email address"},
			"?reference=a%00b&cardholderName=%00&lastDigitsCardNumber=%ff": {"reference: Enter a valid reference",
				"cardholderName: Enter a valid name on card", "lastDigitsCardNumber: Enter a valid last 4 digits"},
		} {
			for _, path := range []string{"/transactions", "/transactions/download"} {
				if p := b.get(e.accountPath(path + query)); p.status != http.StatusOK || !slices.Equal(p.errors(), want) {
					t.Errorf("%s%s: %d %v, want %v", path, query, p.status, p.errors(), want)
				}
			}
		}
		if p := b.get(e.accountPath("/transactions/a%00b")); p.status != http.StatusNotFound {
			t.Errorf("a payment id that is not text: %d", p.status)
		}
	})
}
