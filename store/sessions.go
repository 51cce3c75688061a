package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
)

// CreateSession stores a login session. The user must exist (an error of
// kind domain.ErrInvalid otherwise).
func (s *Store) CreateSession(ctx context.Context, sess auth.Session) error {
	if sess.TokenHash == "" {
		return domain.Invalidf("the session's token hash is empty")
	}
	row := sessionRow{TokenHash: sess.TokenHash, UserID: sess.UserID, CSRF: sess.CSRF, CreatedAt: utc(sess.CreatedAt),
		ExpiresAt: utc(sess.ExpiresAt), LastSeen: utc(sess.LastSeen), IP: sess.IP}
	err := s.db.WithContext(ctx).Create(&row).Error
	if errors.Is(err, gorm.ErrForeignKeyViolated) {
		return domain.Invalidf("user %d does not exist", sess.UserID)
	}
	return wrap(fmt.Sprintf("create a session of user %d", sess.UserID), err)
}

// SessionByHash returns the session with the token hash, expired or not,
// or an error of kind domain.ErrNotFound.
func (s *Store) SessionByHash(ctx context.Context, hash string) (auth.Session, error) {
	var row sessionRow
	err := s.db.WithContext(ctx).Where("token_hash = ?", hash).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return auth.Session{}, domain.NotFoundf("session not found")
	}
	if err != nil {
		return auth.Session{}, wrap("get session", err)
	}
	return row.session(), nil
}

// TouchSession records a session's last use and its new expiry. A session
// that no longer exists is not an error: it was ended meanwhile, and the
// next request will find it gone.
func (s *Store) TouchSession(ctx context.Context, hash string, seen, expires time.Time) error {
	err := s.db.WithContext(ctx).Model(&sessionRow{}).Where("token_hash = ?", hash).
		Updates(map[string]any{"last_seen": utc(seen), "expires_at": utc(expires)}).Error
	return wrap("touch session", err)
}

// DeleteSession ends a session; ending one that does not exist is not an
// error.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	err := s.db.WithContext(ctx).Where("token_hash = ?", hash).Delete(&sessionRow{}).Error
	return wrap("delete session", err)
}

// DeleteUserSessions ends every session of a user except the one whose
// token hash is keep ("" keeps none).
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64, keep string) error {
	err := s.db.WithContext(ctx).Where("user_id = ? AND token_hash <> ?", userID, keep).Delete(&sessionRow{}).Error
	return wrap(fmt.Sprintf("delete the sessions of user %d", userID), err)
}
