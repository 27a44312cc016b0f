package agentrpc

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff computes retry delays: exponential growth from Base, capped at Max,
// with full jitter (a delay is drawn uniformly from [0, min(Max,
// Base·2^attempt)]), which spreads out the reconnects of many agents after a
// server restart. The zero value uses 500 ms and 30 s. A Backoff is not safe
// for concurrent use; give each retry loop its own.
type Backoff struct {
	Base time.Duration
	Max  time.Duration

	attempt int
}

// Next returns the delay before the next attempt and counts the attempt.
func (b *Backoff) Next() time.Duration {
	base, maxDelay := b.Base, b.Max
	if base <= 0 {
		base = 500 * time.Millisecond
	}
	if maxDelay <= 0 {
		maxDelay = 30 * time.Second
	}
	ceiling := maxDelay
	if b.attempt < 32 {
		if d := base << b.attempt; d > 0 && d < maxDelay {
			ceiling = d
		}
	}
	b.attempt++
	return rand.N(ceiling + 1)
}

// Reset starts the growth over, after a success.
func (b *Backoff) Reset() { b.attempt = 0 }

// Sleep waits for Next() or until ctx is done; it reports whether the full
// delay passed.
func (b *Backoff) Sleep(ctx context.Context) bool {
	return SleepContext(ctx, b.Next())
}

// SleepContext waits for d or until ctx is done; it reports whether d
// passed (true at once for d ≤ 0 while ctx is live).
func SleepContext(ctx context.Context, d time.Duration) bool {
	var s Sleeper
	return s.Sleep(ctx, d)
}

// Sleeper is SleepContext for a goroutine that sleeps often: it keeps its
// timer from one sleep to the next. The zero value is ready to use; a
// Sleeper is not safe for concurrent use.
type Sleeper struct {
	timer *time.Timer
}

// Sleep waits for d or until ctx is done, as SleepContext does.
func (s *Sleeper) Sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	if s.timer == nil {
		s.timer = time.NewTimer(d)
	} else {
		s.timer.Reset(d) // a stopped or fired timer holds no stale tick
	}
	select {
	case <-s.timer.C:
		return true
	case <-ctx.Done():
		s.timer.Stop()
		return false
	}
}
