package bot

import (
	"sync"
	"time"
)

// Limiter is a per-member token bucket: Burst questions at once, then one
// every Every. Buckets that have refilled are forgotten, so memory stays
// bounded by the members active within the last Burst×Every.
type Limiter struct {
	burst float64
	every time.Duration
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]bucket
	sweep   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewLimiter returns a limiter; now may be nil for time.Now.
func NewLimiter(burst int, every time.Duration, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{burst: float64(max(burst, 1)), every: max(every, time.Millisecond), now: now, buckets: map[string]bucket{}}
}

// Allow takes a token for key. When none is left it reports how long until
// one is.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweep) > l.full() {
		for k, b := range l.buckets {
			if l.level(b, now) >= l.burst {
				delete(l.buckets, k)
			}
		}
		l.sweep = now
	}
	b, ok := l.buckets[key]
	tokens := l.burst
	if ok {
		tokens = l.level(b, now)
	}
	if tokens < 1 {
		wait := time.Duration((1 - tokens) * float64(l.every))
		return false, wait
	}
	l.buckets[key] = bucket{tokens: tokens - 1, at: now}
	return true, 0
}

func (l *Limiter) full() time.Duration { return time.Duration(l.burst) * l.every }

func (l *Limiter) level(b bucket, now time.Time) float64 {
	return min(l.burst, b.tokens+float64(now.Sub(b.at))/float64(l.every))
}
