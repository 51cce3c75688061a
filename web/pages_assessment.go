package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/workflow"
)

// assessmentPage is a unit's assessment as one user sees and edits it: the
// criteria tree field by field, each leaf with the values of the stages
// relevant now, its evidence and history, and an editor for the stage the
// user writes.
type assessmentPage struct {
	chrome
	Period       domain.Period
	PeriodName   string
	PhaseName    string
	Steps        []phaseStep
	Unit         domain.Unit
	UnitName     string
	GroupName    string
	SetName      string
	Officer      bool
	Council      bool // appraisers, the secretariat and the committee
	Stages       []stageHead
	Editable     string
	EditableName string
	EditHint     string
	CanUpload    bool
	Accept       string
	MaxUpload    int64
	MaxUploadMB  int64
	Submitted    bool
	SubmittedAt  string
	SubmittedBy  string
	CanSubmit    bool
	CanWithdraw  bool
	Deadline     string
	Passed       bool
	Totals       []totalView
	Missing      []missingView
	// MissingInputs are computed leaves still without a measured input.
	MissingInputs []missingView
	// InputsEditable: the user may enter the unit's measured inputs now;
	// InputReason names the reason's field (required of the secretariat).
	InputsEditable bool
	InputReason    string
	Reminders      []reminderView
	MoreReminders  int
	Fields         []fieldView
	// LeavesTotal and DoneTotal sum the fields' progress; DoneLabel names
	// what "done" means for the user (self-assessed, appraised…).
	LeavesTotal, DoneTotal int
	DoneLabel              string
	// HasForm: the page is one form holding every editor, saved at once;
	// Action is where it posts.
	HasForm  bool
	Action   string
	Filters  []link
	Filter   string
	Notice   string
	Error    string
	CSRF     string
	BaseURL  string
	AuditURL string
}

// stageHead is a stage column.
type stageHead struct{ Code, Label string }

// totalView is a running total of the unit.
type totalView struct {
	Label               string
	Points, Max, Index  scoring.Decimal
	Grade               badge
	HasGrade, IsCurrent bool
}

// missingView is a leaf that keeps the unit from submitting.
type missingView struct {
	Code, Name, Anchor, Status string
}

// fieldView is a top-level item and everything under it.
type fieldView struct {
	Code, Name, Anchor string
	Editable           bool
	// InputsEditable: the field's computed leaves take typed inputs, so
	// the field has editors even when its points are not editable.
	InputsEditable bool
	Self, Final    scoring.NodeScore
	ShowFinal      bool
	Rows           []leafView
	Hidden         int // leaves the filter hides
	HasError       bool
	// Progress: of the field's leaves scored by people (Leaves), how many
	// the user's round has done (Done, with Bar in a 0..100 viewBox);
	// Missing counts those keeping an officer from submitting, NoInput
	// the computed leaves still without a measured input.
	Leaves, Done, Missing, NoInput int
	Bar                            string
	// Open: the field is shown unfolded (it has a problem to show, or a
	// filter picked its leaves).
	Open bool
}

// leafView is one row of a field: a criterion heading (Group) or a leaf.
type leafView struct {
	Code, Name, Guidance, Anchor string
	Depth                        int
	Group                        bool
	Method                       string
	Computed                     bool
	Max                          scoring.Decimal
	Step                         string
	Values                       string
	EvidenceRequired             bool
	Cells                        []stageCell
	Edit                         *leafEdit
	Sources                      []sourceView
	Scores                       []scoreView
	Notes                        []string
	Evidence                     []evidenceView
	Flags                        []flagView
	History                      []changeView
	HistoryURL                   string
	Error                        string
}

// stageCell is a leaf's recorded value at one stage.
type stageCell struct {
	Label     string
	Has, NA   bool
	Points    scoring.Decimal
	Comment   string
	Author    string
	When      string
	Differs   bool // differs from the stage before it
	Editing   bool // the user's editable stage (the editor follows)
	StageCode string
}

// leafEdit is the editor of a leaf at the editable stage.
type leafEdit struct {
	Points       string
	NA           bool
	Comment      string
	Version      int64
	OrigPoints   string
	OrigNA       bool
	OrigComment  string
	Max, Step    string
	Options      []option
	Prefilled    bool
	CommentLabel string
	CommentNeed  bool
}

type option struct {
	Value, Label string
	Selected     bool
}

type sourceView struct {
	Name, Label, Unit string
	Value             scoring.Decimal
	HasValue          bool
	Author, When      string
	// Edit is the input's editor, on the first leaf of the field reading it;
	// EditedAt names that leaf on the others.
	Edit     *inputEditor
	EditedAt string
}

// inputEditor is a measured input's field in a form.
type inputEditor struct {
	ID             string
	Value, Orig    string
	Version        int64
	Reason         string
	ReasonRequired bool
	Error          string
}

