package auth

import (
	"sync"
	"time"
)

// Limiter counts failures per key in a fixed window and refuses a key that
// reached the maximum until its window ends. It is safe for concurrent use
// and forgets keys whose window has passed.
type Limiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu   sync.Mutex
	hits map[string]*bucket
}

type bucket struct {
	n     int
	start time.Time
}

// NewLimiter allows max failures per key within window.
func NewLimiter(max int, window time.Duration, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{max: max, window: window, now: now, hits: map[string]*bucket{}}
}

// Allow reports whether none of the keys has reached the limit.
func (l *Limiter) Allow(keys ...string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range keys {
		if b := l.hits[k]; b != nil && now.Sub(b.start) < l.window && b.n >= l.max {
			return false
		}
	}
	return true
}

// Fail counts a failure against every key.
func (l *Limiter) Fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.hits) > 10000 {
		for k, b := range l.hits {
			if now.Sub(b.start) >= l.window {
				delete(l.hits, k)
			}
		}
	}
	for _, k := range keys {
		b := l.hits[k]
		if b == nil || now.Sub(b.start) >= l.window {
			b = &bucket{start: now}
			l.hits[k] = b
		}
		b.n++
	}
}

// Reset forgets a key's failures.
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.hits, key)
}
