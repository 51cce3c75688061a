package workflow

import (
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

// EditableStage returns the stage a role writes in a phase, or "".
func EditableStage(role auth.Role, phase domain.Phase) scoring.Stage {
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

// hiddenStage is the council round a user may not see yet: a unit's
// officers see an appraisal round only once it is over.
func hiddenStage(role auth.Role, phase domain.Phase) scoring.Stage {
	if role != auth.Officer {
		return ""
	}
	switch phase {
	case domain.PhaseAppraisal:
		return scoring.StageAppraisal
	case domain.PhaseFinalAppraisal:
		return scoring.StageFinal
	}
	return ""
}
