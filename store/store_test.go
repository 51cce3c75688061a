package store_test

import (
	"errors"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
)

const latest = 2

func TestOpen(t *testing.T) {
	s := storetest.Open(t)
	want := store.DialectSQLite
	if storetest.Postgres() {
		want = store.DialectPostgres
	}
	if got := s.Dialect(); got != want {
		t.Errorf("Dialect() = %q, want %q", got, want)
	}
	must(t, s.Ping(t.Context()))
	if s.Dialect() == store.DialectSQLite {
		for pragma, want := range map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "10000"} {
			var got string
			must(t, s.Gorm().Raw("PRAGMA "+pragma).Scan(&got).Error)
			if got != want {
				t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
			}
		}
	}
}

func TestOpenBadPostgresURL(t *testing.T) {
	_, err := store.Open(t.Context(), "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2",
		store.Options{Logger: slog.New(slog.DiscardHandler)})
	if err == nil {
		t.Fatal("Open succeeded on a closed port")
	}
}

func TestMigrate(t *testing.T) {
	s, err := store.Open(t.Context(), storetest.URL(t), store.Options{})
	must(t, err)
	t.Cleanup(func() { s.Close() })

	v, err := s.SchemaVersion(t.Context())
	must(t, err)
	if v != 0 {
		t.Fatalf("empty database: version %d, want 0", v)
	}
	if n, err := s.LatestSchemaVersion(); err != nil || n != latest {
		t.Fatalf("LatestSchemaVersion() = %d, %v; want %d", n, err, latest)
	}
	for i := range 2 { // the second run is a no-op
		must(t, s.Migrate(t.Context()))
		v, err = s.SchemaVersion(t.Context())
		must(t, err)
		if v != latest {
			t.Fatalf("run %d: version %d, want %d", i+1, v, latest)
		}
	}
	for _, table := range []string{"unit_groups", "units", "periods", "frameworks", "framework_items",
		"scores", "inputs", "score_changes"} {
		if n := count(t, s, table); n != 0 {
			t.Errorf("%s: %d rows in a new database", table, n)
		}
	}
}

// TestRowsRoundTrip writes one row of every row struct and reads it back.
func TestRowsRoundTrip(t *testing.T) {
	s := storetest.Open(t)
	db := s.Gorm().WithContext(t.Context())
	at := time.Date(2025, 3, 4, 5, 6, 7, 123456000, time.UTC)
	parent := "S1"
	item := "1"
	rows := []struct {
		name string
		row  any // pointer to a row with ID 0
		read func() any
	}{
		{"group", &store.GroupRow{Code: "SO", Name: "Sở"}, func() any { return &store.GroupRow{} }},
		{"unit", &store.UnitRow{Code: "S1", Name: "Sở Nội vụ", GroupCode: "SO", CreatedAt: at, UpdatedAt: at},
			func() any { return &store.UnitRow{} }},
		{"child unit", &store.UnitRow{Code: "S2", Name: "Sở Tư pháp", GroupCode: "SO", ParentCode: &parent, CreatedAt: at, UpdatedAt: at},
			func() any { return &store.UnitRow{} }},
		{"period", &store.PeriodRow{Code: "2025", Name: "Năm 2025", Phase: "appraisal", CreatedAt: at, UpdatedAt: at},
			func() any { return &store.PeriodRow{} }},
		{"framework", &store.FrameworkRow{PeriodCode: "2025", GroupCode: "SO", Name: "Bộ chỉ số", NotApplicable: "full_credit",
			Source: []byte("period: \"2025\"\n\x00\xff"), Version: 3, CreatedAt: at, UpdatedAt: at.Add(time.Hour)},
			func() any { return &store.FrameworkRow{} }},
		{"framework group item", &store.FrameworkItemRow{FrameworkID: 1, Code: "1", Position: 1, Depth: 1, Name: "Lĩnh vực", Max: dec(t, "10.5")},
			func() any { return &store.FrameworkItemRow{} }},
		{"framework leaf", &store.FrameworkItemRow{FrameworkID: 1, Code: "1.1", ParentCode: &item, Position: 2, Depth: 2,
			Name: "Tiêu chí", Method: "ratio", Max: dec(t, "0.1"), Metric: "M01"},
			func() any { return &store.FrameworkItemRow{} }},
		{"score", &store.ScoreRow{PeriodCode: "2025", UnitCode: "S1", ItemCode: "1.1", Stage: "self",
			Points: decimal.NewNullDecimal(dec(t, "0.75")), Comment: "đã ban hành", Author: "an", UpdatedAt: at},
			func() any { return &store.ScoreRow{} }},
		{"na score", &store.ScoreRow{PeriodCode: "2025", UnitCode: "S1", ItemCode: "1.2", Stage: "final", NA: true, UpdatedAt: at},
			func() any { return &store.ScoreRow{} }},
		{"input", &store.InputRow{PeriodCode: "2025", UnitCode: "S2", Name: "tasks_done", Value: dec(t, "12.345"), Author: "import", UpdatedAt: at},
			func() any { return &store.InputRow{} }},
		{"first change", &store.ChangeRow{PeriodCode: "2025", UnitCode: "S1", ItemCode: "1.1", Stage: "self",
			NewPoints: decimal.NewNullDecimal(dec(t, "0.75")), Reason: "r", Author: "an", Source: "web", At: at},
			func() any { return &store.ChangeRow{} }},
		{"change to na", &store.ChangeRow{PeriodCode: "2025", UnitCode: "S1", ItemCode: "1.1", Stage: "self", HadOld: true,
			OldPoints: decimal.NewNullDecimal(dec(t, "0.75")), NewNA: true, Source: "import", At: at},
			func() any { return &store.ChangeRow{} }},
	}
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			must(t, db.Create(tc.row).Error)
			id := reflect.ValueOf(tc.row).Elem().FieldByName("ID").Int()
			if id == 0 {
				t.Fatal("no id after create")
			}
			got := tc.read()
			must(t, db.Where("id = ?", id).Take(got).Error)
			normalize(got)
			normalize(tc.row)
			if !reflect.DeepEqual(got, tc.row) {
				t.Errorf("read back\n got %+v\nwant %+v", got, tc.row)
			}
		})
	}
}

