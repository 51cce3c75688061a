package workflow

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// DefaultMaxUpload is the evidence size limit when none is configured.
const DefaultMaxUpload = 20 << 20

// Service runs the assessment workflow.
type Service struct {
	Store Store
	Files Files
	Now   func() time.Time
	// MaxUpload is the largest evidence file accepted, in bytes.
	MaxUpload int64
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// unitCtx is everything a unit-level action needs, loaded once.
type unitCtx struct {
	period domain.Period
	unit   domain.Unit
	fw     *scoring.Framework
	acc    access
}

// load checks that the user may see the unit, then loads the period, the
// unit and its criteria set. The unit is checked before the period so that
// an officer learns nothing about other units, whatever the period.
func (s *Service) load(ctx context.Context, user auth.User, period, unit string) (*unitCtx, error) {
	if !user.Role.Staff() {
		return nil, domain.Errorf(domain.ErrForbidden, "wf.login", "log in to see assessments")
	}
	if user.Role == auth.Officer && user.Unit != unit {
		return nil, domain.Errorf(domain.ErrForbidden, "wf.own_unit", "you may only see your own unit's assessment")
	}
	u, err := s.Store.Unit(ctx, unit)
	if err != nil {
		return nil, err
	}
	p, err := s.Store.Period(ctx, period)
	if err != nil {
		return nil, err
	}
	acc := access{user: user}
	if user.Role == auth.Appraiser {
		all, err := s.Store.Assignments(ctx, period)
		if err != nil {
			return nil, err
		}
		for _, a := range all {
			if a.UserID == user.ID {
				acc.assignments = append(acc.assignments, a)
			}
		}
	}
	if !acc.canView(unit) {
		return nil, domain.Errorf(domain.ErrForbidden, "wf.not_assigned", "unit %s is not assigned to you in period %s", unit, period)
	}
	fw, err := s.Store.Framework(ctx, period, u.Group)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, domain.Errorf(domain.ErrNotFound, "wf.no_set", "period %s has no criteria set for the group %s of unit %s", period, u.Group, unit)
	}
	if err != nil {
		return nil, err
	}
	if err := s.takesPart(ctx, unit, period); err != nil {
		return nil, err
	}
	return &unitCtx{period: p, unit: u, fw: fw, acc: acc}, nil
}

// phaseOpen checks that a stage can be written now: the period is in the
// stage's phase and its deadline, for the unit's own stages, has not passed.
func (s *Service) phaseOpen(ctx context.Context, uc *unitCtx, stage scoring.Stage) error {
	want := stagePhase[stage]
	if uc.period.Phase != want {
		return domain.Errorf(domain.ErrConflict, "wf.stage_phase", "the %s stage can only be changed while period %s is in the %s phase (it is in %s)",
			stage, uc.period.Code, want, uc.period.Phase)
	}
	deadlines, err := s.Store.Deadlines(ctx, uc.period.Code)
	if err != nil {
		return err
	}
	if due, ok := deadlines[want]; ok && !s.now().Before(due) {
		return domain.Errorf(domain.ErrConflict, "wf.deadline_passed", "the deadline of the %s phase passed on %s", want, due.Format("2006-01-02 15:04 MST"))
	}
	return nil
}

// SaveRequest is one leaf's points at one stage.
type SaveRequest struct {
	Period, Unit, Item string
	Stage              scoring.Stage
	// Points nil marks the leaf not applicable.
	Points  *scoring.Decimal
	Comment string
	// Version is the version of the value the client edited (0: none); nil
	// accepts overwriting only the user's own value.
	Version *int64
}

