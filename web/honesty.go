package web

import (
	"context"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/reports"
	"github.com/parindex/parindex/scoring"
)

// honesty compares each group's self-assessment with its final points in
// a period, by group code. Callers check that the reader may see the
// council's rounds (seesCouncil).
func (s *server) honesty(ctx context.Context, period string) (map[string]*reports.Honesty, error) {
	out, err := s.results.Compute(ctx, period, "", scoring.StageFinal)
	if err != nil {
		return nil, resultsError(err, period, "")
	}
	byGroup := map[string]*reports.Honesty{}
	for _, g := range out.Groups {
		byGroup[g.Code] = reports.BuildHonesty(g)
	}
	return byGroup, nil
}

// seesCouncil reports whether a user may see the council's appraisal and
// final points of a period, as the workflow shows them: the public only
// once the period is published; a unit's officers only once the council's
// round is over (in the explanation phase, or published); the secretariat,
// appraisers and the committee always.
func seesCouncil(u auth.User, phase domain.Phase) bool {
	switch {
	case !u.Role.Staff():
		return phase == domain.PhasePublished
	case u.Role == auth.Officer:
		return phase == domain.PhaseExplanation || phase == domain.PhasePublished
	}
	return true
}
