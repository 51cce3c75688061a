package auth_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
)

// memStore is an in-memory auth.Store that counts the password checks'
// user look-ups, each of which is followed by one Argon2 computation.
type memStore struct {
	mu       sync.Mutex
	users    map[string]auth.User
	sessions map[string]auth.Session
	lookups  atomic.Int64
}

func newMemStore() *memStore {
	return &memStore{users: map[string]auth.User{}, sessions: map[string]auth.Session{}}
}

func (m *memStore) CreateUser(_ context.Context, u auth.User) (auth.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.users[u.Username]; ok {
		return auth.User{}, domain.Conflictf("taken")
	}
	u.ID = int64(len(m.users) + 1)
	m.users[u.Username] = u
	return u, nil
}

func (m *memStore) UserByUsername(_ context.Context, name string) (auth.User, error) {
	m.lookups.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	if u, ok := m.users[name]; ok {
		return u, nil
	}
	return auth.User{}, domain.NotFoundf("no user %s", name)
}

func (m *memStore) UserByID(_ context.Context, id int64) (auth.User, error) {
	m.lookups.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, u := range m.users {
		if u.ID == id {
			return u, nil
		}
	}
	return auth.User{}, domain.NotFoundf("no user %d", id)
}

func (m *memStore) Users(context.Context) ([]auth.User, error) { return nil, nil }

func (m *memStore) UpdateUser(_ context.Context, u auth.User) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.users[u.Username] = u
	return nil
}

func (m *memStore) CreateSession(_ context.Context, s auth.Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sessions[s.TokenHash] = s
	return nil
}

func (m *memStore) SessionByHash(_ context.Context, h string) (auth.Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if s, ok := m.sessions[h]; ok {
		return s, nil
	}
	return auth.Session{}, domain.NotFoundf("no session")
}

func (m *memStore) TouchSession(context.Context, string, time.Time, time.Time) error { return nil }
func (m *memStore) DeleteSession(context.Context, string) error                      { return nil }
func (m *memStore) DeleteUserSessions(context.Context, int64, string) error          { return nil }

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

const goodPassword = "mat-khau-dung-2026"

