package workflow

import (
	"context"
	"slices"
	"sync"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// Scope returns what a user may see of unpublished periods, for the
// results, reports, workbook and scorecards they read: nil (everything)
// for the secretariat and the committee; an appraiser's assigned units
// (every unit without assignments); an officer's own unit without the
// rounds hidden from it. The public sees nothing unpublished. A published
// period is public and never narrowed.
func (s *Service) Scope(user auth.User) results.Scope {
	if user.Role == auth.Admin || user.Role == auth.Committee {
		return nil
	}
	return &readerScope{s: s, user: user, periods: map[string]*periodView{}}
}

// readerScope applies the workflow's rules of visibility, period by period
// (phases and assignments differ between periods).
type readerScope struct {
	s    *Service
	user auth.User

	mu      sync.Mutex
	periods map[string]*periodView
}

// periodView is what the user sees in one period: the units (nil: all)
// and the hidden rounds.
type periodView struct {
	units  map[string]bool
	hidden []scoring.Stage
}

func (r *readerScope) view(ctx context.Context, period string) (*periodView, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if v := r.periods[period]; v != nil {
		return v, nil
	}
	v := &periodView{units: map[string]bool{}}
	switch r.user.Role {
	case auth.Officer:
		p, err := r.s.store.Period(ctx, period)
		if err != nil {
			return nil, err
		}
		v.units[r.user.Unit] = true
		v.hidden = hiddenStages(r.user.Role, p.Phase)
	case auth.Appraiser:
		mine, err := r.s.assignmentsOf(ctx, period, r.user.ID)
		if err != nil {
			return nil, err
		}
		// As access.canView: no assignment, or one for every unit, sees
		// every unit; otherwise the units named.
		if len(mine) == 0 || slices.ContainsFunc(mine, func(a Assignment) bool { return a.Unit == "" }) {
			v.units = nil
		}
		for _, a := range mine {
			if v.units != nil {
				v.units[a.Unit] = true
			}
		}
	}
	r.periods[period] = v
	return v, nil
}

// Narrow implements results.Scope.
func (r *readerScope) Narrow(ctx context.Context, period string, units []scoring.UnitData) ([]scoring.UnitData, error) {
	v, err := r.view(ctx, period)
	if err != nil {
		return nil, err
	}
	out := make([]scoring.UnitData, 0, len(units))
	for _, u := range units {
		if !v.sees(u.Code) {
			continue
		}
		if len(v.hidden) > 0 {
			u = withoutRounds(u, v.hidden)
		}
		out = append(out, u)
	}
	return out, nil
}

func (v *periodView) sees(unit string) bool { return v.units == nil || v.units[unit] }

// withoutRounds copies a unit's data without the values of hidden stages.
func withoutRounds(u scoring.UnitData, hidden []scoring.Stage) scoring.UnitData {
	points := make(map[string]scoring.StageValues, len(u.Points))
	for item, byStage := range u.Points {
		var kept scoring.StageValues
		for st, val := range byStage.All() {
			if !slices.Contains(hidden, st) {
				kept.Set(st, val)
			}
		}
		if kept.Len() > 0 {
			points[item] = kept
		}
	}
	u.Points = points
	return u
}

// Comments returns the comments recorded with a period's points that the
// user may see (a published period's as frozen with it): of the units
// their scope shows, without hidden rounds. The workbook prints them
// beside the values.
func (s *Service) Comments(ctx context.Context, user auth.User, period string) (map[string]map[string]map[scoring.Stage]string, error) {
	if !user.Role.Staff() {
		return nil, domain.Errorf(domain.ErrForbidden, "wf.login", "log in to see assessments")
	}
	if s.results == nil {
		return map[string]map[string]map[scoring.Stage]string{}, nil
	}
	all, err := s.results.Comments(ctx, period)
	if err != nil {
		return nil, err
	}
	sc, ok := s.Scope(user).(*readerScope)
	if !ok {
		return all, nil
	}
	v, err := sc.view(ctx, period)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]map[scoring.Stage]string{}
	for unit, byItem := range all {
		if !v.sees(unit) {
			continue
		}
		kept := map[string]map[scoring.Stage]string{}
		for item, byStage := range byItem {
			for st, text := range byStage {
				if slices.Contains(v.hidden, st) {
					continue
				}
				if kept[item] == nil {
					kept[item] = map[scoring.Stage]string{}
				}
				kept[item][st] = text
			}
		}
		out[unit] = kept
	}
	return out, nil
}

// UnitsSeen returns which units' own reports (a staff scorecard, a unit's
// sheet with its rounds and comments) the user may see in a period,
// published or not: an appraiser only their assigned units, an officer
// only their own, the public none.
func (s *Service) UnitsSeen(ctx context.Context, user auth.User, period string) (func(unit string) bool, error) {
	if !user.Role.Staff() {
		return func(string) bool { return false }, nil
	}
	sc, ok := s.Scope(user).(*readerScope)
	if !ok {
		return func(string) bool { return true }, nil
	}
	v, err := sc.view(ctx, period)
	if err != nil {
		return nil, err
	}
	return v.sees, nil
}
