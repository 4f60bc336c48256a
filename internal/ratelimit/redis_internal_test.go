package ratelimit

import (
	"context"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"pay/internal/testenv"
)

// TestRedisIdleConnectionClosedByServer closes, from the server's side, the
// connection the counter keeps idle, as a Redis restart would: the next
// count, a while later, is made on a new connection instead of failing.
func TestRedisIdleConnectionClosedByServer(t *testing.T) {
	t.Parallel()
	url := testenv.Require(t, "PAY_TEST_REDIS_URL")
	r, err := NewRedis(url, "pay-test:idle:"+time.Now().Format(time.RFC3339Nano)+":")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx := context.Background()
	c, err := r.pool.GetContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id, err := redis.Int64(c.Do("CLIENT", "ID"))
	c.Close() // back to the pool, idle
	if err != nil {
		t.Fatal(err)
	}
	admin, err := redis.DialURL(url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Do("CLIENT", "KILL", "ID", id); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	if n, err := r.Incr(ctx, "k", 1, time.Second); err != nil || n != 1 {
		t.Fatalf("count after the server closed the idle connection: %d, %v; want 1", n, err)
	}
}
