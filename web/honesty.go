package web

import (
	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/reports"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/workflow"
)

// honesty compares each group's self-assessment with its final points in
// a period, by group code, from the results as the request's user may see
// them (an appraiser's assigned units, an officer's own); nil when the
// user may not see the council's rounds of the period yet.
func (s *server) honesty(c echo.Context, period domain.Period) (map[string]*reports.Honesty, error) {
	if !workflow.SeesCouncil(currentUser(c), period.Phase) {
		return nil, nil
	}
	r := s.resultsFor(c)
	out, err := r.Compute(c.Request().Context(), period.Code, "", scoring.StageFinal)
	if err != nil {
		return nil, resultsError(err, period.Code, "")
	}
	// The self stage from the same (cached) data, when the reader's
	// results are cached: each unit is then not evaluated again.
	selfOf := map[string]*scoring.GroupResult{}
	if r.Cached() {
		self, err := r.Compute(c.Request().Context(), period.Code, "", scoring.StageSelf)
		if err != nil {
			return nil, resultsError(err, period.Code, "")
		}
		for _, g := range self.Groups {
			selfOf[g.Code] = g.GroupResult
		}
	}
	byGroup := map[string]*reports.Honesty{}
	for _, g := range out.Groups {
		byGroup[g.Code] = reports.BuildHonestyFrom(g, selfOf[g.Code])
	}
	return byGroup, nil
}
