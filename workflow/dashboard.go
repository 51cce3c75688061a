package workflow

import (
	"context"
	"errors"
	"time"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// UnitProgress is one unit's progress through the period's workflow.
type UnitProgress struct {
	Unit       domain.Unit
	Submission Submission
	// Late: not submitted and the self-assessment deadline has passed, or
	// submitted after it.
	Late bool
	// Leaves counts the leaves the unit scores itself (manual leaves).
	Leaves   int
	SelfDone int
	// MissingEvidence counts leaves that require evidence and have neither a
	// document nor an explanation.
	MissingEvidence int
	// Appraised counts manual leaves with an appraisal or final value;
	// Changed those whose appraisal differs from the self-assessment;
	// Finalised those with a final value.
	Appraised int
	Changed   int
	Finalised int
	// AppraisalRound counts manual leaves with a value of the first
	// appraisal round itself.
	AppraisalRound int
	Reminders      int
}

// Dashboard is the period's progress per unit, for the secretariat and the
// steering committee.
type Dashboard struct {
	Period    domain.Period
	Deadlines map[domain.Phase]time.Time
	Units     []UnitProgress
}

// Dashboard computes every unit's progress in a few queries.
func (s *Service) Dashboard(ctx context.Context, user auth.User, period string) (*Dashboard, error) {
	if user.Role != auth.Admin && user.Role != auth.Committee {
		return nil, domain.Errorf(domain.ErrForbidden, "wf.dashboard_forbidden", "the dashboard is for the secretariat and the steering committee")
	}
	p, err := s.store.Period(ctx, period)
	if err != nil {
		return nil, err
	}
	return s.progress(ctx, p)
}

// progress computes every assessed unit's progress in a period.
func (s *Service) progress(ctx context.Context, p domain.Period) (*Dashboard, error) {
	period := p.Code
	deadlines, err := s.store.Deadlines(ctx, period)
	if err != nil {
		return nil, err
	}
	units, err := s.store.Units(ctx, "")
	if err != nil {
		return nil, err
	}
	lin, err := s.lineage(ctx)
	if err != nil {
		return nil, err
	}
	records, err := s.store.ScoreRecords(ctx, period, "")
	if err != nil {
		return nil, err
	}
	evidence, err := s.store.Evidence(ctx, period, "")
	if err != nil {
		return nil, err
	}
	subs, err := s.store.Submissions(ctx, period)
	if err != nil {
		return nil, err
	}
	reminded, err := s.store.ReminderCounts(ctx, period)
	if err != nil {
		return nil, err
	}
	type key struct{ unit, item string }
	values := map[key]map[scoring.Stage]ScoreRecord{}
	for _, r := range records {
		k := key{r.Unit, r.Item}
		if values[k] == nil {
			values[k] = map[scoring.Stage]ScoreRecord{}
		}
		values[k][r.Stage] = r
	}
	hasEvidence := map[key]bool{}
	for _, e := range evidence {
		if e.Stage == scoring.StageSelf {
			hasEvidence[key{e.Unit, e.Item}] = true
		}
	}
	bySub := map[string]Submission{}
	for _, sub := range subs {
		bySub[sub.Unit] = sub
	}
	sets := map[string]*scoring.Framework{}
	due, hasDue := deadlines[domain.PhaseSelfAssessment]
	d := &Dashboard{Period: p, Deadlines: deadlines}
	for _, u := range units {
		fw, ok := sets[u.Group]
		if !ok {
			fw, err = s.store.Framework(ctx, period, u.Group)
			if err != nil && !errors.Is(err, domain.ErrNotFound) {
				return nil, err
			}
			sets[u.Group] = fw
		}
		if fw == nil || !lin.Exists(u.Code, period) {
			continue // the unit's group is not assessed in this period, or the unit takes no part in it
		}
		sub := bySub[u.Code]
		if sub.Status == "" {
			sub = Submission{Period: period, Unit: u.Code, Status: Draft}
		}
		up := UnitProgress{Unit: u, Submission: sub, Reminders: reminded[u.Code]}
		switch {
		case sub.Status == Submitted:
			up.Late = hasDue && sub.SubmittedAt.After(due)
		default:
			up.Late = hasDue && !s.now().Before(due)
		}
		for _, l := range fw.Leaves() {
			if l.Method != scoring.Manual {
				continue
			}
			up.Leaves++
			v := values[key{u.Code, l.Code}]
			self, hasSelf := v[scoring.StageSelf]
			if hasSelf {
				up.SelfDone++
			}
			if l.Evidence == scoring.EvidenceRequired && !hasEvidence[key{u.Code, l.Code}] && !self.Value.NA && self.Comment == "" {
				up.MissingEvidence++
			}
			ap, hasAp := v[scoring.StageAppraisal]
			_, hasFinal := v[scoring.StageFinal]
			if hasAp || hasFinal {
				up.Appraised++
			}
			if hasAp {
				up.AppraisalRound++
			}
			if hasFinal {
				up.Finalised++
			}
			if hasAp && hasSelf && (ap.Value.NA != self.Value.NA || !ap.Value.Points.Equal(self.Value.Points)) {
				up.Changed++
			}
		}
		d.Units = append(d.Units, up)
	}
	return d, nil
}
