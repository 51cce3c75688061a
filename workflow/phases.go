package workflow

import (
	"context"
	"strings"
	"time"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
)

// SetPhase moves a period to a phase (the secretariat). Any move between
// draft and final appraisal is allowed, forward or back (to reopen a
// phase). A published period moves only to a correction, with the reason
// for it; a period in correction waits for the committee's next
// publication; and only the committee's publication (Publish) makes a
// period published.
func (s *Service) SetPhase(ctx context.Context, user auth.User, period string, phase domain.Phase, reason string) (domain.Period, error) {
	if user.Role != auth.Admin {
		return domain.Period{}, domain.Errorf(domain.ErrForbidden, "wf.phase_forbidden", "only the secretariat moves a period between phases")
	}
	if phaseIndex(phase) < 0 {
		return domain.Period{}, domain.Errorf(domain.ErrInvalid, "wf.phase_unknown", "phase %q must be one of draft, self_assessment, appraisal, explanation, final_appraisal, correction", phase)
	}
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) > maxReason {
		return domain.Period{}, domain.Errorf(domain.ErrInvalid, "pub.reason_long", "a reason is longer than %d characters", maxReason)
	}
	p, err := s.store.Period(ctx, period)
	if err != nil {
		return domain.Period{}, err
	}
	switch {
	case phase == p.Phase:
		return p, nil
	case phase == domain.PhasePublished:
		return p, domain.Errorf(domain.ErrConflict, "wf.publish_by_decision", "period %s is published by the steering committee's decision (POST /api/v1/periods/%s/publication), not by a phase change", period, period)
	case p.Phase == domain.PhaseCorrection:
		return p, domain.Errorf(domain.ErrConflict, "pub.in_correction", "period %s is reopened for a correction: it is closed by the committee's next publication", period)
	case phase == domain.PhaseCorrection && p.Phase != domain.PhasePublished:
		return p, domain.Errorf(domain.ErrConflict, "pub.reopen_unpublished", "period %s is not published: only a published period is reopened for a correction", period)
	case phase == domain.PhaseCorrection:
		if reason == "" {
			return p, domain.Errorf(domain.ErrInvalid, "pub.reopen_reason", "say why period %s is reopened for a correction", period)
		}
		if _, err := s.store.Reopen(ctx, domain.Correction{Period: period, Reason: reason, OpenedBy: user.Username, OpenedAt: s.now()}); err != nil {
			return p, err
		}
		p.Phase = domain.PhaseCorrection
		return p, nil
	case p.Phase == domain.PhasePublished:
		return p, domain.Errorf(domain.ErrConflict, "wf.published_frozen", "period %s is published; its result never changes (reopen it for a correction, which ends in a new publication)", period)
	}
	if err := s.store.SetPhase(ctx, period, phase); err != nil {
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
	if phase == domain.PhaseDraft || phase == domain.PhasePublished || phase == domain.PhaseCorrection {
		return domain.Errorf(domain.ErrInvalid, "wf.no_deadline", "the %s phase has no deadline", phase)
	}
	if phaseIndex(phase) < 0 {
		return domain.Errorf(domain.ErrInvalid, "wf.phase_unknown_short", "unknown phase %q", phase)
	}
	if _, err := s.store.Period(ctx, period); err != nil {
		return err
	}
	return s.store.SetDeadline(ctx, period, phase, at)
}
