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

// Service runs the assessment workflow. Its store is its own: callers
// read and write through the Service, which applies the rules (who sees
// which unit and round, who writes what and when) on every path.
type Service struct {
	store   Store
	results Results
	// Surveys, when set, adds the survey units below their target sample
	// to a period's readiness to publish.
	Surveys Samples
	Files   Files
	Now     func() time.Time
	// MaxUpload is the largest evidence file accepted, in bytes.
	MaxUpload int64
	// Zone is the province's time zone: a decision dated after today
	// there is refused. Vietnam (UTC+7) when nil.
	Zone *time.Location
}

// NewService returns the workflow over a store; results freezes a period's
// data when the committee publishes it (nil: publishing fails).
func NewService(st Store, results Results) *Service {
	return &Service{store: st, results: results}
}

// Vietnam is the province's clock: UTC+7 all year, so a fixed zone needs
// no time-zone database.
var Vietnam = time.FixedZone("ICT", 7*60*60)

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// Clock returns the service's current time (pages compare deadlines with
// it).
func (s *Service) Clock() time.Time { return s.now() }

func (s *Service) zone() *time.Location {
	if s.Zone == nil {
		return Vietnam
	}
	return s.Zone
}

// unitCtx is everything a unit-level action needs, loaded once.
type unitCtx struct {
	period domain.Period
	unit   domain.Unit
	fw     *scoring.Framework
	acc    access
	// deadlines and sub are read once, when first needed (a form checks
	// many leaves).
	deadlines map[domain.Phase]time.Time
	sub       *Submission
}

