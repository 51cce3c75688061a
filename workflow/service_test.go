package workflow

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

var (
	officer   = auth.User{ID: 1, Username: "canbo", Role: auth.Officer, Unit: "SNV"}
	appraiser = auth.User{ID: 2, Username: "thamdinh", Role: auth.Appraiser}
	admin     = auth.User{ID: 3, Username: "thuongtruc", Role: auth.Admin}
	committee = auth.User{ID: 4, Username: "bcd", Role: auth.Committee}
	public    = auth.User{}
)

// today is the tests' clock: 6 December 2026, 08:00 in Vietnam.
var today = time.Date(2026, 12, 6, 1, 0, 0, 0, time.UTC)

func newTestService(st *memStore) (*Service, *fakeFreezer) {
	f := &fakeFreezer{st: st}
	s := NewService(st, f)
	s.Now = func() time.Time { return today }
	return s, f
}

func wantKind(t *testing.T, what string, err, kind error) {
	t.Helper()
	switch {
	case kind == nil && err != nil:
		t.Errorf("%s: %v", what, err)
	case kind != nil && !errors.Is(err, kind):
		t.Errorf("%s: error %v, want %v", what, err, kind)
	}
}

// TestScopeOfUnpublishedResults: the results an officer or an appraiser
// reads of an unpublished period are narrowed to their units, without a
// round they may not see — the rule of their assessment, for every reader.
func TestScopeOfUnpublishedResults(t *testing.T) {
	ctx := context.Background()
	st := newMemStore(t, domain.PhaseAppraisal)
	st.assignments = []Assignment{{UserID: appraiser.ID, Period: "2026", Unit: "SCT", Field: "1"}}
	s, _ := newTestService(st)
	data := func() []scoring.UnitData {
		var out []scoring.UnitData
		for _, code := range []string{"SCT", "SNV", "STP"} {
			u := scoring.UnitData{Code: code}
			u.SetPoints("1.1", scoring.StageSelf, scoring.Value{Points: scoring.NewInt(8)})
			u.SetPoints("1.1", scoring.StageAppraisal, scoring.Value{Points: scoring.NewInt(3)})
			out = append(out, u)
		}
		return out
	}
	if sc := s.Scope(admin); sc != nil {
		t.Error("the secretariat's scope narrows")
	}
	if sc := s.Scope(committee); sc != nil {
		t.Error("the committee's scope narrows")
	}
	cases := []struct {
		user   auth.User
		units  []string
		stages []scoring.Stage // of 1.1, for each unit seen
	}{
		{officer, []string{"SNV"}, []scoring.Stage{scoring.StageSelf}},
		{appraiser, []string{"SCT"}, []scoring.Stage{scoring.StageSelf, scoring.StageAppraisal}},
		{public, nil, nil},
	}
	for _, c := range cases {
		given := data()
		got, err := s.Scope(c.user).Narrow(ctx, "2026", given)
		if err != nil {
			t.Fatal(err)
		}
		var units []string
		for _, u := range got {
			units = append(units, u.Code)
			var stages []scoring.Stage
			for st := range u.Points["1.1"].All() {
				stages = append(stages, st)
			}
			if !slices.Equal(stages, c.stages) {
				t.Errorf("%s sees %s 1.1 at %v, want %v", c.user.Role, u.Code, stages, c.stages)
			}
		}
		if !slices.Equal(units, c.units) {
			t.Errorf("%s sees units %v, want %v", c.user.Role, units, c.units)
		}
		// The data given are not changed.
		if _, ok := given[1].Points["1.1"].Get(scoring.StageAppraisal); !ok {
			t.Errorf("%s's scope changed the data it was given", c.user.Role)
		}
	}
	// Comments follow the same rule.
	st.put("STP", "1.1", scoring.StageSelf, 5, "x")
	st.scores[scoreKey{"2026", "SNV", "1.1", scoring.StageAppraisal}] = ScoreRecord{Score: domain.Score{Period: "2026", Unit: "SNV", Item: "1.1",
		Stage: scoring.StageAppraisal, Comment: "lý do của hội đồng"}}
	st.scores[scoreKey{"2026", "SNV", "1.1", scoring.StageSelf}] = ScoreRecord{Score: domain.Score{Period: "2026", Unit: "SNV", Item: "1.1",
		Stage: scoring.StageSelf, Comment: "kế hoạch số 1"}}
	comments, err := s.Comments(ctx, officer, "2026")
	if err != nil {
		t.Fatal(err)
	}
	if len(comments) != 1 || comments["SNV"]["1.1"][scoring.StageSelf] != "kế hoạch số 1" || comments["SNV"]["1.1"][scoring.StageAppraisal] != "" {
		t.Errorf("the officer's comments: %v", comments)
	}
	sees, err := s.UnitsSeen(ctx, appraiser, "2026")
	if err != nil || !sees("SCT") || sees("STP") {
		t.Errorf("UnitsSeen for the appraiser of SCT: SCT %v, STP %v (%v)", sees("SCT"), sees("STP"), err)
	}
}

