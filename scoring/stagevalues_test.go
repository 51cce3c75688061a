package scoring_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/parindex/parindex/scoring"
)

func TestStageValues(t *testing.T) {
	var s scoring.StageValues
	if s.Len() != 0 {
		t.Fatalf("zero value holds %d values", s.Len())
	}
	if _, ok := s.Get(scoring.StageSelf); ok {
		t.Error("zero value has a self value")
	}
	if !s.Set(scoring.StageFinal, scoring.Value{Points: scoring.NewInt(3)}) || !s.Set(scoring.StageSelf, scoring.Value{NA: true}) {
		t.Fatal("Set refused a stage")
	}
	if s.Set("draft", scoring.Value{Points: scoring.NewInt(9)}) {
		t.Error("Set accepted a name that is not a stage")
	}
	if s.Len() != 2 {
		t.Errorf("Len = %d, want 2", s.Len())
	}
	if v, ok := s.Get(scoring.StageFinal); !ok || !v.Points.Equal(scoring.NewInt(3)) || v.NA {
		t.Errorf("final = %+v %v", v, ok)
	}
	if _, ok := s.Get(scoring.StageAppraisal); ok {
		t.Error("appraisal was never set")
	}
	// Setting again replaces.
	s.Set(scoring.StageFinal, scoring.Value{Points: scoring.NewInt(4)})
	var order []scoring.Stage
	for st, v := range s.All() {
		order = append(order, st)
		if st == scoring.StageFinal && !v.Points.Equal(scoring.NewInt(4)) {
			t.Errorf("final after a second Set = %s", v.Points)
		}
	}
	if !slices.Equal(order, []scoring.Stage{scoring.StageSelf, scoring.StageFinal}) {
		t.Errorf("All yields %v, want self then final (workflow order)", order)
	}
	m := map[scoring.Stage]scoring.Value{scoring.StageAppraisal: {Points: scoring.NewInt(1)}, scoring.StageExplanation: {NA: true}, "bogus": {}}
	got := map[scoring.Stage]scoring.Value{}
	maps.Insert(got, scoring.ValuesOf(m).All())
	if len(got) != 2 || !got[scoring.StageAppraisal].Points.Equal(scoring.NewInt(1)) || !got[scoring.StageExplanation].NA {
		t.Errorf("ValuesOf(%v) = %v", m, got)
	}

	var u scoring.UnitData
	if !u.SetPoints("1.1", scoring.StageSelf, scoring.Value{Points: scoring.NewInt(2)}) || !u.SetPoints("1.1", scoring.StageAppraisal, scoring.Value{Points: scoring.NewInt(1)}) {
		t.Fatal("SetPoints refused a stage")
	}
	if u.SetPoints("1.2", "bogus", scoring.Value{}) {
		t.Error("SetPoints accepted a name that is not a stage")
	}
	if len(u.Points) != 1 || u.Points["1.1"].Len() != 2 {
		t.Errorf("Points = %+v", u.Points)
	}
}
