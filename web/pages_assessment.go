package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
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
	Reminders    []reminderView
	Fields       []fieldView
	Filters      []link
	Filter       string
	Notice       string
	Error        string
	CSRF         string
	BaseURL      string
	AuditURL     string
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
	FormID, Action     string
	Editable           bool
	Self, Final        scoring.NodeScore
	ShowFinal          bool
	Rows               []leafView
	Hidden             int // leaves the filter hides
	HasError           bool
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
}

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

// visibleStages are the stage columns a role sees in a phase: stages open so
// far, except that a unit does not see a council round while it is under
// way.
func visibleStages(role auth.Role, phase domain.Phase) []scoring.Stage {
	at, officer := phaseIndex(phase), role == auth.Officer
	out := []scoring.Stage{scoring.StageSelf}
	if ap := phaseIndex(domain.PhaseAppraisal); at > ap || (at == ap && !officer) {
		out = append(out, scoring.StageAppraisal)
	}
	if at >= phaseIndex(domain.PhaseExplanation) {
		out = append(out, scoring.StageExplanation)
	}
	if fin := phaseIndex(domain.PhaseFinalAppraisal); at > fin || (at == fin && !officer) {
		out = append(out, scoring.StageFinal)
	}
	return out
}

func (s *server) now() time.Time {
	if s.workflow != nil && s.workflow.Now != nil {
		return s.workflow.Now()
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
	changes, err := s.workflow.Audit(ctx, u, a.Period.Code, a.Unit.Code)
	if err != nil {
		return assessmentPage{}, err
	}
	groups, err := s.groupNames(ctx)
	if err != nil {
		return assessmentPage{}, err
	}
	writable, err := s.fieldWriter(ctx, u, a.Period.Code, a.Unit.Code)
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
	if due, ok := a.Deadlines[a.Period.Phase]; ok {
		p.Deadline, p.Passed = formatTime(l, due), !s.now().Before(due)
	}
	selfOpen := a.Period.Phase == domain.PhaseSelfAssessment && !p.Passed
	if due, ok := a.Deadlines[domain.PhaseSelfAssessment]; ok && !s.now().Before(due) {
		selfOpen = false
	}
	p.CanSubmit = u.Role == auth.Officer && selfOpen && !p.Submitted
	p.CanWithdraw = u.Role == auth.Officer && selfOpen && p.Submitted

	stages := visibleStages(u.Role, a.Period.Phase)
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

	history := map[string][]changeView{}
	for _, ch := range changes {
		history[ch.Item] = append(history[ch.Item], newChangeView(l, ch))
	}
	counts := map[string]int{}
	b := &treeBuilder{s: s, l: l, a: a, stages: stages, overlay: overlay, history: history, filter: filter, counts: counts,
		council: p.Council, base: p.BaseURL, auditURL: p.AuditURL}
	for _, n := range a.Items {
		fv := fieldView{Code: n.Item.Code, Name: n.Item.Name, Anchor: "field-" + n.Item.Code, FormID: "form-" + n.Item.Code,
			Action:   assessmentURL(a.Period.Code, a.Unit.Code, "", nil) + "/fields/" + url.PathEscape(n.Item.Code) + filterQuery(filter),
			Editable: a.Editable != "" && writable(n.Item.Code),
			Self:     n.Scores[scoring.StageSelf], Final: n.Scores[scoring.StageFinal], ShowFinal: showFinal}
		b.field = &fv
		b.walk(n, 0)
		p.Fields = append(p.Fields, fv)
	}
	if p.Council {
		p.Filters = append(p.Filters, link{Label: l.T("work.filter.all"), URL: p.BaseURL, Current: filter == ""})
		for _, f := range assessmentFilters {
			p.Filters = append(p.Filters, link{Label: l.T("work.filter."+f, counts[f]), URL: p.BaseURL + filterQuery(f), Current: filter == f})
		}
	}
	return p, nil
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

// fieldWriter reports which fields the user writes: an appraiser's
// assignments may narrow them; the service has the last word.
func (s *server) fieldWriter(ctx context.Context, u auth.User, period, unit string) (func(string) bool, error) {
	if u.Role != auth.Appraiser {
		return func(string) bool { return u.Role != auth.Committee }, nil
	}
	mine, err := s.myAssignments(ctx, period, u)
	if err != nil {
		return nil, err
	}
	return func(field string) bool {
		if len(mine) == 0 {
			return true
		}
		for _, as := range mine {
			if (as.Unit == "" || as.Unit == unit) && (as.Field == "" || as.Field == field) {
				return true
			}
		}
		return false
	}, nil
}

// treeBuilder flattens a field's items into rows.
type treeBuilder struct {
	s        *server
	l        *locale
	a        *workflow.Assessment
	stages   []scoring.Stage
	overlay  map[string]leafOverlay
	history  map[string][]changeView
	filter   string
	counts   map[string]int
	council  bool
	base     string
	auditURL string
	field    *fieldView
}

// walk adds a node's rows; it returns whether any leaf below is shown, so a
// criterion heading appears only above shown leaves.
func (b *treeBuilder) walk(n *workflow.Node, depth int) bool {
	if n.Item.IsLeaf() {
		lv := b.leaf(n, depth)
		if !b.matches(n) {
			b.field.Hidden++
			return false
		}
		if lv.Error != "" {
			b.field.HasError = true
		}
		b.field.Rows = append(b.field.Rows, lv)
		return true
	}
	at := len(b.field.Rows)
	if depth > 0 {
		b.field.Rows = append(b.field.Rows, leafView{Code: n.Item.Code, Name: n.Item.Name, Guidance: n.Item.Guidance,
			Depth: min(depth-1, maxDepth), Group: true, Max: n.Item.Max})
	}
	shown := false
	for _, ch := range n.Children {
		shown = b.walk(ch, depth+1) || shown
	}
	if !shown && depth > 0 {
		b.field.Rows = append(b.field.Rows[:at], b.field.Rows[at+1:]...)
	}
	return shown
}

// hasEvidence reports whether a leaf has any document.
func hasEvidence(n *workflow.Node) bool {
	return len(n.Evidence) > 0
}

// matches applies the appraisal filter, and counts every filter's leaves.
func (b *treeBuilder) matches(n *workflow.Node) bool {
	computed := n.Item.Method.Computed()
	in := map[string]bool{
		"unappraised":      !computed && !n.Appraised,
		"changed":          n.Changed,
		"missing_evidence": n.Item.Evidence == scoring.EvidenceRequired && !hasEvidence(n),
	}
	for k, v := range in {
		if v {
			b.counts[k]++
		}
	}
	return b.filter == "" || in[b.filter]
}

func (b *treeBuilder) leaf(n *workflow.Node, depth int) leafView {
	l, it := b.l, n.Item
	lv := leafView{
		Code: it.Code, Name: it.Name, Guidance: it.Guidance, Anchor: leafAnchor(it.Code), Depth: min(max(depth-1, 0), maxDepth),
		Method: l.T("method." + string(it.Method)), Computed: it.Method.Computed(), Max: it.Max,
		EvidenceRequired: it.Evidence == scoring.EvidenceRequired, History: b.history[it.Code],
		HistoryURL: b.auditURL + "?item=" + url.QueryEscape(it.Code),
	}
	if it.Step.IsPositive() {
		lv.Step = l.Number(it.Step)
	}
	if len(it.Values) > 0 {
		vals := make([]string, len(it.Values))
		for i, v := range it.Values {
			vals[i] = l.Number(v)
		}
		lv.Values = strings.Join(vals, "; ")
	}
	// Stage cells, each compared with the one before it.
	var prev *workflow.StageValue
	for _, st := range b.stages {
		v, has := n.Values[st]
		cell := stageCell{Label: l.T("work.stage." + string(st)), StageCode: string(st), Has: has,
			Editing: string(st) == string(b.a.Editable) && b.field.Editable && !lv.Computed}
		if has {
			cell.NA, cell.Comment, cell.Author, cell.When = v.NA, v.Comment, v.Author, formatTime(l, v.UpdatedAt)
			if v.Points != nil {
				cell.Points = *v.Points
			}
			if prev != nil && st != scoring.StageSelf {
				cell.Differs = prev.NA != v.NA || (prev.Points != nil && v.Points != nil && !prev.Points.Equal(*v.Points))
			}
			vv := v
			if st != scoring.StageExplanation {
				prev = &vv
			}
		}
		lv.Cells = append(lv.Cells, cell)
	}
	if lv.Computed {
		for _, src := range n.Sources {
			sv := sourceView{Name: src.Name, Label: src.Label, Unit: src.Unit, HasValue: src.Value != nil}
			if src.Value != nil {
				sv.Value = *src.Value
			}
			lv.Sources = append(lv.Sources, sv)
		}
		for _, st := range []scoring.Stage{scoring.StageSelf, scoring.StageFinal} {
			if st == scoring.StageFinal && len(b.stages) == 1 {
				continue
			}
			sc := n.Scores[st]
			label := l.T("work.assess.computed_self")
			if st == scoring.StageFinal {
				label = l.T("work.assess.computed_final")
			}
			lv.Scores = append(lv.Scores, scoreView{Label: label, Points: sc.Points, Max: sc.Max, NA: sc.NA})
		}
		for _, note := range n.Scores[scoring.StageSelf].Notes {
			lv.Notes = append(lv.Notes, translateNote(l, note))
		}
	}
	for _, e := range n.Evidence {
		lv.Evidence = append(lv.Evidence, evidenceView{Name: e.FileName, URL: fmt.Sprintf("/api/v1/evidence/%d", e.ID),
			Size: fileSize(l, e.Size), Stage: l.T("work.stage." + string(e.Stage)), By: e.UploadedBy, When: formatTime(l, e.UploadedAt)})
	}
	lv.Flags = b.flags(n)
	if b.a.Editable != "" && b.field.Editable && !lv.Computed {
		lv.Edit = b.editor(n)
	}
	if ov, ok := b.overlay[it.Code]; ok {
		lv.Error = ov.Err
		if ov.Input != nil && lv.Edit != nil {
			lv.Edit.Points, lv.Edit.NA, lv.Edit.Comment = ov.Input.Points, ov.Input.NA, ov.Input.Comment
			lv.Edit.Prefilled = false
			for i := range lv.Edit.Options {
				lv.Edit.Options[i].Selected = lv.Edit.Options[i].Value == ov.Input.Points
			}
		}
	}
	return lv
}

// flags are a leaf's status badges.
func (b *treeBuilder) flags(n *workflow.Node) []flagView {
	l := b.l
	var out []flagView
	add := func(key, class string) { out = append(out, flagView{Label: l.T(key), Class: class}) }
	if n.Item.Method.Computed() {
		add("work.status.computed", "info")
		return out
	}
	if b.council {
		switch {
		case !n.Appraised:
			add("work.flag.unappraised", "warn")
		case n.Changed:
			add("work.flag.changed", "info")
		default:
			add("work.flag.appraised", "ok")
		}
		if _, ok := n.Values[scoring.StageExplanation]; ok && len(b.stages) > 2 {
			add("work.flag.contested", "info")
		}
	} else {
		switch n.Status {
		case workflow.StatusMissingPoints:
			add("work.status.missing_points", "warn")
		case workflow.StatusNeedsExplanation:
			add("work.status.needs_explanation", "danger")
		default:
			add("work.status.ok", "ok")
		}
		if n.Changed && len(b.stages) > 1 {
			add("work.flag.adjusted", "info")
		}
	}
	if n.Item.Evidence == scoring.EvidenceRequired && !hasEvidence(n) && n.Status != workflow.StatusNeedsExplanation {
		add("work.flag.no_evidence", "danger")
	}
	return out
}

// editor prepares a leaf's inputs. A council round starts from the round
// before it: the appraisal shows the self-assessment, the final round the
// appraisal, so saving the field records them unless changed.
func (b *treeBuilder) editor(n *workflow.Node) *leafEdit {
	l, it, st := b.l, n.Item, b.a.Editable
	e := &leafEdit{Max: it.Max.String(), Step: "any"}
	if it.Step.IsPositive() {
		e.Step = it.Step.String()
	}
	if cur, ok := n.Values[st]; ok {
		e.Points, e.NA, e.Comment, e.Version = pointsText(cur), cur.NA, cur.Comment, cur.Version
		e.OrigPoints, e.OrigNA, e.OrigComment = e.Points, e.NA, e.Comment
	} else {
		var from []scoring.Stage
		switch st {
		case scoring.StageAppraisal:
			from = []scoring.Stage{scoring.StageSelf}
		case scoring.StageFinal:
			from = []scoring.Stage{scoring.StageAppraisal, scoring.StageSelf}
		}
		for _, f := range from {
			if v, ok := n.Values[f]; ok {
				e.Points, e.NA, e.Prefilled = pointsText(v), v.NA, true
				break
			}
		}
	}
	for _, v := range it.Values {
		e.Options = append(e.Options, option{Value: v.String(), Label: l.Number(v), Selected: v.String() == e.Points})
	}
	switch st {
	case scoring.StageSelf:
		e.CommentLabel = "work.assess.comment_self"
		if it.Evidence == scoring.EvidenceRequired {
			e.CommentLabel = "work.assess.comment_self_required"
		}
	case scoring.StageExplanation:
		e.CommentLabel, e.CommentNeed = "work.assess.comment_explanation", true
	case scoring.StageAppraisal:
		e.CommentLabel = "work.assess.comment_appraisal"
	case scoring.StageFinal:
		e.CommentLabel = "work.assess.comment_final"
	}
	return e
}

func pointsText(v workflow.StageValue) string {
	if v.NA || v.Points == nil {
		return ""
	}
	return v.Points.String()
}

// fileSize writes a size in KB or MB.
func fileSize(l *locale, n int64) string {
	if n < 1<<20 {
		return l.Int(int((n+1023)>>10)) + " KB"
	}
	d := scoring.NewInt(n).DivRound(scoring.NewInt(1<<20), 1)
	return strings.Replace(d.StringFixed(1), ".", l.decimal, 1) + " MB"
}

// changeView is one entry of the audit log as shown.
type changeView struct {
	When, Item, Stage, Old, New, Reason, Author, Source string
}

func newChangeView(l *locale, ch domain.Change) changeView {
	return changeView{When: formatTime(l, ch.At), Item: ch.Item, Stage: l.T("work.stage." + string(ch.Stage)),
		Old: shownValue(l, ch.Old), New: shownValue(l, ch.New), Reason: ch.Reason, Author: ch.Author,
		Source: ch.Source}
}

// shownValue shows a recorded value: points, "not applicable", or a dash
// when there was none.
func shownValue(l *locale, v *scoring.Value) string {
	switch {
	case v == nil:
		return "—"
	case v.NA:
		return l.T("na")
	}
	return l.Number(v.Points)
}
