package proctest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"pay/internal/store/pgtest"
	"pay/internal/testenv"
)

// TestInstances runs three pay processes on one PostgreSQL database and
// one Redis, as behind a load balancer, and checks what must hold across
// them: periodic jobs run once, rate limits count requests to all of them,
// a payer's card journey and an admin's session go from one to another,
// and a revoked key stops working on all of them at once.
func TestInstances(t *testing.T) {
	optIn(t, "PAY_TEST_INSTANCES")
	databaseURL := pgtest.URL(t)
	redisURL := ownRedisDB(t, testenv.Require(t, "PAY_TEST_REDIS_URL"))
	secret := "PAY_SECRET=" + strings.Repeat("s", 40) // every instance on one database shares it
	var pays []*instance
	for range 3 {
		in := newInstance(t, "DATABASE_URL="+databaseURL, "REDIS_URL="+redisURL, secret)
		in.start()
		pays = append(pays, in)
	}
	first := pays[0]
	var hosts []string
	for _, in := range pays {
		hosts = append(hosts, in.URL())
	}
	key := first.apiKey()

	t.Run("PeriodicJobsOnce", func(t *testing.T) { periodicOnce(t, databaseURL) })
	t.Run("CardJourney", func(t *testing.T) { cardJourney(t, hosts, key) })
	t.Run("AdminSession", func(t *testing.T) { adminSession(t, hosts, first) })
	t.Run("RevokedKey", func(t *testing.T) { revokedKey(t, hosts, first) })
	t.Run("RateLimits", func(t *testing.T) { sharedRateLimits(t, hosts, key, first) })
}

// ownRedisDB points the Redis URL at a database of the test's own, so that
// other tests counting requests of account 1 at the same time do not mix in.
func ownRedisDB(t *testing.T, redisURL string) string {
	u, err := url.Parse(redisURL)
	if err != nil {
		t.Fatalf("PAY_TEST_REDIS_URL: %v", err)
	}
	u.Path = "/9"
	return u.String()
}

