package ratelimit

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis counts in Redis, shared by every instance: INCR on one key per
// window, which expires once the window is over.
type Redis struct {
	client *redis.Client
	prefix string
}

// NewRedis connects lazily to the Redis server at url (redis:// or
// rediss://) and namespaces its keys with prefix. It fails only on a URL it
// cannot parse; an unreachable server shows as errors from Incr. Timeouts
// are short, because a slow counter must not slow every request.
func NewRedis(url, prefix string) (*Redis, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	opts.DialTimeout = 250 * time.Millisecond
	opts.ReadTimeout = 250 * time.Millisecond
	opts.WriteTimeout = 250 * time.Millisecond
	opts.MaxRetries = -1 // no retries: the limiter falls back instead
	opts.DialerRetries = 1
	return &Redis{client: redis.NewClient(opts), prefix: prefix}, nil
}

// Incr adds one to key's count in window, in one round trip with the key's
// expiry, once the window of the given length is over.
func (r *Redis) Incr(ctx context.Context, key string, window int64, length time.Duration) (int64, error) {
	k := r.prefix + key + ":" + strconv.FormatInt(window, 10)
	pipe := r.client.TxPipeline()
	incr := pipe.Incr(ctx, k)
	pipe.Expire(ctx, k, 2*length)
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, fmt.Errorf("redis: %w", err)
	}
	return incr.Val(), nil
}

// Ping checks the server answers.
func (r *Redis) Ping(ctx context.Context) error { return r.client.Ping(ctx).Err() }

// Close closes the connections.
func (r *Redis) Close() error { return r.client.Close() }
