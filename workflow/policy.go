package workflow

import (
	"slices"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// Who may write which stage, and in which phase. The secretariat may act as
// an appraiser: in most provinces it runs the appraisal council's work.
var (
	stagePhase = map[scoring.Stage]domain.Phase{
		scoring.StageSelf:        domain.PhaseSelfAssessment,
		scoring.StageAppraisal:   domain.PhaseAppraisal,
		scoring.StageExplanation: domain.PhaseExplanation,
		scoring.StageFinal:       domain.PhaseFinalAppraisal,
	}
	stageRoles = map[scoring.Stage][]auth.Role{
		scoring.StageSelf:        {auth.Officer},
		scoring.StageAppraisal:   {auth.Appraiser, auth.Admin},
		scoring.StageExplanation: {auth.Officer},
		scoring.StageFinal:       {auth.Appraiser, auth.Admin},
	}
)

// EditableStage returns the stage a role writes in a phase, or "". A
// correction reopens the council's final round.
func EditableStage(role auth.Role, phase domain.Phase) scoring.Stage {
	if phase == domain.PhaseCorrection {
		phase = domain.PhaseFinalAppraisal
	}
	for stage, p := range stagePhase {
		if p != phase {
			continue
		}
		for _, r := range stageRoles[stage] {
			if r == role {
				return stage
			}
		}
	}
	return ""
}

// access is what one user may do with one unit in one period.
type access struct {
	user        auth.User
	assignments []Assignment // the appraiser's assignments in the period
}

// canView reports whether the user may read the unit's assessment: the
// secretariat, the committee and appraisers (narrowed by their assignments)
// read every unit; an officer reads only their own.
func (a access) canView(unit string) bool {
	switch a.user.Role {
	case auth.Admin, auth.Committee:
		return true
	case auth.Officer:
		return a.user.Unit == unit
	case auth.Appraiser:
		return a.assigned(unit, "")
	}
	return false
}

// assigned reports whether an appraiser appraises the unit and, when field
// is not empty, that field. No assignment at all means every unit.
func (a access) assigned(unit, field string) bool {
	if len(a.assignments) == 0 {
		return true
	}
	for _, as := range a.assignments {
		if (as.Unit == "" || as.Unit == unit) && (field == "" || as.Field == "" || as.Field == field) {
			return true
		}
	}
	return false
}

// canWrite reports whether the user's role writes the stage for the unit
// and field (ignoring phase and deadlines, which are checked separately).
func (a access) canWrite(unit, field string, stage scoring.Stage) bool {
	allowed := false
	for _, r := range stageRoles[stage] {
		allowed = allowed || r == a.user.Role
	}
	if !allowed {
		return false
	}
	switch a.user.Role {
	case auth.Officer:
		return a.user.Unit == unit
	case auth.Appraiser:
		return a.assigned(unit, field)
	}
	return true
}

// topField returns the code of the top-level item holding a leaf.
func topField(it *scoring.Item) string {
	for it.Parent != nil {
		it = it.Parent
	}
	return it.Code
}

// hiddenStages are the rounds a user may not see yet: a unit's officers
// see the council's appraisal once the explanation phase begins, and its
// final round once the result is published (not while a correction is
// under way). Staff of the council and the committee see every round.
func hiddenStages(role auth.Role, phase domain.Phase) []scoring.Stage {
	if role != auth.Officer {
		return nil
	}
	var hidden []scoring.Stage
	if phaseIndex(phase) <= phaseIndex(domain.PhaseAppraisal) {
		hidden = append(hidden, scoring.StageAppraisal)
	}
	if phase != domain.PhasePublished {
		hidden = append(hidden, scoring.StageFinal)
	}
	return hidden
}

// SeesCouncil reports whether a user sees the council's rounds of a
// period in its phase, set against the self-assessment: the public once
// the period is published; a unit's officers while the explanation phase
// runs and once the result is published (then no council round they could
// see is hidden from them); other staff always.
func SeesCouncil(user auth.User, phase domain.Phase) bool {
	switch {
	case !user.Role.Staff():
		return phase == domain.PhasePublished || phase == domain.PhaseCorrection
	case user.Role == auth.Officer:
		return phase == domain.PhaseExplanation || phase == domain.PhasePublished
	}
	return true
}

// visibleStages are the stage columns a role sees in a phase: the rounds
// begun so far, less those hidden from the user.
func visibleStages(role auth.Role, phase domain.Phase) []scoring.Stage {
	at := phaseIndex(phase)
	begun := map[scoring.Stage]bool{
		scoring.StageSelf:        true,
		scoring.StageAppraisal:   at >= phaseIndex(domain.PhaseAppraisal),
		scoring.StageExplanation: at >= phaseIndex(domain.PhaseExplanation),
		scoring.StageFinal:       at >= phaseIndex(domain.PhaseFinalAppraisal),
	}
	hidden := hiddenStages(role, phase)
	var out []scoring.Stage
	for _, st := range scoring.Stages {
		if begun[st] && !slices.Contains(hidden, st) {
			out = append(out, st)
		}
	}
	return out
}

// phaseIndex is a phase's place in the year's workflow (-1 when unknown).
func phaseIndex(p domain.Phase) int { return slices.Index(domain.Phases, p) }

// withoutStages drops the records of hidden stages (a fresh slice).
func withoutStages[T any](records []T, hidden []scoring.Stage, stage func(T) scoring.Stage) []T {
	if len(hidden) == 0 {
		return records
	}
	out := make([]T, 0, len(records))
	for _, r := range records {
		if !slices.Contains(hidden, stage(r)) {
			out = append(out, r)
		}
	}
	return out
}
