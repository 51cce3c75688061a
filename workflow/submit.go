package workflow

import (
	"context"
	"strings"

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
	if err := s.store.SaveSubmission(ctx, sub); err != nil {
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
	if err := s.store.SaveSubmission(ctx, sub); err != nil {
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
