package store_test

import (
	"reflect"
	"testing"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store/storetest"
)

func TestSaveFramework(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	score := func(unit string) {
		t.Helper()
		_, err := s.RecordScores(t.Context(), []domain.Score{{Period: "2025", Unit: unit, Item: "1.1", Stage: scoring.StageSelf, Value: pts(t, "1")}}, "an", "web")
		must(t, err)
	}
	steps := []struct {
		name     string
		src      []byte
		force    bool
		before   func()
		replaced bool
		kind     error
		msg      string
		leaves   int // of the stored set afterwards
		version  int64
	}{
		{name: "new set creates the period", src: setYAML("2025", "SO", "v1", 2), leaves: 4, version: 1},
		{name: "replace without points", src: setYAML("2025", "SO", "v2", 3), replaced: true, leaves: 5, version: 2},
		{name: "points of another group do not block", before: func() { score("X1") },
			src: setYAML("2025", "SO", "v3", 4), replaced: true, leaves: 6, version: 3},
		{name: "refused once points exist", before: func() { score("S1"); score("S2") },
			src: setYAML("2025", "SO", "v4", 1), kind: domain.ErrConflict,
			msg:    "criteria set 2025 SO already has 2 recorded points; use --force to replace it",
			leaves: 6, version: 3},
		{name: "forced", src: setYAML("2025", "SO", "v5", 1), force: true, replaced: true, leaves: 3, version: 4},
		{name: "another group, new group created", src: setYAML("2025", "PHUONG", "p", 1), leaves: 3, version: 1},
		{name: "another period", src: setYAML("2024", "SO", "old", 2), leaves: 4, version: 1},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.before != nil {
				st.before()
			}
			fw := parseSet(t, st.src)
			replaced, err := s.SaveFramework(t.Context(), fw, st.src, st.force)
			wantKind(t, err, st.kind)
			if st.msg != "" && err.Error() != st.msg {
				t.Errorf("error = %q, want %q", err, st.msg)
			}
			if replaced != st.replaced {
				t.Errorf("replaced = %v, want %v", replaced, st.replaced)
			}
			got, err := s.Framework(t.Context(), fw.Period, fw.Group)
			must(t, err)
			if len(got.Leaves()) != st.leaves {
				t.Errorf("stored set has %d leaves, want %d", len(got.Leaves()), st.leaves)
			}
			var version int64
			must(t, s.Gorm().Raw("SELECT version FROM frameworks WHERE period_code = ? AND group_code = ?", fw.Period, fw.Group).Scan(&version).Error)
			if version != st.version {
				t.Errorf("version = %d, want %d", version, st.version)
			}
			var items int
			must(t, s.Gorm().Raw("SELECT count(*) FROM framework_items i JOIN frameworks f ON f.id = i.framework_id WHERE f.period_code = ? AND f.group_code = ?",
				fw.Period, fw.Group).Scan(&items).Error)
			if want := len(got.Leaves()) + 1; items != want { // the leaves and field 1
				t.Errorf("framework_items has %d rows for the set, want %d", items, want)
			}
		})
	}

	p, err := s.Period(t.Context(), "2024")
	must(t, err)
	if p.Phase != domain.PhaseDraft {
		t.Errorf("period created by SaveFramework is in phase %s, want draft", p.Phase)
	}
	groups, err := s.FrameworkGroups(t.Context(), "2025")
	must(t, err)
	if !reflect.DeepEqual(groups, []string{"PHUONG", "SO"}) {
		t.Errorf("FrameworkGroups(2025) = %v", groups)
	}
	periods, err := s.FrameworkPeriods(t.Context(), "SO")
	must(t, err)
	if !reflect.DeepEqual(periods, []string{"2024", "2025"}) {
		t.Errorf("FrameworkPeriods(SO) = %v", periods)
	}
	for _, empty := range [][]string{must2(s.FrameworkGroups(t.Context(), "1999")), must2(s.FrameworkPeriods(t.Context(), "NONE"))} {
		if empty == nil || len(empty) != 0 {
			t.Errorf("no sets: got %#v, want an empty list", empty)
		}
	}
}

func must2[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestFrameworkItems(t *testing.T) {
	s := storetest.Open(t)
	src := []byte(`period: "2025"
group: SO
name: Cây
items:
  - code: "1"
    name: Lĩnh vực
    items:
      - code: "1.1"
        name: Nhóm
        items:
          - {code: "1.1.1", name: Lá, max: 0.1, method: manual}
          - {code: "1.1.2", name: Lá 2, max: 2.9, method: tiers, input: x, tiers: [{min: 1, points: 2.9}, {min: 0, points: 0}]}
  - {code: "2", name: Cổng, max: 97, method: ratio, ratio: online, metric: M766}
`)
	_, err := saveSet(t, s, src, false)
	must(t, err)
	type item struct {
		Code, ParentCode, Name, Method, Max, Metric string
		Position, Depth                             int
	}
	var got []item
	must(t, s.Gorm().Raw(`SELECT i.code, COALESCE(i.parent_code, '') AS parent_code, i.name, i.method, i.max, i.metric, i.position, i.depth
		FROM framework_items i ORDER BY i.position`).Scan(&got).Error)
	want := []item{
		{"1", "", "Lĩnh vực", "", "3", "", 1, 1},
		{"1.1", "1", "Nhóm", "", "3", "", 2, 2},
		{"1.1.1", "1.1", "Lá", "manual", "0.1", "", 3, 3},
		{"1.1.2", "1.1", "Lá 2", "tiers", "2.9", "", 4, 3},
		{"2", "", "Cổng", "ratio", "97", "M766", 5, 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("framework_items:\n got %v\nwant %v", got, want)
	}
}

func TestFrameworkCacheAndErrors(t *testing.T) {
	s := storetest.Open(t)
	_, err := s.Framework(t.Context(), "2025", "SO")
	wantKind(t, err, domain.ErrNotFound)
	if err.Error() != "criteria set 2025 SO not found" {
		t.Errorf("error = %q", err)
	}

	_, err = saveSet(t, s, setYAML("2025", "SO", "một", 1), false)
	must(t, err)
	a, err := s.Framework(t.Context(), "2025", "SO")
	must(t, err)
	b, err := s.Framework(t.Context(), "2025", "SO")
	must(t, err)
	if a != b {
		t.Error("the same version was parsed twice; want it cached")
	}
	_, err = saveSet(t, s, setYAML("2025", "SO", "hai", 1), false)
	must(t, err)
	c, err := s.Framework(t.Context(), "2025", "SO")
	must(t, err)
	if c == a || c.Name != "hai" {
		t.Errorf("after a replace Framework returned %q (cached: %v)", c.Name, c == a)
	}

	// The source must be the set it claims to be.
	fw := parseSet(t, setYAML("2025", "SO", "x", 1))
	_, err = s.SaveFramework(t.Context(), fw, setYAML("2026", "SO", "x", 1), false)
	wantKind(t, err, domain.ErrInvalid)
	_, err = s.SaveFramework(t.Context(), fw, []byte("items: ["), false)
	wantKind(t, err, domain.ErrInvalid)
	if _, err := s.Period(t.Context(), "2026"); err == nil {
		t.Error("a refused set created its period")
	}
}
