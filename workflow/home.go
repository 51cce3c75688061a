package workflow

import (
	"context"
	"slices"
	"time"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
)

// Home is a user's work across periods, newest period first.
type Home struct {
	// Unit is an officer's unit.
	Unit    domain.Unit
	Periods []HomePeriod
}

// HomePeriod is one period on a user's home.
type HomePeriod struct {
	Period    domain.Period
	Deadlines map[domain.Phase]time.Time
	// Officer: whether the unit's group is assessed in the period, the
	// submission, and the latest reminders (at most MaxShownReminders of
	// ReminderCount).
	Assessed      bool
	Submitted     bool
	Reminders     []Reminder
	ReminderCount int
	// Appraiser: the units to appraise and the fields the assignments
	// narrow to (empty: every field).
	Units  []HomeUnit
	Fields []string
}

// HomeUnit is a unit an appraiser appraises.
type HomeUnit struct {
	Unit      domain.Unit
	Submitted bool
}

// Home returns what the user works on in every period.
func (s *Service) Home(ctx context.Context, user auth.User) (*Home, error) {
	if !user.Role.Staff() {
		return nil, domain.Errorf(domain.ErrForbidden, "wf.login", "log in to see assessments")
	}
	periods, err := s.store.Periods(ctx)
	if err != nil {
		return nil, err
	}
	h := &Home{}
	if user.Role == auth.Officer {
		if h.Unit, err = s.store.Unit(ctx, user.Unit); err != nil {
			return nil, err
		}
	}
	var units []domain.Unit
	if user.Role == auth.Appraiser {
		if units, err = s.store.Units(ctx, ""); err != nil {
			return nil, err
		}
	}
	for i := len(periods) - 1; i >= 0; i-- {
		hp := HomePeriod{Period: periods[i]}
		if hp.Deadlines, err = s.store.Deadlines(ctx, hp.Period.Code); err != nil {
			return nil, err
		}
		switch user.Role {
		case auth.Officer:
			err = s.officerHome(ctx, &hp, h.Unit)
		case auth.Appraiser:
			err = s.appraiserHome(ctx, &hp, user, units)
		}
		if err != nil {
			return nil, err
		}
		h.Periods = append(h.Periods, hp)
	}
	return h, nil
}

func (s *Service) officerHome(ctx context.Context, hp *HomePeriod, unit domain.Unit) error {
	groups, err := s.store.FrameworkGroups(ctx, hp.Period.Code)
	if err != nil || !slices.Contains(groups, unit.Group) {
		return err
	}
	hp.Assessed = true
	sub, err := s.store.Submission(ctx, hp.Period.Code, unit.Code)
	if err != nil {
		return err
	}
	hp.Submitted = sub.Status == Submitted
	if hp.Reminders, err = s.store.Reminders(ctx, hp.Period.Code, unit.Code, MaxShownReminders); err != nil {
		return err
	}
	counts, err := s.store.ReminderCounts(ctx, hp.Period.Code)
	hp.ReminderCount = counts[unit.Code]
	return err
}

// appraiserHome lists the units an appraiser appraises in a period: those
// of their assignments, or every assessed unit when they have none.
func (s *Service) appraiserHome(ctx context.Context, hp *HomePeriod, user auth.User, units []domain.Unit) error {
	mine, err := s.assignmentsOf(ctx, hp.Period.Code, user.ID)
	if err != nil {
		return err
	}
	groups, err := s.store.FrameworkGroups(ctx, hp.Period.Code)
	if err != nil || len(groups) == 0 {
		return err
	}
	subs, err := s.store.Submissions(ctx, hp.Period.Code)
	if err != nil {
		return err
	}
	submitted := map[string]bool{}
	for _, sub := range subs {
		submitted[sub.Unit] = sub.Status == Submitted
	}
	acc := access{user: user, assignments: mine}
	for _, a := range mine {
		if a.Field != "" && !slices.Contains(hp.Fields, a.Field) {
			hp.Fields = append(hp.Fields, a.Field)
		}
	}
	lin, err := s.lineage(ctx)
	if err != nil {
		return err
	}
	for _, u := range units {
		// A unit the lineage says takes no part in the period (merged
		// before it, formed after it) is nobody's work there.
		if slices.Contains(groups, u.Group) && acc.canView(u.Code) && lin.Exists(u.Code, hp.Period.Code) {
			hp.Units = append(hp.Units, HomeUnit{Unit: u, Submitted: submitted[u.Code]})
		}
	}
	return nil
}
