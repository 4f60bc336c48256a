package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"runtime"
	"strconv"
	"time"

	"github.com/gomodule/redigo/redis"
)

// Redis counts in Redis, shared by every instance: INCR on one key per
// window, which expires once the window is over.
//
// It uses redigo, whose API is a few functions, rather than go-redis,
// whose every Redis command is an exported method: a binary that renders
// templates keeps every exported method, and those took 8 MB of Pay's.
type Redis struct {
	pool   *redis.Pool
	prefix string
}

// redisTimeout bounds connecting, the TLS handshake, and each read and
// write: a slow counter must not slow every request.
const redisTimeout = 250 * time.Millisecond

// pathDB is a Redis URL's path: none, "/", or a database number.
var pathDB = regexp.MustCompile(`^(/[0-9]*)?$`)

// NewRedis connects lazily to the Redis server at rawURL (redis:// or
// rediss://, with an optional user, password and database number) and
// namespaces its keys with prefix. It fails only on a URL it cannot parse;
// an unreachable server shows as errors from Incr.
func NewRedis(rawURL, prefix string) (*Redis, error) {
	// The client parses the URL only when it dials: check it now, so that a
	// mistyped REDIS_URL stops Pay at start.
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, errors.New("REDIS_URL: not a URL")
	}
	if u.Scheme != "redis" && u.Scheme != "rediss" || !pathDB.MatchString(u.Path) {
		return nil, errors.New("REDIS_URL: want redis://[[user]:password@]host[:port][/database] or rediss://…")
	}
	pool := &redis.Pool{
		DialContext: func(ctx context.Context) (redis.Conn, error) {
			return redis.DialURLContext(ctx, rawURL,
				redis.DialConnectTimeout(redisTimeout), redis.DialTLSHandshakeTimeout(redisTimeout),
				redis.DialReadTimeout(redisTimeout), redis.DialWriteTimeout(redisTimeout))
		},
		// A connection is made per request in flight; as many as go-redis
		// kept by default stay open between them.
		MaxIdle:     10 * runtime.GOMAXPROCS(0),
		IdleTimeout: 5 * time.Minute,
		// A connection idle for a while may have been closed by the server
		// (a restart, its idle timeout): check it before use, so that the
		// first request after the limiter's retry pause (5 s) does not fail
		// on it. Busy connections are not checked.
		TestOnBorrowContext: func(ctx context.Context, c redis.Conn, lastUsed time.Time) error {
			if time.Since(lastUsed) < time.Second {
				return nil
			}
			_, err := redis.DoContext(c, ctx, "PING")
			return err
		},
	}
	return &Redis{pool: pool, prefix: prefix}, nil
}

// Incr adds one to key's count in window, in one round trip with the key's
// expiry, once the window of the given length is over.
func (r *Redis) Incr(ctx context.Context, key string, window int64, length time.Duration) (int64, error) {
	k := r.prefix + key + ":" + strconv.FormatInt(window, 10)
	c, err := r.pool.GetContext(ctx)
	if err != nil {
		return 0, fmt.Errorf("redis: %w", err)
	}
	defer c.Close()
	// MULTI and the queued commands are buffered and sent with EXEC.
	c.Send("MULTI")
	c.Send("INCR", k)
	c.Send("PEXPIRE", k, (2 * length).Milliseconds())
	replies, err := redis.Values(redis.DoContext(c, ctx, "EXEC"))
	if err != nil {
		return 0, fmt.Errorf("redis: %w", err)
	}
	if len(replies) != 2 {
		return 0, fmt.Errorf("redis: EXEC answered %d replies, want 2", len(replies))
	}
	n, err := redis.Int64(replies[0], nil)
	if err != nil {
		return 0, fmt.Errorf("redis: INCR: %w", err)
	}
	return n, nil
}

// Ping checks the server answers.
func (r *Redis) Ping(ctx context.Context) error {
	c, err := r.pool.GetContext(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = redis.DoContext(c, ctx, "PING")
	return err
}

// Close closes the connections.
func (r *Redis) Close() error { return r.pool.Close() }