// SaveLeaf records a leaf's points at a stage, after checking, in order:
// the user may see the unit (403), the item is a leaf of the unit's set
// (404), the user's role writes this stage for this unit and field (403),
// the period is in the stage's phase and before its deadline (409), the
// unit has not submitted (409), the points are valid (422), a reason is
// given where one is required (422), and nobody changed the value since the
// client read it (409). The change is logged with the reason.
func (s *Service) SaveLeaf(ctx context.Context, user auth.User, req SaveRequest) (ScoreRecord, error) {
	uc, err := s.load(ctx, user, req.Period, req.Unit)
	if err != nil {
		return ScoreRecord{}, err
	}
	it := uc.fw.Item(req.Item)
	if it == nil || !it.IsLeaf() {
		return ScoreRecord{}, domain.Errorf(domain.ErrNotFound, "wf.item_not_leaf", "item %s is not a leaf of the criteria set %q", req.Item, uc.fw.Name)
	}
	if _, ok := stagePhase[req.Stage]; !ok {
		return ScoreRecord{}, domain.Errorf(domain.ErrInvalid, "wf.stage_unknown", "stage %q must be self, appraisal, explanation or final", req.Stage)
	}
	if !uc.acc.canWrite(req.Unit, topField(it), req.Stage) {
		return ScoreRecord{}, domain.Errorf(domain.ErrForbidden, "wf.stage_forbidden", "your role (%s) does not write the %s stage of item %s for unit %s", user.Role, req.Stage, req.Item, req.Unit)
	}
	if err := s.phaseOpen(ctx, uc, req.Stage); err != nil {
		return ScoreRecord{}, err
	}
	if req.Stage == scoring.StageSelf {
		sub, err := s.Store.Submission(ctx, req.Period, req.Unit)
		if err != nil {
			return ScoreRecord{}, err
		}
		if sub.Status == Submitted {
			return ScoreRecord{}, domain.Errorf(domain.ErrConflict, "wf.submitted", "unit %s has submitted its self-assessment; withdraw it to make changes", req.Unit)
		}
	}
	val := scoring.Value{NA: req.Points == nil}
	if req.Points != nil {
		val.Points = *req.Points
		if err := uc.fw.CheckPoints(req.Item, val.Points); err != nil {
			return ScoreRecord{}, pointsError(err)
		}
	}
	comment := strings.TrimSpace(req.Comment)
	if len([]rune(comment)) > 4000 {
		return ScoreRecord{}, domain.Errorf(domain.ErrInvalid, "wf.comment_long", "the comment is longer than 4000 characters")
	}
	records, err := s.Store.ScoreRecords(ctx, req.Period, req.Unit)
	if err != nil {
		return ScoreRecord{}, err
	}
	byStage := map[scoring.Stage]ScoreRecord{}
	for _, r := range records {
		if r.Item == req.Item {
			byStage[r.Stage] = r
		}
	}
	if comment == "" {
		if why := reasonNeeded(req.Stage, val, byStage); why != "" {
			return ScoreRecord{}, domain.Errorf(domain.ErrInvalid, "wf.reason."+why, "item %s: "+reasonTexts[why], req.Item)
		}
	}
	expect := req.Version
	if cur, ok := byStage[req.Stage]; ok && expect == nil {
		// Without a version, only the user's own value may be overwritten:
		// another person's value is never replaced unseen.
		if cur.Author != user.Username {
			return ScoreRecord{}, domain.Errorf(domain.ErrConflict, "wf.stale", "item %s at stage %s was last set by %s (version %d); send the version you edited",
				req.Item, req.Stage, cur.Author, cur.Version)
		}
		v := cur.Version
		expect = &v
	}
	w := ScoreWrite{
		Score:  domain.Score{Period: req.Period, Unit: req.Unit, Item: req.Item, Stage: req.Stage, Value: val, Comment: comment},
		Expect: expect, Author: user.Username, Source: "web",
	}
	version, err := s.Store.SaveScore(ctx, w)
	if err != nil {
		return ScoreRecord{}, err
	}
	return ScoreRecord{Score: w.Score, Version: version, Author: user.Username, UpdatedAt: s.now()}, nil
}

// pointsError is the criteria set's refusal of points as a domain error
// that pages can say in the reader's language.
func pointsError(err error) error {
	var pe *scoring.PointsError
	if errors.As(err, &pe) {
		return domain.Errorf(domain.ErrInvalid, "wf.points."+pe.Problem, pe.Format, pe.Args...)
	}
	return domain.Invalidf("%v", err)
}

// reasonTexts are the reasons a comment is required, in English.
var reasonTexts = map[string]string{
	"appraisal":   "a reason is required when the appraised points differ from the self-assessment",
	"explanation": "an explanation is required to contest the appraisal",
	"final":       "a reason is required when the final points differ from the previous round",
}

// reasonNeeded says why a comment is required for a value (a key of
// reasonTexts), or "".
func reasonNeeded(stage scoring.Stage, val scoring.Value, byStage map[scoring.Stage]ScoreRecord) string {
	differs := func(prev scoring.Stage) bool {
		r, ok := byStage[prev]
		if !ok {
			return true
		}
		return r.Value.NA != val.NA || !r.Value.Points.Equal(val.Points)
	}
	switch stage {
	case scoring.StageAppraisal:
		if differs(scoring.StageSelf) {
			return "appraisal"
		}
	case scoring.StageExplanation:
		return "explanation"
	case scoring.StageFinal:
		prev := scoring.StageAppraisal
		if _, ok := byStage[prev]; !ok {
			prev = scoring.StageSelf
		}
		if differs(prev) {
			return "final"
		}
	}
	return ""
}
