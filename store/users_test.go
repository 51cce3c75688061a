package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/workflow"
)

// addUser creates an account, failing the test on error.
func addUser(t testing.TB, s *store.Store, username string, role auth.Role, unit string) auth.User {
	t.Helper()
	u, err := s.CreateUser(t.Context(), auth.User{Username: username, Name: "Tên " + username, Role: role, Unit: unit,
		PasswordHash: "hash-" + username})
	must(t, err)
	return u
}

func TestCreateUser(t *testing.T) {
	clock := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	s := storetest.OpenWith(t, store.Options{Now: func() time.Time { return clock }})
	seed(t, s)
	created := time.Date(2025, 5, 1, 9, 30, 0, 123456789, time.FixedZone("ICT", 7*3600))
	tests := []struct {
		name string
		u    auth.User
		kind error
		msg  string
	}{
		{name: "admin", u: auth.User{Username: "admin", Name: "Văn phòng", Role: auth.Admin, PasswordHash: "h1",
			CreatedAt: created, PasswordChangedAt: created.Add(time.Hour)}},
		{name: "officer of a unit", u: auth.User{Username: "an.nv", Name: "Nguyễn Văn An", Role: auth.Officer, Unit: "S1", PasswordHash: "h2"}},
		{name: "disabled appraiser", u: auth.User{Username: "binh", Role: auth.Appraiser, PasswordHash: "h3", Disabled: true}},
		{name: "user name taken", u: auth.User{Username: "admin", Role: auth.Committee, PasswordHash: "h4"},
			kind: domain.ErrConflict, msg: "user name admin is taken"},
		{name: "officer of an unknown unit", u: auth.User{Username: "chi", Role: auth.Officer, Unit: "NOPE", PasswordHash: "h"},
			kind: domain.ErrInvalid, msg: "unit NOPE does not exist"},
		{name: "officer without a unit", u: auth.User{Username: "chi", Role: auth.Officer, PasswordHash: "h"}, kind: domain.ErrInvalid},
		{name: "committee with a unit", u: auth.User{Username: "chi", Role: auth.Committee, Unit: "S1", PasswordHash: "h"}, kind: domain.ErrInvalid},
		{name: "unknown role", u: auth.User{Username: "chi", Role: "root", PasswordHash: "h"}, kind: domain.ErrInvalid},
		{name: "no user name", u: auth.User{Role: auth.Admin, PasswordHash: "h"}, kind: domain.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := s.CreateUser(t.Context(), tc.u)
			wantKind(t, err, tc.kind)
			if tc.msg != "" && err.Error() != tc.msg {
				t.Errorf("error = %q, want %q", err, tc.msg)
			}
			if err != nil {
				return
			}
			if u.ID == 0 {
				t.Fatal("no ID")
			}
			want := tc.u
			want.ID = u.ID
			want.CreatedAt, want.PasswordChangedAt = created.UTC().Truncate(time.Microsecond), created.Add(time.Hour).UTC().Truncate(time.Microsecond)
			if tc.u.CreatedAt.IsZero() { // the store's clock
				want.CreatedAt, want.PasswordChangedAt = clock, clock
			}
			if u != want {
				t.Errorf("CreateUser returned\n %+v\nwant %+v", u, want)
			}
			for _, get := range []func() (auth.User, error){
				func() (auth.User, error) { return s.UserByID(t.Context(), u.ID) },
				func() (auth.User, error) { return s.UserByUsername(t.Context(), u.Username) },
			} {
				got, err := get()
				must(t, err)
				if got != want {
					t.Errorf("read back\n %+v\nwant %+v", got, want)
				}
			}
		})
	}
	if n := count(t, s, "users"); n != 3 {
		t.Errorf("%d users stored, want 3", n)
	}
	_, err := s.UserByID(t.Context(), 999)
	wantKind(t, err, domain.ErrNotFound)
	_, err = s.UserByUsername(t.Context(), "nobody")
	wantKind(t, err, domain.ErrNotFound)
}

func TestUsersOrder(t *testing.T) {
	s := storetest.Open(t)
	for _, name := range []string{"dung", "an", "chi", "binh"} {
		addUser(t, s, name, auth.Appraiser, "")
	}
	users, err := s.Users(t.Context())
	must(t, err)
	var names []string
	for _, u := range users {
		names = append(names, u.Username)
	}
	if want := []string{"an", "binh", "chi", "dung"}; !slices.Equal(names, want) {
		t.Errorf("Users() = %v, want %v", names, want)
	}
}

func TestUpdateUser(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	an := addUser(t, s, "an", auth.Officer, "S1")
	other := addUser(t, s, "binh", auth.Appraiser, "")
	changed := time.Date(2025, 7, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		edit   func(u *auth.User)
		kind   error
		stored func(u *auth.User) // the stored account afterwards, from the one before
	}{
		{name: "another unit, name and password",
			edit: func(u *auth.User) {
				u.Unit, u.Name, u.PasswordHash, u.PasswordChangedAt = "S2", "An mới", "new-hash", changed
			},
			stored: func(u *auth.User) {
				u.Unit, u.Name, u.PasswordHash, u.PasswordChangedAt = "S2", "An mới", "new-hash", changed
			}},
		{name: "the user name and creation time are not changed",
			edit:   func(u *auth.User) { u.Username, u.CreatedAt = "an2", changed },
			stored: func(*auth.User) {}},
		{name: "an appraiser now, disabled",
			edit:   func(u *auth.User) { u.Role, u.Unit, u.Disabled = auth.Appraiser, "", true },
			stored: func(u *auth.User) { u.Role, u.Unit, u.Disabled = auth.Appraiser, "", true }},
		{name: "an officer of an unknown unit", kind: domain.ErrInvalid,
			edit:   func(u *auth.User) { u.Role, u.Unit = auth.Officer, "NOPE" },
			stored: func(*auth.User) {}},
		{name: "an unknown user", kind: domain.ErrNotFound,
			edit:   func(u *auth.User) { u.ID = 999 },
			stored: func(*auth.User) {}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, err := s.UserByID(t.Context(), an.ID)
			must(t, err)
			edited := before
			tc.edit(&edited)
			wantKind(t, s.UpdateUser(t.Context(), edited), tc.kind)
			want := before
			tc.stored(&want)
			got, err := s.UserByID(t.Context(), an.ID)
			must(t, err)
			if got != want {
				t.Errorf("stored\n %+v\nwant %+v", got, want)
			}
		})
	}
	if got, err := s.UserByID(t.Context(), other.ID); err != nil || got != other {
		t.Errorf("another user changed: %+v, %v", got, err)
	}
}

