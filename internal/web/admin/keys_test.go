package admin_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"pay/internal/api/apitest"
	"pay/internal/pay"
	"pay/internal/team"
)

var keyPattern = regexp.MustCompile(`id="api-key"[^>]*>(api_test_[0-9a-v]+)<`)

// TestAPIKeys walks through a key's life: created and shown once, used,
// renamed, revoked (which stops it at once) and listed as revoked.
func TestAPIKeys(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.user("admin@example.org", team.RoleAdmin, true)
	b := e.browser()
	b.signIn(u)
	if p := b.get(e.accountPath("/api-keys")); !p.has("There are no active API keys") || p.has("revoked-keys-link") {
		t.Fatalf("keys of a new account:\n%s", p.body)
	}
	b.get(e.accountPath("/api-keys/new"))
	for _, tt := range []struct{ name, want string }{
		{"   ", "key-name: Enter the API key name"},
		{strings.Repeat("x", 51), "key-name: Name must be 50 characters or fewer"},
	} {
		if p := b.post(e.accountPath("/api-keys/new"), url.Values{"keyName": {tt.name}}); !slices.Equal(p.errors(), []string{tt.want}) {
			t.Fatalf("name %q: %v", tt.name, p.errors())
		}
	}
	p := b.post(e.accountPath("/api-keys/new"), url.Values{"keyName": {" Quick start key "}})
	m := keyPattern.FindStringSubmatch(p.body)
	if p.status != http.StatusCreated || m == nil || !p.has("copy-key-button") {
		t.Fatalf("new key page: %d\n%s", p.status, p.body)
	}
	key := m[1]
	if !pay.CheckAPIKey(key, testSecret) {
		t.Fatalf("the key %q does not carry a valid checksum", key)
	}
	// Shown once: no page shows it again.
	list := b.get(e.accountPath("/api-keys"))
	if list.has(key) || !list.has("Quick start key") || !list.has("Active API keys (1)") || !list.has("admin@example.org") ||
		!list.has("Not used yet") {
		t.Fatalf("the key list:\n%s", list.body)
	}
	api := &apitest.Client{T: t, BaseURL: e.server.URL, Key: key}
	if res := api.Do("GET", "/v1/payments", nil); res.Status != http.StatusOK {
		t.Fatalf("the new key on the API: %d", res.Status)
	}
	if list := b.get(e.accountPath("/api-keys")); list.has("Not used yet") {
		t.Fatal("the list does not show the key was used")
	}
	stored, err := e.Store.APIKeyList(e.Ctx, e.account.ID)
	must(t, err)
	keyPath := e.accountPath("/api-keys/" + strconv.FormatInt(stored[0].ID, 10))

	b.get(keyPath + "/name")
	if p := b.post(keyPath+"/name", url.Values{"keyName": {"Renamed key"}}); p.location != e.accountPath("/api-keys") {
		t.Fatalf("rename: %d %s %v", p.status, p.location, p.errors())
	}
	if list := b.get(e.accountPath("/api-keys")); !list.has("Renamed key") {
		t.Fatal("the new name is not listed")
	}

	if p := b.get(keyPath + "/revoke"); p.heading() != "Are you sure you want to revoke Renamed key?" {
		t.Fatalf("revoke page: %q", p.heading())
	}
	if p := b.post(keyPath+"/revoke", nil); !slices.Equal(p.errors(), []string{"revoke-yes: Confirm if you want to revoke Renamed key"}) {
		t.Fatalf("revoke without an answer: %v", p.errors())
	}
	b.post(keyPath+"/revoke", url.Values{"revokeKey": {"no"}})
	if res := api.Do("GET", "/v1/payments", nil); res.Status != http.StatusOK {
		t.Fatalf("answering no revoked the key: %d", res.Status)
	}
	b.post(keyPath+"/revoke", url.Values{"revokeKey": {"yes"}})
	if res := api.Do("GET", "/v1/payments", nil); res.Status != http.StatusUnauthorized {
		t.Fatalf("a revoked key: %d", res.Status)
	}
	list = b.get(e.accountPath("/api-keys"))
	if list.has("Renamed key") || !list.has("revoked-keys-link") {
		t.Fatalf("after revoking:\n%s", list.body)
	}
	if revoked := b.get(e.accountPath("/api-keys/revoked")); !revoked.has("Renamed key") || !revoked.has("Date revoked") ||
		revoked.heading() != "Revoked API keys (1)" {
		t.Fatalf("revoked keys:\n%s", revoked.body)
	}
	if p := b.get(keyPath + "/name"); p.status != http.StatusNotFound {
		t.Fatalf("renaming a revoked key: %d", p.status)
	}
}