// periodicOnce checks that the periodic jobs, which the leader enqueues
// when it starts, were enqueued once, not once per instance.
func periodicOnce(t *testing.T, databaseURL string) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	count := func(kind string) int {
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = $1`, kind).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	kinds := []string{"expire_payments", "cleanup"}
	eventually(t, "the leader to enqueue the periodic jobs", func() bool { return count(kinds[0]) > 0 && count(kinds[1]) > 0 })
	time.Sleep(5 * time.Second) // time for the other instances to enqueue them too, if they wrongly would
	for _, kind := range kinds {
		if n := count(kind); n != 1 {
			t.Errorf("%d %s jobs from three instances, want 1: only the leader runs periodic jobs", n, kind)
		}
	}
}

// cardJourney creates a payment on one instance and pays it with each page
// served by the next instance; the payment is captured.
func cardJourney(t *testing.T, hosts []string, key string) {
	ctx := context.Background()
	res, err := newClient(hosts[0], key).want(ctx, http.StatusCreated, "POST", "/v1/payments", payment(nil))
	if err != nil {
		t.Fatal(err)
	}
	id := res.Str("payment_id")
	if err := newPayer().pay(ctx, []string{hosts[1], hosts[2], hosts[0], hosts[1]}, res.Str("_links.next_url.href"), crashCard); err != nil {
		t.Fatalf("a card journey across instances: %v", err)
	}
	eventually(t, "the payment to be captured", func() bool {
		got, err := newClient(hosts[2], key).want(ctx, http.StatusOK, "GET", "/v1/payments/"+id, nil)
		return err == nil && got.Str("settlement_summary.captured_date") != ""
	})
}

// adminSession signs in on one instance and uses the admin site on the
// others with the same session.
func adminSession(t *testing.T, hosts []string, first *instance) {
	ctx := context.Background()
	b := newPayer() // a browser: cookies, no redirects followed
	if status, _, err := b.send(ctx, http.MethodGet, hosts[0]+"/admin/services", nil); err != nil || status != http.StatusSeeOther {
		t.Fatalf("the admin site before signing in: %d %v, want a redirect to sign in", status, err)
	}
	if _, _, err := b.send(ctx, http.MethodGet, hosts[0]+"/admin/sign-in", nil); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"email": {"admin@pay.localhost"}, "password": {first.printed(`Password:\s+(\S+)`)},
		"csrfToken": {b.cookie(hosts[0]+"/admin/sign-in", "pay_admin_sign_in")}}
	status, loc, err := b.send(ctx, http.MethodPost, hosts[1]+"/admin/sign-in", form)
	if err != nil || status != http.StatusSeeOther || strings.Contains(loc, "sign-in") {
		t.Fatalf("sign in on the second instance: %d %q %v", status, loc, err)
	}
	for _, h := range hosts {
		if status, _, err := b.send(ctx, http.MethodGet, h+"/admin/services", nil); err != nil || status != http.StatusOK {
			t.Errorf("the admin site on %s with the session: %d %v, want 200", h, status, err)
		}
	}
}

// cookie returns the value of the cookie the browser would send to u.
func (p *payer) cookie(u, name string) string {
	parsed, _ := url.Parse(u)
	for _, c := range p.http.Jar.Cookies(parsed) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// revokedKey creates a key, uses it on every instance, revokes it and
// finds it refused by every instance at once.
func revokedKey(t *testing.T, hosts []string, first *instance) {
	ctx := context.Background()
	key := strings.TrimSpace(first.command("keys", "create", "--description", "three instances"))
	for _, h := range hosts {
		if _, err := newClient(h, key).want(ctx, http.StatusOK, "GET", "/v1/payments", nil); err != nil {
			t.Fatalf("a new key on %s: %v", h, err)
		}
	}
	m := regexp.MustCompile(`(?m)^(\d+)\s.*three instances`).FindStringSubmatch(first.command("keys", "list"))
	if m == nil {
		t.Fatal("the new key is not in pay keys list")
	}
	first.command("keys", "revoke", m[1])
	for _, h := range hosts {
		if _, err := newClient(h, key).want(ctx, http.StatusUnauthorized, "GET", "/v1/payments", nil); err != nil {
			t.Errorf("the revoked key on %s: %v", h, err)
		}
	}
}

// sharedRateLimits allows 10 requests a second and sends 15 within one
// second, round the instances: 5 are refused, as with one instance.
func sharedRateLimits(t *testing.T, hosts []string, key string, first *instance) {
	const limit, sent = 10, 15
	first.command("accounts", "set", "1", fmt.Sprintf("rate_limit_other=%d", limit))
	var ok, limited int
	for range 3 { // a window that ends in the middle of the burst counts twice: try again
		ok, limited = burst(t, hosts, key, sent)
		if ok == limit {
			break
		}
	}
	if ok != limit || limited != sent-limit {
		t.Fatalf("%d requests in one second across three instances: %d answered, %d refused (429); want %d and %d",
			sent, ok, limited, limit, sent-limit)
	}
}

// burst sends n API requests round the instances at the start of a second
// and counts the answers and the 429s.
func burst(t *testing.T, hosts []string, key string, n int) (ok, limited int) {
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second + 20*time.Millisecond)))
	for i := range n {
		res, err := newClient(hosts[i%len(hosts)], key).do(context.Background(), "GET", "/v1/payments?display_size=1", nil)
		if err != nil {
			t.Fatal(err)
		}
		switch res.Status {
		case http.StatusOK:
			ok++
		case http.StatusTooManyRequests:
			limited++
		default:
			t.Fatalf("GET /v1/payments: %d %s", res.Status, res.Str("description"))
		}
	}
	return ok, limited
}

// eventually waits up to 30 seconds for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
