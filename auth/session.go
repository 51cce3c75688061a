package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parindex/parindex/domain"
)

// Session is a server-side login session. The browser holds only the
// token; the store keeps its SHA-256, so a leaked database reveals no live
// session.
type Session struct {
	TokenHash string
	UserID    int64
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
	LastSeen  time.Time
	IP        string
}

// Store is what accounts and sessions need from storage.
type Store interface {
	CreateUser(ctx context.Context, u User) (User, error) // domain.ErrConflict when the user name is taken
	UserByUsername(ctx context.Context, username string) (User, error)
	UserByID(ctx context.Context, id int64) (User, error)
	Users(ctx context.Context) ([]User, error)
	// UpdateUser saves name, role, unit, disabled flag, password hash, its
	// change time and whether it must be changed.
	UpdateUser(ctx context.Context, u User) error
	CreateSession(ctx context.Context, s Session) error
	SessionByHash(ctx context.Context, hash string) (Session, error)
	TouchSession(ctx context.Context, hash string, seen, expires time.Time) error
	DeleteSession(ctx context.Context, hash string) error
	// DeleteUserSessions ends every session of a user except keep (a token
	// hash, or "").
	DeleteUserSessions(ctx context.Context, userID int64, keep string) error
}

// Errors of the login.
var (
	ErrBadCredentials = errors.New("wrong user name or password")
	ErrTooManyTries   = errors.New("too many login attempts; wait a few minutes and try again")
	ErrNoSession      = errors.New("not logged in")
)

// Service logs people in and out and manages accounts.
type Service struct {
	Store Store
	Now   func() time.Time
	// IdleTimeout ends a session unused for this long; Lifetime ends any
	// session this long after login.
	IdleTimeout time.Duration
	Lifetime    time.Duration
	// Guard limits every check of a password: logins and password changes.
	Guard *Guard
}

// NewService returns a service with the default session lengths (8 hours
// idle, 7 days at most) and the default Guard (5 failures per user name and
// address, 20 per address, then locks of 15 minutes that double).
func NewService(st Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{Store: st, Now: now, IdleTimeout: 8 * time.Hour, Lifetime: 7 * 24 * time.Hour,
		Guard: NewGuard(now)}
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// HashToken is the stored form of a session token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// Login checks a user name and password and opens a session. It returns the
// session token for the cookie. The check goes through the Guard: failed
// attempts count against the user name from the client address and against
// the address; past a limit a *TooManyError (ErrTooManyTries) is returned
// before the password is hashed.
func (s *Service) Login(ctx context.Context, username, password, ip string) (string, Session, User, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	var u User
	err := s.Guard.Check(ctx, username, ip, func() (bool, error) {
		var err error
		u, err = s.Store.UserByUsername(ctx, username)
		if err != nil && !errors.Is(err, domain.ErrNotFound) {
			return false, err
		}
		// An unknown or disabled user costs the same hashing as a wrong
		// password, so the time taken tells nothing.
		known := err == nil && !u.Disabled
		hash := u.PasswordHash
		if !known {
			hash = dummyHash()
		}
		return VerifyPassword(hash, password) && known, nil
	})
	if err != nil {
		return "", Session{}, User{}, err
	}
	token, err := randomToken()
	if err != nil {
		return "", Session{}, User{}, err
	}
	csrf, err := randomToken()
	if err != nil {
		return "", Session{}, User{}, err
	}
	now := s.Now().UTC()
	sess := Session{TokenHash: HashToken(token), UserID: u.ID, CSRF: csrf, CreatedAt: now,
		LastSeen: now, ExpiresAt: s.expiry(now, now), IP: ip}
	if err := s.Store.CreateSession(ctx, sess); err != nil {
		return "", Session{}, User{}, err
	}
	return token, sess, u, nil
}

func (s *Service) expiry(created, seen time.Time) time.Time {
	idle, max := seen.Add(s.IdleTimeout), created.Add(s.Lifetime)
	if idle.Before(max) {
		return idle
	}
	return max
}

// Authenticate returns the session and user of a token, extending the
// session's idle time. Expired sessions, disabled users and unknown tokens
// give ErrNoSession.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, User, error) {
	if token == "" || len(token) > 128 {
		return Session{}, User{}, ErrNoSession
	}
	hash := HashToken(token)
	sess, err := s.Store.SessionByHash(ctx, hash)
	if errors.Is(err, domain.ErrNotFound) {
		return Session{}, User{}, ErrNoSession
	}
	if err != nil {
		return Session{}, User{}, err
	}
	now := s.Now().UTC()
	if !now.Before(sess.ExpiresAt) {
		_ = s.Store.DeleteSession(ctx, hash)
		return Session{}, User{}, ErrNoSession
	}
	u, err := s.Store.UserByID(ctx, sess.UserID)
	if errors.Is(err, domain.ErrNotFound) || (err == nil && u.Disabled) {
		_ = s.Store.DeleteSession(ctx, hash)
		return Session{}, User{}, ErrNoSession
	}
	if err != nil {
		return Session{}, User{}, err
	}
	// Write the idle extension at most once a minute.
	if now.Sub(sess.LastSeen) > time.Minute {
		sess.LastSeen, sess.ExpiresAt = now, s.expiry(sess.CreatedAt, now)
		if err := s.Store.TouchSession(ctx, hash, sess.LastSeen, sess.ExpiresAt); err != nil {
			return Session{}, User{}, err
		}
	}
	return sess, u, nil
}

