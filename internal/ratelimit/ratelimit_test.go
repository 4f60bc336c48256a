package ratelimit_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"pay/internal/ratelimit"
)

// clock is a settable clock for the limiter.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

var start = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// allowed counts how many of n requests for key are allowed.
func allowed(l *ratelimit.Limiter, key string, limit, n int) int {
	ok := 0
	for range n {
		if l.Allow(context.Background(), key, limit) {
			ok++
		}
	}
	return ok
}

func TestFixedWindow(t *testing.T) {
	t.Parallel()
	c := &clock{now: start}
	l := &ratelimit.Limiter{Now: c.Now}
	steps := []struct {
		at         time.Duration // from the start of a second
		key        string
		limit, n   int
		wantAllows int
	}{
		{0, "1:post", 3, 5, 3},
		{999 * time.Millisecond, "1:post", 3, 1, 0},             // still the same window
		{999 * time.Millisecond, "1:other", 2, 3, 2},            // another bucket counts apart
		{999 * time.Millisecond, "2:post", 3, 3, 3},             // and another account
		{time.Second, "1:post", 3, 3, 3},                        // a new window starts afresh
		{time.Second + 500*time.Millisecond, "1:post", 4, 2, 1}, // a raised limit takes effect at once
		{3 * time.Second, "1:post", 1, 2, 1},
	}
	for _, s := range steps {
		c.Set(start.Add(s.at))
		if got := allowed(l, s.key, s.limit, s.n); got != s.wantAllows {
			t.Fatalf("at +%v, %d requests for %s with limit %d: %d allowed, want %d", s.at, s.n, s.key, s.limit, got, s.wantAllows)
		}
	}
}

func TestConcurrentRequests(t *testing.T) {
	t.Parallel()
	c := &clock{now: start}
	l := &ratelimit.Limiter{Now: c.Now}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 100 {
		wg.Go(func() {
			if l.Allow(context.Background(), "k", 15) {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if ok != 15 {
		t.Fatalf("%d of 100 concurrent requests allowed, want 15", ok)
	}
}

// failing is a shared counter that is down until told otherwise.
type failing struct {
	mu   sync.Mutex
	down bool
	mem  ratelimit.Memory
	hits int
}

func (f *failing) Incr(ctx context.Context, key string, window int64, length time.Duration) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hits++
	if f.down {
		return 0, errors.New("connection refused")
	}
	return f.mem.Incr(ctx, key, window, length)
}

func TestFallback(t *testing.T) {
	t.Parallel()
	c := &clock{now: start}
	var logs bytes.Buffer
	shared := &failing{down: true}
	l := &ratelimit.Limiter{Shared: shared, Now: c.Now, Retry: 2 * time.Second,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	if got := allowed(l, "k", 2, 4); got != 2 {
		t.Fatalf("with the shared counter down: %d allowed, want the local limit of 2", got)
	}
	if shared.hits != 1 {
		t.Fatalf("the shared counter was tried %d times while down, want once until the retry time", shared.hits)
	}
	if n := strings.Count(logs.String(), "unavailable"); n != 1 {
		t.Fatalf("logged the outage %d times, want once:\n%s", n, logs.String())
	}
	shared.mu.Lock()
	shared.down = false
	shared.mu.Unlock()
	c.Set(start.Add(time.Second))
	if got := allowed(l, "k", 2, 3); got != 2 {
		t.Fatalf("still within the retry time: %d allowed, want 2", got)
	}
	c.Set(start.Add(3 * time.Second))
	if got := allowed(l, "k", 2, 3); got != 2 || shared.hits != 4 {
		t.Fatalf("after recovery: %d allowed with %d shared hits, want 2 allowed counted by the shared counter", got, shared.hits)
	}
	if !strings.Contains(logs.String(), "available again") {
		t.Fatalf("the recovery was not logged:\n%s", logs.String())
	}
}

func TestLongerWindow(t *testing.T) {
	t.Parallel()
	c := &clock{now: start.Truncate(time.Minute)}
	l := &ratelimit.Limiter{Now: c.Now, Window: time.Minute}
	if got := allowed(l, "signin:ip", 5, 3); got != 3 {
		t.Fatalf("%d allowed, want 3", got)
	}
	c.Set(c.Now().Add(59 * time.Second))
	if got := allowed(l, "signin:ip", 5, 3); got != 2 {
		t.Fatalf("later in the same minute %d allowed, want 2", got)
	}
	c.Set(c.Now().Add(time.Second))
	if got := allowed(l, "signin:ip", 5, 6); got != 5 {
		t.Fatalf("in the next minute %d allowed, want 5", got)
	}
}

// TestMemoryForgets counts many keys that anyone could make up, and shows
// that the counters of past windows are dropped once a later one starts.
func TestMemoryForgets(t *testing.T) {
	t.Parallel()
	var m ratelimit.Memory
	ctx := context.Background()
	for i := range 1000 {
		m.Incr(ctx, "email:"+strconv.Itoa(i), 1, time.Minute)
	}
	if n, _ := m.Incr(ctx, "email:1", 1, time.Minute); n != 2 {
		t.Fatalf("a key counted twice in one window: %d", n)
	}
	m.Incr(ctx, "email:new", 2, time.Minute)
	if got := m.Len(); got != 1 {
		t.Fatalf("%d counters kept after a new window started, want 1", got)
	}
}
