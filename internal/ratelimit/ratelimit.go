// Package ratelimit counts requests in fixed windows (of one second, as
// GOV.UK Pay's API does, or longer, as sign-in attempts are counted): per
// instance in memory, or shared by every instance through Redis, falling
// back to the instance's own counts while Redis cannot be reached.
package ratelimit

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Window is the length of a counting window unless a Limiter sets another.
const Window = time.Second

// Counter adds one to a key's count in a window (the number of windows of
// the given length since the Unix epoch) and returns the new count.
type Counter interface {
	Incr(ctx context.Context, key string, window int64, length time.Duration) (int64, error)
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
	// Window is the length of the counting windows; 0 is Window.
	Window time.Duration

	local     Memory
	downUntil atomic.Int64 // Unix nanoseconds until which Shared is not tried
}

// Allow counts one request for key in the current window and reports
// whether the count is still within limit. It never fails: if the shared
// counter cannot answer, the instance's own count decides.
func (l *Limiter) Allow(ctx context.Context, key string, limit int) bool {
	now, length := l.now(), l.window()
	window := now.UnixNano() / int64(length)
	n, ok := l.shared(ctx, now, key, window, length)
	if !ok {
		n, _ = l.local.Incr(ctx, key, window, length)
	}
	return n <= int64(limit)
}

func (l *Limiter) window() time.Duration {
	if l.Window > 0 {
		return l.Window
	}
	return Window
}

// shared counts with the shared counter unless it failed recently.
func (l *Limiter) shared(ctx context.Context, now time.Time, key string, window int64, length time.Duration) (int64, bool) {
	if l.Shared == nil || now.UnixNano() < l.downUntil.Load() {
		return 0, false
	}
	n, err := l.Shared.Incr(ctx, key, window, length)
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

// Memory counts per instance. It keeps one counter per key and forgets
// the counters of past windows when a later window starts, so its size is
// bounded by the keys counted in one window, even where keys come from
// what anyone may send (sign-in emails). The zero value is ready to use.
type Memory struct {
	mu     sync.Mutex
	counts map[string]*count
	latest int64 // the latest window counted in
}

type count struct {
	window int64
	n      int64
}

// Incr adds one to key's count in window and never fails.
func (m *Memory) Incr(_ context.Context, key string, window int64, _ time.Duration) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.counts == nil {
		m.counts = map[string]*count{}
	}
	if window > m.latest {
		m.forgetBefore(window)
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

// forgetBefore drops the counters of windows before window, which no
// request counts in any more.
func (m *Memory) forgetBefore(window int64) {
	for key, c := range m.counts {
		if c.window < window {
			delete(m.counts, key)
		}
	}
	m.latest = window
}

// Len is how many counters m keeps.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.counts)
}