func TestSessions(t *testing.T) {
	s := storetest.Open(t)
	an := addUser(t, s, "an", auth.Admin, "")
	binh := addUser(t, s, "binh", auth.Appraiser, "")
	at := time.Date(2025, 6, 1, 8, 0, 0, 999, time.FixedZone("ICT", 7*3600))
	sess := func(hash string, user int64) auth.Session {
		return auth.Session{TokenHash: hash, UserID: user, CSRF: "csrf-" + hash, CreatedAt: at, LastSeen: at,
			ExpiresAt: at.Add(8 * time.Hour), IP: "192.0.2.1"}
	}
	stored := func(s auth.Session) auth.Session { // as the store keeps it
		s.CreatedAt, s.LastSeen, s.ExpiresAt = s.CreatedAt.UTC().Truncate(time.Microsecond),
			s.LastSeen.UTC().Truncate(time.Microsecond), s.ExpiresAt.UTC().Truncate(time.Microsecond)
		return s
	}
	for _, x := range []auth.Session{sess("a1", an.ID), sess("a2", an.ID), sess("a3", an.ID), sess("b1", binh.ID)} {
		must(t, s.CreateSession(t.Context(), x))
	}
	got, err := s.SessionByHash(t.Context(), "a1")
	must(t, err)
	if want := stored(sess("a1", an.ID)); got != want {
		t.Errorf("SessionByHash(a1) =\n %+v\nwant %+v", got, want)
	}
	_, err = s.SessionByHash(t.Context(), "nope")
	wantKind(t, err, domain.ErrNotFound)
	wantKind(t, s.CreateSession(t.Context(), sess("x", 999)), domain.ErrInvalid)
	if err := s.CreateSession(t.Context(), sess("a1", an.ID)); err == nil {
		t.Error("a second session with the same hash was accepted")
	}

	seen, expires := at.Add(time.Hour), at.Add(9*time.Hour)
	must(t, s.TouchSession(t.Context(), "a1", seen, expires))
	must(t, s.TouchSession(t.Context(), "gone", seen, expires))
	got, err = s.SessionByHash(t.Context(), "a1")
	must(t, err)
	want := sess("a1", an.ID)
	want.LastSeen, want.ExpiresAt = seen, expires
	if want = stored(want); got != want {
		t.Errorf("after TouchSession:\n %+v\nwant %+v", got, want)
	}

	must(t, s.DeleteSession(t.Context(), "a3"))
	must(t, s.DeleteSession(t.Context(), "a3")) // already gone: no error
	must(t, s.DeleteUserSessions(t.Context(), an.ID, "a1"))
	left := func() []string {
		var hashes []string
		must(t, s.Gorm().Raw("SELECT token_hash FROM sessions ORDER BY token_hash").Scan(&hashes).Error)
		return hashes
	}
	if got := left(); !slices.Equal(got, []string{"a1", "b1"}) {
		t.Errorf("after DeleteUserSessions(an, keep a1): %v", got)
	}
	must(t, s.DeleteUserSessions(t.Context(), an.ID, ""))
	if got := left(); !slices.Equal(got, []string{"b1"}) {
		t.Errorf("after DeleteUserSessions(an, keep none): %v", got)
	}
}

// TestUserCascade checks the foreign keys of the tables that reference a
// user: the app never deletes a user, but if one is deleted by hand its
// sessions and assignments go with it.
func TestUserCascade(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	must(t, s.SetPhase(t.Context(), "2025", domain.PhaseAppraisal))
	an := addUser(t, s, "an", auth.Appraiser, "")
	binh := addUser(t, s, "binh", auth.Appraiser, "")
	for _, u := range []auth.User{an, binh} {
		must(t, s.CreateSession(t.Context(), auth.Session{TokenHash: u.Username, UserID: u.ID, CreatedAt: time.Now(),
			LastSeen: time.Now(), ExpiresAt: time.Now()}))
		must(t, s.SetAssignments(t.Context(), "2025", u.ID, nil))
	}
	must(t, s.SetAssignments(t.Context(), "2025", an.ID, []workflow.Assignment{{Unit: "S1"}}))
	must(t, s.Gorm().Exec("DELETE FROM users WHERE id = ?", an.ID).Error)
	for table, want := range map[string]int64{"sessions": 1, "assignments": 0, "users": 1} {
		if n := count(t, s, table); n != want {
			t.Errorf("%s: %d rows after deleting a user, want %d", table, n, want)
		}
	}
	// A unit that an officer belongs to cannot go.
	addUser(t, s, "chi", auth.Officer, "X1")
	if err := s.Gorm().Exec("DELETE FROM units WHERE code = 'X1'").Error; err == nil {
		t.Error("a unit with an officer was deleted")
	}
}
