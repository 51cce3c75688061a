package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/surveys"
)

// surveyDeviceRow is a kiosk registered for a campaign's unit (migration
// 00008).
type surveyDeviceRow struct {
	ID         int64
	CampaignID int64
	UnitCode   string
	Name       string
	TokenHash  string
	CreatedBy  string
	CreatedAt  time.Time
	RevokedAt  *time.Time
}

func (surveyDeviceRow) TableName() string { return "survey_devices" }

func (r surveyDeviceRow) device() surveys.Device {
	return surveys.Device{ID: r.ID, Campaign: r.CampaignID, Unit: r.UnitCode, Name: r.Name, TokenHash: r.TokenHash,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, RevokedAt: r.RevokedAt}
}

// AddDevice stores a kiosk and sets its ID and CreatedAt.
func (s *Store) AddDevice(ctx context.Context, d *surveys.Device) error {
	row := surveyDeviceRow{CampaignID: d.Campaign, UnitCode: d.Unit, Name: d.Name, TokenHash: d.TokenHash,
		CreatedBy: d.CreatedBy, CreatedAt: s.now()}
	err := s.db.WithContext(ctx).Create(&row).Error
	if errors.Is(err, gorm.ErrForeignKeyViolated) {
		return domain.Invalidf("the survey or the unit of the kiosk does not exist")
	}
	if err != nil {
		return wrap("add kiosk", err)
	}
	d.ID, d.CreatedAt = row.ID, row.CreatedAt
	return nil
}

// DeviceByHash returns the kiosk of a token hash.
func (s *Store) DeviceByHash(ctx context.Context, hash string) (*surveys.Device, error) {
	var row surveyDeviceRow
	err := s.db.WithContext(ctx).Where("token_hash = ?", hash).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, domain.NotFoundf("no such kiosk")
	}
	if err != nil {
		return nil, wrap("get kiosk", err)
	}
	d := row.device()
	return &d, nil
}

// Devices lists a campaign's kiosks, newest first.
func (s *Store) Devices(ctx context.Context, campaign int64) ([]surveys.Device, error) {
	var rows []surveyDeviceRow
	if err := s.db.WithContext(ctx).Where("campaign_id = ?", campaign).Order("id DESC").Find(&rows).Error; err != nil {
		return nil, wrap("list kiosks", err)
	}
	out := make([]surveys.Device, len(rows))
	for i, r := range rows {
		out[i] = r.device()
	}
	return out, nil
}

// RevokeDevice revokes a campaign's kiosk; revoking it again keeps the
// first time.
func (s *Store) RevokeDevice(ctx context.Context, campaign, id int64) error {
	db := s.db.WithContext(ctx)
	var n int64
	if err := db.Model(&surveyDeviceRow{}).Where("id = ? AND campaign_id = ?", id, campaign).Count(&n).Error; err != nil {
		return wrap("revoke kiosk", err)
	}
	if n == 0 {
		return domain.NotFoundf("kiosk %d not found", id)
	}
	err := db.Model(&surveyDeviceRow{}).Where("id = ? AND campaign_id = ? AND revoked_at IS NULL", id, campaign).
		Update("revoked_at", s.now()).Error
	return wrap("revoke kiosk", err)
}

var _ surveys.DeviceStore = (*Store)(nil)
