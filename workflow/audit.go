package workflow

import (
	"context"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// AuditLog is a unit's change logs in a period, each oldest first, with
// what a page needs to show them.
type AuditLog struct {
	Period    domain.Period
	Unit      domain.Unit
	Framework *scoring.Framework
	Points    []domain.Change
	Inputs    []domain.InputChange
}

// Audit returns every change to the unit's points and measured inputs in
// the period, for the staff who may see the unit; a unit's officers do not
// see the changes of a council round they may not see yet (the same rule
// as the assessment's values and totals).
func (s *Service) Audit(ctx context.Context, user auth.User, period, unit string) (AuditLog, error) {
	uc, err := s.load(ctx, user, period, unit)
	if err != nil {
		return AuditLog{}, err
	}
	changes, err := s.store.Changes(ctx, period, unit)
	if err != nil {
		return AuditLog{}, err
	}
	inputs, err := s.store.InputChanges(ctx, period, unit)
	if err != nil {
		return AuditLog{}, err
	}
	changes = withoutStages(changes, hiddenStages(user.Role, uc.period.Phase), func(ch domain.Change) scoring.Stage { return ch.Stage })
	return AuditLog{Period: uc.period, Unit: uc.unit, Framework: uc.fw, Points: changes, Inputs: inputs}, nil
}