// TestAssessmentSaysWhatTheUserMay: the assessment carries the policy the
// pages show — columns, the stage written and in which fields, submit and
// withdraw — so no page derives it again.
func TestAssessmentSaysWhatTheUserMay(t *testing.T) {
	ctx := context.Background()
	st := newMemStore(t, domain.PhaseSelfAssessment)
	st.assignments = []Assignment{{UserID: appraiser.ID, Period: "2026", Unit: "SNV", Field: "1"}}
	s, _ := newTestService(st)
	a, err := s.Assessment(ctx, officer, "2026", "SNV")
	if err != nil {
		t.Fatal(err)
	}
	if a.Editable != scoring.StageSelf || !a.WritableFields["1"] || !a.WritableFields["2"] || !a.MaySubmit || a.MayWithdraw || !a.InputsEditable {
		t.Errorf("officer in self-assessment: editable %q fields %v submit %v withdraw %v inputs %v", a.Editable, a.WritableFields, a.MaySubmit, a.MayWithdraw, a.InputsEditable)
	}
	// Past the deadline: nothing.
	must(t, st.SetDeadline(ctx, "2026", domain.PhaseSelfAssessment, today.Add(-time.Hour)))
	a, err = s.Assessment(ctx, officer, "2026", "SNV")
	if err != nil {
		t.Fatal(err)
	}
	if a.Editable != "" || a.MaySubmit || !a.DeadlinePassed || a.InputsEditable {
		t.Errorf("officer past the deadline: editable %q submit %v passed %v inputs %v", a.Editable, a.MaySubmit, a.DeadlinePassed, a.InputsEditable)
	}
	must(t, st.SetPhase(ctx, "2026", domain.PhaseAppraisal))
	a, err = s.Assessment(ctx, appraiser, "2026", "SNV")
	if err != nil {
		t.Fatal(err)
	}
	if a.Editable != scoring.StageAppraisal || !a.WritableFields["1"] || a.WritableFields["2"] || a.MaySubmit {
		t.Errorf("appraiser of field 1: editable %q fields %v", a.Editable, a.WritableFields)
	}
	if _, err := s.Assessment(ctx, appraiser, "2026", "STP"); !errors.Is(err, domain.ErrForbidden) {
		t.Errorf("appraiser on an unassigned unit: %v", err)
	}
	a, err = s.Assessment(ctx, committee, "2026", "SNV")
	if err != nil {
		t.Fatal(err)
	}
	if a.Editable != "" || len(a.WritableFields) != 0 || !slices.Equal(a.VisibleStages, []scoring.Stage{scoring.StageSelf, scoring.StageAppraisal}) {
		t.Errorf("committee: editable %q fields %v columns %v", a.Editable, a.WritableFields, a.VisibleStages)
	}
}

