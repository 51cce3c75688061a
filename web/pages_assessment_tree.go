package web

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/workflow"
)

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
	// inputAt is, per input name, the leaf whose editor holds it: one
	// editor per input on the page, which is one form.
	inputAt map[string]string
}

// inputEditor is the editor of a measured input, with what a failed save
// kept.
func (b *treeBuilder) inputEditor(src workflow.Source, leaf string) *inputEditor {
	ed := &inputEditor{ID: "in-" + leaf + "-" + src.Name, Version: src.Version, ReasonRequired: b.council}
	if src.Value != nil {
		ed.Orig = inputNumber(b.l, *src.Value)
	}
	ed.Value = ed.Orig
	if ov, ok := b.overlay[inputOverlayKey(src.Name)]; ok {
		if ov.Input != nil {
			ed.Value, ed.Reason = ov.Input.Points, ov.Input.Comment
		}
		ed.Error = ov.Err
		b.field.HasError = true
	}
	return ed
}

// walk adds a node's rows; it returns whether any leaf below is shown, so a
// criterion heading appears only above shown leaves.
func (b *treeBuilder) walk(n *workflow.Node, depth int) bool {
	if n.Item.IsLeaf() {
		b.progress(n)
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

// progress counts a leaf in its field's progress: a leaf people score is
// done once the user's round has a value (the self-assessment for an
// officer, the appraisal or final value for the council).
func (b *treeBuilder) progress(n *workflow.Node) {
	f := b.field
	if n.Item.Method.Computed() {
		for _, src := range n.Sources {
			if src.Value == nil && !src.Survey {
				f.NoInput++
				break
			}
		}
		return
	}
	if n.Item.Method.Extra() && !b.council {
		return // a bonus or penalty is the council's to give
	}
	f.Leaves++
	_, self := n.Values[scoring.StageSelf]
	if (b.council && n.Appraised) || (!b.council && self) {
		f.Done++
	}
	if !b.council && (n.Status == workflow.StatusMissingPoints || n.Status == workflow.StatusNeedsExplanation) {
		f.Missing++
	}
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
		if !has {
			// No empty box: a round without a value says nothing; the
			// editor, when there is one, is where it will be entered.
			continue
		}
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
			sv := sourceView{Name: src.Name, Label: src.Label, Unit: src.Unit, HasValue: src.Value != nil, Author: src.Author}
			if src.Value != nil {
				sv.Value = *src.Value
				sv.When = formatTime(l, src.UpdatedAt)
			}
			if b.field.InputsEditable && !src.Survey {
				if at, ok := b.inputAt[src.Name]; ok {
					sv.EditedAt = at
				} else {
					sv.Edit = b.inputEditor(src, it.Code)
					b.inputAt[src.Name] = it.Code
				}
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
		e.Points, e.NA, e.Comment, e.Version = pointsText(l, cur), cur.NA, cur.Comment, cur.Version
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
				e.Points, e.NA, e.Prefilled = pointsText(l, v), v.NA, true
				break
			}
		}
	}
	for _, v := range it.Values {
		val := inputNumber(l, v)
		e.Options = append(e.Options, option{Value: val, Label: l.Number(v), Selected: val == e.Points})
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

// pointsText writes recorded points for the editor's text box, the page
// language's way ("0,5").
func pointsText(l *locale, v workflow.StageValue) string {
	if v.NA || v.Points == nil {
		return ""
	}
	return inputNumber(l, *v.Points)
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

// newInputChangeView shows a change to a measured input: the input's name
// stands for the stage.
func newInputChangeView(l *locale, ch domain.InputChange) changeView {
	old := "—"
	if ch.Old != nil {
		old = l.Number(*ch.Old)
	}
	return changeView{When: formatTime(l, ch.At), Item: ch.Name, Stage: l.T("work.audit.input", ch.Name),
		Old: old, New: l.Number(ch.New), Reason: ch.Reason, Author: ch.Author, Source: ch.Source}
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