// submission returns the unit's submission, read once.
func (s *Service) submission(ctx context.Context, uc *unitCtx) (Submission, error) {
	if uc.sub == nil {
		sub, err := s.store.Submission(ctx, uc.period.Code, uc.unit.Code)
		if err != nil {
			return Submission{}, err
		}
		uc.sub = &sub
	}
	return *uc.sub, nil
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
	u, err := s.store.Unit(ctx, unit)
	if err != nil {
		return nil, err
	}
	p, err := s.store.Period(ctx, period)
	if err != nil {
		return nil, err
	}
	acc := access{user: user}
	if user.Role == auth.Appraiser {
		all, err := s.store.Assignments(ctx, period)
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
	fw, err := s.store.Framework(ctx, period, u.Group)
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
	if uc.period.Phase != want && !(stage == scoring.StageFinal && uc.period.Phase == domain.PhaseCorrection) {
		if uc.period.Phase == domain.PhasePublished {
			return s.frozenError(ctx, uc.period.Code)
		}
		return domain.Errorf(domain.ErrConflict, "wf.stage_phase", "the %s stage can only be changed while period %s is in the %s phase (it is in %s)",
			stage, uc.period.Code, want, uc.period.Phase)
	}
	if uc.deadlines == nil {
		deadlines, err := s.store.Deadlines(ctx, uc.period.Code)
		if err != nil {
			return err
		}
		uc.deadlines = deadlines
	}
	if due, ok := uc.deadlines[uc.period.Phase]; ok && !s.now().Before(due) {
		return domain.Errorf(domain.ErrConflict, "wf.deadline_passed", "the deadline of the %s phase passed on %s", uc.period.Phase, due.In(s.zone()).Format("02/01/2006 15:04"))
	}
	return nil
}

// frozenError says that a published period cannot change, naming its
// latest publication, as the store's own refusal does.
func (s *Service) frozenError(ctx context.Context, period string) error {
	heads, err := s.store.PublicationHeads(ctx, period)
	if err != nil {
		return err
	}
	if len(heads) == 0 {
		return domain.Errorf(domain.ErrConflict, "wf.published_unfrozen", "period %s is published: its data can no longer change", period)
	}
	last := heads[len(heads)-1]
	return domain.Errorf(domain.ErrConflict, "pub.frozen",
		"period %s is published (publication %d, decision %s of %s): its data can no longer change; the secretariat reopens it for a correction first",
		period, last.Number, last.DecisionNo, last.DecisionDate.Format("02/01/2006"))
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
	records, err := s.store.ScoreRecords(ctx, req.Period, req.Unit)
	if err != nil {
		return ScoreRecord{}, err
	}
	w, err := s.checkLeaf(ctx, uc, user, req, records)
	if err != nil {
		return ScoreRecord{}, err
	}
	version, err := s.store.SaveScore(ctx, w)
	if err != nil {
		return ScoreRecord{}, err
	}
	return ScoreRecord{Score: w.Score, Version: version, Author: user.Username, UpdatedAt: s.now()}, nil
}

// checkLeaf checks one leaf's new value against the rules (see SaveLeaf)
// and the unit's stored records, and returns the write to make.
func (s *Service) checkLeaf(ctx context.Context, uc *unitCtx, user auth.User, req SaveRequest, records []ScoreRecord) (ScoreWrite, error) {
	it := uc.fw.Item(req.Item)
	if it == nil || !it.IsLeaf() {
		return ScoreWrite{}, domain.Errorf(domain.ErrNotFound, "wf.item_not_leaf", "item %s is not a leaf of the criteria set %q", req.Item, uc.fw.Name)
	}
	if _, ok := stagePhase[req.Stage]; !ok {
		return ScoreWrite{}, domain.Errorf(domain.ErrInvalid, "wf.stage_unknown", "stage %q must be self, appraisal, explanation or final", req.Stage)
	}
	if !uc.acc.canWrite(req.Unit, topField(it), req.Stage) {
		return ScoreWrite{}, domain.Errorf(domain.ErrForbidden, "wf.stage_forbidden", "your role (%s) does not write the %s stage of item %s for unit %s", user.Role, req.Stage, req.Item, req.Unit)
	}
	if err := s.phaseOpen(ctx, uc, req.Stage); err != nil {
		return ScoreWrite{}, err
	}
	if req.Stage == scoring.StageSelf {
		sub, err := s.submission(ctx, uc)
		if err != nil {
			return ScoreWrite{}, err
		}
		if sub.Status == Submitted {
			return ScoreWrite{}, domain.Errorf(domain.ErrConflict, "wf.submitted", "unit %s has submitted its self-assessment; withdraw it to make changes", req.Unit)
		}
	}
	val := scoring.Value{NA: req.Points == nil}
	if req.Points != nil {
		val.Points = *req.Points
		if err := uc.fw.CheckPoints(req.Item, val.Points); err != nil {
			return ScoreWrite{}, pointsError(err)
		}
	}
	comment := strings.TrimSpace(req.Comment)
	if len([]rune(comment)) > 4000 {
		return ScoreWrite{}, domain.Errorf(domain.ErrInvalid, "wf.comment_long", "the comment is longer than 4000 characters")
	}
	byStage := map[scoring.Stage]ScoreRecord{}
	for _, r := range records {
		if r.Item == req.Item {
			byStage[r.Stage] = r
		}
	}
	if comment == "" {
		if why := reasonNeeded(req.Stage, val, byStage); why != "" {
			return ScoreWrite{}, domain.Errorf(domain.ErrInvalid, "wf.reason."+why, "item %s: "+reasonTexts[why], req.Item)
		}
	}
	expect := req.Version
	if cur, ok := byStage[req.Stage]; ok && expect == nil {
		// Without a version, only the user's own value may be overwritten:
		// another person's value is never replaced unseen.
		if cur.Author != user.Username {
			return ScoreWrite{}, domain.Errorf(domain.ErrConflict, "wf.stale", "item %s at stage %s was last set by %s (version %d); send the version you edited",
				req.Item, req.Stage, cur.Author, cur.Version)
		}
		v := cur.Version
		expect = &v
	}
	return ScoreWrite{
		Score:  domain.Score{Period: req.Period, Unit: req.Unit, Item: req.Item, Stage: req.Stage, Value: val, Comment: comment},
		Expect: expect, Author: user.Username, Source: "web",
	}, nil
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
