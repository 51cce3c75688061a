package store_test

import (
	"testing"
	"time"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/store/storetest"
)

// TestUpgradeTo11 fills a database of version 8 with accounts, migrates to
// version 11 (the first-password flag) and checks that every account is
// kept as it was, none of them asked to change its password, and that the
// flag can then be set and read.
func TestUpgradeTo11(t *testing.T) {
	dbURL := storetest.URL(t)
	s := storetest.OpenURL(t, dbURL)
	must(t, s.MigrateTo(t.Context(), 8))
	seed(t, s)
	// The accounts as the code of version 8 wrote them.
	db := s.Gorm().WithContext(t.Context())
	at := time.Date(2025, 11, 3, 2, 0, 0, 0, time.UTC)
	must(t, db.Exec(`INSERT INTO users (username, name, role, unit_code, password_hash, disabled, created_at, password_changed_at)
VALUES ('cb.s1', 'Nguyễn Thị Lan', 'officer', 'S1', 'hash-1', ?, ?, ?), ('bcd', 'Ban Chỉ đạo', 'committee', NULL, 'hash-2', ?, ?, ?)`,
		false, at, at, true, at, at).Error)

	s = storetest.OpenURL(t, dbURL)
	must(t, s.MigrateTo(t.Context(), 11))
	if v, err := s.SchemaVersion(t.Context()); err != nil || v != 11 {
		t.Fatalf("after the upgrade: SchemaVersion() = %d, %v; want 11", v, err)
	}
	after, err := s.Users(t.Context())
	must(t, err)
	want := []auth.User{
		{Username: "bcd", Name: "Ban Chỉ đạo", Role: auth.Committee, PasswordHash: "hash-2", Disabled: true},
		{Username: "cb.s1", Name: "Nguyễn Thị Lan", Role: auth.Officer, Unit: "S1", PasswordHash: "hash-1"},
	}
	if len(after) != len(want) {
		t.Fatalf("%d accounts after the upgrade, want %d", len(after), len(want))
	}
	for i, w := range want {
		a := after[i]
		if a.Username != w.Username || a.Name != w.Name || a.Role != w.Role || a.Unit != w.Unit || a.PasswordHash != w.PasswordHash ||
			a.Disabled != w.Disabled || !a.CreatedAt.Equal(at) || a.MustChangePassword {
			t.Errorf("account %s after the upgrade: %+v", w.Username, a)
		}
	}
	u, err := s.UserByUsername(t.Context(), "cb.s1")
	must(t, err)
	u.MustChangePassword = true
	must(t, s.UpdateUser(t.Context(), u))
	if got, _ := s.UserByID(t.Context(), u.ID); !got.MustChangePassword {
		t.Error("the flag is not kept after the upgrade")
	}
}