// normalize makes rows comparable with DeepEqual: times in UTC, decimals
// in canonical form.
func normalize(row any) {
	v := reflect.ValueOf(row).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch x := f.Interface().(type) {
		case time.Time:
			f.Set(reflect.ValueOf(x.UTC()))
		case decimal.Decimal:
			f.Set(reflect.ValueOf(canonical(x)))
		case decimal.NullDecimal:
			if x.Valid {
				x.Decimal = canonical(x.Decimal)
			}
			f.Set(reflect.ValueOf(x))
		}
	}
}

func canonical(d decimal.Decimal) decimal.Decimal { return decimal.RequireFromString(d.String()) }

// TestUpgradeKeepsData migrates to version 1, stores data, upgrades to the
// latest version and checks that nothing was lost and the new tables work.
func TestUpgradeKeepsData(t *testing.T) {
	s := storetest.OpenAt(t, 1)
	if v, err := s.SchemaVersion(t.Context()); err != nil || v != 1 {
		t.Fatalf("SchemaVersion() = %d, %v; want 1", v, err)
	}
	seed(t, s)
	must(t, s.SetPhase(t.Context(), "2024", domain.PhasePublished))
	src := setYAML("2025", "SO", "Bộ chỉ số sở 2025", 3)
	if _, err := saveSet(t, s, src, false); err != nil {
		t.Fatal(err)
	}
	units, err := s.Units(t.Context(), "")
	must(t, err)
	periods, err := s.Periods(t.Context())
	must(t, err)
	groups, err := s.Groups(t.Context())
	must(t, err)
	items := count(t, s, "framework_items")

	must(t, s.Migrate(t.Context()))
	if v, err := s.SchemaVersion(t.Context()); err != nil || v != latest {
		t.Fatalf("after upgrade: SchemaVersion() = %d, %v; want %d", v, err, latest)
	}

	gotUnits, err := s.Units(t.Context(), "")
	must(t, err)
	gotPeriods, err := s.Periods(t.Context())
	must(t, err)
	gotGroups, err := s.Groups(t.Context())
	must(t, err)
	if !reflect.DeepEqual(gotUnits, units) || !reflect.DeepEqual(gotPeriods, periods) || !reflect.DeepEqual(gotGroups, groups) {
		t.Errorf("data changed by the upgrade:\nunits %v -> %v\nperiods %v -> %v\ngroups %v -> %v",
			units, gotUnits, periods, gotPeriods, groups, gotGroups)
	}
	if n := count(t, s, "framework_items"); n != items {
		t.Errorf("framework_items: %d rows after the upgrade, %d before", n, items)
	}
	fw, err := s.Framework(t.Context(), "2025", "SO")
	must(t, err)
	if fw.Name != "Bộ chỉ số sở 2025" || len(fw.Leaves()) != 5 {
		t.Errorf("criteria set after upgrade: %q with %d leaves", fw.Name, len(fw.Leaves()))
	}

	// The tables of version 2 work with the data of version 1.
	n, err := s.RecordScores(t.Context(), []domain.Score{
		{Period: "2025", Unit: "S1", Item: "1.1", Stage: scoring.StageSelf, Value: pts(t, "0.5")},
	}, "an", "import")
	must(t, err)
	if n != 1 {
		t.Errorf("RecordScores changed %d values, want 1", n)
	}
	must(t, s.RecordInputs(t.Context(), []domain.Input{{Period: "2025", Unit: "S1", Name: "done", Value: dec(t, "3")}}, "an"))
	data, err := s.UnitData(t.Context(), "2025", "SO")
	must(t, err)
	if len(data) != 1 || data[0].Code != "S1" || !data[0].Inputs["done"].Equal(dec(t, "3")) {
		t.Errorf("UnitData after upgrade = %+v", data)
	}
	if _, err := saveSet(t, s, src, false); !isConflict(err) {
		t.Errorf("replacing a set with points after the upgrade: err = %v, want a conflict", err)
	}
}

func isConflict(err error) bool { return err != nil && errors.Is(err, domain.ErrConflict) }
