package workflow

import (
	"context"
	"slices"
	"strings"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// Measured inputs (the counts and ratios computed leaves read) are facts,
// not judgements: they have no stages. A unit's officers type them while
// they self-assess, under the same rules as their points (the
// self-assessment phase, before its deadline, not once submitted); the
// secretariat corrects them, with a reason, in any phase before
// publication and while a published period is reopened for a correction,
// as its imports of statistics do. Appraisers do not change
// them: a council round hidden from the unit cannot be carried by values
// the unit sees. Every change is logged with its author and reason.

// InputRequest is one measured input typed for a unit.
type InputRequest struct {
	Period, Unit, Name string
	Value              scoring.Decimal
	// Reason explains the value; the secretariat must give one.
	Reason string
	// Version is the version of the value the client edited (0: none); nil
	// accepts overwriting only the user's own value.
	Version *int64
}

// maxInput bounds a typed input: counts of dossiers or tasks, or ratios.
var maxInput = scoring.NewInt(1_000_000_000_000)

// readers returns the computed leaves of the set that read an input.
func readers(fw *scoring.Framework, name string) []*scoring.Item {
	var out []*scoring.Item
	for _, it := range fw.Leaves() {
		if slices.Contains(it.Inputs(), name) {
			out = append(out, it)
		}
	}
	return out
}

// inputsOpen checks that the user may type the unit's inputs now: a 403
// error for a role that never does, a 409 one outside its time. sub is the
// unit's submission when the caller has read it already, else nil.
func (s *Service) inputsOpen(ctx context.Context, uc *unitCtx, user auth.User, sub *Submission) error {
	switch user.Role {
	case auth.Officer:
		if user.Unit != uc.unit.Code {
			return domain.Errorf(domain.ErrForbidden, "wf.input.not_yours", "you may only enter your own unit's inputs")
		}
		if err := s.phaseOpen(ctx, uc, scoring.StageSelf); err != nil {
			return err
		}
		if sub == nil {
			read, err := s.submission(ctx, uc)
			if err != nil {
				return err
			}
			sub = &read
		}
		if sub.Status == Submitted {
			return domain.Errorf(domain.ErrConflict, "wf.input.submitted", "unit %s has submitted its self-assessment; withdraw it to change its inputs", uc.unit.Code)
		}
		return nil
	case auth.Admin:
		if uc.period.Phase == domain.PhasePublished {
			return s.frozenError(ctx, uc.period.Code)
		}
		return nil
	}
	return domain.Errorf(domain.ErrForbidden, "wf.input.role", "measured inputs are entered by the unit's officers and corrected by the secretariat, not by your role (%s)", user.Role)
}

// SaveInput records one measured input of a unit, after checking, in
// order: the user may see the unit (403), the input is read by a computed
// leaf of the unit's set (404), the user's role enters inputs for the unit
// (403), now (409), the value is a number from 0 up (422), a reason is
// given where one is required (422), the set's checks that read the input
// still hold (422), and nobody changed the value since the client read it
// (409). The change is logged with the reason.
func (s *Service) SaveInput(ctx context.Context, user auth.User, req InputRequest) (InputRecord, error) {
	uc, err := s.load(ctx, user, req.Period, req.Unit)
	if err != nil {
		return InputRecord{}, err
	}
	records, err := s.store.InputRecords(ctx, req.Period, req.Unit)
	if err != nil {
		return InputRecord{}, err
	}
	w, err := s.checkInput(ctx, uc, user, req, records, nil)
	if err != nil {
		return InputRecord{}, err
	}
	version, err := s.store.SaveInput(ctx, w)
	if err != nil {
		return InputRecord{}, err
	}
	return InputRecord{Input: w.Input, Version: version, Author: user.Username, UpdatedAt: s.now()}, nil
}

// checkInput checks one input's new value against the rules (see
// SaveInput) and the unit's stored inputs, with others holding the other
// new values of the same form (the set's checks see them all), and
// returns the write to make.
func (s *Service) checkInput(ctx context.Context, uc *unitCtx, user auth.User, req InputRequest, records []InputRecord, others map[string]scoring.Decimal) (InputWrite, error) {
	if len(readers(uc.fw, req.Name)) == 0 {
		return InputWrite{}, domain.Errorf(domain.ErrNotFound, "wf.input.unknown", "no leaf of the criteria set %q reads an input named %q", uc.fw.Name, req.Name)
	}
	if err := s.inputsOpen(ctx, uc, user, nil); err != nil {
		return InputWrite{}, err
	}
	switch {
	case req.Value.IsNegative():
		return InputWrite{}, domain.Errorf(domain.ErrInvalid, "wf.input.negative", "input %s: %s is negative; counts and ratios cannot be", req.Name, req.Value)
	case req.Value.GreaterThan(maxInput):
		return InputWrite{}, domain.Errorf(domain.ErrInvalid, "wf.input.too_large", "input %s: %s is larger than %s", req.Name, req.Value, maxInput)
	}
	reason := strings.TrimSpace(req.Reason)
	switch {
	case len([]rune(reason)) > 4000:
		return InputWrite{}, domain.Errorf(domain.ErrInvalid, "wf.reason_long", "the reason is longer than 4000 characters")
	case reason == "" && user.Role == auth.Admin:
		return InputWrite{}, domain.Errorf(domain.ErrInvalid, "wf.input.reason_required", "input %s: a reason is required when the secretariat corrects a unit's input", req.Name)
	}
	values := map[string]scoring.Decimal{}
	var cur *InputRecord
	for i, r := range records {
		values[r.Name] = r.Value
		if r.Name == req.Name {
			cur = &records[i]
		}
	}
	for name, v := range others {
		values[name] = v
	}
	values[req.Name] = req.Value
	var broken []string
	for _, res := range uc.fw.FailedChecks(values) {
		if slices.Contains(res.Check.Inputs(), req.Name) {
			broken = append(broken, res.Check.Describe())
		}
	}
	if len(broken) > 0 {
		return InputWrite{}, domain.Errorf(domain.ErrInvalid, "wf.input.check", "input %s = %s breaks the criteria set's rule: %s", req.Name, req.Value, strings.Join(broken, "; "))
	}
	expect := req.Version
	if cur != nil && expect == nil {
		// Without a version, only the user's own value may be overwritten.
		if cur.Author != user.Username {
			return InputWrite{}, domain.Errorf(domain.ErrConflict, "wf.input.stale", "input %s was last set by %s (version %d); send the version you edited",
				req.Name, cur.Author, cur.Version)
		}
		v := cur.Version
		expect = &v
	}
	return InputWrite{Input: domain.Input{Period: req.Period, Unit: req.Unit, Name: req.Name, Value: req.Value},
		Expect: expect, Reason: reason, Author: user.Username, Source: "web"}, nil
}
