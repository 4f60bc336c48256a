package ratelimit_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"pay/internal/ratelimit"
	"pay/internal/testenv"
)

// envRedis names the variable that points the tests at a Redis server, for
// example redis://127.0.0.1:6379/0.
const envRedis = "PAY_TEST_REDIS_URL"

// redisURL returns the test server's URL. Without it the test skips, or
// fails when CI is set, because in CI a skipped Redis test is a failure.
func redisURL(t *testing.T) string {
	t.Helper()
	return testenv.Require(t, envRedis)
}

// uniquePrefix keeps concurrent test runs on one server apart.
func uniquePrefix() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "pay-test:" + hex.EncodeToString(b) + ":"
}

func newRedis(t *testing.T, url, prefix string) *ratelimit.Redis {
	t.Helper()
	r, err := ratelimit.NewRedis(url, prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// TestRedisSharedAcrossInstances runs two limiters, as two Pay instances
// would, on one Redis: they share one count per key and window.
func TestRedisSharedAcrossInstances(t *testing.T) {
	t.Parallel()
	url, prefix := redisURL(t), uniquePrefix()
	// A whole number of seconds in the future, far from any other test's window.
	c := &clock{now: time.Now().Add(time.Hour).Truncate(time.Second)}
	a := &ratelimit.Limiter{Shared: newRedis(t, url, prefix), Now: c.Now}
	b := &ratelimit.Limiter{Shared: newRedis(t, url, prefix), Now: c.Now}
	if got := allowed(a, "7:post", 5, 3) + allowed(b, "7:post", 5, 3); got != 5 {
		t.Fatalf("two instances allowed %d requests together, want the shared limit of 5", got)
	}
	if got := allowed(b, "8:post", 5, 1); got != 1 {
		t.Fatal("another account's key was limited")
	}
	c.Set(c.Now().Add(time.Second))
	if got := allowed(a, "7:post", 5, 6); got != 5 {
		t.Fatalf("in the next window %d allowed, want 5", got)
	}

	conn := redisConn(t, url)
	key := prefix + "7:post:" + strconv.FormatInt(c.Now().Unix(), 10)
	n, err := redis.Int(conn.Do("GET", key))
	if err != nil || n != 6 {
		t.Fatalf("Redis key %s = %d (%v), want the window's count 6", key, n, err)
	}
	if ttl, err := keyTTL(conn, key); err != nil || ttl <= 0 || ttl > 2*time.Second {
		t.Fatalf("key TTL %v (%v): every window's key must expire within two seconds", ttl, err)
	}
}

// TestRedisUnreachable checks requests are still limited, per instance,
// when Redis cannot be reached.
func TestRedisUnreachable(t *testing.T) {
	t.Parallel()
	down := newRedis(t, "redis://127.0.0.1:1/0", uniquePrefix())
	if err := down.Ping(context.Background()); err == nil {
		t.Skip("something answers on 127.0.0.1:1")
	}
	l := &ratelimit.Limiter{Shared: down}
	if got := allowed(l, "k", 3, 5); got != 3 {
		t.Fatalf("with Redis down %d of 5 allowed, want the local limit of 3", got)
	}
}

func TestRedisURL(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"http://127.0.0.1:6379", "redis://127.0.0.1:6379/zero", "redis://127.0.0.1:6379/0/1", "127.0.0.1:6379", "redis://[::1"} {
		if _, err := ratelimit.NewRedis(bad, "p:"); err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
	for _, good := range []string{"redis://127.0.0.1:6379/0", "redis://:secret@redis.example.org", "rediss://user:secret@redis.example.org:6380/", "redis://localhost/15"} {
		r, err := ratelimit.NewRedis(good, "p:")
		if err != nil {
			t.Errorf("%q: %v", good, err)
			continue
		}
		r.Close()
	}
}

func redisConn(t *testing.T, url string) redis.Conn {
	t.Helper()
	c, err := redis.DialURL(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// keyTTL is how long key has left before it expires.
func keyTTL(c redis.Conn, key string) (time.Duration, error) {
	ms, err := redis.Int64(c.Do("PTTL", key))
	return time.Duration(ms) * time.Millisecond, err
}

// TestRedisLongerWindow counts in one-minute windows, as sign-in attempts
// are: the count lasts the whole minute, and its key expires after it.
func TestRedisLongerWindow(t *testing.T) {
	t.Parallel()
	url, prefix := redisURL(t), uniquePrefix()
	c := &clock{now: time.Now().Add(time.Hour).Truncate(time.Minute)}
	l := &ratelimit.Limiter{Shared: newRedis(t, url, prefix), Now: c.Now, Window: time.Minute}
	if got := allowed(l, "signin", 3, 2); got != 2 {
		t.Fatalf("%d allowed, want 2", got)
	}
	c.Set(c.Now().Add(59 * time.Second))
	if got := allowed(l, "signin", 3, 2); got != 1 {
		t.Fatalf("later in the same minute %d allowed, want 1", got)
	}
	key := prefix + "signin:" + strconv.FormatInt(c.Now().Unix()/60, 10)
	ttl, err := keyTTL(redisConn(t, url), key)
	if err != nil || ttl <= time.Minute || ttl > 2*time.Minute {
		t.Fatalf("key %s TTL %v (%v): a one-minute window's key must outlive the minute, within two", key, ttl, err)
	}
	c.Set(c.Now().Add(time.Second))
	if got := allowed(l, "signin", 3, 4); got != 3 {
		t.Fatalf("in the next minute %d allowed, want 3", got)
	}
}
