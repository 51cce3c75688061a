package store_test

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
)

// latestVersion is the number of migration steps, checking that both
// dialects have the same steps, numbered 1, 2, ... with no gap.
func latestVersion(t testing.TB) int64 {
	t.Helper()
	var names [2][]string
	for i, dialect := range []string{store.DialectSQLite, store.DialectPostgres} {
		entries, err := os.ReadDir(filepath.Join("migrations", dialect))
		must(t, err)
		for _, e := range entries {
			names[i] = append(names[i], e.Name())
		}
	}
	if !slices.Equal(names[0], names[1]) {
		t.Fatalf("the dialects' migrations differ:\nsqlite   %v\npostgres %v", names[0], names[1])
	}
	// Versions rise strictly; a branch may leave a gap for steps that
	// land on other branches (they are renumbered when merged).
	last := 0
	for _, name := range names[0] {
		var v int
		if _, err := fmt.Sscanf(name, "%05d_", &v); err != nil || v <= last || !strings.HasPrefix(name, fmt.Sprintf("%05d_", v)) {
			t.Fatalf("migration %s: want a five-digit version above %d", name, last)
		}
		last = v
	}
	return int64(last)
}

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
	latest := latestVersion(t)
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
		"scores", "inputs", "score_changes", "input_changes", "users", "sessions", "period_deadlines", "submissions",
		"assignments", "evidence", "publications", "reminders"} {
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
	unit := "S2"
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
			Points: decimal.NewNullDecimal(dec(t, "0.75")), Comment: "đã ban hành", Author: "an", UpdatedAt: at, Version: 1},
			func() any { return &store.ScoreRow{} }},
		{"na score", &store.ScoreRow{PeriodCode: "2025", UnitCode: "S1", ItemCode: "1.2", Stage: "final", NA: true, UpdatedAt: at, Version: 7},
			func() any { return &store.ScoreRow{} }},
		{"input", &store.InputRow{PeriodCode: "2025", UnitCode: "S2", Name: "tasks_done", Value: dec(t, "12.345"), Author: "import", UpdatedAt: at, Version: 4},
			func() any { return &store.InputRow{} }},
		{"first input change", &store.InputChangeRow{PeriodCode: "2025", UnitCode: "S2", Name: "tasks_done", NewValue: dec(t, "12"),
			Author: "import", Source: "import", At: at},
			func() any { return &store.InputChangeRow{} }},
		{"input correction", &store.InputChangeRow{PeriodCode: "2025", UnitCode: "S2", Name: "tasks_done", HadOld: true,
			OldValue: decimal.NewNullDecimal(dec(t, "12")), NewValue: dec(t, "12.345"), Reason: "số liệu một cửa", Author: "admin", Source: "web", At: at},
			func() any { return &store.InputChangeRow{} }},
		{"first change", &store.ChangeRow{PeriodCode: "2025", UnitCode: "S1", ItemCode: "1.1", Stage: "self",
			NewPoints: decimal.NewNullDecimal(dec(t, "0.75")), Reason: "r", Author: "an", Source: "web", At: at},
			func() any { return &store.ChangeRow{} }},
		{"change to na", &store.ChangeRow{PeriodCode: "2025", UnitCode: "S1", ItemCode: "1.1", Stage: "self", HadOld: true,
			OldPoints: decimal.NewNullDecimal(dec(t, "0.75")), NewNA: true, Source: "import", At: at},
			func() any { return &store.ChangeRow{} }},
		{"officer", &store.UserRow{Username: "an.nv", Name: "Nguyễn Văn An", Role: "officer", UnitCode: &parent,
			PasswordHash: "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA", CreatedAt: at, PasswordChangedAt: at.Add(time.Hour)},
			func() any { return &store.UserRow{} }},
		{"disabled admin", &store.UserRow{Username: "admin", Role: "admin", PasswordHash: "x", Disabled: true, CreatedAt: at, PasswordChangedAt: at},
			func() any { return &store.UserRow{} }},
		{"assignment of a unit", &store.AssignmentRow{UserID: 2, PeriodCode: "2025", UnitCode: &unit},
			func() any { return &store.AssignmentRow{} }},
		{"assignment of a field", &store.AssignmentRow{UserID: 2, PeriodCode: "2025", Field: "1"},
			func() any { return &store.AssignmentRow{} }},
		{"evidence", &store.EvidenceRow{PeriodCode: "2025", UnitCode: "S1", ItemCode: "1.1", Stage: "explanation",
			FileName: "Báo cáo.pdf", ContentType: "application/pdf", Size: 1 << 40, SHA256: strings.Repeat("ab", 32),
			UploadedBy: "an.nv", UploadedAt: at},
			func() any { return &store.EvidenceRow{} }},
		{"reminder", &store.ReminderRow{PeriodCode: "2025", UnitCode: "S2", Message: "Hạn nộp là thứ Sáu", Author: "admin", At: at},
			func() any { return &store.ReminderRow{} }},
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

	// Tables keyed by their columns rather than an id.
	submitted := at.Add(time.Minute)
	keyed := []struct {
		name  string
		row   any
		read  func() any
		where string
		args  []any
	}{
		{"session", &store.SessionRow{TokenHash: "h1", UserID: 1, CSRF: "c", CreatedAt: at, ExpiresAt: at.Add(8 * time.Hour),
			LastSeen: at.Add(time.Minute), IP: "2001:db8::1"},
			func() any { return &store.SessionRow{} }, "token_hash = ?", []any{"h1"}},
		{"deadline", &store.DeadlineRow{PeriodCode: "2025", Phase: "self_assessment", DueAt: at},
			func() any { return &store.DeadlineRow{} }, "period_code = ? AND phase = ?", []any{"2025", "self_assessment"}},
		{"draft submission", &store.SubmissionRow{PeriodCode: "2025", UnitCode: "S1", Status: "draft"},
			func() any { return &store.SubmissionRow{} }, "period_code = ? AND unit_code = ?", []any{"2025", "S1"}},
		{"submission", &store.SubmissionRow{PeriodCode: "2025", UnitCode: "S2", Status: "submitted", SubmittedAt: &submitted,
			SubmittedBy: "an.nv", Count: 2},
			func() any { return &store.SubmissionRow{} }, "period_code = ? AND unit_code = ?", []any{"2025", "S2"}},
		{"publication", &store.PublicationRow{PeriodCode: "2025", Number: 1, DecisionNo: "12/QĐ-BCĐ",
			DecisionDate: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), ApprovedBy: "Ban Chỉ đạo", PublishedAt: at,
			Snapshot: []byte(`{"a":1}` + "\x00\xff"), Document: []byte(`{"b":[]}`)},
			func() any { return &store.PublicationRow{} }, "period_code = ? AND number = ?", []any{"2025", 1}},
	}
	for _, tc := range keyed {
		t.Run(tc.name, func(t *testing.T) {
			must(t, db.Create(tc.row).Error)
			got := tc.read()
			must(t, db.Where(tc.where, tc.args...).Take(got).Error)
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
		case *time.Time:
			if x != nil {
				u := x.UTC()
				f.Set(reflect.ValueOf(&u))
			}
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
	latest := latestVersion(t)
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
