package workflow

import (
	"slices"
	"testing"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// TestEditableStage: who writes which round in which phase. A correction
// reopens the council's final round, and nothing else.
func TestEditableStage(t *testing.T) {
	const (
		self, appraisal, explanation, final = scoring.StageSelf, scoring.StageAppraisal, scoring.StageExplanation, scoring.StageFinal
	)
	want := map[domain.Phase]map[auth.Role]scoring.Stage{
		domain.PhaseDraft:          {},
		domain.PhaseSelfAssessment: {auth.Officer: self},
		domain.PhaseAppraisal:      {auth.Appraiser: appraisal, auth.Admin: appraisal},
		domain.PhaseExplanation:    {auth.Officer: explanation},
		domain.PhaseFinalAppraisal: {auth.Appraiser: final, auth.Admin: final},
		domain.PhasePublished:      {},
		domain.PhaseCorrection:     {auth.Appraiser: final, auth.Admin: final},
	}
	for _, phase := range domain.Phases {
		for _, role := range append(auth.Roles, "") {
			if got := EditableStage(role, phase); got != want[phase][role] {
				t.Errorf("EditableStage(%q, %s) = %q, want %q", role, phase, got, want[phase][role])
			}
		}
	}
}

// TestRoundsAUserSees: a unit's officers see the council's rounds only
// once they are over (the final round once published, not while a
// correction is under way); everyone else sees every round.
func TestRoundsAUserSees(t *testing.T) {
	s := func(stages ...scoring.Stage) []scoring.Stage { return stages }
	const (
		self, appraisal, explanation, final = scoring.StageSelf, scoring.StageAppraisal, scoring.StageExplanation, scoring.StageFinal
	)
	cases := []struct {
		role    auth.Role
		phase   domain.Phase
		hidden  []scoring.Stage
		columns []scoring.Stage
	}{
		{auth.Officer, domain.PhaseDraft, s(appraisal, final), s(self)},
		{auth.Officer, domain.PhaseSelfAssessment, s(appraisal, final), s(self)},
		{auth.Officer, domain.PhaseAppraisal, s(appraisal, final), s(self)},
		{auth.Officer, domain.PhaseExplanation, s(final), s(self, appraisal, explanation)},
		{auth.Officer, domain.PhaseFinalAppraisal, s(final), s(self, appraisal, explanation)},
		{auth.Officer, domain.PhasePublished, nil, s(self, appraisal, explanation, final)},
		{auth.Officer, domain.PhaseCorrection, s(final), s(self, appraisal, explanation)},
		{auth.Appraiser, domain.PhaseSelfAssessment, nil, s(self)},
		{auth.Appraiser, domain.PhaseAppraisal, nil, s(self, appraisal)},
		{auth.Admin, domain.PhaseFinalAppraisal, nil, s(self, appraisal, explanation, final)},
		{auth.Committee, domain.PhaseCorrection, nil, s(self, appraisal, explanation, final)},
	}
	for _, c := range cases {
		if got := hiddenStages(c.role, c.phase); !slices.Equal(got, c.hidden) {
			t.Errorf("hiddenStages(%s, %s) = %v, want %v", c.role, c.phase, got, c.hidden)
		}
		if got := visibleStages(c.role, c.phase); !slices.Equal(got, c.columns) {
			t.Errorf("visibleStages(%s, %s) = %v, want %v", c.role, c.phase, got, c.columns)
		}
	}
}

// TestAccess: who may see and write a unit, narrowed by an appraiser's
// assignments (a unit, a field, or a field of a unit).
func TestAccess(t *testing.T) {
	officer := auth.User{ID: 1, Role: auth.Officer, Unit: "SNV"}
	appraiser := auth.User{ID: 2, Role: auth.Appraiser}
	cases := []struct {
		name        string
		acc         access
		unit, field string
		stage       scoring.Stage
		view, write bool
	}{
		{"officer, own unit, self", access{user: officer}, "SNV", "1", scoring.StageSelf, true, true},
		{"officer, own unit, appraisal", access{user: officer}, "SNV", "1", scoring.StageAppraisal, true, false},
		{"officer, another unit", access{user: officer}, "STP", "1", scoring.StageSelf, false, false},
		{"appraiser without assignment", access{user: appraiser}, "STP", "2", scoring.StageAppraisal, true, true},
		{"appraiser, final round", access{user: appraiser}, "STP", "2", scoring.StageFinal, true, true},
		{"appraiser, self", access{user: appraiser}, "STP", "2", scoring.StageSelf, true, false},
		{"assigned to SCT field 1: SCT 1", access{user: appraiser, assignments: []Assignment{{Unit: "SCT", Field: "1"}}}, "SCT", "1", scoring.StageAppraisal, true, true},
		{"assigned to SCT field 1: SCT 2", access{user: appraiser, assignments: []Assignment{{Unit: "SCT", Field: "1"}}}, "SCT", "2", scoring.StageAppraisal, true, false},
		{"assigned to SCT field 1: STP", access{user: appraiser, assignments: []Assignment{{Unit: "SCT", Field: "1"}}}, "STP", "1", scoring.StageAppraisal, false, false},
		{"assigned field 2 of every unit", access{user: appraiser, assignments: []Assignment{{Field: "2"}}}, "STP", "2", scoring.StageFinal, true, true},
		{"secretariat", access{user: auth.User{Role: auth.Admin}}, "STP", "1", scoring.StageAppraisal, true, true},
		{"committee reads, never writes", access{user: auth.User{Role: auth.Committee}}, "STP", "1", scoring.StageFinal, true, false},
		{"the public", access{}, "STP", "1", scoring.StageSelf, false, false},
	}
	for _, c := range cases {
		if got := c.acc.canView(c.unit); got != c.view {
			t.Errorf("%s: canView = %v, want %v", c.name, got, c.view)
		}
		if got := c.acc.canView(c.unit) && c.acc.canWrite(c.unit, c.field, c.stage); got != c.write {
			t.Errorf("%s: writes = %v, want %v", c.name, got, c.write)
		}
	}
}

// TestReasonNeeded: a council round that changes the points before it, and
// every explanation, need a reason.
func TestReasonNeeded(t *testing.T) {
	v := func(p int64) scoring.Value { return scoring.Value{Points: scoring.NewInt(p)} }
	rec := func(st scoring.Stage, p int64) ScoreRecord {
		return ScoreRecord{Score: domain.Score{Stage: st, Value: v(p)}}
	}
	cases := []struct {
		stage   scoring.Stage
		val     scoring.Value
		records []ScoreRecord
		want    string
	}{
		{scoring.StageSelf, v(5), nil, ""},
		{scoring.StageAppraisal, v(5), []ScoreRecord{rec(scoring.StageSelf, 5)}, ""},
		{scoring.StageAppraisal, v(4), []ScoreRecord{rec(scoring.StageSelf, 5)}, "appraisal"},
		{scoring.StageAppraisal, v(4), nil, "appraisal"},
		{scoring.StageExplanation, v(5), []ScoreRecord{rec(scoring.StageAppraisal, 5)}, "explanation"},
		{scoring.StageFinal, v(4), []ScoreRecord{rec(scoring.StageSelf, 5), rec(scoring.StageAppraisal, 4)}, ""},
		{scoring.StageFinal, v(5), []ScoreRecord{rec(scoring.StageSelf, 5), rec(scoring.StageAppraisal, 4)}, "final"},
		{scoring.StageFinal, v(5), []ScoreRecord{rec(scoring.StageSelf, 5)}, ""},
		{scoring.StageFinal, scoring.Value{NA: true}, []ScoreRecord{rec(scoring.StageSelf, 5)}, "final"},
	}
	for i, c := range cases {
		byStage := map[scoring.Stage]ScoreRecord{}
		for _, r := range c.records {
			byStage[r.Stage] = r
		}
		if got := reasonNeeded(c.stage, c.val, byStage); got != c.want {
			t.Errorf("case %d (%s %v after %v): %q, want %q", i, c.stage, c.val, c.records, got, c.want)
		}
	}
}

// SeesCouncil never shows an officer a comparison with a council round the
// workflow hides from them, in any phase.
func TestSeesCouncilAgreesWithHiddenRounds(t *testing.T) {
	for _, phase := range domain.Phases {
		for _, role := range []auth.Role{auth.Officer, auth.Appraiser, auth.Admin, auth.Committee} {
			u := auth.User{Role: role, Unit: "U1"}
			if !SeesCouncil(u, phase) {
				continue
			}
			for _, st := range hiddenStages(role, phase) {
				if phaseIndex(phase) >= phaseIndex(stagePhase[st]) {
					t.Errorf("%s in %s sees the council although the begun %s round is hidden", role, phase, st)
				}
			}
		}
	}
	if SeesCouncil(auth.User{}, domain.PhaseFinalAppraisal) || !SeesCouncil(auth.User{}, domain.PhasePublished) {
		t.Error("the public sees the council's rounds before publication, or not after")
	}
}
