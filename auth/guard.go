package auth

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"
)

// Guard is the one gate every check of a password goes through: the login,
// the change of one's own password, and any later check of credentials. It
// keeps three limits:
//
//   - per user name and client address: 5 failures, then a lock of 15
//     minutes, doubling with each further lock (backoff). Keyed on the pair,
//     so that failures from one address never lock the account out from
//     another: nobody can lock the secretariat out from elsewhere;
//   - per address, across user names: 20 failures, the same backoff, so that
//     one client cannot try many accounts;
//   - the number of password hashes computed at once (Argon2id needs 19 MiB
//     each), so that a flood of logins from many addresses queues instead of
//     exhausting memory.
//
// An attempt takes its slot in the limits before the hash is computed, so
// concurrent attempts cannot slip past them.
type Guard struct {
	pair  *Limiter
	addr  *Limiter
	slots chan struct{}
	// MaxWait is how long an attempt waits for a free hashing slot before
	// ErrBusy.
	MaxWait time.Duration
}

// ErrBusy is returned when every hashing slot stayed taken for MaxWait: the
// server is flooded with logins. It is temporary (503), not a lock.
var ErrBusy = errors.New("the server is busy checking other sign-ins; try again in a moment")

// TooManyError is ErrTooManyTries with the time until the next attempt may
// be made.
type TooManyError struct {
	Wait time.Duration
}

// Error says the attempt was refused, as ErrTooManyTries does.
func (e *TooManyError) Error() string { return ErrTooManyTries.Error() }

// Is makes errors.Is(err, ErrTooManyTries) hold.
func (e *TooManyError) Is(target error) bool { return target == ErrTooManyTries }

// RetryAfter is the wait in whole seconds, at least one, for a Retry-After
// header.
func (e *TooManyError) RetryAfter() int {
	return max(1, int((e.Wait+time.Second-1)/time.Second))
}

// Default limits of NewGuard.
const (
	PairFailures    = 5
	AddressFailures = 20
	LockWindow      = 15 * time.Minute
)

// NewGuard returns a guard with the default limits, hashing at most as many
// passwords at once as the machine has cores (2 to 8).
func NewGuard(now func() time.Time) *Guard {
	slots := min(max(runtime.GOMAXPROCS(0), 2), 8)
	return &Guard{
		pair:    NewLimiter(PairFailures, LockWindow, 24*time.Hour, now),
		addr:    NewLimiter(AddressFailures, LockWindow, 24*time.Hour, now),
		slots:   make(chan struct{}, slots),
		MaxWait: 10 * time.Second,
	}
}

// keyOf is the limiter key of a user name from an address; the user name is
// cut to a bounded length so that keys stay small whatever is typed.
func keyOf(user, address string) string {
	if len(user) > 128 {
		user = user[:128]
	}
	return user + "\x00" + address
}

// Check runs verify, which compares a password with a stored hash, for a
// user name from a client address, within the guard's limits. verify
// returns whether the password matched, or an error (say the database is
// unreachable) that counts as no attempt. Check returns nil on a match,
// ErrBadCredentials on a mismatch, a *TooManyError when a limit refuses the
// attempt before any hashing, ErrBusy when no hashing slot freed in time.
func (g *Guard) Check(ctx context.Context, user, address string, verify func() (bool, error)) error {
	pk := keyOf(user, address)
	if ok, wait := g.pair.reserve(pk); !ok {
		return &TooManyError{Wait: wait}
	}
	if ok, wait := g.addr.reserve(address); !ok {
		g.pair.settle(pk, false, false)
		return &TooManyError{Wait: wait}
	}
	good, err := g.run(ctx, verify)
	if err != nil {
		g.pair.settle(pk, false, false)
		g.addr.settle(address, false, false)
		return err
	}
	// A success clears the pair's record but not the address's: one good
	// account must not reset the count of an address trying others.
	g.pair.settle(pk, !good, good)
	g.addr.settle(address, !good, false)
	if !good {
		return ErrBadCredentials
	}
	return nil
}

// run calls verify in a hashing slot.
func (g *Guard) run(ctx context.Context, verify func() (bool, error)) (good bool, err error) {
	select {
	case g.slots <- struct{}{}:
	default:
		t := time.NewTimer(g.MaxWait)
		defer t.Stop()
		select {
		case g.slots <- struct{}{}:
		case <-t.C:
			return false, ErrBusy
		case <-ctx.Done():
			return false, fmt.Errorf("auth: waiting to check a password: %w", ctx.Err())
		}
	}
	defer func() { <-g.slots }()
	return verify()
}
