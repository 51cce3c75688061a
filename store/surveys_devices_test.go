package store_test

import (
	"errors"
	"testing"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/surveys"
)

// TestKioskDevices registers, finds and revokes kiosks: only the token's
// hash is stored, a token works for its own campaign and unit only, and a
// revoked one no longer works.
func TestKioskDevices(t *testing.T) {
	s := storetest.Open(t)
	svc := newSurvey(t, s, nil)
	ctx := t.Context()
	token, d, err := svc.RegisterDevice(ctx, "khao-sat", "S1", "Quầy 1, Trung tâm Phục vụ hành chính công", "thuongtruc")
	must(t, err)
	if len(token) < 40 || d.ID == 0 || d.TokenHash == token || d.CreatedAt.IsZero() {
		t.Fatalf("registered: %q %+v", token, d)
	}
	if n := count(t, s, "survey_devices"); n != 1 {
		t.Fatalf("%d rows", n)
	}
	var stored string
	must(t, s.Gorm().Raw("SELECT token_hash FROM survey_devices").Scan(&stored).Error)
	if stored == token {
		t.Error("the token itself is stored")
	}
	c, err := svc.Campaign(ctx, "khao-sat")
	must(t, err)
	for _, tc := range []struct {
		unit, token string
		found       bool
	}{
		{"S1", token, true},
		{"S2", token, false},       // another unit
		{"S1", token + "x", false}, // another token
		{"S1", "", false},
	} {
		got, err := svc.DeviceFor(ctx, c, tc.unit, tc.token)
		must(t, err)
		if (got != nil) != tc.found {
			t.Errorf("DeviceFor(%s, %q) = %+v, want found %v", tc.unit, tc.token, got, tc.found)
		}
	}
	for _, bad := range []struct{ unit, name string }{{"NOPE", "x"}, {"S1", "  "}} {
		if _, _, err := svc.RegisterDevice(ctx, "khao-sat", bad.unit, bad.name, "a"); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("RegisterDevice(%q, %q): %v, want invalid", bad.unit, bad.name, err)
		}
	}
	must(t, svc.RevokeDevice(ctx, "khao-sat", d.ID))
	must(t, svc.RevokeDevice(ctx, "khao-sat", d.ID)) // again: nothing changes
	if got, _ := svc.DeviceFor(ctx, c, "S1", token); got != nil {
		t.Error("a revoked kiosk still counts")
	}
	if err := svc.RevokeDevice(ctx, "khao-sat", d.ID+100); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("revoking an unknown kiosk: %v", err)
	}
	_, list, err := svc.Devices(ctx, "khao-sat")
	must(t, err)
	if len(list) != 1 || list[0].Active() || list[0].Name != "Quầy 1, Trung tâm Phục vụ hành chính công" || list[0].CreatedBy != "thuongtruc" {
		t.Errorf("devices: %+v", list)
	}
}

// TestUpgradeTo8 migrates a database of version 6 holding a survey with
// responses and codes to the latest version: nothing is lost, and kiosks
// can be registered for the old campaign.
func TestUpgradeTo8(t *testing.T) {
	dbURL := storetest.URL(t)
	old := storetest.OpenURL(t, dbURL)
	must(t, old.MigrateTo(t.Context(), 6))
	seeded := seedOldSurvey(t, old)

	s := storetest.OpenURL(t, dbURL) // a new version opens the database afresh
	must(t, s.Migrate(t.Context()))
	fresh := surveys.NewService(s)
	_, res, err := fresh.Results(t.Context(), "khao-sat")
	must(t, err)
	if u := res.Unit("S1"); u.Responses != 2 {
		t.Errorf("S1 after the upgrade: %d valid responses, want 2", u.Responses)
	}
	if _, err := submit(t, fresh, surveys.Submission{Unit: "S1", Code: seeded.codes[0], Answers: answers("Q1", "4")}); !errors.Is(err, surveys.ErrCodeUsed) {
		t.Errorf("a used code after the upgrade: %v", err)
	}
	if _, err := submit(t, fresh, surveys.Submission{Unit: "S1", Code: seeded.codes[1], Answers: answers("Q1", "4")}); err != nil {
		t.Errorf("an unused code after the upgrade: %v", err)
	}
	if _, _, err := fresh.RegisterDevice(t.Context(), "khao-sat", "S2", "Kiosk", "a"); err != nil {
		t.Errorf("a kiosk after the upgrade: %v", err)
	}
}
