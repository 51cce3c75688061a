package surveys

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parindex/parindex/domain"
)

// Device is a kiosk registered by the secretariat for one unit of a
// campaign. Its link carries a token; submissions from it are limited as a
// device, not by the address it shares with everyone else at the desk.
// Only the token's hash is kept.
type Device struct {
	ID        int64
	Campaign  int64
	Unit      string
	Name      string
	TokenHash string
	CreatedBy string
	CreatedAt time.Time
	// RevokedAt is set once the device is revoked; its token no longer
	// counts.
	RevokedAt *time.Time
}

// Active reports whether the device's token still counts.
func (d *Device) Active() bool { return d.RevokedAt == nil }

// DeviceStore is what kiosk devices need from storage.
type DeviceStore interface {
	// AddDevice stores a device and sets its ID and CreatedAt.
	AddDevice(ctx context.Context, d *Device) error
	// DeviceByHash returns the device of a token hash, or a not-found error.
	DeviceByHash(ctx context.Context, hash string) (*Device, error)
	// Devices lists a campaign's devices, newest first.
	Devices(ctx context.Context, campaign int64) ([]Device, error)
	// RevokeDevice revokes a campaign's device (not found: an error of
	// that kind); revoking it again changes nothing.
	RevokeDevice(ctx context.Context, campaign, id int64) error
}

// hashDeviceToken is the stored form of a device token.
func hashDeviceToken(token string) string {
	sum := sha256.Sum256([]byte("parindex-kiosk:" + token))
	return hex.EncodeToString(sum[:])
}

// maxDeviceName bounds a device's name (shown in lists).
const maxDeviceName = 100

// RegisterDevice registers a kiosk for a unit of a campaign and returns its
// token, shown once (only its hash is kept).
func (s *Service) RegisterDevice(ctx context.Context, campaign, unit, name, author string) (string, *Device, error) {
	ds, ok := s.store.(DeviceStore)
	if !ok {
		return "", nil, errors.New("surveys: the store keeps no devices")
	}
	c, err := s.Campaign(ctx, campaign)
	if err != nil {
		return "", nil, err
	}
	if c.Unit(unit) == nil {
		return "", nil, ErrUnitNotCovered
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return "", nil, domain.Errorf(domain.ErrInvalid, "security.kiosk.name_missing", "the kiosk needs a name (say where it stands)")
	}
	if utf8.RuneCountInString(name) > maxDeviceName {
		return "", nil, domain.Errorf(domain.ErrInvalid, "security.kiosk.name_long", "the kiosk's name is longer than %d characters", maxDeviceName)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, fmt.Errorf("surveys: device token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	d := &Device{Campaign: c.ID, Unit: unit, Name: name, TokenHash: hashDeviceToken(token), CreatedBy: author}
	if err := ds.AddDevice(ctx, d); err != nil {
		return "", nil, err
	}
	return token, d, nil
}

// DeviceFor returns the active device of a token, if it was registered for
// this campaign and unit; nil otherwise (an unknown, revoked or misplaced
// token gives no device, and the kiosk is limited by its address).
func (s *Service) DeviceFor(ctx context.Context, campaign *Campaign, unit, token string) (*Device, error) {
	ds, ok := s.store.(DeviceStore)
	if !ok || token == "" || len(token) > 128 {
		return nil, nil
	}
	d, err := ds.DeviceByHash(ctx, hashDeviceToken(token))
	if errors.Is(err, domain.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !d.Active() || d.Campaign != campaign.ID || d.Unit != unit {
		return nil, nil
	}
	return d, nil
}

// Devices lists a campaign's kiosks, newest first.
func (s *Service) Devices(ctx context.Context, campaign string) (*Campaign, []Device, error) {
	c, err := s.Campaign(ctx, campaign)
	if err != nil {
		return nil, nil, err
	}
	ds, ok := s.store.(DeviceStore)
	if !ok {
		return c, nil, nil
	}
	list, err := ds.Devices(ctx, c.ID)
	return c, list, err
}

// RevokeDevice revokes a campaign's kiosk: its link then works as an
// unregistered one.
func (s *Service) RevokeDevice(ctx context.Context, campaign string, id int64) error {
	ds, ok := s.store.(DeviceStore)
	if !ok {
		return domain.NotFoundf("kiosk %d not found", id)
	}
	c, err := s.Campaign(ctx, campaign)
	if err != nil {
		return err
	}
	return ds.RevokeDevice(ctx, c.ID, id)
}
