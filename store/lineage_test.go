package store_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
)

func lnk(from, fromUnit, to, toUnit string, weight ...string) scoring.Link {
	l := scoring.Link{FromPeriod: from, FromUnit: fromUnit, ToPeriod: to, ToUnit: toUnit}
	if len(weight) > 0 {
		d, err := decimal.NewFromString(weight[0])
		if err != nil {
			panic(err)
		}
		l.Weight, l.HasWeight = d, true
	}
	return l
}

// seedCommunes adds group XA with the old communes A, B, C and the new
// ones M, N.
func seedCommunes(t testing.TB, s *store.Store) {
	t.Helper()
	must(t, s.UpsertGroups(t.Context(), []domain.Group{{Code: "XA", Name: "Xã, phường"}}))
	_, _, err := s.ImportUnits(t.Context(), []domain.Unit{
		{Code: "A", Name: "UBND xã A", Group: "XA"}, {Code: "B", Name: "UBND xã B", Group: "XA"},
		{Code: "C", Name: "UBND xã C", Group: "XA"}, {Code: "M", Name: "UBND xã M", Group: "XA"},
		{Code: "N", Name: "UBND phường N", Group: "XA"},
	})
	must(t, err)
}

func TestSaveLineage(t *testing.T) {
	clock := time.Date(2025, 7, 1, 1, 0, 0, 0, time.UTC)
	s := storetest.OpenWith(t, store.Options{Now: func() time.Time { return clock }})
	seedCommunes(t, s)
	if lin, err := s.Lineage(t.Context()); err != nil || lin != nil {
		t.Fatalf("an empty lineage: %v, %v", lin, err)
	}
	added, updated, err := s.SaveLineage(t.Context(), []scoring.Link{
		lnk("2024", "A", "2025", "M", "2"), lnk("2024", "B", "2025", "M", "1"),
		lnk("2024", "C", "2025", "M", "1"), lnk("2024", "C", "2025", "N"),
	}, "thuongtruc", "web")
	must(t, err)
	if added != 4 || updated != 0 {
		t.Errorf("added %d, updated %d; want 4, 0", added, updated)
	}
	// The same file again changes nothing; a new weight is an update.
	clock = clock.Add(time.Hour)
	added, updated, err = s.SaveLineage(t.Context(), []scoring.Link{lnk("2024", "A", "2025", "M", "2"), lnk("2024", "B", "2025", "M", "1.5")}, "import", "import")
	must(t, err)
	if added != 0 || updated != 1 {
		t.Errorf("again: added %d, updated %d; want 0, 1", added, updated)
	}
	recs, err := s.LineageRecords(t.Context())
	must(t, err)
	var got []string
	for _, r := range recs {
		w := "="
		if r.HasWeight {
			w = r.Weight.String()
		}
		got = append(got, r.Key().String()+" "+w+" "+r.Author)
	}
	want := []string{"2024 A → 2025 M 2 thuongtruc", "2024 B → 2025 M 1.5 import", "2024 C → 2025 M 1 thuongtruc", "2024 C → 2025 N = thuongtruc"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("records:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	lin, err := s.Lineage(t.Context())
	must(t, err)
	if !lin.Exists("A", "2024") || lin.Exists("A", "2025") || lin.Exists("M", "2024") || !lin.Exists("N", "2026") {
		t.Error("the stored lineage does not say who exists when")
	}
	changes, err := s.LineageChanges(t.Context())
	must(t, err)
	if len(changes) != 5 || changes[4].Action != "update" || changes[4].OldWeight.String() != "1" || changes[4].NewWeight.String() != "1.5" ||
		changes[4].Author != "import" || !changes[4].At.Equal(clock) || changes[0].Action != "add" || changes[0].OldWeight != nil {
		t.Errorf("changes: %+v", changes)
	}

	// Problems: nothing is written, each names the link and field.
	before := count(t, s, "unit_lineage_changes")
	_, _, err = s.SaveLineage(t.Context(), []scoring.Link{
		lnk("2024", "ZZ", "2025", "M", "1"),
		lnk("2024", "A", "2025", "N", "3"), // N's other predecessor C has no weight
		lnk("2025", "B", "2024", "C"),
	}, "x", "import")
	var le *domain.LineageError
	if !errors.As(err, &le) || !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("error %v, want a *domain.LineageError of kind invalid", err)
	}
	for _, w := range []string{
		"2024 ZZ → 2025 M: from_unit: unit ZZ does not exist",
		"2025 B → 2024 C: to_period: 2024 does not begin after from_period 2025",
		"2024 C → 2025 N: weight: unit N has weights for some of its predecessors into 2025 but not for C: give every one a weight, or none (a link already stored)",
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
	if le.Problems[0].Link != 0 || le.Problems[len(le.Problems)-1].Link != -1 {
		t.Errorf("problem links: %+v", le.Problems)
	}
	if n := count(t, s, "unit_lineage_changes"); n != before {
		t.Errorf("a refused change wrote %d log entries", n-before)
	}

	// Deleting: the link goes, the log keeps it; a missing link is 404.
	must(t, s.DeleteLineage(t.Context(), lnk("2024", "C", "2025", "N").Key(), "thuongtruc", "web"))
	wantKind(t, s.DeleteLineage(t.Context(), lnk("2024", "C", "2025", "N").Key(), "thuongtruc", "web"), domain.ErrNotFound)
	if recs, _ := s.LineageRecords(t.Context()); len(recs) != 3 {
		t.Errorf("%d links after a deletion, want 3", len(recs))
	}
	changes, _ = s.LineageChanges(t.Context())
	if last := changes[len(changes)-1]; last.Action != "delete" || last.Key.ToUnit != "N" || last.NewWeight != nil {
		t.Errorf("last change %+v", last)
	}
	// The log is append-only.
	if err := s.Gorm().Exec("UPDATE unit_lineage_changes SET author = 'x'").Error; err == nil {
		t.Error("the lineage log accepted an UPDATE")
	}
	if err := s.Gorm().Exec("DELETE FROM unit_lineage_changes").Error; err == nil {
		t.Error("the lineage log accepted a DELETE")
	}
}

// TestLineageOfPublishedPeriod: a link a published period's comparison
// follows cannot change; one into a later period can.
func TestLineageOfPublishedPeriod(t *testing.T) {
	s := storetest.Open(t)
	seedCommunes(t, s)
	must(t, s.SetPhase(t.Context(), "2024", domain.PhasePublished))
	must(t, s.SetPhase(t.Context(), "2025", domain.PhaseFinalAppraisal))
	_, _, err := s.SaveLineage(t.Context(), []scoring.Link{lnk("2024", "A", "2025", "M")}, "x", "import")
	must(t, err)
	must(t, s.Publish(t.Context(), domain.Publication{Period: "2025", DecisionNo: "312/QĐ-UBND",
		DecisionDate: time.Date(2026, 3, 25, 0, 0, 0, 0, time.UTC), Snapshot: []byte("{}"), Document: []byte("{}")}))
	_, _, err = s.SaveLineage(t.Context(), []scoring.Link{lnk("2024", "B", "2025", "M")}, "x", "import")
	wantKind(t, err, domain.ErrConflict)
	if !strings.Contains(err.Error(), "period 2025 is published by decision 312/QĐ-UBND of 25/03/2026") {
		t.Errorf("error: %v", err)
	}
	wantKind(t, s.DeleteLineage(t.Context(), lnk("2024", "A", "2025", "M").Key(), "x", "web"), domain.ErrConflict)
	// The same link again changes nothing, so it is no conflict.
	_, _, err = s.SaveLineage(t.Context(), []scoring.Link{lnk("2024", "A", "2025", "M")}, "x", "import")
	must(t, err)
	// A link into 2026 (after 2025) is free.
	_, _, err = s.SaveLineage(t.Context(), []scoring.Link{lnk("2025", "N", "2026", "C")}, "x", "import")
	must(t, err)
}

// TestUnitDataFollowsLineage: a unit takes part in a period only when the
// lineage lets it, whatever was recorded for it; the results stamp
// changes with the lineage.
func TestUnitDataFollowsLineage(t *testing.T) {
	s := storetest.Open(t)
	seedCommunes(t, s)
	for _, p := range []string{"2024", "2025"} {
		_, err := saveSet(t, s, setYAML(p, "XA", "Bộ chỉ số xã", 1), false)
		must(t, err)
	}
	var scores []domain.Score
	for _, u := range []string{"A", "B", "M"} {
		for _, p := range []string{"2024", "2025"} {
			scores = append(scores, domain.Score{Period: p, Unit: u, Item: "1.1", Stage: scoring.StageFinal, Value: pts(t, "1")})
		}
	}
	_, err := s.RecordScores(t.Context(), scores, "import", "import")
	must(t, err)
	codes := func(period string) string {
		units, err := s.UnitData(t.Context(), period, "XA")
		must(t, err)
		var out []string
		for _, u := range units {
			out = append(out, u.Code)
		}
		return strings.Join(out, " ")
	}
	if a, b := codes("2024"), codes("2025"); a != "A B M" || b != "A B M" {
		t.Fatalf("without a lineage: %q and %q", a, b)
	}
	stamp, err := s.ResultsStamp(t.Context(), "2025", "XA")
	must(t, err)
	_, _, err = s.SaveLineage(t.Context(), []scoring.Link{lnk("2024", "A", "2025", "M"), lnk("2024", "B", "2025", "M")}, "x", "import")
	must(t, err)
	if a, b := codes("2024"), codes("2025"); a != "A B" || b != "M" {
		t.Errorf("with M formed from A and B in 2025: 2024 %q, 2025 %q", a, b)
	}
	if again, _ := s.ResultsStamp(t.Context(), "2025", "XA"); again == stamp {
		t.Error("the results stamp did not change with the lineage")
	}
}

// TestUpgradeTo9 migrates a database of version 6 holding units, points
// and inputs: nothing is lost and the lineage tables work.
func TestUpgradeTo9(t *testing.T) {
	dbURL := storetest.URL(t)
	old := storetest.OpenURL(t, dbURL)
	must(t, old.MigrateTo(t.Context(), 6))
	seedCommunes(t, old)
	_, err := saveSet(t, old, setYAML("2024", "XA", "Bộ chỉ số xã", 2), false)
	must(t, err)
	_, err = old.RecordScores(t.Context(), []domain.Score{{Period: "2024", Unit: "A", Item: "1.1", Stage: scoring.StageSelf, Value: pts(t, "0.75")}}, "an", "import")
	must(t, err)
	must(t, old.RecordInputs(t.Context(), []domain.Input{{Period: "2024", Unit: "B", Name: "done", Value: dec(t, "3")}}, "an"))
	units, err := old.Units(t.Context(), "")
	must(t, err)
	scores, err := old.Scores(t.Context(), "2024", "")
	must(t, err)
	inputs, err := old.Inputs(t.Context(), "2024", "")
	must(t, err)

	s := storetest.OpenURL(t, dbURL) // a new version opens the database afresh
	must(t, s.Migrate(t.Context()))
	if v, err := s.SchemaVersion(t.Context()); err != nil || v < 9 {
		t.Fatalf("after the upgrade: version %d, %v", v, err)
	}
	gotUnits, _ := s.Units(t.Context(), "")
	gotScores, _ := s.Scores(t.Context(), "2024", "")
	gotInputs, _ := s.Inputs(t.Context(), "2024", "")
	if !reflect.DeepEqual(gotUnits, units) || !reflect.DeepEqual(gotScores, scores) || !reflect.DeepEqual(gotInputs, inputs) {
		t.Errorf("the upgrade changed the data:\n%v %v %v\n%v %v %v", gotUnits, gotScores, gotInputs, units, scores, inputs)
	}
	if n := count(t, s, "unit_lineage"); n != 0 {
		t.Errorf("%d links after the upgrade", n)
	}
	_, _, err = s.SaveLineage(t.Context(), []scoring.Link{lnk("2024", "A", "2025", "M"), lnk("2024", "B", "2025", "M")}, "x", "import")
	must(t, err)
	data, err := s.UnitData(t.Context(), "2024", "XA")
	must(t, err)
	if len(data) != 2 || data[0].Code != "A" || data[1].Code != "B" {
		t.Errorf("2024 after the upgrade: %+v", data)
	}
}

func TestLineageRowsRoundTrip(t *testing.T) {
	s := storetest.Open(t)
	seedCommunes(t, s)
	db := s.Gorm().WithContext(t.Context())
	at := time.Date(2025, 7, 1, 8, 0, 0, 123456000, time.UTC)
	rows := []struct {
		row  any
		read func() any
	}{
		{&store.LineageRow{FromPeriod: "2024", FromUnit: "A", ToPeriod: "2025", ToUnit: "M", Weight: decimal.NewNullDecimal(dec(t, "2.5")),
			Author: "thuongtruc", CreatedAt: at, UpdatedAt: at}, func() any { return &store.LineageRow{} }},
		{&store.LineageRow{FromPeriod: "2024", FromUnit: "B", ToPeriod: "2025", ToUnit: "M", CreatedAt: at, UpdatedAt: at},
			func() any { return &store.LineageRow{} }},
		{&store.LineageChangeRow{FromPeriod: "2024", FromUnit: "A", ToPeriod: "2025", ToUnit: "M", Action: "update",
			OldWeight: decimal.NewNullDecimal(dec(t, "1")), NewWeight: decimal.NewNullDecimal(dec(t, "2.5")), Author: "a", Source: "web", At: at},
			func() any { return &store.LineageChangeRow{} }},
		{&store.LineageChangeRow{FromPeriod: "2024", FromUnit: "A", ToPeriod: "2025", ToUnit: "M", Action: "delete", At: at},
			func() any { return &store.LineageChangeRow{} }},
	}
	for i, tc := range rows {
		must(t, db.Create(tc.row).Error)
		id := reflect.ValueOf(tc.row).Elem().FieldByName("ID").Int()
		got := tc.read()
		must(t, db.Where("id = ?", id).Take(got).Error)
		normalize(got)
		normalize(tc.row)
		if !reflect.DeepEqual(got, tc.row) {
			t.Errorf("row %d read back\n got %+v\nwant %+v", i, got, tc.row)
		}
	}
	if err := db.Create(&store.LineageChangeRow{FromPeriod: "2024", FromUnit: "A", ToPeriod: "2025", ToUnit: "M", Action: "rename", At: at}).Error; err == nil {
		t.Error("an unknown action was stored")
	}
}
