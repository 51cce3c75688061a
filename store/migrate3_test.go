package store_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/workflow"
)

// TestUpgradeTo3 fills a database of version 2, migrates it to version 3
// (accounts and workflow) and checks that nothing was lost, that every
// stored value starts at version 1 and that the new tables work.
//
// As in a real upgrade, the new version opens the database afresh: a
// PostgreSQL connection that ran "SELECT * FROM scores" before the column
// was added keeps a prepared plan of the old row type.
func TestUpgradeTo3(t *testing.T) {
	dbURL := storetest.URL(t)
	s := storetest.OpenURL(t, dbURL)
	must(t, s.MigrateTo(t.Context(), 2))
	seed(t, s)
	_, err := saveSet(t, s, setYAML("2025", "SO", "Bộ chỉ số", 3), false)
	must(t, err)
	// What the code of version 2 wrote: scores without a version.
	at := time.Date(2025, 5, 1, 8, 0, 0, 0, time.UTC)
	db := s.Gorm().WithContext(t.Context())
	for _, r := range []*store.ScoreRow{
		{PeriodCode: "2025", UnitCode: "S1", ItemCode: "1.1", Stage: "self", Points: decimal.NewNullDecimal(dec(t, "0.75")),
			Comment: "b", Author: "an", UpdatedAt: at},
		{PeriodCode: "2025", UnitCode: "S1", ItemCode: "1.2", Stage: "self", NA: true, Author: "an", UpdatedAt: at},
		{PeriodCode: "2025", UnitCode: "S2", ItemCode: "1.1", Stage: "appraisal", Points: decimal.NewNullDecimal(dec(t, "0.1")),
			Author: "binh", UpdatedAt: at},
	} {
		must(t, db.Omit("version").Create(r).Error)
	}
	for _, c := range []*store.ChangeRow{
		{PeriodCode: "2025", UnitCode: "S1", ItemCode: "1.1", Stage: "self", NewPoints: decimal.NewNullDecimal(dec(t, "0.5")),
			Reason: "a", Author: "an", Source: "import", At: at},
		{PeriodCode: "2025", UnitCode: "S1", ItemCode: "1.1", Stage: "self", HadOld: true, OldPoints: decimal.NewNullDecimal(dec(t, "0.5")),
			NewPoints: decimal.NewNullDecimal(dec(t, "0.75")), Reason: "b", Author: "an", Source: "import", At: at},
	} {
		must(t, db.Create(c).Error)
	}
	// What the code of version 2 wrote: an input without a version.
	must(t, db.Omit("version").Create(&store.InputRow{PeriodCode: "2025", UnitCode: "S1", Name: "done", Value: dec(t, "3"),
		Author: "an", UpdatedAt: at}).Error)

	scores, err := s.Scores(t.Context(), "2025", "")
	must(t, err)
	changes, err := s.Changes(t.Context(), "2025", "")
	must(t, err)
	inputs, err := s.Inputs(t.Context(), "2025", "")
	must(t, err)
	units, err := s.Units(t.Context(), "")
	must(t, err)
	periods := periodRows(t, s)
	items := count(t, s, "framework_items")

	s = storetest.OpenURL(t, dbURL)
	must(t, s.MigrateTo(t.Context(), 3))
	if v, err := s.SchemaVersion(t.Context()); err != nil || v != 3 {
		t.Fatalf("after the upgrade: SchemaVersion() = %d, %v; want 3", v, err)
	}

	gotScores, err := s.Scores(t.Context(), "2025", "")
	must(t, err)
	gotChanges, err := s.Changes(t.Context(), "2025", "")
	must(t, err)
	gotInputs, err := s.Inputs(t.Context(), "2025", "")
	must(t, err)
	gotUnits, err := s.Units(t.Context(), "")
	must(t, err)
	gotPeriods := periodRows(t, s)
	for _, c := range []struct {
		what      string
		got, want any
	}{
		{"scores", gotScores, scores}, {"changes", gotChanges, changes}, {"inputs", gotInputs, inputs},
		{"units", gotUnits, units}, {"periods", gotPeriods, periods},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s changed by the upgrade:\n got %+v\nwant %+v", c.what, c.got, c.want)
		}
	}
	if n := count(t, s, "framework_items"); n != items {
		t.Errorf("framework_items: %d rows after the upgrade, %d before", n, items)
	}
	recs, err := s.ScoreRecords(t.Context(), "2025", "")
	must(t, err)
	if len(recs) != 3 {
		t.Fatalf("%d score records, want 3", len(recs))
	}
	for _, r := range recs {
		if r.Version != 1 {
			t.Errorf("%s %s %s: version %d after the upgrade, want 1", r.Unit, r.Item, r.Stage, r.Version)
		}
	}

	// The new tables work with the old data.
	v, err := s.SaveScore(t.Context(), workflow.ScoreWrite{Score: domain.Score{Period: "2025", Unit: "S1", Item: "1.1",
		Stage: scoring.StageSelf, Value: pts(t, "1")}, Expect: expect(1), Author: "an", Source: "web"})
	must(t, err)
	if v != 2 {
		t.Errorf("SaveScore after the upgrade: version %d, want 2", v)
	}
	u, err := s.CreateUser(t.Context(), auth.User{Username: "an", Role: auth.Officer, Unit: "S1", PasswordHash: "h"})
	must(t, err)
	must(t, s.SetAssignments(t.Context(), "2025", u.ID, nil))
	must(t, s.SetDeadline(t.Context(), "2025", domain.PhaseSelfAssessment, u.CreatedAt))
}
