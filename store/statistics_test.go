package store_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
)

// statisticsImport is a small portal-like import: a province P with a
// department D1 and a commune C1, a criteria set per group, and counts.
func statisticsImport(t *testing.T, period string) store.StatisticsImport {
	t.Helper()
	set := func(group string) store.SetSource {
		src := setYAML(period, group, "Bộ chỉ số 766 "+group, 1)
		return store.SetSource{Framework: parseSet(t, src), Source: src}
	}
	return store.StatisticsImport{
		Groups: []domain.Group{{Code: "PROVINCE", Name: "Cơ quan cấp tỉnh"}, {Code: "COMMUNE", Name: "UBND cấp xã"}},
		Units: []domain.Unit{
			{Code: "P", Name: "UBND tỉnh", Group: "PROVINCE"},
			{Code: "D1", Name: "Sở Tư pháp", Group: "PROVINCE", Parent: "P"},
			{Code: "C1", Name: "UBND xã Hạ Hòa", Group: "COMMUNE", Parent: "P"},
		},
		Sets: []store.SetSource{set("PROVINCE"), set("COMMUNE")},
		Inputs: []domain.Input{
			{Period: period, Unit: "D1", Name: "done", Value: dec(t, "156")},
			{Period: period, Unit: "D1", Name: "assigned", Value: dec(t, "161")},
			{Period: period, Unit: "C1", Name: "done", Value: dec(t, "0")},
			{Period: period, Unit: "C1", Name: "assigned", Value: dec(t, "0")},
			{Period: period, Unit: "D1", Name: "done", Value: dec(t, "157")}, // the last value wins
		},
	}
}

func TestImportStatistics(t *testing.T) {
	s := storetest.Open(t)
	ctx := t.Context()
	res, err := s.ImportStatistics(ctx, statisticsImport(t, "2026-Q3"), "portal766")
	must(t, err)
	if res.UnitsCreated != 3 || res.UnitsUpdated != 0 || res.Inputs != 4 ||
		!slices.Equal(res.SetsInstalled, []string{"2026-Q3 PROVINCE", "2026-Q3 COMMUNE"}) {
		t.Fatalf("result = %+v", res)
	}
	groups, err := s.Groups(ctx)
	must(t, err)
	if len(groups) != 2 || groups[0] != (domain.Group{Code: "COMMUNE", Name: "UBND cấp xã"}) {
		t.Errorf("groups = %+v", groups)
	}
	d1, err := s.Unit(ctx, "D1")
	must(t, err)
	if d1 != (domain.Unit{Code: "D1", Name: "Sở Tư pháp", Group: "PROVINCE", Parent: "P"}) {
		t.Errorf("D1 = %+v", d1)
	}
	fw, err := s.Framework(ctx, "2026-Q3", "COMMUNE")
	must(t, err)
	if fw.Name != "Bộ chỉ số 766 COMMUNE" {
		t.Errorf("set = %q", fw.Name)
	}
	in, err := s.Inputs(ctx, "2026-Q3", "D1")
	must(t, err)
	if len(in) != 2 || in[1].Name != "done" || !in[1].Value.Equal(dec(t, "157")) || !in[0].Value.Equal(dec(t, "161")) {
		t.Errorf("inputs of D1 = %+v", in)
	}

	// Again, with a renamed unit and a set that now exists: the set is kept
	// (replacing it is `import framework`'s business), the unit updated.
	im := statisticsImport(t, "2026-Q3")
	im.Units[1].Name = "Sở Tư pháp tỉnh"
	im.Sets[0] = store.SetSource{Framework: parseSet(t, setYAML("2026-Q3", "PROVINCE", "Another", 2)), Source: setYAML("2026-Q3", "PROVINCE", "Another", 2)}
	res, err = s.ImportStatistics(ctx, im, "portal766")
	must(t, err)
	if res.UnitsCreated != 0 || res.UnitsUpdated != 1 || len(res.SetsInstalled) != 0 {
		t.Errorf("second import = %+v", res)
	}
	fw, err = s.Framework(ctx, "2026-Q3", "PROVINCE")
	must(t, err)
	if fw.Name != "Bộ chỉ số 766 PROVINCE" {
		t.Errorf("the existing set was replaced: %q", fw.Name)
	}
}