// inputOverlayKey is the overlay key of a measured input: it cannot be an
// item code.
func inputOverlayKey(name string) string { return "\x00input:" + name }

type scoreView struct {
	Label       string
	Points, Max scoring.Decimal
	NA          bool
}

type evidenceView struct {
	Name, URL, Size, Stage, By, When string
}

type flagView struct{ Label, Class string }

// leafInput is what a form holds for one leaf.
type leafInput struct {
	Points  string
	NA      bool
	Comment string
}

// same reports whether two inputs mean the same value (the points of a
// not-applicable leaf do not count).
func (a leafInput) same(b leafInput) bool {
	points := a.NA || strings.TrimSpace(a.Points) == strings.TrimSpace(b.Points)
	return points && a.NA == b.NA && strings.TrimSpace(a.Comment) == strings.TrimSpace(b.Comment)
}

// leafOverlay is what a failed save shows for a leaf: the user's input, kept,
// and the error.
type leafOverlay struct {
	Input *leafInput
	Err   string
}

// assessmentFilters are the appraisal filters (?filter=).
var assessmentFilters = []string{"unappraised", "changed", "missing_evidence"}

func (s *server) now() time.Time {
	if s.workflow != nil {
		return s.workflow.Clock()
	}
	return time.Now()
}

// assessmentPage shows a unit's assessment.
func (s *server) assessmentPage(c echo.Context) error {
	a, err := s.workflow.Assessment(c.Request().Context(), currentUser(c), c.Param("period"), c.Param("unit"))
	if err != nil {
		return err
	}
	page, err := s.assessmentView(c, a, nil, "")
	if err != nil {
		return err
	}
	page.Notice = doneMessage(s.locale(c), c)
	return s.render(c, http.StatusOK, "assessment", page)
}

