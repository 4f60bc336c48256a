package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"pay/internal/testenv"
)

// syncBuffer is a buffer a running command writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testEnv(t *testing.T) func(string) string {
	db := "sqlite:" + filepath.Join(t.TempDir(), "pay.db")
	return func(k string) string {
		return map[string]string{"DATABASE_URL": db, "PAY_ADDR": "127.0.0.1:0"}[k]
	}
}

// runCmd runs a command to completion.
func runCmd(t *testing.T, getenv func(string) string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, getenv, &out, &errOut)
	return out.String(), errOut.String(), err
}

// serveOnce starts pay serve, waits until it runs, stops it and returns what it printed.
func serveOnce(t *testing.T, getenv func(string) string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, getenv, &out, &errOut) }()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "Pay is running") {
		if time.Now().After(deadline) {
			t.Fatalf("pay serve did not start:\n%s\n%s", out.String(), errOut.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v\n%s", err, errOut.String())
	}
	return out.String()
}

var keyPattern = regexp.MustCompile(`^api_test_[0-9a-v]{26}[0-9a-v]{32}$`)

func TestServePrintsSecretsOnce(t *testing.T) {
	t.Parallel()
	env := testEnv(t)
	first := serveOnce(t, env)
	m := regexp.MustCompile(`Test API key: (\S+)`).FindStringSubmatch(first)
	if m == nil || !keyPattern.MatchString(m[1]) || !strings.Contains(first, "Admin user:   admin@pay.localhost") ||
		!strings.Contains(first, "Password:") {
		t.Fatalf("first start printed:\n%s", first)
	}
	second := serveOnce(t, env)
	if strings.Contains(second, "api_test_") || strings.Contains(second, "Password") {
		t.Fatalf("second start printed secrets:\n%s", second)
	}
}

func TestKeys(t *testing.T) {
	t.Parallel()
	env := testEnv(t)
	serveOnce(t, env) // first start: a sandbox account and key 1
	out, _, err := runCmd(t, env, "keys", "create", "--description", "my key")
	if err != nil || !keyPattern.MatchString(strings.TrimSuffix(out, "\n")) || strings.Count(out, "\n") != 1 {
		t.Fatalf("keys create printed %q, %v", out, err)
	}
	list, _, err := runCmd(t, env, "keys", "list")
	key := strings.TrimSpace(out)
	if err != nil || !strings.Contains(list, "my key") || !strings.Contains(list, "api_test_…"+key[len(key)-4:]) || strings.Contains(list, key) {
		t.Fatalf("keys list:\n%s %v", list, err)
	}
	if out, _, err := runCmd(t, env, "keys", "revoke", "2"); err != nil || !strings.Contains(out, "Revoked API key 2") {
		t.Fatalf("revoke: %q %v", out, err)
	}
	if _, _, err := runCmd(t, env, "keys", "revoke", "2"); err == nil || !strings.Contains(err.Error(), "already revoked") {
		t.Fatalf("second revoke: %v", err)
	}
	if _, _, err := runCmd(t, env, "keys", "revoke", "99"); err == nil {
		t.Fatal("revoking a missing key succeeded")
	}
	if _, _, err := runCmd(t, env, "keys", "create", "--account", "42"); err == nil {
		t.Fatal("a key for a missing account")
	}
}

func TestAccounts(t *testing.T) {
	t.Parallel()
	env := testEnv(t)
	serveOnce(t, env)
	if _, _, err := runCmd(t, env, "accounts", "set", "1", "allow_moto=true", "card_types=visa-debit,master-card-credit"); err != nil {
		t.Fatal(err)
	}
	list, _, err := runCmd(t, env, "accounts", "list")
	if err != nil || !strings.Contains(list, "allow_moto=true") || !strings.Contains(list, "card_types=visa-debit,master-card-credit") {
		t.Fatalf("accounts list:\n%s", list)
	}
	// A bad assignment changes nothing, even after a good one.
	if _, _, err := runCmd(t, env, "accounts", "set", "1", "allow_zero_amount=true", "allow_moto=perhaps"); err == nil {
		t.Fatal("a bad value was accepted")
	}
	if list, _, _ := runCmd(t, env, "accounts", "list"); !strings.Contains(list, "allow_zero_amount=false") {
		t.Fatalf("a refused set stored part of its changes:\n%s", list)
	}
	for _, args := range [][]string{{"accounts", "set", "1", "nonsense=1"}, {"accounts", "set", "9", "allow_moto=true"}, {"accounts", "set", "1"}} {
		if _, _, err := runCmd(t, env, args...); err == nil {
			t.Errorf("%v succeeded", args)
		}
	}
}

func TestUsersAndMigrate(t *testing.T) {
	t.Parallel()
	env := testEnv(t)
	if out, _, err := runCmd(t, env, "migrate"); err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate: %q %v", out, err)
	}
	out, _, err := runCmd(t, env, "users", "create", "--email", "ops@example.org")
	if err != nil || !strings.Contains(out, "Created user ops@example.org with password ") {
		t.Fatalf("users create: %q %v", out, err)
	}
	if _, _, err := runCmd(t, env, "users", "create", "--email", "OPS@example.org"); err == nil {
		t.Fatal("a duplicate user was created")
	}
	if _, _, err := runCmd(t, env, "users", "create"); err == nil {
		t.Fatal("users create without an email succeeded")
	}
}

