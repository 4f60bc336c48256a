package team

import (
	"context"
	"time"

	"golang.org/x/sync/semaphore"
)

// Bounds of password hashing in one process. Two checks at OWASP's
// parameters run at once, or one of an outdated 64 MiB hash: unbounded,
// each sign-in post took its own argon2id memory, and a burst of them took
// gigabytes from the process that also serves the API and the card pages.
const (
	DefaultHashingMemory = 2 * argonMemory // KiB
	DefaultHashingWait   = 2 * time.Second
)

// ErrBusy says that password hashing is at its memory bound: the attempt
// was turned away before its password was checked (so it does not count
// towards the lockout) and may be tried again in a few seconds.
var ErrBusy = &Error{Kind: ErrUnavailable, Message: "Too many people are signing in at the moment. Wait a few seconds and try again."}

// PasswordHashing bounds the memory that password hashes take at once.
// Each hash or check holds the memory its parameters name, for as long as
// it runs; others wait for theirs to come free, for a while.
type PasswordHashing struct {
	sem    *semaphore.Weighted
	memory int64 // KiB
	wait   time.Duration
}

// NewPasswordHashing returns a bound of memory KiB, where a hash waits up
// to wait for its memory to come free.
func NewPasswordHashing(memory int64, wait time.Duration) *PasswordHashing {
	return &PasswordHashing{sem: semaphore.NewWeighted(memory), memory: memory, wait: wait}
}

// processHashing is the bound of Users that set none: one for the whole
// process, because memory is the process's.
var processHashing = NewPasswordHashing(DefaultHashingMemory, DefaultHashingWait)

// Do runs fn holding memory KiB of the bound (all of it, if memory is
// more), and returns fn's error. It returns ErrBusy without running fn if
// that much does not come free within the wait, or ctx's error if ctx
// ends first.
func (h *PasswordHashing) Do(ctx context.Context, memory int64, fn func() error) error {
	memory = min(memory, h.memory)
	wctx, cancel := context.WithTimeout(ctx, h.wait)
	defer cancel()
	if err := h.sem.Acquire(wctx, memory); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return ErrBusy
	}
	defer h.sem.Release(memory)
	return fn()
}