// assessmentURL is the page's address with the current filter kept.
func assessmentURL(period, unit, filter string, q url.Values) string {
	u := workUnitURL(period, unit)
	if q == nil {
		q = url.Values{}
	}
	if filter != "" {
		q.Set("filter", filter)
	}
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

func validFilter(f string) string {
	for _, v := range assessmentFilters {
		if v == f {
			return f
		}
	}
	return ""
}

// assessmentView builds the page; overlay holds what a failed save keeps.
func (s *server) assessmentView(c echo.Context, a *workflow.Assessment, overlay map[string]leafOverlay, topError string) (assessmentPage, error) {
	ctx, l, u := c.Request().Context(), s.locale(c), currentUser(c)
	log, err := s.workflow.Audit(ctx, u, a.Period.Code, a.Unit.Code)
	if err != nil {
		return assessmentPage{}, err
	}
	groups, err := s.groupNames(ctx)
	if err != nil {
		return assessmentPage{}, err
	}
	filter := validFilter(c.QueryParam("filter"))
	unitName := nameOr(a.Unit.Name, a.Unit.Code)
	p := assessmentPage{
		chrome: s.chrome(c, l, l.T("work.assess.title", unitName, periodName(a.Period))),
		Period: a.Period, PeriodName: periodName(a.Period),
		PhaseName: l.T("work.phase." + string(a.Period.Phase)), Steps: phaseSteps(l, a.Period.Phase),
		Unit: a.Unit, UnitName: unitName, GroupName: nameOr(groups[a.Unit.Group], a.Unit.Group), SetName: a.Framework.Name,
		Officer: u.Role == auth.Officer, Council: u.Role != auth.Officer,
		Editable:  string(a.Editable),
		Accept:    strings.Join(workflow.AllowedExtensions(), ","),
		MaxUpload: s.maxUpload(), MaxUploadMB: s.maxUpload() >> 20,
		Submitted: a.Submission.Status == workflow.Submitted,
		Reminders: reminderViews(l, a.Reminders),
		Filter:    filter, Error: topError, CSRF: csrfToken(c),
		BaseURL:  workUnitURL(a.Period.Code, a.Unit.Code),
		AuditURL: workUnitURL(a.Period.Code, a.Unit.Code) + "/audit",
	}
	p.Scripts = []string{"work.js"}
	if a.Editable != "" {
		p.EditableName = l.T("work.stage." + string(a.Editable))
		p.EditHint = l.T("work.assess.hint." + string(a.Editable))
	}
	p.CanUpload = u.Role == auth.Officer && a.Editable != ""
	if p.Submitted {
		p.SubmittedAt, p.SubmittedBy = formatTime(l, a.Submission.SubmittedAt), a.Submission.SubmittedBy
	}
	if !a.Deadline.IsZero() {
		p.Deadline, p.Passed = formatTime(l, a.Deadline), a.DeadlinePassed
	}
	p.CanSubmit, p.CanWithdraw = a.MaySubmit, a.MayWithdraw
	p.Action = assessmentURL(a.Period.Code, a.Unit.Code, filter, nil)
	if a.ReminderCount > len(a.Reminders) {
		p.MoreReminders = a.ReminderCount - len(a.Reminders)
	}

	stages := a.VisibleStages
	for _, st := range stages {
		p.Stages = append(p.Stages, stageHead{Code: string(st), Label: l.T("work.stage." + string(st))})
	}
	showFinal := len(stages) > 1
	self := a.Totals[scoring.StageSelf]
	p.Totals = append(p.Totals, newTotal(l.T("work.assess.total_self"), a.Framework, self, !showFinal))
	if showFinal {
		p.Totals = append(p.Totals, newTotal(l.T("work.assess.total_final"), a.Framework, a.Totals[scoring.StageFinal], true))
	}
	for _, n := range a.Missing {
		p.Missing = append(p.Missing, missingView{Code: n.Item.Code, Name: n.Item.Name, Anchor: leafAnchor(n.Item.Code),
			Status: l.T("work.status." + string(n.Status))})
	}
	for _, n := range a.MissingInputs {
		p.MissingInputs = append(p.MissingInputs, missingView{Code: n.Item.Code, Name: n.Item.Name, Anchor: leafAnchor(n.Item.Code),
			Status: l.T("work.status.missing_inputs")})
	}
	p.DoneLabel = l.T("pages.assess.done_self")
	if p.Council {
		p.DoneLabel = l.T("pages.assess.done_council")
	}
	p.InputsEditable = a.InputsEditable
	p.InputReason = "work.assess.input_note"
	if u.Role == auth.Admin {
		p.InputReason = "work.assess.input_reason"
	}

	history := map[string][]changeView{}
	for _, ch := range log.Points {
		history[ch.Item] = append(history[ch.Item], newChangeView(l, ch))
	}
	// A computed leaf's history is that of the inputs it reads.
	readers := map[string][]string{} // input → leaves
	for _, it := range a.Framework.Leaves() {
		for _, name := range it.Inputs() {
			readers[name] = append(readers[name], it.Code)
		}
	}
	for _, ch := range log.Inputs {
		for _, leaf := range readers[ch.Name] {
			history[leaf] = append(history[leaf], newInputChangeView(l, ch))
		}
	}
	counts := map[string]int{}
	b := &treeBuilder{s: s, l: l, a: a, stages: stages, overlay: overlay, history: history, filter: filter, counts: counts,
		council: p.Council, base: p.BaseURL, auditURL: p.AuditURL, inputAt: map[string]string{}}
	for _, n := range a.Items {
		fv := fieldView{Code: n.Item.Code, Name: n.Item.Name, Anchor: "field-" + n.Item.Code,
			Editable: a.Editable != "" && a.WritableFields[n.Item.Code], InputsEditable: a.InputsEditable && readsInputs(n),
			Self: n.Scores[scoring.StageSelf], Final: n.Scores[scoring.StageFinal], ShowFinal: showFinal}
		b.field = &fv
		b.walk(n, 0)
		fv.Bar = svgNumber(percent(fv.Done, fv.Leaves))
		fv.Open = fv.HasError || (filter != "" && len(fv.Rows) > 0)
		p.Fields = append(p.Fields, fv)
		p.LeavesTotal += fv.Leaves
		p.DoneTotal += fv.Done
		p.HasForm = p.HasForm || fv.Editable || fv.InputsEditable
	}
	if p.Council {
		p.Filters = append(p.Filters, link{Label: l.T("work.filter.all"), URL: p.BaseURL, Current: filter == ""})
		for _, f := range assessmentFilters {
			p.Filters = append(p.Filters, link{Label: l.T("work.filter."+f, counts[f]), URL: p.BaseURL + filterQuery(f), Current: filter == f})
		}
	}
	return p, nil
}

// readsInputs reports whether a field holds a leaf computed from measured
// inputs.
func readsInputs(n *workflow.Node) bool {
	if n.Item.IsLeaf() {
		return len(n.Item.Inputs()) > 0
	}
	return slices.ContainsFunc(n.Children, readsInputs)
}

func filterQuery(f string) string {
	if f == "" {
		return ""
	}
	return "?filter=" + url.QueryEscape(f)
}

func leafAnchor(code string) string { return "leaf-" + code }

func newTotal(label string, fw *scoring.Framework, us scoring.UnitScore, current bool) totalView {
	t := totalView{Label: label, Points: us.Points, Max: us.Max, Index: us.Index, IsCurrent: current}
	if us.Max.IsPositive() {
		t.Grade, t.HasGrade = gradeBadge(fw, fw.GradeFor(scoring.Publish(us.Index))), true
	}
	return t
}
