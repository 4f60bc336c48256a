package app_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"pay/internal/api/apitest"
	"pay/internal/app"
	"pay/internal/apptest"
	"pay/internal/apptest/boot"
	"pay/internal/pay"
	"pay/internal/store/pgtest"
	"pay/internal/store/postgres"
	"pay/internal/store/sqlite"
)

// start boots a real App on a free port.
func start(t *testing.T, databaseURL string) (*app.App, *app.Credentials, string) {
	t.Helper()
	return boot.Start(t, map[string]string{"DATABASE_URL": databaseURL}, app.Options{})
}

// jobCount counts River jobs of a kind in a given state ("" for any).
func jobCount(t *testing.T, a *app.App, kind, state string) int {
	t.Helper()
	var n int
	var err error
	switch s := a.Store.(type) {
	case *sqlite.Store:
		err = s.DB().QueryRow(`SELECT count(*) FROM river_job WHERE kind = ? AND (? = '' OR state = ?)`, kind, state, state).Scan(&n)
	case *postgres.Store:
		err = s.Pool().QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = $1 AND ($2 = '' OR state::text = $2)`, kind, state).Scan(&n)
	}
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func testLifecycle(t *testing.T, databaseURL string) {
	a, creds, base := start(t, databaseURL)
	if creds == nil || !strings.HasPrefix(creds.APIKey, "api_test_") || creds.Password == "" || creds.Account.Type != pay.AccountTest {
		t.Fatalf("first start credentials: %+v", creds)
	}
	var out bytes.Buffer
	creds.Print(&out, base)
	for _, want := range []string{creds.APIKey, creds.Password, creds.AdminEmail, "curl " + base + "/v1/payments"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("first-start message lacks %q:\n%s", want, out.String())
		}
	}
	c := &apitest.Client{T: t, BaseURL: base, Key: creds.APIKey}
	status := func(path string) int { return c.Do("GET", path, nil).Status }
	if status("/healthz") != 200 || status("/readyz") != 200 {
		t.Fatal("health endpoints")
	}

	t.Run("CaptureJob", func(t *testing.T) {
		res := c.Do("POST", "/v1/payments", map[string]any{"amount": 500, "reference": "r", "description": "d",
			"return_url": "https://example.org/done", "delayed_capture": true})
		id := res.Str("payment_id")
		card := &pay.Card{Number: "4444333322221111", CVC: "123", ExpiryMonth: 1, ExpiryYear: 2090, Brand: "visa"}
		if _, err := a.Payments.Authorise(context.Background(), id, card, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Payments.Confirm(context.Background(), id); err != nil {
			t.Fatal(err)
		}
		if res := c.Do("POST", "/v1/payments/"+id+"/capture", nil); res.Status != 204 {
			t.Fatalf("capture: %d %s", res.Status, res.Body)
		}
		eventually(t, "River to capture the payment", func() bool {
			p, err := a.Store.PaymentGet(context.Background(), 0, id)
			return err == nil && p.Status == pay.StatusCaptured
		})
		eventually(t, "the capture job to be marked completed", func() bool {
			return jobCount(t, a, pay.CaptureJob{}.Kind(), "completed") == 1
		})
	})
	t.Run("PeriodicJobs", func(t *testing.T) {
		eventually(t, "the periodic cleanup job to run", func() bool { return jobCount(t, a, pay.CleanupJob{}.Kind(), "completed") >= 1 })
		eventually(t, "the periodic expiry job to run", func() bool { return jobCount(t, a, pay.ExpiryJob{}.Kind(), "completed") >= 1 })
	})
	t.Run("Metrics", func(t *testing.T) {
		res := c.Do("GET", "/metrics", nil)
		if !strings.Contains(string(res.Body), `pay_http_requests_total{method="POST",route="POST /v1/payments/{paymentId}/capture",status="204"} 1`) {
			t.Fatalf("metrics:\n%s", res.Body)
		}
	})
	t.Run("OpenAPI", func(t *testing.T) {
		for _, p := range []string{"/v1/openapi.json", "/v1/openapi.yaml"} {
			if res := c.Do("GET", p, nil); res.Status != 200 || !bytes.Contains(res.Body, []byte("/v1/payments")) {
				t.Fatalf("%s: %d", p, res.Status)
			}
		}
	})
}

func TestLifecycleSQLite(t *testing.T) {
	t.Parallel()
	testLifecycle(t, apptest.SQLiteURL(t))
}

func TestLifecyclePostgres(t *testing.T) {
	t.Parallel()
	testLifecycle(t, pgtest.URL(t))
}

func TestSecondStartPrintsNoSecrets(t *testing.T) {
	t.Parallel()
	url := apptest.SQLiteURL(t)
	a, creds, _ := start(t, url)
	if creds == nil {
		t.Fatal("first start created nothing")
	}
	secret := string(a.Secret)
	before := &apitest.Client{T: t, BaseURL: "http://" + a.Addr(), Key: creds.APIKey}
	body := map[string]any{"amount": 100, "reference": "r", "description": "d", "return_url": "https://example.org"}
	first := before.Do("POST", "/v1/payments", body, "Idempotency-Key", "survives-restart")
	a.Shutdown(context.Background())
	b, again, base := start(t, url)
	if again != nil {
		t.Fatalf("second start created credentials again: %+v", again)
	}
	if string(b.Secret) != secret {
		t.Fatal("the instance secret changed across restarts, so old API keys would stop working")
	}
	c := &apitest.Client{T: t, BaseURL: base, Key: creds.APIKey}
	if res := c.Do("GET", "/v1/payments", nil); res.Status != 200 {
		t.Fatalf("the first start's key after a restart: %d", res.Status)
	}
	if res := c.Do("POST", "/v1/payments", body, "Idempotency-Key", "survives-restart"); res.Status != 200 || res.Str("payment_id") != first.Str("payment_id") {
		t.Fatalf("an Idempotency-Key after a restart: %d %s", res.Status, res.Body)
	}
}

// TestTwoInstancesOnePostgres runs two Pay instances on one database, as
// behind a load balancer: they share data and keys, set up only once, and
// River runs periodic work on one of them.
func TestTwoInstancesOnePostgres(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	type started struct {
		a     *app.App
		creds *app.Credentials
		base  string
		err   error
	}
	results := make(chan started, 2)
	for range 2 {
		go func() {
			a, creds, err := boot.App(map[string]string{"DATABASE_URL": url}, app.Options{})
			if err != nil {
				results <- started{err: err}
				return
			}
			results <- started{a, creds, "http://" + a.Addr(), nil}
		}()
	}
	one, two := <-results, <-results
	for _, s := range []started{one, two} {
		if s.a != nil {
			t.Cleanup(func() { s.a.Shutdown(context.Background()) })
		}
	}
	if one.err != nil || two.err != nil {
		t.Fatalf("starting two instances: %v, %v", one.err, two.err)
	}
	if (one.creds == nil) == (two.creds == nil) {
		t.Fatalf("exactly one instance must set up the database: %v, %v", one.creds, two.creds)
	}
	creds := one.creds
	if creds == nil {
		creds = two.creds
	}
	if string(one.a.Secret) != string(two.a.Secret) {
		t.Fatal("the instances use different secrets")
	}
	c1 := &apitest.Client{T: t, BaseURL: one.base, Key: creds.APIKey}
	c2 := &apitest.Client{T: t, BaseURL: two.base, Key: creds.APIKey}
	id := c1.Do("POST", "/v1/payments", map[string]any{"amount": 100, "reference": "lb", "description": "d",
		"return_url": "https://example.org"}).Str("payment_id")
	if res := c2.Do("GET", "/v1/payments/"+id, nil); res.Status != 200 || res.Str("payment_id") != id {
		t.Fatalf("instance two does not see instance one's payment: %d", res.Status)
	}
	if res := c2.Do("POST", "/v1/payments/"+id+"/cancel", nil); res.Status != 204 {
		t.Fatalf("cancel through instance two: %d", res.Status)
	}
	if res := c1.Do("GET", "/v1/payments/"+id, nil); res.Str("state.status") != "cancelled" {
		t.Fatalf("instance one after cancel on two: %s", res.Body)
	}
	// Revoking a key stops it on every instance at once.
	k, err := one.a.Store.APIKeyGetByHash(context.Background(), pay.HashAPIKey(creds.APIKey))
	if err != nil {
		t.Fatal(err)
	}
	if err := one.a.Store.APIKeyRevoke(context.Background(), 0, k.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if c1.Do("GET", "/v1/payments", nil).Status != 401 || c2.Do("GET", "/v1/payments", nil).Status != 401 {
		t.Fatal("a revoked key still works on one of the instances")
	}
	// Periodic jobs: River's leader inserts them, so one run, not one per instance.
	eventually(t, "the cleanup job", func() bool { return jobCount(t, one.a, pay.CleanupJob{}.Kind(), "completed") >= 1 })
	time.Sleep(500 * time.Millisecond)
	if n := jobCount(t, one.a, pay.CleanupJob{}.Kind(), ""); n != 1 {
		t.Fatalf("%d cleanup jobs for two instances, want 1", n)
	}
}

// TestReadyWhenDatabaseGone checks /readyz reports an unreachable database.
func TestReadyWhenDatabaseGone(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	a, _, base := start(t, url)
	c := &apitest.Client{T: t, BaseURL: base}
	if res := c.Do("GET", "/readyz", nil); res.Status != 200 {
		t.Fatalf("readyz: %d", res.Status)
	}
	a.Store.Close()
	if res := c.Do("GET", "/readyz", nil); res.Status != 503 {
		t.Fatalf("readyz with the store closed: %d %s", res.Status, res.Body)
	}
}
