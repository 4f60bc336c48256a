// Package ratelimit counts requests in fixed one-second windows, as GOV.UK
// Pay's API does: per instance in memory, or shared by every instance
// through Redis, falling back to the instance's own counts while Redis
// cannot be reached.
package ratelimit

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Window is the length of a counting window.
const Window = time.Second

// Counter adds one to a key's count in a window and returns the new count.
type Counter interface {
	Incr(ctx context.Context, key string, window int64) (int64, error)
}

// Limiter decides whether a request is within its limit. The zero value
// counts per instance in memory with the real clock.
type Limiter struct {
	// Shared counts for every instance (Redis); nil counts per instance.
	Shared Counter
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Logger hears when the shared counter fails and recovers; nil is silent.
	Logger *slog.Logger
	// Retry is how long the limiter counts locally after the shared counter
	// fails before trying it again; 0 is 5 seconds.
	Retry time.Duration

	local     Memory
	downUntil atomic.Int64 // Unix nanoseconds until which Shared is not tried
}

// Allow counts one request for key in the current window and reports
// whether the count is still within limit. It never fails: if the shared
// counter cannot answer, the instance's own count decides.
func (l *Limiter) Allow(ctx context.Context, key string, limit int) bool {
	now := l.now()
	window := now.UnixNano() / int64(Window)
	n, ok := l.shared(ctx, now, key, window)
	if !ok {
		n, _ = l.local.Incr(ctx, key, window)
	}
	return n <= int64(limit)
}

// shared counts with the shared counter unless it failed recently.
func (l *Limiter) shared(ctx context.Context, now time.Time, key string, window int64) (int64, bool) {
	if l.Shared == nil || now.UnixNano() < l.downUntil.Load() {
		return 0, false
	}
	n, err := l.Shared.Incr(ctx, key, window)
	if err != nil {
		retry := l.Retry
		if retry == 0 {
			retry = 5 * time.Second
		}
		// From now, not from the request's start: a failure can be slow.
		if l.downUntil.Swap(l.now().Add(retry).UnixNano()) == 0 && l.Logger != nil {
			l.Logger.WarnContext(ctx, "shared rate-limit counter unavailable; counting per instance", slog.Any("error", err))
		}
		return 0, false
	}
	if l.downUntil.Swap(0) != 0 && l.Logger != nil {
		l.Logger.InfoContext(ctx, "shared rate-limit counter available again")
	}
	return n, true
}

func (l *Limiter) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

// Memory counts per instance. It keeps one counter per key, reset when a
// new window starts, so its size is bounded by the number of keys (accounts
// times buckets). The zero value is ready to use.
type Memory struct {
	mu     sync.Mutex
	counts map[string]*count
}

type count struct {
	window int64
	n      int64
}

// Incr adds one to key's count in window and never fails.
func (m *Memory) Incr(_ context.Context, key string, window int64) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.counts == nil {
		m.counts = map[string]*count{}
	}
	c := m.counts[key]
	if c == nil {
		c = &count{}
		m.counts[key] = c
	}
	if c.window != window {
		c.window, c.n = window, 0
	}
	c.n++
	return c.n, nil
}