func TestUsage(t *testing.T) {
	t.Parallel()
	env := testEnv(t)
	if out, _, err := runCmd(t, env, "help"); err != nil || !strings.Contains(out, "keys create") {
		t.Fatalf("help: %q %v", out, err)
	}
	for _, args := range [][]string{{"frobnicate"}, {"keys"}, {"keys", "burn"}, {"accounts", "delete"}} {
		if _, errOut, err := runCmd(t, env, args...); err == nil || !strings.Contains(errOut, "Usage: pay") {
			t.Errorf("%v: %v, stderr %q", args, err, errOut)
		}
	}
	bad := func(k string) string { return map[string]string{"DATABASE_URL": "mysql://x"}[k] }
	if _, _, err := runCmd(t, bad, "migrate"); err == nil {
		t.Error("a bad DATABASE_URL was accepted")
	}
}

// TestAccountsCreateLive makes the sandbox service's live account on
// stripe-mock, then a live key for it; bad keys and repeats are refused.
func TestAccountsCreateLive(t *testing.T) {
	t.Parallel()
	mock := testenv.Require(t, "PAY_TEST_STRIPE_MOCK_URL")
	base := testEnv(t)
	env := func(k string) string {
		if k == "PAY_STRIPE_API_URL" {
			return mock
		}
		return base(k)
	}
	serveOnce(t, env)
	create := func(key, webhook string) (string, error) {
		out, _, err := runCmd(t, env, "accounts", "create", "--service", "1", "--live", "--provider", "stripe",
			"--stripe-secret-key", key, "--stripe-webhook-secret", webhook)
		return out, err
	}
	for _, tt := range []struct{ key, webhook, want string }{
		{"pk_test_nope", "whsec_x", "secret key"},
		{"sk_test_mock", "nope", "whsec_"},
	} {
		if _, err := create(tt.key, tt.webhook); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("create with %s %s: %v, want %q", tt.key, tt.webhook, err, tt.want)
		}
	}
	if _, _, err := runCmd(t, env, "accounts", "create", "--service", "1", "--provider", "stripe"); err == nil {
		t.Error("a create without --live succeeded")
	}
	out, err := create("sk_test_mock", "whsec_mock")
	if err != nil || out != "2\n" {
		t.Fatalf("accounts create printed %q, %v", out, err)
	}
	if _, err := create("sk_test_mock", "whsec_mock"); err == nil || !strings.Contains(err.Error(), "already has a live account") {
		t.Fatalf("second live account: %v", err)
	}
	list, _, _ := runCmd(t, env, "accounts", "list")
	if !strings.Contains(list, "Account 2: Sandbox service (service 1), live, provider stripe") || strings.Contains(list, "sk_test_mock") {
		t.Fatalf("accounts list:\n%s", list)
	}
	key, _, err := runCmd(t, env, "keys", "create", "--account", "2")
	if err != nil || !strings.HasPrefix(key, "api_live_") {
		t.Fatalf("live key %q, %v", key, err)
	}
	replace := func(account, key string) (string, error) {
		out, _, err := runCmd(t, env, "accounts", "credentials", account, "--stripe-secret-key", key, "--stripe-webhook-secret", "whsec_rolled")
		return out, err
	}
	if out, err := replace("2", "sk_test_rolled"); err != nil || !strings.Contains(out, "Replaced the Stripe credentials of account 2") {
		t.Fatalf("accounts credentials: %q %v", out, err)
	}
	if _, err := replace("1", "sk_test_rolled"); err == nil || !strings.Contains(err.Error(), "does not use Stripe") {
		t.Fatalf("credentials for the sandbox account: %v", err)
	}
	if _, err := replace("2", "pk_test_nope"); err == nil {
		t.Fatal("a publishable key replaced the secret key")
	}
}

// TestAccountsCreateRefusesTestKeyForStripe: without PAY_STRIPE_API_URL a
// test-mode key cannot make a live account, and nothing is created.
func TestAccountsCreateRefusesTestKeyForStripe(t *testing.T) {
	t.Parallel()
	env := testEnv(t)
	serveOnce(t, env)
	_, _, err := runCmd(t, env, "accounts", "create", "--service", "1", "--live", "--provider", "stripe",
		"--stripe-secret-key", "sk_test_abc", "--stripe-webhook-secret", "whsec_abc")
	if err == nil || !strings.Contains(err.Error(), "test-mode key") {
		t.Fatalf("test key for a live account: %v", err)
	}
	if list, _, _ := runCmd(t, env, "accounts", "list"); strings.Contains(list, "live") {
		t.Fatalf("an account was created:\n%s", list)
	}
}
