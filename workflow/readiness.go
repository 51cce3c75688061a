package workflow

import (
	"context"
	"fmt"
	"sort"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
)

// GroupReadiness is how far one group's units are from a result worth
// publishing.
type GroupReadiness struct {
	Group string `json:"group"`
	// Units counts the group's assessed units; Submitted those that
	// submitted their self-assessment.
	Units     int `json:"units"`
	Submitted int `json:"submitted"`
	// AppraisedRound1 counts the units whose every manual leaf has a value
	// of the first appraisal round; AppraisedRound2 those whose every
	// manual leaf has a final value.
	AppraisedRound1 int `json:"appraised_round1"`
	AppraisedRound2 int `json:"appraised_round2"`
	// LeavesWithoutFinal counts the manual leaves, over all units, with no
	// final value.
	LeavesWithoutFinal int `json:"leaves_without_final"`
	// SurveysBelowTarget lists the survey units whose valid responses are
	// below their target sample.
	SurveysBelowTarget []domain.SampleShortfall `json:"surveys_below_target"`
}

// Ready reports whether nothing keeps the group from being published.
func (g GroupReadiness) Ready() bool {
	return g.Submitted == g.Units && g.AppraisedRound1 == g.Units && g.AppraisedRound2 == g.Units &&
		g.LeavesWithoutFinal == 0 && len(g.SurveysBelowTarget) == 0
}

// Readiness is a period's readiness to publish, per group.
type Readiness struct {
	Period string           `json:"period"`
	Groups []GroupReadiness `json:"groups"`
	Ready  bool             `json:"ready"`
}

// Problems says, in English, what keeps the period from being ready (the
// pages say it from the numbers in the reader's language).
func (r Readiness) Problems() []string {
	var out []string
	for _, g := range r.Groups {
		if n := g.Units - g.Submitted; n > 0 {
			out = append(out, fmt.Sprintf("group %s: %d of %d units have not submitted", g.Group, n, g.Units))
		}
		if n := g.Units - g.AppraisedRound1; n > 0 {
			out = append(out, fmt.Sprintf("group %s: %d units are not appraised in round 1", g.Group, n))
		}
		if n := g.Units - g.AppraisedRound2; n > 0 {
			out = append(out, fmt.Sprintf("group %s: %d units are not appraised in the final round", g.Group, n))
		}
		if g.LeavesWithoutFinal > 0 {
			out = append(out, fmt.Sprintf("group %s: %d leaves have no final value", g.Group, g.LeavesWithoutFinal))
		}
		if n := len(g.SurveysBelowTarget); n > 0 {
			out = append(out, fmt.Sprintf("group %s: %d survey units are below their target sample", g.Group, n))
		}
	}
	return out
}

// Readiness reports, per group, how many units submitted, how many were
// appraised in each round, the leaves without a final value and the
// survey units below their target sample: what the committee weighs
// before publishing (the committee and the secretariat).
func (s *Service) Readiness(ctx context.Context, user auth.User, period string) (Readiness, error) {
	if user.Role != auth.Admin && user.Role != auth.Committee {
		return Readiness{}, domain.Errorf(domain.ErrForbidden, "wf.dashboard_forbidden", "the dashboard is for the secretariat and the steering committee")
	}
	p, err := s.store.Period(ctx, period)
	if err != nil {
		return Readiness{}, err
	}
	return s.readiness(ctx, p)
}

func (s *Service) readiness(ctx context.Context, p domain.Period) (Readiness, error) {
	d, err := s.progress(ctx, p)
	if err != nil {
		return Readiness{}, err
	}
	groups, err := s.store.FrameworkGroups(ctx, p.Code)
	if err != nil {
		return Readiness{}, err
	}
	byGroup := map[string]*GroupReadiness{}
	r := Readiness{Period: p.Code, Groups: make([]GroupReadiness, len(groups))}
	for i, g := range groups {
		r.Groups[i] = GroupReadiness{Group: g, SurveysBelowTarget: []domain.SampleShortfall{}}
		byGroup[g] = &r.Groups[i]
	}
	unitGroup := map[string]string{}
	for _, up := range d.Units {
		g := byGroup[up.Unit.Group]
		if g == nil {
			continue
		}
		unitGroup[up.Unit.Code] = up.Unit.Group
		g.Units++
		if up.Submission.Status == Submitted {
			g.Submitted++
		}
		if up.AppraisalRound == up.Leaves {
			g.AppraisedRound1++
		}
		if up.Finalised == up.Leaves {
			g.AppraisedRound2++
		}
		g.LeavesWithoutFinal += up.Leaves - up.Finalised
	}
	if s.Surveys != nil {
		short, err := s.Surveys.Shortfalls(ctx, p.Code)
		if err != nil {
			return Readiness{}, err
		}
		sort.Slice(short, func(i, j int) bool {
			return short[i].Survey < short[j].Survey || short[i].Survey == short[j].Survey && short[i].Unit < short[j].Unit
		})
		for _, sf := range short {
			if g := byGroup[unitGroup[sf.Unit]]; g != nil {
				g.SurveysBelowTarget = append(g.SurveysBelowTarget, sf)
			}
		}
	}
	r.Ready = true
	for _, g := range r.Groups {
		r.Ready = r.Ready && g.Ready()
	}
	return r, nil
}
