package workflow

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
)

// Submit submits a unit's self-assessment. Only the unit's officers submit,
// during the self-assessment phase and before its deadline, and only when
// every manual leaf has points and every leaf that requires evidence has a
// document or an explanation.
func (s *Service) Submit(ctx context.Context, user auth.User, period, unit string) (Submission, error) {
	a, err := s.ownSelfAssessment(ctx, user, period, unit)
	if err != nil {
		return Submission{}, err
	}
	if a.Submission.Status == Submitted {
		return Submission{}, domain.Errorf(domain.ErrConflict, "wf.already_submitted", "unit %s has already submitted its self-assessment", unit)
	}
	if len(a.Missing) > 0 {
		codes := make([]string, len(a.Missing))
		for i, n := range a.Missing {
			codes[i] = n.Item.Code
		}
		return Submission{}, domain.Errorf(domain.ErrInvalid, "wf.not_ready", "%d items are not ready: %s", len(codes), strings.Join(codes, ", "))
	}
	sub := a.Submission
	sub.Status, sub.SubmittedAt, sub.SubmittedBy, sub.Count = Submitted, s.now(), user.Username, sub.Count+1
	if err := s.Store.SaveSubmission(ctx, sub); err != nil {
		return Submission{}, err
	}
	return sub, nil
}

// Withdraw reopens a submitted self-assessment for changes, before the
// deadline.
func (s *Service) Withdraw(ctx context.Context, user auth.User, period, unit string) (Submission, error) {
	a, err := s.ownSelfAssessment(ctx, user, period, unit)
	if err != nil {
		return Submission{}, err
	}
	if a.Submission.Status != Submitted {
		return Submission{}, domain.Errorf(domain.ErrConflict, "wf.not_submitted", "unit %s has not submitted its self-assessment", unit)
	}
	sub := a.Submission
	sub.Status = Draft
	if err := s.Store.SaveSubmission(ctx, sub); err != nil {
		return Submission{}, err
	}
	return sub, nil
}

// ownSelfAssessment loads the assessment for an officer acting on their own
// unit while the self-assessment phase is open.
func (s *Service) ownSelfAssessment(ctx context.Context, user auth.User, period, unit string) (*Assessment, error) {
	if user.Role != auth.Officer {
		return nil, domain.Errorf(domain.ErrForbidden, "wf.submit_forbidden", "only the unit's officers submit its self-assessment")
	}
	a, err := s.Assessment(ctx, user, period, unit)
	if err != nil {
		return nil, err
	}
	uc := &unitCtx{period: a.Period, unit: a.Unit, fw: a.Framework}
	if err := s.phaseOpen(ctx, uc, "self"); err != nil {
		return nil, err
	}
	return a, nil
}

// phaseOrder is the position of each phase in the year's workflow.
var phaseOrder = func() map[domain.Phase]int {
	m := map[domain.Phase]int{}
	for i, p := range domain.Phases {
		m[p] = i
	}
	return m
}()

// SetPhase moves a period to a phase (the secretariat). Any move between
// draft and final appraisal is allowed, forward or back (to reopen a
// phase); a published period never moves, and only the steering
// committee's publication (Publish) makes a period published.
func (s *Service) SetPhase(ctx context.Context, user auth.User, period string, phase domain.Phase) (domain.Period, error) {
	if user.Role != auth.Admin {
		return domain.Period{}, domain.Errorf(domain.ErrForbidden, "wf.phase_forbidden", "only the secretariat moves a period between phases")
	}
	if _, ok := phaseOrder[phase]; !ok {
		return domain.Period{}, domain.Errorf(domain.ErrInvalid, "wf.phase_unknown", "phase %q must be one of draft, self_assessment, appraisal, explanation, final_appraisal, published", phase)
	}
	p, err := s.Store.Period(ctx, period)
	if err != nil {
		return domain.Period{}, err
	}
	switch {
	case p.Phase == domain.PhasePublished:
		return p, domain.Errorf(domain.ErrConflict, "wf.published_frozen", "period %s is published; its result never changes (a correction is a new publication)", period)
	case phase == domain.PhasePublished:
		return p, domain.Errorf(domain.ErrConflict, "wf.publish_by_decision", "period %s is published by the steering committee's decision (POST /api/v1/periods/%s/publication), not by a phase change", period, period)
	case phase == p.Phase:
		return p, nil
	}
	if err := s.Store.SetPhase(ctx, period, phase); err != nil {
		return p, err
	}
	p.Phase = phase
	return p, nil
}

