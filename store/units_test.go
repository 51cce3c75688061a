package store_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/store/storetest"
)

func TestGroups(t *testing.T) {
	s := storetest.Open(t)
	must(t, s.UpsertGroups(t.Context(), []domain.Group{{Code: "XA", Name: "Xã"}, {Code: "SO", Name: ""}}))
	must(t, s.UpsertGroups(t.Context(), []domain.Group{{Code: "SO", Name: "Sở, ban, ngành"}}))
	got, err := s.Groups(t.Context())
	must(t, err)
	want := []domain.Group{{Code: "SO", Name: "Sở, ban, ngành"}, {Code: "XA", Name: "Xã"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Groups() = %v, want %v", got, want)
	}
	wantKind(t, s.UpsertGroups(t.Context(), []domain.Group{{Code: "A"}, {Code: " "}}), domain.ErrInvalid)
	if n := count(t, s, "unit_groups"); n != 2 {
		t.Errorf("a refused batch wrote groups: %d rows", n)
	}
}

func TestImportUnits(t *testing.T) {
	tests := []struct {
		name             string
		batch            []domain.Unit
		created, updated int
		kind             error
		problems         []string // lines the error must contain
	}{
		{name: "new units, parent earlier in the batch, new group",
			batch:   []domain.Unit{{Code: "P1", Name: "Huyện", Group: "HUYEN"}, {Code: "C1", Name: "Xã mới", Group: "XA", Parent: "P1"}},
			created: 2},
		{name: "unchanged units count as nothing",
			batch: []domain.Unit{{Code: "S1", Name: "Sở Nội vụ", Group: "SO"}}},
		{name: "rename, regroup and reparent",
			batch: []domain.Unit{
				{Code: "S1", Name: "Sở Nội vụ tỉnh", Group: "SO"},
				{Code: "S2", Name: "Sở Tư pháp", Group: "SO"},
				{Code: "X1", Name: "UBND xã Hạ Hòa", Group: "SO"},
				{Code: "X2", Name: "Phường mới", Group: "XA", Parent: "X1"},
			},
			created: 1, updated: 3},
		{name: "parent later in the batch",
			batch: []domain.Unit{{Code: "C2", Name: "Xã", Group: "XA", Parent: "P2"}, {Code: "P2", Name: "Huyện", Group: "HUYEN"}},
			kind:  domain.ErrInvalid, problems: []string{"unit C2: parent unit P2 not found"}},
		{name: "every problem is listed",
			batch: []domain.Unit{
				{Code: "", Name: "không mã", Group: "XA"},
				{Code: "A1", Name: "", Group: ""},
				{Code: "A2", Name: "Tự làm cha", Group: "XA", Parent: "A2"},
				{Code: "A3", Name: "Trùng", Group: "XA"},
				{Code: "A3", Name: "Trùng", Group: "XA"},
				{Code: "A4", Name: "Mồ côi", Group: "NEW", Parent: "NOPE"},
			},
			kind: domain.ErrInvalid,
			problems: []string{`unit "không mã": the code is empty`, "unit A1: the name is empty", "unit A1: the group is empty",
				"unit A2: is its own parent", "unit A3: appears twice", "unit A4: parent unit NOPE not found"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := storetest.Open(t)
			seed(t, s)
			before, err := s.Units(t.Context(), "")
			must(t, err)
			groupsBefore := count(t, s, "unit_groups")
			created, updated, err := s.ImportUnits(t.Context(), tc.batch)
			wantKind(t, err, tc.kind)
			for _, p := range tc.problems {
				if !strings.Contains(err.Error()+"\n", p+"\n") {
					t.Errorf("error %q does not list %q", err, p)
				}
			}
			if created != tc.created || updated != tc.updated {
				t.Errorf("created, updated = %d, %d; want %d, %d", created, updated, tc.created, tc.updated)
			}
			after, err := s.Units(t.Context(), "")
			must(t, err)
			if tc.kind != nil {
				if !reflect.DeepEqual(after, before) || count(t, s, "unit_groups") != groupsBefore {
					t.Errorf("a refused batch changed the units: %v", after)
				}
				return
			}
			for _, u := range tc.batch {
				got, err := s.Unit(t.Context(), u.Code)
				must(t, err)
				if got != u {
					t.Errorf("Unit(%s) = %+v, want %+v", u.Code, got, u)
				}
			}
		})
	}
}

func TestUnitsAndGroupsCreated(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	_, _, err := s.ImportUnits(t.Context(), []domain.Unit{{Code: "H1", Name: "Huyện 1", Group: "HUYEN"}, {Code: "A0", Name: "Ban", Group: "SO"}})
	must(t, err)
	groups, err := s.Groups(t.Context())
	must(t, err)
	if !reflect.DeepEqual(groups[0], domain.Group{Code: "HUYEN", Name: "HUYEN"}) {
		t.Errorf("new group = %+v, want it named by its code", groups[0])
	}
	all, err := s.Units(t.Context(), "")
	must(t, err)
	var codes []string
	for _, u := range all {
		codes = append(codes, u.Group+"/"+u.Code)
	}
	if want := "HUYEN/H1 SO/A0 SO/S1 SO/S2 XA/X1"; strings.Join(codes, " ") != want {
		t.Errorf("Units(\"\") = %v, want %s", codes, want)
	}
	so, err := s.Units(t.Context(), "SO")
	must(t, err)
	if len(so) != 3 || so[2] != (domain.Unit{Code: "S2", Name: "Sở Tư pháp", Group: "SO", Parent: "S1"}) {
		t.Errorf("Units(SO) = %+v", so)
	}
	none, err := s.Units(t.Context(), "NONE")
	must(t, err)
	if len(none) != 0 {
		t.Errorf("Units(NONE) = %v", none)
	}
	_, err = s.Unit(t.Context(), "ZZ")
	wantKind(t, err, domain.ErrNotFound)
	if err.Error() != "unit ZZ not found" {
		t.Errorf("Unit(ZZ) error = %q", err)
	}
}

func TestPeriods(t *testing.T) {
	s := storetest.Open(t)
	_, err := s.Period(t.Context(), "2025")
	wantKind(t, err, domain.ErrNotFound)
	if err.Error() != "period 2025 not found" {
		t.Errorf("Period(2025) error = %q", err)
	}
	steps := []struct {
		period string
		phase  domain.Phase
		kind   error
	}{
		{"2025", domain.PhaseSelfAssessment, nil},
		{"2024", domain.PhasePublished, nil},
		{"2025", domain.PhaseAppraisal, nil},
		{"2025", "closed", domain.ErrInvalid},
		{"", domain.PhaseDraft, domain.ErrInvalid},
	}
	for _, st := range steps {
		wantKind(t, s.SetPhase(t.Context(), st.period, st.phase), st.kind)
	}
	got, err := s.Periods(t.Context())
	must(t, err)
	want := []domain.Period{{Code: "2024", Name: "2024", Phase: domain.PhasePublished}, {Code: "2025", Name: "2025", Phase: domain.PhaseAppraisal}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Periods() = %v, want %v", got, want)
	}
	p, err := s.Period(t.Context(), "2025")
	must(t, err)
	if p != want[1] {
		t.Errorf("Period(2025) = %v", p)
	}
}
