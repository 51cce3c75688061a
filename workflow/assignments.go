package workflow

import (
	"context"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// SetAssignments replaces an appraiser's assignments in a period (the
// secretariat). Units and fields must exist.
func (s *Service) SetAssignments(ctx context.Context, user auth.User, period string, appraiser auth.User, as []Assignment) error {
	if user.Role != auth.Admin {
		return domain.Errorf(domain.ErrForbidden, "wf.assign_forbidden", "only the secretariat assigns appraisers")
	}
	if appraiser.Role != auth.Appraiser {
		return domain.Errorf(domain.ErrInvalid, "wf.not_appraiser", "%s is not an appraiser", appraiser.Username)
	}
	if _, err := s.store.Period(ctx, period); err != nil {
		return err
	}
	for i := range as {
		as[i].UserID, as[i].Period = appraiser.ID, period
		if as[i].Unit != "" {
			if _, err := s.store.Unit(ctx, as[i].Unit); err != nil {
				return err
			}
		}
	}
	return s.store.SetAssignments(ctx, period, appraiser.ID, as)
}

// Assignments returns an appraiser's assignments in a period: to the
// secretariat, or to the appraiser themself.
func (s *Service) Assignments(ctx context.Context, user auth.User, period string, appraiser auth.User) ([]Assignment, error) {
	if user.Role != auth.Admin && user.ID != appraiser.ID {
		return nil, domain.Errorf(domain.ErrForbidden, "wf.assign_forbidden", "only the secretariat assigns appraisers")
	}
	return s.assignmentsOf(ctx, period, appraiser.ID)
}

func (s *Service) assignmentsOf(ctx context.Context, period string, userID int64) ([]Assignment, error) {
	all, err := s.store.Assignments(ctx, period)
	if err != nil {
		return nil, err
	}
	var mine []Assignment
	for _, a := range all {
		if a.UserID == userID {
			mine = append(mine, a)
		}
	}
	return mine, nil
}

// Units lists every unit, for the secretariat's account and assignment
// forms.
func (s *Service) Units(ctx context.Context, user auth.User) ([]domain.Unit, error) {
	if user.Role != auth.Admin {
		return nil, domain.Errorf(domain.ErrForbidden, "wf.units_forbidden", "only the secretariat manages units' accounts")
	}
	return s.store.Units(ctx, "")
}

// Frameworks returns a period's criteria sets, by group code in order, to
// staff (the fields an appraiser may be assigned).
func (s *Service) Frameworks(ctx context.Context, user auth.User, period string) ([]*scoring.Framework, error) {
	if !user.Role.Staff() {
		return nil, domain.Errorf(domain.ErrForbidden, "wf.login", "log in to see assessments")
	}
	groups, err := s.store.FrameworkGroups(ctx, period)
	if err != nil {
		return nil, err
	}
	out := make([]*scoring.Framework, 0, len(groups))
	for _, g := range groups {
		fw, err := s.store.Framework(ctx, period, g)
		if err != nil {
			return nil, err
		}
		out = append(out, fw)
	}
	return out, nil
}