// TestImportStatisticsAllOrNothing: a bad input after good units, sets and
// inputs leaves the database as it was.
func TestImportStatisticsAllOrNothing(t *testing.T) {
	cases := []struct {
		name  string
		spoil func(*store.StatisticsImport)
		want  string
	}{
		{"unknown unit", func(im *store.StatisticsImport) {
			im.Inputs = append(im.Inputs, domain.Input{Period: "2026", Unit: "NOPE", Name: "done", Value: dec(t, "1")})
		}, "unit NOPE not found"},
		{"unknown parent", func(im *store.StatisticsImport) {
			im.Units = append(im.Units, domain.Unit{Code: "C2", Name: "Xã 2", Group: "COMMUNE", Parent: "Q"})
		}, "unit C2: parent unit Q not found"},
		{"empty input name", func(im *store.StatisticsImport) {
			im.Inputs[0].Name = ""
		}, "input 1: the period, unit and input name must not be empty"},
		{"unit twice", func(im *store.StatisticsImport) {
			im.Units = append(im.Units, im.Units[1])
		}, "unit D1: appears twice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := storetest.Open(t)
			im := statisticsImport(t, "2026")
			c.spoil(&im)
			_, err := s.ImportStatistics(t.Context(), im, "portal766")
			wantKind(t, err, domain.ErrInvalid)
			if err.Error() != c.want {
				t.Errorf("error %q, want %q", err, c.want)
			}
			for _, table := range []string{"unit_groups", "units", "periods", "frameworks", "framework_items", "inputs"} {
				if n := count(t, s, table); n != 0 {
					t.Errorf("%s: %d rows after a refused import", table, n)
				}
			}
		})
	}
}

func TestTargetsSources(t *testing.T) {
	s := storetest.Open(t)
	ctx := t.Context()
	srcs, err := s.TargetsSources(ctx)
	must(t, err)
	if len(srcs) != 0 {
		t.Fatalf("new database: %q", srcs)
	}
	src := []byte("code: CM\nname: Cà Mau\n")
	replaced, err := s.SaveTargets(ctx, "CM", "Chương trình Cà Mau", src)
	must(t, err)
	if replaced {
		t.Error("a first save replaced something")
	}
	must2(s.SaveTargets(ctx, "AB", "Another", []byte("x")))
	replaced, err = s.SaveTargets(ctx, "CM", "Chương trình CCHC Cà Mau", append(src, '#'))
	must(t, err)
	if !replaced {
		t.Error("a second save did not replace")
	}
	srcs, err = s.TargetsSources(ctx)
	must(t, err)
	if len(srcs) != 2 || string(srcs[0]) != "x" || !bytes.Equal(srcs[1], append(src, '#')) {
		t.Errorf("sources = %q", srcs)
	}
	var name string
	must(t, s.Gorm().Raw("SELECT name FROM programme_targets WHERE code = 'CM'").Scan(&name).Error)
	if name != "Chương trình CCHC Cà Mau" {
		t.Errorf("name = %q", name)
	}
	_, err = s.SaveTargets(ctx, " ", "x", src)
	wantKind(t, err, domain.ErrInvalid)
}

// TestUpgradeTo5 migrates a database of version 4 holding data to version 5
// (programme targets) and checks that nothing was lost.
func TestUpgradeTo5(t *testing.T) {
	dbURL := storetest.URL(t)
	old := storetest.OpenURL(t, dbURL)
	must(t, old.MigrateTo(t.Context(), 4))
	seed(t, old)
	// What the code of version 4 wrote: an input without a version.
	db, now := old.Gorm().WithContext(t.Context()), time.Now()
	must(t, db.Create(&store.PeriodRow{Code: "2025", Name: "2025", Phase: "draft", CreatedAt: now, UpdatedAt: now}).Error)
	must(t, db.Omit("version").Create(&store.InputRow{PeriodCode: "2025", UnitCode: "S1",
		Name: "done", Value: dec(t, "0.1"), Author: "an", UpdatedAt: now}).Error)

	s := storetest.OpenURL(t, dbURL) // a new version opens the database afresh
	must(t, s.Migrate(t.Context()))
	v, err := s.SchemaVersion(t.Context())
	must(t, err)
	if v < 5 {
		t.Fatalf("version %d after Migrate", v)
	}
	units, err := s.Units(t.Context(), "")
	must(t, err)
	in, err := s.Inputs(t.Context(), "2025", "S1")
	must(t, err)
	if len(units) != 3 || len(in) != 1 || !in[0].Value.Equal(dec(t, "0.1")) {
		t.Errorf("after the upgrade: units %+v, inputs %+v", units, in)
	}
	must2(s.SaveTargets(t.Context(), "CM", "Cà Mau", []byte("x")))
}
