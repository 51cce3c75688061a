package auth

import (
	"sync"
	"time"
)

// Limiter counts failed attempts per key and locks a key that reached the
// maximum within its window. An attempt is reserved before it is evaluated
// and settled after, so that concurrent attempts count at once: with a
// maximum of 5, the sixth of sixty simultaneous attempts is refused before
// any of the first five has finished. Each lock of a key lasts twice as
// long as the one before (backoff), up to MaxLock; a key quiet for MaxLock
// after its last lock starts afresh. It is safe for concurrent use and
// bounds its memory.
type Limiter struct {
	max     int
	window  time.Duration
	maxLock time.Duration
	now     func() time.Time

	mu   sync.Mutex
	keys map[string]*entry
}

type entry struct {
	fails       int       // failures in the window that began at start
	pending     int       // attempts reserved and not settled yet
	start       time.Time // of the current window
	lockedUntil time.Time
	strikes     int // locks so far; the next lock lasts window << strikes
}

// maxKeys bounds a limiter's memory (about 100 bytes a key). Past it, keys
// that are neither locked nor busy are forgotten first.
const maxKeys = 100_000

// NewLimiter allows max failures per key within window, then locks the key
// for window, 2×window, 4×window… at most maxLock (24 hours when 0).
func NewLimiter(max int, window, maxLock time.Duration, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	if maxLock <= 0 {
		maxLock = 24 * time.Hour
	}
	return &Limiter{max: max, window: window, maxLock: maxLock, now: now, keys: map[string]*entry{}}
}

// reserve takes a slot for one attempt on key. When the key is locked, or
// its failures and the attempts under way already reach the maximum, it
// returns false and how long to wait.
func (l *Limiter) reserve(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	e := l.keys[key]
	if e == nil {
		if len(l.keys) >= maxKeys && !l.prune(now) {
			return false, l.window // full of locked keys: refuse rather than forget a lock
		}
		e = &entry{start: now}
		l.keys[key] = e
	}
	if now.Before(e.lockedUntil) {
		return false, e.lockedUntil.Sub(now)
	}
	if e.strikes > 0 && now.Sub(e.lockedUntil) >= l.maxLock {
		e.strikes = 0 // quiet for long enough: the backoff starts again
	}
	if now.Sub(e.start) >= l.window {
		e.fails, e.start = 0, now
	}
	if e.fails+e.pending >= l.max {
		// The slots are taken by attempts under way: they settle within
		// seconds, so ask the client to come back shortly.
		return false, time.Second
	}
	e.pending++
	return true, 0
}

// settle ends an attempt reserved on key: a failure counts (and may lock
// the key); a success clears the key's failures and strikes when clear is
// set, or just frees the slot.
func (l *Limiter) settle(key string, failed, clear bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.keys[key]
	if e == nil {
		return
	}
	e.pending = max(e.pending-1, 0)
	now := l.now()
	switch {
	case failed:
		if now.Sub(e.start) >= l.window {
			e.fails, e.start = 0, now
		}
		e.fails++
		if e.fails >= l.max {
			lock := l.window << min(e.strikes, 20)
			if lock > l.maxLock || lock <= 0 {
				lock = l.maxLock
			}
			e.lockedUntil = now.Add(lock)
			e.strikes++
			e.fails, e.start = 0, e.lockedUntil
		}
	case clear && e.pending == 0:
		delete(l.keys, key)
	case clear:
		e.fails, e.strikes, e.lockedUntil = 0, 0, time.Time{}
	}
}

// idle reports whether a key holds nothing worth remembering at now.
func (l *Limiter) idle(e *entry, now time.Time) bool {
	if e.pending > 0 || now.Before(e.lockedUntil) {
		return false
	}
	if e.strikes > 0 && now.Sub(e.lockedUntil) < l.maxLock {
		return false
	}
	return e.fails == 0 || now.Sub(e.start) >= l.window
}

// prune forgets idle keys; then, if still full, keys with strikes but no
// lock in force. It reports whether there is room again.
func (l *Limiter) prune(now time.Time) bool {
	for k, e := range l.keys {
		if l.idle(e, now) {
			delete(l.keys, k)
		}
	}
	if len(l.keys) < maxKeys {
		return true
	}
	for k, e := range l.keys {
		if e.pending == 0 && !now.Before(e.lockedUntil) {
			delete(l.keys, k)
		}
	}
	return len(l.keys) < maxKeys
}