// TestRoles checks every page and action against each role, by direct URL:
// the server refuses what the role does not allow, whatever the page shows.
func TestRoles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.user("admin@example.org", team.RoleAdmin, false)
	_, k := pay.NewAPIKey(e.account, testSecret, "existing", "admin@example.org")
	must(t, e.Store.APIKeyInsert(e.Ctx, k))
	p := e.newPayment(nil)
	key := "/api-keys/" + strconv.FormatInt(k.ID, 10)
	type check struct {
		method, path string
		form         url.Values
	}
	keyPages := []check{
		{"GET", "/api-keys", nil}, {"GET", "/api-keys/revoked", nil}, {"GET", "/api-keys/new", nil},
		{"POST", "/api-keys/new", url.Values{"keyName": {"stolen"}}},
		{"GET", key + "/name", nil}, {"POST", key + "/name", url.Values{"keyName": {"renamed"}}},
		{"GET", key + "/revoke", nil}, {"POST", key + "/revoke", url.Values{"revokeKey": {"no"}}},
		{"GET", "/settings", nil}, {"POST", "/settings", url.Values{"serviceName": {"Hijacked"}, "cardTypes": {"visa-debit"},
			"defaultBillingCountry": {"GB"}}},
		{"GET", "/explorer", nil}, {"POST", "/explorer", url.Values{"apiKey": {"api_test_x"}}},
	}
	viewPages := []check{
		{"GET", "", nil}, {"GET", "/transactions", nil}, {"GET", "/transactions/" + p.ID, nil},
		{"GET", "/transactions/download", nil},
	}
	for _, role := range []team.Role{team.RoleViewOnly, team.RoleViewAndRefund} {
		u := e.user(string(role)+"@example.org", role, false)
		b := e.browser()
		b.signIn(u)
		b.get(e.accountPath(""))
		for _, c := range keyPages {
			var res *page
			if c.method == "GET" {
				res = b.get(e.accountPath(c.path))
			} else {
				res = b.post(e.accountPath(c.path), c.form)
			}
			if res.status != http.StatusForbidden {
				t.Errorf("%s: %s %s answered %d, want 403", role, c.method, c.path, res.status)
			}
		}
		for _, c := range viewPages {
			if res := b.get(e.accountPath(c.path)); res.status != http.StatusOK {
				t.Errorf("%s: GET %s answered %d, want 200", role, c.path, res.status)
			}
		}
		nav := b.get(e.accountPath(""))
		if nav.has(">API keys<") || nav.has(">Settings<") || nav.has(">API Explorer<") || nav.has(">Payment links<") || !nav.has(">Transactions<") {
			t.Errorf("%s: the navigation offers pages the role may not use", role)
		}
	}
	if keys, _ := e.Store.APIKeyList(e.Ctx, e.account.ID); len(keys) != 1 || keys[0].Description != "existing" {
		t.Fatalf("refused posts changed the keys: %+v", keys)
	}
	if a, _ := e.Store.AccountGet(e.Ctx, e.account.ID); a.ServiceName != "Licence service" {
		t.Fatal("a refused post changed the settings")
	}
	b := e.browser()
	b.signIn(admin)
	for _, c := range append(keyPages, viewPages...) {
		if c.method == "GET" {
			if res := b.get(e.accountPath(c.path)); res.status != http.StatusOK {
				t.Errorf("admin: GET %s answered %d", c.path, res.status)
			}
		}
	}
	// Another service's account is not found, not forbidden.
	other := "/admin/accounts/" + strconv.FormatInt(e.other.ID, 10)
	for _, path := range []string{"", "/transactions", "/api-keys", "/settings", "/explorer"} {
		if res := b.get(other + path); res.status != http.StatusNotFound {
			t.Errorf("another service's %q: %d", path, res.status)
		}
	}
	if res := b.get("/admin/accounts/999/transactions"); res.status != http.StatusNotFound {
		t.Errorf("an unknown account: %d", res.status)
	}
}

// TestCSRF checks that forms are refused from other sites and without
// the session's token.
func TestCSRF(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.user("admin@example.org", team.RoleAdmin, false)
	b := e.browser()
	b.signIn(u)
	b.get(e.accountPath("/api-keys/new"))
	post := func(headers map[string]string, form url.Values) int {
		req, _ := http.NewRequest(http.MethodPost, e.server.URL+e.accountPath("/api-keys/new"), strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		return b.do(req).status
	}
	withToken := url.Values{"keyName": {"forged"}, "csrfToken": {b.csrf}}
	if s := post(map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, withToken); s != http.StatusForbidden {
		t.Errorf("a cross-site form post: %d", s)
	}
	if s := post(map[string]string{"Origin": "https://evil.example"}, withToken); s != http.StatusForbidden {
		t.Errorf("a post from another origin: %d", s)
	}
	if s := post(nil, url.Values{"keyName": {"forged"}}); s != http.StatusForbidden {
		t.Errorf("a post without the token: %d", s)
	}
	if s := post(nil, url.Values{"keyName": {"forged"}, "csrfToken": {"x" + b.csrf}}); s != http.StatusForbidden {
		t.Errorf("a post with a wrong token: %d", s)
	}
	if keys, _ := e.Store.APIKeyList(e.Ctx, e.account.ID); len(keys) != 0 {
		t.Fatalf("refused posts created %d keys", len(keys))
	}
	if s := post(map[string]string{"Sec-Fetch-Site": "same-origin"}, withToken); s != http.StatusCreated {
		t.Errorf("a same-origin post with the token: %d", s)
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	for _, path := range []string{"/admin/sign-in", "/admin/nowhere"} {
		p := b.get(path)
		h := p.header
		if h.Get("Cache-Control") != "no-store" || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s headers: %v", path, h)
		}
	}
	if p := b.get("/admin/nowhere"); p.status != http.StatusNotFound {
		t.Errorf("an unknown admin page: %d", p.status)
	}
}