// TestPublishRules: only the committee publishes, from the final round or
// a correction, by a signed decision (not dated after today in the
// province), with a reason for a correction and an override when the
// period is not ready; the readiness and the reasons are kept with it.
func TestPublishRules(t *testing.T) {
	ctx := context.Background()
	req := func(mod func(*PublishRequest)) PublishRequest {
		r := PublishRequest{Period: "2026", DecisionNo: "45/QĐ-UBND", DecisionDate: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)}
		if mod != nil {
			mod(&r)
		}
		return r
	}
	cases := []struct {
		name  string
		phase domain.Phase
		ready bool
		user  auth.User
		req   PublishRequest
		kind  error
	}{
		{"the secretariat", domain.PhaseFinalAppraisal, true, admin, req(nil), domain.ErrForbidden},
		{"during appraisal", domain.PhaseAppraisal, true, committee, req(nil), domain.ErrConflict},
		{"no decision number", domain.PhaseFinalAppraisal, true, committee, req(func(r *PublishRequest) { r.DecisionNo = " " }), domain.ErrInvalid},
		{"dated tomorrow in Vietnam", domain.PhaseFinalAppraisal, true, committee, req(func(r *PublishRequest) { r.DecisionDate = r.DecisionDate.AddDate(0, 0, 1) }), domain.ErrInvalid},
		{"not ready", domain.PhaseFinalAppraisal, false, committee, req(nil), domain.ErrConflict},
		{"not ready, with an override", domain.PhaseFinalAppraisal, false, committee, req(func(r *PublishRequest) { r.Override = "đơn vị sáp nhập" }), nil},
		{"ready", domain.PhaseFinalAppraisal, true, committee, req(nil), nil},
		{"already published", domain.PhasePublished, true, committee, req(nil), domain.ErrConflict},
		{"a correction without a reason", domain.PhaseCorrection, true, committee, req(nil), domain.ErrInvalid},
		{"a correction", domain.PhaseCorrection, true, committee, req(func(r *PublishRequest) { r.Reason = "sai số liệu SNV" }), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newMemStore(t, c.phase)
			if c.phase == domain.PhaseCorrection {
				st.pubs["2026"] = []domain.Publication{{Period: "2026", Number: 1, DecisionNo: "1/QĐ"}}
			}
			if c.ready {
				makeReady(st)
			}
			s, f := newTestService(st)
			before := st.writes
			pub, err := s.Publish(ctx, c.user, c.req)
			wantKind(t, c.name, err, c.kind)
			if c.kind != nil {
				if st.writes != before || f.calls != 0 {
					t.Errorf("a refused publication froze %d times and wrote %d", f.calls, st.writes-before)
				}
				return
			}
			want := 1
			if c.phase == domain.PhaseCorrection {
				want = 2
			}
			if pub.Number != want || pub.DecisionNo != "45/QĐ-UBND" || pub.Override != c.req.Override || pub.Reason != c.req.Reason {
				t.Errorf("publication %+v", pub)
			}
			stored := st.pubs["2026"][len(st.pubs["2026"])-1]
			if !strings.Contains(string(stored.Readiness), `"ready":`+map[bool]string{true: "true", false: "false"}[c.ready]) {
				t.Errorf("readiness kept: %s", stored.Readiness)
			}
			if st.periods["2026"].Phase != domain.PhasePublished {
				t.Errorf("phase after publishing: %s", st.periods["2026"].Phase)
			}
		})
	}
}

// makeReady submits every unit and gives every manual leaf an appraisal
// and a final value.
func makeReady(st *memStore) {
	for _, u := range []string{"SCT", "SNV", "STP"} {
		st.subs[[2]string{"2026", u}] = Submission{Period: "2026", Unit: u, Status: Submitted}
		for _, leaf := range []string{"1.1", "1.2", "2.2"} {
			st.put(u, leaf, scoring.StageAppraisal, 5, "thamdinh")
			st.put(u, leaf, scoring.StageFinal, 5, "thamdinh")
		}
	}
}

// TestReadiness counts, per group, what keeps a period from publication.
func TestReadiness(t *testing.T) {
	ctx := context.Background()
	st := newMemStore(t, domain.PhaseFinalAppraisal)
	makeReady(st)
	delete(st.subs, [2]string{"2026", "STP"})
	delete(st.scores, scoreKey{"2026", "SCT", "1.2", scoring.StageFinal})
	delete(st.scores, scoreKey{"2026", "SCT", "2.2", scoring.StageFinal})
	delete(st.scores, scoreKey{"2026", "SNV", "1.1", scoring.StageAppraisal})
	s, _ := newTestService(st)
	s.Surveys = fakeSamples{{Survey: "sipas-2026", Unit: "SNV", Valid: 12, Target: 80}}
	if _, err := s.Readiness(ctx, officer, "2026"); !errors.Is(err, domain.ErrForbidden) {
		t.Errorf("an officer reads the readiness: %v", err)
	}
	r, err := s.Readiness(ctx, committee, "2026")
	if err != nil {
		t.Fatal(err)
	}
	g := r.Groups[0]
	if r.Ready || g.Ready() || g.Units != 3 || g.Submitted != 2 || g.AppraisedRound1 != 2 || g.AppraisedRound2 != 2 || g.LeavesWithoutFinal != 2 ||
		len(g.SurveysBelowTarget) != 1 || g.SurveysBelowTarget[0].Unit != "SNV" {
		t.Errorf("readiness %+v", r)
	}
	if p := r.Problems(); len(p) != 5 {
		t.Errorf("problems %q", p)
	}
}

