package workflow

import (
	"context"
	"time"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// StageValue is one stage's recorded value of a leaf.
type StageValue struct {
	Points    *scoring.Decimal // nil when not applicable
	NA        bool
	Comment   string
	Author    string
	UpdatedAt time.Time
	Version   int64
}

// Source is a measured input a computed leaf reads, with its value.
type Source struct {
	Name  string
	Label string
	Unit  string
	Value *scoring.Decimal // nil when missing
	// Survey marks a survey measure: it comes from the surveys, not typed.
	Survey bool
	// Version, Author and UpdatedAt describe the stored input (Version 0:
	// none stored).
	Version   int64
	Author    string
	UpdatedAt time.Time
}

// LeafStatus summarises what a leaf still needs from the unit.
type LeafStatus string

const (
	StatusOK               LeafStatus = "ok"
	StatusMissingPoints    LeafStatus = "missing_points"
	StatusNeedsExplanation LeafStatus = "needs_explanation" // evidence required, none attached, no explanation
	StatusComputed         LeafStatus = "computed"
)

// Node is one item of a unit's assessment tree.
type Node struct {
	Item  *scoring.Item
	Depth int
	// Values holds the recorded value per stage (leaves only).
	Values map[scoring.Stage]StageValue
	// Scores holds the item's computed points per scoring stage (self and
	// final), as the engine gives them.
	Scores   map[scoring.Stage]scoring.NodeScore
	Evidence []Evidence
	Sources  []Source // computed leaves: the inputs they read
	Status   LeafStatus
	// Appraised reports whether the leaf has an appraisal (or final) value.
	Appraised bool
	// Changed reports whether the appraisal differs from the self-assessment.
	Changed  bool
	Children []*Node
}

// Assessment is a unit's whole assessment in a period, as the user may see
// it.
type Assessment struct {
	Period     domain.Period
	Unit       domain.Unit
	Framework  *scoring.Framework
	Submission Submission
	Deadlines  map[domain.Phase]time.Time
	// Editable is the stage the user may write now ("" for none).
	Editable scoring.Stage
	// Totals are the unit's results at the self and final stages.
	Totals map[scoring.Stage]scoring.UnitScore
	Items  []*Node
	// Missing lists the leaves that keep the unit from submitting, with
	// their status (StatusMissingPoints or StatusNeedsExplanation).
	Missing []*Node
	// MissingInputs lists the computed leaves that lack a measured input:
	// they score as the set says for a missing value until it is entered
	// (by the unit, or by the secretariat's import). They do not keep the
	// unit from submitting.
	MissingInputs []*Node
	// InputsEditable reports whether the user may type the unit's measured
	// inputs now.
	InputsEditable bool
	// Reminders are the latest reminders to the unit (at most
	// MaxShownReminders); ReminderCount counts them all.
	Reminders     []Reminder
	ReminderCount int
	// VisibleStages are the stage columns the user sees: the rounds begun
	// so far, less those the user may not see yet. Values, totals and the
	// history never hold a hidden round.
	VisibleStages []scoring.Stage
	// WritableFields are the top-level items whose leaves the user writes
	// at the Editable stage (an appraiser's assignments narrow them).
	WritableFields map[string]bool
	// MaySubmit and MayWithdraw: the unit's officer may submit, or
	// withdraw, the self-assessment now.
	MaySubmit, MayWithdraw bool
	// Deadline is the current phase's deadline (zero when none), and
	// DeadlinePassed whether it has passed.
	Deadline       time.Time
	DeadlinePassed bool
}

// MaxShownReminders bounds the reminders shown with an assessment or on
// the staff home: however many the secretariat sent, the page stays small.
const MaxShownReminders = 10

// Assessment returns the unit's assessment tree with every stage's points,
// comments and evidence, and what is still missing.
func (s *Service) Assessment(ctx context.Context, user auth.User, period, unit string) (*Assessment, error) {
	uc, err := s.load(ctx, user, period, unit)
	if err != nil {
		return nil, err
	}
	records, err := s.store.ScoreRecords(ctx, period, unit)
	if err != nil {
		return nil, err
	}
	// A round still under way is not shown to the unit, not even through
	// the totals.
	records = withoutStages(records, hiddenStages(user.Role, uc.period.Phase), func(r ScoreRecord) scoring.Stage { return r.Stage })
	evidence, err := s.store.Evidence(ctx, period, unit)
	if err != nil {
		return nil, err
	}
	inputs, err := s.store.InputRecords(ctx, period, unit)
	if err != nil {
		return nil, err
	}
	sub, err := s.store.Submission(ctx, period, unit)
	if err != nil {
		return nil, err
	}
	deadlines, err := s.store.Deadlines(ctx, period)
	if err != nil {
		return nil, err
	}
	reminders, err := s.store.Reminders(ctx, period, unit, MaxShownReminders)
	if err != nil {
		return nil, err
	}
	counts, err := s.store.ReminderCounts(ctx, period)
	if err != nil {
		return nil, err
	}
	// Survey leaves read the unit's satisfaction, as the results do.
	ratios, err := s.store.UnitSurveyRatios(ctx, period, unit)
	if err != nil {
		return nil, err
	}
	a := &Assessment{Period: uc.period, Unit: uc.unit, Framework: uc.fw, Submission: sub, Deadlines: deadlines,
		Totals: map[scoring.Stage]scoring.UnitScore{}, Reminders: reminders, ReminderCount: counts[unit],
		VisibleStages: visibleStages(user.Role, uc.period.Phase), WritableFields: map[string]bool{}}
	if due, ok := deadlines[uc.period.Phase]; ok {
		a.Deadline, a.DeadlinePassed = due, !s.now().Before(due)
	}
	if st := EditableStage(user.Role, uc.period.Phase); st != "" && s.phaseOpen(ctx, uc, st) == nil {
		if !(st == scoring.StageSelf && sub.Status == Submitted) {
			a.Editable = st
			for _, it := range uc.fw.Items {
				a.WritableFields[it.Code] = uc.acc.canWrite(unit, it.Code, st)
			}
		}
	}
	a.InputsEditable = s.inputsOpen(ctx, uc, user, &sub) == nil
	if user.Role == auth.Officer && s.phaseOpen(ctx, uc, scoring.StageSelf) == nil {
		a.MaySubmit, a.MayWithdraw = sub.Status != Submitted, sub.Status == Submitted
	}

	data := scoring.UnitData{Code: unit, Name: uc.unit.Name, Points: map[string]scoring.StageValues{}, Inputs: map[string]scoring.Decimal{},
		Surveys: ratios}
	values := map[string]map[scoring.Stage]StageValue{}
	for _, r := range records {
		if values[r.Item] == nil {
			values[r.Item] = map[scoring.Stage]StageValue{}
		}
		data.SetPoints(r.Item, r.Stage, r.Value)
		sv := StageValue{NA: r.Value.NA, Comment: r.Comment, Author: r.Author, UpdatedAt: r.UpdatedAt, Version: r.Version}
		if !r.Value.NA {
			p := r.Value.Points
			sv.Points = &p
		}
		values[r.Item][r.Stage] = sv
	}
	stored := map[string]InputRecord{}
	for _, in := range inputs {
		data.Inputs[in.Name] = in.Value
		stored[in.Name] = in
	}
	for _, st := range []scoring.Stage{scoring.StageSelf, scoring.StageFinal} {
		a.Totals[st] = scoring.Evaluate(uc.fw, data, st)
	}
	byItem := map[string][]Evidence{}
	for _, e := range evidence {
		byItem[e.Item] = append(byItem[e.Item], e)
	}
	labels := map[string]scoring.InputDef{}
	for _, d := range uc.fw.Inputs {
		labels[d.Name] = d
	}
	var build func(it *scoring.Item, depth int) *Node
	build = func(it *scoring.Item, depth int) *Node {
		n := &Node{Item: it, Depth: depth, Values: values[it.Code], Evidence: byItem[it.Code],
			Scores: map[scoring.Stage]scoring.NodeScore{}}
		for st, tot := range a.Totals {
			n.Scores[st] = tot.Nodes[it.Code]
		}
		for _, c := range it.Items {
			n.Children = append(n.Children, build(c, depth+1))
		}
		if it.IsLeaf() {
			s.leafStatus(a, n, data, labels, stored)
		}
		return n
	}
	for _, it := range uc.fw.Items {
		a.Items = append(a.Items, build(it, 1))
	}
	return a, nil
}

// leafStatus fills a leaf's sources, status and appraisal flags, and adds
// what it lacks to the assessment's missing list.
func (s *Service) leafStatus(a *Assessment, n *Node, data scoring.UnitData, labels map[string]scoring.InputDef, stored map[string]InputRecord) {
	it := n.Item
	self, hasSelf := n.Values[scoring.StageSelf]
	_, hasAppraisal := n.Values[scoring.StageAppraisal]
	_, hasFinal := n.Values[scoring.StageFinal]
	n.Appraised = hasAppraisal || hasFinal
	if hasAppraisal && hasSelf {
		ap := n.Values[scoring.StageAppraisal]
		n.Changed = ap.NA != self.NA || (ap.Points != nil && self.Points != nil && !ap.Points.Equal(*self.Points))
	}
	missingInput := false
	for _, name := range it.Inputs() {
		src := Source{Name: name, Label: labels[name].Label, Unit: labels[name].Unit}
		if r, ok := stored[name]; ok {
			v := r.Value
			src.Value, src.Version, src.Author, src.UpdatedAt = &v, r.Version, r.Author, r.UpdatedAt
		} else {
			missingInput = true
		}
		n.Sources = append(n.Sources, src)
	}
	if it.Method == scoring.Survey {
		src := Source{Name: it.Measure, Label: labels[it.Measure].Label, Unit: labels[it.Measure].Unit, Survey: true}
		if v, ok := data.Surveys[it.Measure]; ok {
			src.Value = &v
		} else if v, ok := data.Inputs[it.Measure]; ok {
			src.Value = &v
		}
		n.Sources = append(n.Sources, src)
	}
	if missingInput {
		a.MissingInputs = append(a.MissingInputs, n)
	}
	hasEvidence := false
	for _, e := range n.Evidence {
		hasEvidence = hasEvidence || e.Stage == scoring.StageSelf
	}
	switch {
	case it.Method.Computed():
		n.Status = StatusComputed
	case !hasSelf && it.Method == scoring.Manual:
		n.Status = StatusMissingPoints
		a.Missing = append(a.Missing, n)
	case it.Evidence == scoring.EvidenceRequired && !hasEvidence && !self.NA && self.Comment == "":
		n.Status = StatusNeedsExplanation
		a.Missing = append(a.Missing, n)
	default:
		n.Status = StatusOK
	}
}