// CheckCSRF compares a request's CSRF token with the session's in constant time.
func CheckCSRF(sess Session, token string) bool {
	return token != "" && subtle.ConstantTimeCompare([]byte(sess.CSRF), []byte(token)) == 1
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.Store.DeleteSession(ctx, HashToken(token))
}

// CreateUser adds an account with a password.
func (s *Service) CreateUser(ctx context.Context, u User, password string) (User, error) {
	u.Username = strings.ToLower(strings.TrimSpace(u.Username))
	if err := CheckUser(u); err != nil {
		return User{}, err
	}
	if err := CheckPassword(u.Username, password); err != nil {
		return User{}, domain.Invalidf("%v", err)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return User{}, err
	}
	u.PasswordHash, u.CreatedAt, u.PasswordChangedAt = hash, s.Now().UTC(), s.Now().UTC()
	return s.Store.CreateUser(ctx, u)
}

// ErrWrongCurrentPassword is returned by ChangePassword when the current
// password given is wrong.
var ErrWrongCurrentPassword = domain.Invalidf("the current password is wrong")

// ChangePassword sets a new password after checking the current one, and
// ends the user's other sessions. The check goes through the same Guard as
// the login, keyed on the user name and the client address ip: a stolen
// session cannot guess the password without limit, and its guesses count
// towards the login's limit too.
func (s *Service) ChangePassword(ctx context.Context, u User, current, next, keepSession, ip string) error {
	var fresh User
	err := s.Guard.Check(ctx, u.Username, ip, func() (bool, error) {
		var err error
		if fresh, err = s.Store.UserByID(ctx, u.ID); err != nil {
			return false, err
		}
		return VerifyPassword(fresh.PasswordHash, current), nil
	})
	if errors.Is(err, ErrBadCredentials) {
		return ErrWrongCurrentPassword
	}
	if err != nil {
		return err
	}
	return s.setPassword(ctx, fresh, next, keepSession, false)
}

// ResetPassword sets a user's password (by the secretariat) and ends all of
// the user's sessions; the user must choose their own at the next login.
func (s *Service) ResetPassword(ctx context.Context, id int64, password string) error {
	u, err := s.Store.UserByID(ctx, id)
	if err != nil {
		return err
	}
	return s.setPassword(ctx, u, password, "", true)
}

// setPassword saves a password; must says whether its owner must change
// it (set by someone else) or not (chosen by the owner).
func (s *Service) setPassword(ctx context.Context, u User, password, keep string, must bool) error {
	if err := CheckPassword(u.Username, password); err != nil {
		return domain.Invalidf("%v", err)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	u.PasswordHash, u.PasswordChangedAt, u.MustChangePassword = hash, s.Now().UTC(), must
	if err := s.Store.UpdateUser(ctx, u); err != nil {
		return err
	}
	return s.Store.DeleteUserSessions(ctx, u.ID, keep)
}

// UpdateUser changes an account's name, role, unit or disabled flag; a
// disabled account's sessions end at once.
func (s *Service) UpdateUser(ctx context.Context, u User) error {
	cur, err := s.Store.UserByID(ctx, u.ID)
	if err != nil {
		return err
	}
	cur.Name, cur.Role, cur.Unit, cur.Disabled = u.Name, u.Role, u.Unit, u.Disabled
	if err := CheckUser(cur); err != nil {
		return err
	}
	if err := s.Store.UpdateUser(ctx, cur); err != nil {
		return err
	}
	if cur.Disabled {
		return s.Store.DeleteUserSessions(ctx, cur.ID, "")
	}
	return nil
}

// Users lists every account.
func (s *Service) Users(ctx context.Context) ([]User, error) { return s.Store.Users(ctx) }

// User returns an account by user name.
func (s *Service) User(ctx context.Context, username string) (User, error) {
	return s.Store.UserByUsername(ctx, strings.ToLower(strings.TrimSpace(username)))
}
