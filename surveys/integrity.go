package surveys

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"sync"
	"time"
)

// The reasons a response is flagged or rejected.
const (
	FlagTooFast   = "too_fast"  // submitted faster than a person can read the questions
	FlagDuplicate = "duplicate" // the same answers from the same client shortly before
	FlagBurst     = "burst"     // too many responses from the same client in a short time
	FlagHoneypot  = "honeypot"  // a field people never see was filled in
)

// Rules are the integrity rules applied to public submissions without a
// one-time code. The zero value flags nothing; DefaultRules are the
// defaults.
type Rules struct {
	// Window is how far back the same client's responses are compared.
	Window time.Duration
	// MaxPerWindow is how many responses one client may send for one unit
	// in Window before the next ones are flagged; MaxPerWindowKiosk is the
	// same for the kiosk at the desk, which many people share. 0: no limit.
	MaxPerWindow      int
	MaxPerWindowKiosk int
	// SecondsPerAnswer and MinDuration set the fastest plausible
	// submission: max(MinDuration, answers × SecondsPerAnswer) after the
	// form was shown. 0 disables the speed rule.
	SecondsPerAnswer float64
	MinDuration      time.Duration
}

// DefaultRules: three responses per client and unit in ten minutes (thirty
// at a kiosk), and at least a second per answer, three seconds in all.
var DefaultRules = Rules{
	Window:            10 * time.Minute,
	MaxPerWindow:      3,
	MaxPerWindowKiosk: 30,
	SecondsPerAnswer:  1,
	MinDuration:       3 * time.Second,
}

// Prior is an earlier response of the same client for the same unit, within
// the rules' window.
type Prior struct {
	Choices string
	Texts   string
	At      time.Time
}

// Judge returns the reasons to flag a response, given the same client's
// earlier responses for the unit within the window; none means valid.
// Operators' entries and responses carrying a one-time code are not judged:
// the code is the proof.
func (r Rules) Judge(resp *Response, prior []Prior) []string {
	if !resp.Channel.Public() || resp.CodeHash != "" {
		return nil
	}
	var flags []string
	if r.SecondsPerAnswer > 0 && resp.Duration > 0 {
		minimum := time.Duration(float64(resp.Answers.Answered()) * r.SecondsPerAnswer * float64(time.Second))
		minimum = max(minimum, r.MinDuration)
		if resp.Duration < minimum {
			flags = append(flags, FlagTooFast)
		}
	}
	if resp.ClientHash == "" {
		return flags
	}
	for _, p := range prior {
		if p.Choices == resp.Answers.Choices && p.Texts == textsKey(resp.Answers.Texts) {
			flags = append(flags, FlagDuplicate)
			break
		}
	}
	limit := r.MaxPerWindow
	if resp.Channel == Kiosk {
		limit = r.MaxPerWindowKiosk
	}
	if limit > 0 && len(prior) >= limit {
		flags = append(flags, FlagBurst)
	}
	return flags
}

// textsKey is a response's text answers as one comparable string.
func textsKey(texts map[string]string) string {
	if len(texts) == 0 {
		return ""
	}
	return EncodeTexts(texts)
}

// ClientHash is the keyed hash under which a client's address is kept: it
// lets the rules recognise the same client without storing the address.
func ClientHash(salt, client string) string {
	if client == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(salt + "\x00" + client))
	return hex.EncodeToString(sum[:12])
}

// Limiter is a token-bucket rate limiter per client key, in memory. A nil
// *Limiter allows everything.
type Limiter struct {
	rate  float64 // tokens per second
	burst float64

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxBuckets bounds the limiter's memory: past it, idle clients are
// forgotten (a forgotten client starts again with a full bucket).
const maxBuckets = 100_000

// NewLimiter allows each client perMinute requests a minute on average and
// bursts of burst requests. perMinute <= 0 returns nil: no limit.
func NewLimiter(perMinute, burst int) *Limiter {
	if perMinute <= 0 {
		return nil
	}
	return &Limiter{rate: float64(perMinute) / 60, burst: float64(max(burst, 1)), buckets: map[string]*bucket{}}
}

// NewLimiterEvery allows each client one request per interval on average
// and bursts of burst requests: for rates slower than one a minute.
func NewLimiterEvery(interval time.Duration, burst int) *Limiter {
	if interval <= 0 {
		return nil
	}
	return &Limiter{rate: 1 / interval.Seconds(), burst: float64(max(burst, 1)), buckets: map[string]*bucket{}}
}

// Refund gives back a token that Allow took, when what it was taken for
// turned out not to count.
func (l *Limiter) Refund(client string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if b := l.buckets[client]; b != nil {
		b.tokens = math.Min(l.burst, b.tokens+1)
	}
}

// Full reports whether the client's bucket is full at now: it used none of
// its burst lately.
func (l *Limiter) Full(client string, now time.Time) bool {
	if l == nil {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[client]
	return b == nil || b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst
}

// Allow takes a token for the client at now. When none is left it returns
// false and how long until the next one.
func (l *Limiter) Allow(client string, now time.Time) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[client]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.prune(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[client] = b
	}
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = math.Min(l.burst, b.tokens+elapsed*l.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, max(wait, time.Second)
}

// prune forgets the clients whose bucket has refilled.
func (l *Limiter) prune(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}
