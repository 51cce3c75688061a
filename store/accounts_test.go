package store_test

import (
	"testing"

	"github.com/parindex/parindex/accounts"
	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/workflow"
)

// An import writes its accounts, their first-password flag and the
// appraisers' assignments in one transaction; one bad write leaves
// nothing of it.
func TestImportAccounts(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	must(t, s.SetPhase(t.Context(), "2026", domain.PhaseSelfAssessment))
	old := addUser(t, s, "binh", auth.Appraiser, "")
	must(t, s.SetAssignments(t.Context(), "2026", old.ID, []workflow.Assignment{{Unit: "S1"}}))
	officer := addUser(t, s, "cb.s1", auth.Officer, "S1")

	imp := accounts.Import{
		Create: []auth.User{
			{Username: "cb.s2", Name: "Trần Văn Minh", Role: auth.Officer, Unit: "S2", PasswordHash: "h1", MustChangePassword: true},
			{Username: "an", Name: "Phạm Văn An", Role: auth.Appraiser, PasswordHash: "h2", MustChangePassword: true},
		},
		Update: []auth.User{{ID: officer.ID, Username: "cb.s1", Name: "Nguyễn Thị Lan", Role: auth.Officer, Unit: "S1"}},
		Assignments: []accounts.AppraiserPeriod{
			{Period: "2026", Username: "an", Assignments: []workflow.Assignment{{Unit: "S2"}, {Unit: "X1", Field: "3"}}},
			{Period: "2026", Username: "binh"}, // every unit again
		},
	}
	must(t, s.ImportAccounts(t.Context(), imp))
	an, err := s.UserByUsername(t.Context(), "an")
	must(t, err)
	if !an.MustChangePassword || an.PasswordHash != "h2" || an.Role != auth.Appraiser {
		t.Errorf("created %+v", an)
	}
	if u, _ := s.UserByID(t.Context(), officer.ID); u.Name != "Nguyễn Thị Lan" || u.PasswordHash != "hash-cb.s1" || u.MustChangePassword {
		t.Errorf("updated %+v", u)
	}
	as, err := s.Assignments(t.Context(), "2026")
	must(t, err)
	if len(as) != 2 || as[0].UserID != an.ID || as[0].Unit != "S2" || as[1].Field != "3" {
		t.Errorf("assignments %+v", as)
	}

	// A name taken by then: nothing of the import is written.
	bad := accounts.Import{
		Create:      []auth.User{{Username: "moi", Role: auth.Committee, PasswordHash: "h"}, {Username: "an", Role: auth.Committee, PasswordHash: "h"}},
		Assignments: []accounts.AppraiserPeriod{{Period: "2026", Username: "binh", Assignments: []workflow.Assignment{{Unit: "S1"}}}},
	}
	err = s.ImportAccounts(t.Context(), bad)
	wantKind(t, err, domain.ErrConflict)
	if _, err := s.UserByUsername(t.Context(), "moi"); err == nil {
		t.Error("a refused import created an account")
	}
	if as2, _ := s.Assignments(t.Context(), "2026"); len(as2) != len(as) {
		t.Errorf("a refused import changed the assignments: %+v", as2)
	}

	// The flag goes with the password: set by a reset, cleared when the
	// owner chooses their own.
	svc := auth.NewService(s, nil)
	must(t, svc.ResetPassword(t.Context(), officer.ID, "mat-khau-tam-thoi-1"))
	if u, _ := s.UserByID(t.Context(), officer.ID); !u.MustChangePassword {
		t.Error("a reset password need not be changed")
	}
	u, _ := s.UserByID(t.Context(), officer.ID)
	must(t, svc.ChangePassword(t.Context(), u, "mat-khau-tam-thoi-1", "mat-khau-rieng-cua-lan", "", "127.0.0.1"))
	if u, _ := s.UserByID(t.Context(), officer.ID); u.MustChangePassword {
		t.Error("the owner's own password still must be changed")
	}
}