// SetDeadline sets the deadline of a phase (the secretariat); a zero time
// removes it.
func (s *Service) SetDeadline(ctx context.Context, user auth.User, period string, phase domain.Phase, at time.Time) error {
	if user.Role != auth.Admin {
		return domain.Errorf(domain.ErrForbidden, "wf.deadline_forbidden", "only the secretariat sets deadlines")
	}
	if phase == domain.PhaseDraft || phase == domain.PhasePublished {
		return domain.Errorf(domain.ErrInvalid, "wf.no_deadline", "the %s phase has no deadline", phase)
	}
	if _, ok := phaseOrder[phase]; !ok {
		return domain.Errorf(domain.ErrInvalid, "wf.phase_unknown_short", "unknown phase %q", phase)
	}
	if _, err := s.Store.Period(ctx, period); err != nil {
		return err
	}
	return s.Store.SetDeadline(ctx, period, phase, at)
}

// Remind sends a message to units (the secretariat); it is shown on their
// assessment pages.
func (s *Service) Remind(ctx context.Context, user auth.User, period string, units []string, message string) (int, error) {
	if user.Role != auth.Admin {
		return 0, domain.Errorf(domain.ErrForbidden, "wf.remind_forbidden", "only the secretariat sends reminders")
	}
	message = strings.TrimSpace(message)
	if message == "" || len([]rune(message)) > 2000 {
		return 0, domain.Errorf(domain.ErrInvalid, "wf.remind_length", "the reminder must have 1 to 2000 characters")
	}
	if len(units) == 0 {
		return 0, domain.Errorf(domain.ErrInvalid, "wf.remind_units", "choose at least one unit")
	}
	if _, err := s.Store.Period(ctx, period); err != nil {
		return 0, err
	}
	for _, u := range units {
		if _, err := s.Store.Unit(ctx, u); err != nil {
			return 0, err
		}
	}
	for _, u := range units {
		if _, err := s.Store.AddReminder(ctx, Reminder{Period: period, Unit: u, Message: message, Author: user.Username, At: s.now()}); err != nil {
			return 0, fmt.Errorf("workflow: remind %s: %w", u, err)
		}
	}
	return len(units), nil
}

// AuditLog is a unit's change logs in a period, each oldest first.
type AuditLog struct {
	Points []domain.Change
	Inputs []domain.InputChange
}

// Audit returns every change to the unit's points and measured inputs in
// the period, for the staff who may see the unit; a unit's officers do not
// see the changes of a council round still under way.
func (s *Service) Audit(ctx context.Context, user auth.User, period, unit string) (AuditLog, error) {
	uc, err := s.load(ctx, user, period, unit)
	if err != nil {
		return AuditLog{}, err
	}
	changes, err := s.Store.Changes(ctx, period, unit)
	if err != nil {
		return AuditLog{}, err
	}
	inputs, err := s.Store.InputChanges(ctx, period, unit)
	if err != nil {
		return AuditLog{}, err
	}
	if hidden := hiddenStage(user.Role, uc.period.Phase); hidden != "" {
		kept := changes[:0]
		for _, ch := range changes {
			if ch.Stage != hidden {
				kept = append(kept, ch)
			}
		}
		changes = kept
	}
	return AuditLog{Points: changes, Inputs: inputs}, nil
}

// SetAssignments replaces an appraiser's assignments in a period (the
// secretariat). Units and fields must exist.
func (s *Service) SetAssignments(ctx context.Context, user auth.User, period string, appraiser auth.User, as []Assignment) error {
	if user.Role != auth.Admin {
		return domain.Errorf(domain.ErrForbidden, "wf.assign_forbidden", "only the secretariat assigns appraisers")
	}
	if appraiser.Role != auth.Appraiser {
		return domain.Errorf(domain.ErrInvalid, "wf.not_appraiser", "%s is not an appraiser", appraiser.Username)
	}
	if _, err := s.Store.Period(ctx, period); err != nil {
		return err
	}
	for i := range as {
		as[i].UserID, as[i].Period = appraiser.ID, period
		if as[i].Unit != "" {
			if _, err := s.Store.Unit(ctx, as[i].Unit); err != nil {
				return err
			}
		}
	}
	return s.Store.SetAssignments(ctx, period, appraiser.ID, as)
}