type fakeSamples []domain.SampleShortfall

func (f fakeSamples) Shortfalls(context.Context, string) ([]domain.SampleShortfall, error) {
	return f, nil
}

// TestCorrectionPhase: only a published period is reopened, by the
// secretariat, with a reason; a period in correction then waits for the
// next publication; the final round is written again, and imports (the
// store's rule) are open again.
func TestCorrectionPhase(t *testing.T) {
	ctx := context.Background()
	st := newMemStore(t, domain.PhasePublished)
	st.pubs["2026"] = []domain.Publication{{Period: "2026", Number: 1, DecisionNo: "1/QĐ-UBND", DecisionDate: today}}
	s, _ := newTestService(st)
	steps := []struct {
		name   string
		user   auth.User
		phase  domain.Phase
		reason string
		kind   error
	}{
		{"the committee", committee, domain.PhaseCorrection, "sai", domain.ErrForbidden},
		{"back to final appraisal", admin, domain.PhaseFinalAppraisal, "", domain.ErrConflict},
		{"no reason", admin, domain.PhaseCorrection, " ", domain.ErrInvalid},
		{"reopened", admin, domain.PhaseCorrection, "Sai số hồ sơ của Sở Nội vụ", nil},
		{"moved during the correction", admin, domain.PhaseAppraisal, "", domain.ErrConflict},
		{"published by a phase change", admin, domain.PhasePublished, "", domain.ErrConflict},
	}
	for _, step := range steps {
		_, err := s.SetPhase(ctx, step.user, "2026", step.phase, step.reason)
		wantKind(t, step.name, err, step.kind)
	}
	if len(st.corrections) != 1 || st.corrections[0].Reason != "Sai số hồ sơ của Sở Nội vụ" || st.corrections[0].OpenedBy != "thuongtruc" {
		t.Errorf("corrections %+v", st.corrections)
	}
	// The council corrects a final value; an officer changes nothing.
	if _, err := s.SaveLeaf(ctx, appraiser, SaveRequest{Period: "2026", Unit: "SNV", Item: "1.2", Stage: scoring.StageFinal,
		Points: ptr(scoring.NewInt(7)), Comment: "đính chính"}); err != nil {
		t.Errorf("a final value during the correction: %v", err)
	}
	_, err := s.SaveLeaf(ctx, officer, SaveRequest{Period: "2026", Unit: "SNV", Item: "1.2", Stage: scoring.StageSelf, Points: ptr(scoring.NewInt(7))})
	wantKind(t, "self during the correction", err, domain.ErrConflict)
	// The officer does not see the correction under way.
	a, err := s.Assessment(ctx, officer, "2026", "SNV")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := a.Items[0].Children[1].Values[scoring.StageFinal]; ok {
		t.Error("the officer sees the final round of a correction under way")
	}
}

// TestPublishedPeriodRefusesEdits: once published, the workflow refuses
// every edit naming the publication in force.
func TestPublishedPeriodRefusesEdits(t *testing.T) {
	ctx := context.Background()
	st := newMemStore(t, domain.PhasePublished)
	st.pubs["2026"] = []domain.Publication{{Period: "2026", Number: 1, DecisionNo: "45/QĐ-UBND", DecisionDate: time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)}}
	s, _ := newTestService(st)
	_, err := s.SaveLeaf(ctx, admin, SaveRequest{Period: "2026", Unit: "SNV", Item: "1.2", Stage: scoring.StageFinal, Points: ptr(scoring.NewInt(7)), Comment: "x"})
	if !errors.Is(err, domain.ErrConflict) || !strings.Contains(err.Error(), "publication 1, decision 45/QĐ-UBND of 15/03/2026") {
		t.Errorf("a final value after publication: %v", err)
	}
	_, err = s.SaveInput(ctx, admin, InputRequest{Period: "2026", Unit: "SNV", Name: "on_time", Value: scoring.NewInt(5), Reason: "x"})
	if !errors.Is(err, domain.ErrConflict) || !strings.Contains(err.Error(), "45/QĐ-UBND") {
		t.Errorf("an input after publication: %v", err)
	}
	if st.writes != 0 {
		t.Errorf("%d writes", st.writes)
	}
}

