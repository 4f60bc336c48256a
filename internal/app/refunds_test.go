package app_test

import (
	"context"
	"testing"
	"time"

	"pay/internal/api/apitest"
	"pay/internal/app"
	"pay/internal/apptest"
	"pay/internal/apptest/boot"
	"pay/internal/config"
	"pay/internal/pay"
	"pay/internal/provider/sandbox"
	"pay/internal/ratelimit"
	"pay/internal/store/pgtest"
	"pay/internal/testenv"
)

// fastDisputes unfolds sandbox disputes at once, without waiting for River's
// scheduler, which promotes scheduled jobs every few seconds.
var fastDisputes = &sandbox.Provider{Disputes: sandbox.DisputeTiming{Open: -1, Review: -1, Decide: -1, EvidenceWindow: time.Hour}}

// startClient boots a real App and returns it with a client holding its first key.
func startClient(t *testing.T, env map[string]string, opts app.Options) (*app.App, *apitest.Client) {
	t.Helper()
	a, creds, base := boot.Start(t, env, opts)
	return a, &apitest.Client{T: t, BaseURL: base, Key: creds.APIKey}
}

// paid creates a payment and pays it with card through the payer's side;
// River captures it.
func paid(t *testing.T, a *app.App, c *apitest.Client, card string) string {
	t.Helper()
	id := c.Do("POST", "/v1/payments", map[string]any{"amount": 1000, "reference": "r", "description": "d",
		"return_url": "https://example.org/done"}).Str("payment_id")
	pc := &pay.Card{Number: card, CVC: "123", ExpiryMonth: 1, ExpiryYear: 2090, CardholderName: "J Payer", Brand: "visa"}
	if _, err := a.Payments.Authorise(context.Background(), id, pc, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Payments.Confirm(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	// Captured, whatever a dispute has made of the payment since: a sandbox
	// dispute can open and be decided between two looks.
	eventually(t, "River to capture the payment", func() bool {
		return c.Do("GET", "/v1/payments/"+id, nil).Str("settlement_summary.captured_date") != ""
	})
	return id
}

func testRefundAndDisputeJobs(t *testing.T, databaseURL string) {
	a, c := startClient(t, map[string]string{"DATABASE_URL": databaseURL}, app.Options{Sandbox: fastDisputes})

	t.Run("Refund", func(t *testing.T) {
		id := paid(t, a, c, "4444333322221111")
		res := c.Do("POST", "/v1/payments/"+id+"/refunds", map[string]any{"amount": 400, "refund_amount_available": 1000})
		if res.Status != 202 {
			t.Fatalf("refund: %d %s", res.Status, res.Body)
		}
		rid := res.Str("refund_id")
		eventually(t, "River to send the refund", func() bool {
			return c.Do("GET", "/v1/payments/"+id+"/refunds/"+rid, nil).Str("status") == "success"
		})
		eventually(t, "the refund job to be marked completed", func() bool {
			return jobCount(t, a, pay.RefundJob{}.Kind(), "completed") == 1
		})
		if got := c.Do("GET", "/v1/payments/"+id, nil); got.Str("refund_summary.amount_available") != "600" {
			t.Fatalf("after the refund: %s", got.Str("refund_summary"))
		}
	})
	t.Run("DisputeLost", func(t *testing.T) {
		id := paid(t, a, c, sandbox.CardDisputeLost)
		eventually(t, "the sandbox dispute to be lost", func() bool {
			res := c.Do("GET", "/v1/disputes?status=lost", nil)
			return res.Str("results.0.payment_id") == id && res.Str("results.0.net_amount") == "-2500"
		})
		res := c.Do("POST", "/v1/payments/"+id+"/refunds", map[string]any{"amount": 1})
		if res.Status != 400 || res.Str("description") != "The payment is disputed and cannot be refunded" {
			t.Fatalf("refund of a lost dispute: %d %s", res.Status, res.Body)
		}
	})
}

func TestRefundAndDisputeJobsSQLite(t *testing.T) {
	t.Parallel()
	testRefundAndDisputeJobs(t, apptest.SQLiteURL(t))
}

func TestRefundAndDisputeJobsPostgres(t *testing.T) {
	t.Parallel()
	testRefundAndDisputeJobs(t, pgtest.URL(t))
}

// TestRateLimitsShareRedis runs two instances, each on its own database but
// both with account 1, on one Redis: their requests count together.
func TestRateLimitsShareRedis(t *testing.T) {
	t.Parallel()
	redisURL := testenv.Require(t, "PAY_TEST_REDIS_URL")
	var clients []*apitest.Client
	for range 2 {
		a, c := startClient(t, map[string]string{"DATABASE_URL": apptest.SQLiteURL(t), "REDIS_URL": redisURL}, app.Options{})
		if _, ok := a.Limiter.Shared.(*ratelimit.Redis); !ok {
			t.Fatalf("REDIS_URL set but the limiter counts with %T", a.Limiter.Shared)
		}
		acct, err := a.Store.AccountGet(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		acct.Settings.RateLimitOther = 3
		if err := a.Store.AccountUpdate(context.Background(), acct); err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	for attempt := 0; ; attempt++ {
		second := time.Now().Truncate(time.Second)
		var statuses []int
		for _, c := range []*apitest.Client{clients[0], clients[1], clients[0], clients[1]} {
			statuses = append(statuses, c.Do("GET", "/v1/payments", nil).Status)
		}
		if !time.Now().Truncate(time.Second).Equal(second) && attempt < 5 {
			time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
			continue // the requests straddled two windows: try again in a fresh one
		}
		if statuses[3] != 429 {
			t.Fatalf("four requests over two instances with a limit of 3: %v, want the last refused", statuses)
		}
		return
	}
}

func TestRedisURL(t *testing.T) {
	t.Parallel()
	cfg, err := config.FromEnv(func(k string) string {
		return map[string]string{"DATABASE_URL": apptest.SQLiteURL(t), "REDIS_URL": "http://not-redis"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	if a, err := app.Open(context.Background(), cfg, app.Options{}); err == nil {
		a.Shutdown(context.Background())
		t.Fatal("a REDIS_URL that is not a Redis URL was accepted")
	}
	a, _ := startClient(t, map[string]string{"DATABASE_URL": apptest.SQLiteURL(t)}, app.Options{})
	if a.Limiter == nil || a.Limiter.Shared != nil {
		t.Fatalf("without REDIS_URL the limits must be per instance: %+v", a.Limiter)
	}
}
