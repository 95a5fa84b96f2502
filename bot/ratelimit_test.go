package bot

import (
	"testing"
	"time"
)

// TestLimiter drives one limiter through a member's burst, refill and the
// sweep that forgets full buckets, on a fake clock.
func TestLimiter(t *testing.T) {
	clock := &fakeClock{now: testNow}
	l := NewLimiter(2, 3*time.Second, clock.Now)
	steps := []struct {
		name    string
		advance time.Duration
		key     string
		allowed bool
		wait    time.Duration
	}{
		{"first of the burst", 0, "a", true, 0},
		{"second of the burst", 0, "a", true, 0},
		{"over the burst", 0, "a", false, 3 * time.Second},
		{"another member", 0, "b", true, 0},
		{"a third of a token later", time.Second, "a", false, 2 * time.Second},
		{"one token later", 2 * time.Second, "a", true, 0},
		{"empty again", 0, "a", false, 3 * time.Second},
		{"long after: full again", time.Hour, "a", true, 0},
		{"and the burst with it", 0, "a", true, 0},
	}
	for _, st := range steps {
		clock.Advance(st.advance)
		ok, wait := l.Allow(st.key)
		if ok != st.allowed || wait != st.wait {
			t.Fatalf("%s: Allow = %v, %v; want %v, %v", st.name, ok, wait, st.allowed, st.wait)
		}
	}
	// "b" has long refilled: the sweep of the last hour's Allow forgot it.
	l.mu.Lock()
	_, kept := l.buckets["b"]
	l.mu.Unlock()
	if kept {
		t.Error("a full bucket was kept")
	}
}

func TestLimiterNil(t *testing.T) {
	var l *Limiter
	if ok, wait := l.Allow("a"); !ok || wait != 0 {
		t.Errorf("a nil limiter refused: %v, %v", ok, wait)
	}
}