// TestRemindBounds: a reminder names each unit once, at most
// MaxReminderUnits of them, and is stored for all or none — issue 11's
// request naming a unit 3,000,001 times stores one reminder.
func TestRemindBounds(t *testing.T) {
	ctx := context.Background()
	st := newMemStore(t, domain.PhaseSelfAssessment)
	s, _ := newTestService(st)
	many := make([]string, 3_000_001)
	for i := range many {
		many[i] = "SNV"
	}
	n, err := s.Remind(ctx, admin, "2026", many, "Đề nghị hoàn thành tự đánh giá")
	if err != nil || n != 1 || len(st.reminders) != 1 {
		t.Fatalf("one unit named 3,000,001 times: %d sent, %v; %d stored", n, err, len(st.reminders))
	}
	distinct := make([]string, MaxReminderUnits+1)
	for i := range distinct {
		distinct[i] = "U" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + string(rune('0'+i%10)) + time.Duration(i).String()
	}
	_, err = s.Remind(ctx, admin, "2026", distinct, "x")
	wantKind(t, "too many units", err, domain.ErrInvalid)
	_, err = s.Remind(ctx, admin, "2026", []string{"STP", "NOPE"}, "x")
	wantKind(t, "an unknown unit", err, domain.ErrNotFound)
	_, err = s.Remind(ctx, officer, "2026", []string{"SNV"}, "x")
	wantKind(t, "an officer", err, domain.ErrForbidden)
	if len(st.reminders) != 1 {
		t.Errorf("refused reminders stored: %d", len(st.reminders))
	}
	// However many were sent, the home shows a bounded list and the count.
	for range 30 {
		if _, err := s.Remind(ctx, admin, "2026", []string{"SNV"}, "nhắc"); err != nil {
			t.Fatal(err)
		}
	}
	h, err := s.Home(ctx, officer)
	if err != nil {
		t.Fatal(err)
	}
	if hp := h.Periods[0]; len(hp.Reminders) != MaxShownReminders || hp.ReminderCount != 31 {
		t.Errorf("home: %d reminders shown of %d", len(hp.Reminders), hp.ReminderCount)
	}
}

// TestSaveFormAllOrNothing: a form with one bad leaf saves nothing, and
// names every problem.
func TestSaveFormAllOrNothing(t *testing.T) {
	ctx := context.Background()
	st := newMemStore(t, domain.PhaseSelfAssessment)
	s, _ := newTestService(st)
	form := FormRequest{Period: "2026", Unit: "SNV",
		Leaves: []SaveRequest{
			{Item: "1.2", Stage: scoring.StageSelf, Points: ptr(scoring.NewInt(8))},
			{Item: "2.2", Stage: scoring.StageSelf, Points: ptr(scoring.NewInt(41))}, // over its maximum
			{Item: "1.1", Stage: scoring.StageSelf, Points: ptr(dec("7.25"))},        // not a step of 0.5
		},
		Inputs: []InputRequest{{Name: "on_time", Value: scoring.NewInt(120)}, {Name: "received", Value: scoring.NewInt(100)}}, // on_time > received
	}
	_, err := s.SaveForm(ctx, officer, form)
	var fe *FormError
	if !errors.As(err, &fe) || len(fe.Problems) != 4 || !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("SaveForm: %v", err)
	}
	var items []string
	for _, p := range fe.Problems {
		items = append(items, p.Item+p.Input)
	}
	if !slices.Equal(items, []string{"2.2", "1.1", "on_time", "received"}) {
		t.Errorf("problems of %v", items)
	}
	if st.writes != 0 {
		t.Errorf("a refused form wrote %d values", st.writes)
	}
	// Corrected: everything is saved at once.
	form.Leaves[1].Points, form.Leaves[2].Points = ptr(scoring.NewInt(40)), ptr(dec("7.5"))
	form.Inputs[0].Value = scoring.NewInt(90)
	saved, err := s.SaveForm(ctx, officer, form)
	if err != nil || len(saved.Scores) != 3 || len(saved.Inputs) != 2 || st.writes != 5 {
		t.Errorf("the corrected form: %+v, %v, %d writes", saved, err, st.writes)
	}
	// A dry run checks and saves nothing.
	form.DryRun, form.Leaves = true, form.Leaves[:1]
	form.Leaves[0].Points = ptr(scoring.NewInt(9))
	form.Inputs = nil
	if _, err := s.SaveForm(ctx, officer, form); err != nil || st.writes != 5 {
		t.Errorf("a dry run: %v, %d writes", err, st.writes)
	}
}

func ptr[T any](v T) *T { return &v }

func dec(s string) scoring.Decimal {
	d, err := scoring.ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
