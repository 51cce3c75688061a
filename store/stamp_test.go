package store_test

import (
	"testing"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/surveys"
)

// The results stamp changes with every change to what a group's results
// are computed from, and with nothing else.
func TestResultsStamp(t *testing.T) {
	s := storetest.Open(t)
	svc := newSurvey(t, s, nil) // units, and an open survey of 2025
	ctx := t.Context()
	set := []byte(`period: "2025"
group: SO
name: Bộ chỉ số
items:
  - {code: A, name: Tiêu chí, max: 80, method: manual}
  - {code: R, name: Tỷ lệ, max: 10, method: ratio, numerator: done, denominator: assigned}
  - {code: S, name: Hài lòng, max: 10, method: survey, survey: sat}
`)
	_, err := s.SaveFramework(ctx, parseSet(t, set), set, false)
	must(t, err)
	stamp := func() string {
		t.Helper()
		st, err := s.ResultsStamp(ctx, "2025", "SO")
		must(t, err)
		if st == "" {
			t.Fatal("empty stamp")
		}
		return st
	}
	score := func(item, points, comment string) domain.Score {
		return domain.Score{Period: "2025", Unit: "S1", Item: item, Stage: scoring.StageSelf, Value: pts(t, points), Comment: comment}
	}
	steps := []struct {
		name    string
		do      func() error
		changes bool
	}{
		{"nothing", func() error { return nil }, false},
		{"points", func() error {
			_, err := s.RecordScores(ctx, []domain.Score{score("A", "50", "")}, "an", "import")
			return err
		}, true},
		{"a comment only", func() error {
			_, err := s.RecordScores(ctx, []domain.Score{score("A", "50", "ghi chú")}, "an", "import")
			return err
		}, false},
		{"points of another period", func() error {
			_, err := s.RecordScores(ctx, []domain.Score{{Period: "2024", Unit: "S1", Item: "A", Stage: scoring.StageSelf, Value: pts(t, "1")}}, "an", "import")
			return err
		}, false},
		{"an input", func() error {
			return s.RecordInputs(ctx, []domain.Input{{Period: "2025", Unit: "S1", Name: "done", Value: dec(t, "3")}}, "an")
		}, true},
		{"the same input again", func() error {
			return s.RecordInputs(ctx, []domain.Input{{Period: "2025", Unit: "S1", Name: "done", Value: dec(t, "3")}}, "an")
		}, false},
		{"a survey response", func() error {
			_, err := submit(t, svc, surveys.Submission{Unit: "S1", Answers: answers("Q1", "5", "Q3", "4")})
			return err
		}, true},
		{"a unit renamed", func() error {
			_, _, err := s.ImportUnits(ctx, []domain.Unit{{Code: "S2", Name: "Sở Tư pháp tỉnh", Group: "SO", Parent: "S1"}})
			return err
		}, true},
		{"a unit of another group", func() error {
			_, _, err := s.ImportUnits(ctx, []domain.Unit{{Code: "X9", Name: "UBND xã mới", Group: "XA"}})
			return err
		}, false},
		{"the set replaced", func() error { _, err := s.SaveFramework(ctx, parseSet(t, set), set, true); return err }, true},
	}
	prev := stamp()
	for _, st := range steps {
		must(t, st.do())
		got := stamp()
		if (got != prev) != st.changes {
			t.Errorf("%s: stamp changed %v, want %v", st.name, got != prev, st.changes)
		}
		prev = got
	}
	// Reviewing a response (it leaves the valid ones) changes it too.
	c, _, err := s.Campaign(ctx, "khao-sat")
	must(t, err)
	resps, err := s.Responses(ctx, c.ID, surveys.Valid, 10)
	must(t, err)
	if len(resps) == 0 {
		t.Fatal("no valid response to review")
	}
	must(t, s.ReviewResponse(ctx, c.ID, resps[0].ID, surveys.Rejected, "phiếu trùng", "admin"))
	if got := stamp(); got == prev {
		t.Error("a review did not change the stamp")
	}
}