func newService(t *testing.T) (*auth.Service, *memStore, *clock) {
	t.Helper()
	st := newMemStore()
	clk := &clock{now: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
	svc := auth.NewService(st, clk.Now)
	for _, u := range []auth.User{{Username: "thuky", Role: auth.Admin}, {Username: "canbo", Role: auth.Officer, Unit: "SNV"}} {
		if _, err := svc.CreateUser(t.Context(), u, goodPassword); err != nil {
			t.Fatal(err)
		}
	}
	st.lookups.Store(0)
	return svc, st, clk
}

// TestParallelBadLoginsAreEvaluatedAtMostFiveTimes is the reproduction of
// the concurrent bypass: 60 wrong passwords at once for one user from one
// address used to give 60 × 401 (60 Argon2 computations).
func TestParallelBadLoginsAreEvaluatedAtMostFiveTimes(t *testing.T) {
	svc, st, _ := newService(t)
	var bad, tooMany, other atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 60 {
		wg.Go(func() {
			<-start
			_, _, _, err := svc.Login(t.Context(), "thuky", "khong-dung-dau", "203.0.113.9")
			switch {
			case errors.Is(err, auth.ErrBadCredentials):
				bad.Add(1)
			case errors.Is(err, auth.ErrTooManyTries):
				tooMany.Add(1)
			default:
				other.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	if bad.Load() > auth.PairFailures || bad.Load()+tooMany.Load() != 60 || other.Load() != 0 {
		t.Errorf("60 parallel bad logins: %d evaluated (401), %d refused (429), %d other; want at most %d evaluated",
			bad.Load(), tooMany.Load(), other.Load(), auth.PairFailures)
	}
	if n := st.lookups.Load(); n > auth.PairFailures {
		t.Errorf("%d passwords were hashed, want at most %d", n, auth.PairFailures)
	}
	// The right password from the same address is refused now…
	if _, _, _, err := svc.Login(t.Context(), "thuky", goodPassword, "203.0.113.9"); !errors.Is(err, auth.ErrTooManyTries) {
		t.Errorf("right password from the locked address: %v, want too many tries", err)
	}
	// …but the secretariat, elsewhere, is not locked out.
	if _, _, u, err := svc.Login(t.Context(), "thuky", goodPassword, "192.0.2.10"); err != nil || u.Username != "thuky" {
		t.Errorf("login from another address: %v", err)
	}
}

// TestLockBacksOff: each further lock of a user name and address lasts
// twice as long; a success from the pair clears its record.
func TestLockBacksOff(t *testing.T) {
	svc, _, clk := newService(t)
	ctx := t.Context()
	fail := func(n int) {
		t.Helper()
		for i := range n {
			if _, _, _, err := svc.Login(ctx, "canbo", "sai-mat-khau-roi", "198.51.100.4"); !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("failure %d: %v", i+1, err)
			}
		}
	}
	locked := func() time.Duration {
		t.Helper()
		_, _, _, err := svc.Login(ctx, "canbo", goodPassword, "198.51.100.4")
		var tm *auth.TooManyError
		if !errors.As(err, &tm) {
			return 0
		}
		return tm.Wait
	}
	fail(5)
	if w := locked(); w != 15*time.Minute {
		t.Fatalf("first lock: wait %v, want 15m", w)
	}
	clk.add(15 * time.Minute)
	fail(5)
	if w := locked(); w != 30*time.Minute {
		t.Fatalf("second lock: wait %v, want 30m", w)
	}
	clk.add(30 * time.Minute)
	fail(5)
	if w := locked(); w != time.Hour {
		t.Fatalf("third lock: wait %v, want 1h", w)
	}
	clk.add(time.Hour)
	if w := locked(); w != 0 {
		t.Fatalf("after the lock: still refused for %v", w)
	}
	// The success cleared the record: five more failures lock for 15 min.
	fail(5)
	if w := locked(); w != 15*time.Minute {
		t.Errorf("after a success: wait %v, want 15m", w)
	}
}

// TestAddressLimitAcrossUserNames: one address cannot try many accounts.
func TestAddressLimitAcrossUserNames(t *testing.T) {
	svc, st, _ := newService(t)
	names := []string{"a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10", "a11", "a12", "a13", "a14", "a15", "a16", "a17", "a18", "a19", "a20"}
	for _, n := range names {
		if _, _, _, err := svc.Login(t.Context(), n, "doan-bua-thoi-nhe", "203.0.113.50"); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("%s: %v", n, err)
		}
	}
	before := st.lookups.Load()
	if _, _, _, err := svc.Login(t.Context(), "thuky", goodPassword, "203.0.113.50"); !errors.Is(err, auth.ErrTooManyTries) {
		t.Errorf("21st user name from one address: %v, want too many tries", err)
	}
	if st.lookups.Load() != before {
		t.Error("a refused attempt was still checked")
	}
	if _, _, _, err := svc.Login(t.Context(), "thuky", goodPassword, "203.0.113.51"); err != nil {
		t.Errorf("another address: %v", err)
	}
}

// TestPasswordChangeShareTheLimit is the reproduction of item 7: a stolen
// session used to guess the current password without limit.
func TestPasswordChangeSharesTheLimit(t *testing.T) {
	svc, st, _ := newService(t)
	ctx := t.Context()
	u, err := svc.User(ctx, "canbo")
	if err != nil {
		t.Fatal(err)
	}
	var wrong, tooMany int
	for range 30 {
		err := svc.ChangePassword(ctx, u, "doan-mat-khau-cu", "mat-khau-moi-2027", "", "203.0.113.77")
		switch {
		case errors.Is(err, auth.ErrWrongCurrentPassword):
			wrong++
		case errors.Is(err, auth.ErrTooManyTries):
			tooMany++
		default:
			t.Fatalf("guess: %v", err)
		}
	}
	if wrong != auth.PairFailures || tooMany != 30-auth.PairFailures {
		t.Errorf("30 guesses: %d checked, %d refused; want %d checked", wrong, tooMany, auth.PairFailures)
	}
	if err := svc.ChangePassword(ctx, u, goodPassword, "mat-khau-moi-2027", "", "203.0.113.77"); !errors.Is(err, auth.ErrTooManyTries) {
		t.Errorf("right password after the guesses: %v, want too many tries", err)
	}
	// The guesses count for the login from that address too.
	if _, _, _, err := svc.Login(ctx, "canbo", goodPassword, "203.0.113.77"); !errors.Is(err, auth.ErrTooManyTries) {
		t.Errorf("login after the guesses: %v, want too many tries", err)
	}
	if got, _ := st.UserByUsername(ctx, "canbo"); !auth.VerifyPassword(got.PasswordHash, goodPassword) {
		t.Error("the password changed")
	}
	// The owner, from their own desk, still can.
	if err := svc.ChangePassword(ctx, u, goodPassword, "mat-khau-moi-2027", "", "192.0.2.20"); err != nil {
		t.Errorf("change from another address: %v", err)
	}
}

// TestHashingIsBounded: however many checks arrive at once, at most the
// guard's slots run together; past MaxWait a check gives up with ErrBusy.
func TestHashingIsBounded(t *testing.T) {
	g := auth.NewGuard(nil)
	var running, peak atomic.Int64
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			user := string(rune('a'+i%26)) + string(rune('a'+i/26))
			_ = g.Check(t.Context(), user, "addr-"+user, func() (bool, error) {
				n := running.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				time.Sleep(5 * time.Millisecond)
				running.Add(-1)
				return false, nil
			})
		})
	}
	wg.Wait()
	if p := peak.Load(); p < 1 || p > 8 {
		t.Errorf("%d checks ran at once, want 1 to 8", p)
	}

	busy := auth.NewGuard(nil)
	busy.MaxWait = 20 * time.Millisecond
	release := make(chan struct{})
	var hold sync.WaitGroup
	for i := range 8 { // take every slot
		hold.Go(func() {
			_ = busy.Check(t.Context(), "holder", "addr-"+string(rune('a'+i)), func() (bool, error) { <-release; return true, nil })
		})
	}
	time.Sleep(50 * time.Millisecond)
	err := busy.Check(t.Context(), "late", "addr-z", func() (bool, error) { return true, nil })
	close(release)
	hold.Wait()
	if !errors.Is(err, auth.ErrBusy) {
		t.Errorf("with every slot taken: %v, want ErrBusy", err)
	}
}

// TestStoreErrorIsNoAttempt: a failing database does not count as a wrong
// password (nobody is locked out by an outage).
func TestStoreErrorIsNoAttempt(t *testing.T) {
	g := auth.NewGuard(nil)
	down := errors.New("database down")
	for range 10 {
		if err := g.Check(t.Context(), "thuky", "192.0.2.1", func() (bool, error) { return false, down }); !errors.Is(err, down) {
			t.Fatalf("got %v", err)
		}
	}
	if err := g.Check(t.Context(), "thuky", "192.0.2.1", func() (bool, error) { return true, nil }); err != nil {
		t.Errorf("after outages: %v", err)
	}
}
