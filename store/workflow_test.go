package store_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/workflow"
)

var ict = time.FixedZone("ICT", 7*3600)

// seedPeriod seeds units and period 2025 in phase self_assessment.
func seedPeriod(t testing.TB, s *store.Store) {
	t.Helper()
	seed(t, s)
	must(t, s.SetPhase(t.Context(), "2025", domain.PhaseSelfAssessment))
}

func TestDeadlines(t *testing.T) {
	s := storetest.Open(t)
	seedPeriod(t, s)
	must(t, s.SetPhase(t.Context(), "2024", domain.PhasePublished))
	self := time.Date(2025, 3, 31, 17, 0, 0, 0, ict)
	steps := []struct {
		name  string
		phase domain.Phase
		at    time.Time
		kind  error
		want  map[domain.Phase]time.Time
	}{
		{name: "first", phase: domain.PhaseSelfAssessment, at: self,
			want: map[domain.Phase]time.Time{domain.PhaseSelfAssessment: self}},
		{name: "second", phase: domain.PhaseAppraisal, at: self.AddDate(0, 1, 0),
			want: map[domain.Phase]time.Time{domain.PhaseSelfAssessment: self, domain.PhaseAppraisal: self.AddDate(0, 1, 0)}},
		{name: "moved", phase: domain.PhaseSelfAssessment, at: self.AddDate(0, 0, 7),
			want: map[domain.Phase]time.Time{domain.PhaseSelfAssessment: self.AddDate(0, 0, 7), domain.PhaseAppraisal: self.AddDate(0, 1, 0)}},
		{name: "removed", phase: domain.PhaseAppraisal,
			want: map[domain.Phase]time.Time{domain.PhaseSelfAssessment: self.AddDate(0, 0, 7)}},
		{name: "removing a missing one", phase: domain.PhaseExplanation,
			want: map[domain.Phase]time.Time{domain.PhaseSelfAssessment: self.AddDate(0, 0, 7)}},
		{name: "unknown phase", phase: "later", at: self, kind: domain.ErrInvalid,
			want: map[domain.Phase]time.Time{domain.PhaseSelfAssessment: self.AddDate(0, 0, 7)}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			wantKind(t, s.SetDeadline(t.Context(), "2025", st.phase, st.at), st.kind)
			got, err := s.Deadlines(t.Context(), "2025")
			must(t, err)
			if !maps.EqualFunc(got, st.want, time.Time.Equal) {
				t.Errorf("Deadlines = %v, want %v", got, st.want)
			}
			for p, at := range got {
				if at.Location() != time.UTC {
					t.Errorf("deadline of %s in %v, want UTC", p, at.Location())
				}
			}
		})
	}
	got, err := s.Deadlines(t.Context(), "2024")
	must(t, err)
	if got == nil || len(got) != 0 {
		t.Errorf("Deadlines of a period without any = %v, want an empty map", got)
	}
	wantKind(t, s.SetDeadline(t.Context(), "1999", domain.PhaseAppraisal, self), domain.ErrNotFound)
}

func TestSubmissions(t *testing.T) {
	s := storetest.Open(t)
	seedPeriod(t, s)
	at := time.Date(2025, 3, 30, 9, 0, 0, 0, ict)
	got, err := s.Submission(t.Context(), "2025", "S1")
	must(t, err)
	if want := (workflow.Submission{Period: "2025", Unit: "S1", Status: workflow.Draft}); got != want {
		t.Errorf("Submission of a unit that never submitted = %+v, want %+v", got, want)
	}
	steps := []struct {
		name string
		sub  workflow.Submission
		kind error
	}{
		{name: "S2 submits", sub: workflow.Submission{Period: "2025", Unit: "S2", Status: workflow.Submitted, SubmittedAt: at,
			SubmittedBy: "binh", Count: 1}},
		{name: "S1 submits", sub: workflow.Submission{Period: "2025", Unit: "S1", Status: workflow.Submitted, SubmittedAt: at.Add(time.Hour),
			SubmittedBy: "an", Count: 1}},
		{name: "S1 is reopened", sub: workflow.Submission{Period: "2025", Unit: "S1", Status: workflow.Draft, SubmittedAt: at.Add(time.Hour),
			SubmittedBy: "an", Count: 1}},
		{name: "S1 submits again", sub: workflow.Submission{Period: "2025", Unit: "S1", Status: workflow.Submitted, SubmittedAt: at.Add(2 * time.Hour),
			SubmittedBy: "an2", Count: 2}},
		{name: "unknown status", sub: workflow.Submission{Period: "2025", Unit: "S1", Status: "withdrawn"}, kind: domain.ErrInvalid},
		{name: "unknown unit", sub: workflow.Submission{Period: "2025", Unit: "NOPE", Status: workflow.Draft}, kind: domain.ErrNotFound},
		{name: "unknown period", sub: workflow.Submission{Period: "1999", Unit: "S1", Status: workflow.Draft}, kind: domain.ErrNotFound},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			before, err := s.Submission(t.Context(), st.sub.Period, st.sub.Unit)
			must(t, err)
			wantKind(t, s.SaveSubmission(t.Context(), st.sub), st.kind)
			got, err := s.Submission(t.Context(), st.sub.Period, st.sub.Unit)
			must(t, err)
			want := st.sub
			want.SubmittedAt = want.SubmittedAt.UTC()
			if st.kind != nil {
				want = before
			}
			if got != want {
				t.Errorf("stored %+v, want %+v", got, want)
			}
		})
	}
	subs, err := s.Submissions(t.Context(), "2025")
	must(t, err)
	var units []string
	for _, sub := range subs {
		units = append(units, fmt.Sprintf("%s %s %d", sub.Unit, sub.Status, sub.Count))
	}
	if want := []string{"S1 submitted 2", "S2 submitted 1"}; !slices.Equal(units, want) {
		t.Errorf("Submissions = %v, want %v", units, want)
	}
}

func TestAssignments(t *testing.T) {
	s := storetest.Open(t)
	seedPeriod(t, s)
	must(t, s.SetPhase(t.Context(), "2024", domain.PhasePublished))
	an := addUser(t, s, "an", auth.Appraiser, "")
	binh := addUser(t, s, "binh", auth.Appraiser, "")
	must(t, s.SetAssignments(t.Context(), "2025", binh.ID, []workflow.Assignment{{Unit: "X1"}}))
	must(t, s.SetAssignments(t.Context(), "2024", an.ID, []workflow.Assignment{{Unit: "S1"}}))
	show := func(period string) []string {
		t.Helper()
		as, err := s.Assignments(t.Context(), period)
		must(t, err)
		var out []string
		for _, a := range as {
			if a.Period != period {
				t.Errorf("assignment %+v listed for period %s", a, period)
			}
			who := map[int64]string{an.ID: "an", binh.ID: "binh"}[a.UserID]
			out = append(out, fmt.Sprintf("%s %q %q", who, a.Unit, a.Field))
		}
		return out
	}
	steps := []struct {
		name string
		user int64
		as   []workflow.Assignment
		kind error
		want []string // assignments of 2025 afterwards
	}{
		{name: "units, a field, a field of a unit, repeats", user: an.ID,
			as:   []workflow.Assignment{{Unit: "S2"}, {Field: "2"}, {Unit: "S1", Field: "1"}, {Unit: "S2"}, {UserID: an.ID, Period: "2025", Field: "2"}},
			want: []string{`an "" "2"`, `an "S1" "1"`, `an "S2" ""`, `binh "X1" ""`}},
		{name: "replaced", user: an.ID, as: []workflow.Assignment{{Unit: "X1"}},
			want: []string{`an "X1" ""`, `binh "X1" ""`}},
		{name: "an unknown unit changes nothing", user: an.ID, as: []workflow.Assignment{{Unit: "S1"}, {Unit: "NOPE"}},
			kind: domain.ErrInvalid, want: []string{`an "X1" ""`, `binh "X1" ""`}},
		{name: "another user's assignment changes nothing", user: an.ID, as: []workflow.Assignment{{UserID: binh.ID, Unit: "S1"}},
			kind: domain.ErrInvalid, want: []string{`an "X1" ""`, `binh "X1" ""`}},
		{name: "another period's assignment changes nothing", user: an.ID, as: []workflow.Assignment{{Period: "2024", Unit: "S1"}},
			kind: domain.ErrInvalid, want: []string{`an "X1" ""`, `binh "X1" ""`}},
		{name: "an unknown user", user: 999, as: []workflow.Assignment{{Unit: "S1"}},
			kind: domain.ErrInvalid, want: []string{`an "X1" ""`, `binh "X1" ""`}},
		{name: "none: every unit again", user: an.ID, want: []string{`binh "X1" ""`}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			wantKind(t, s.SetAssignments(t.Context(), "2025", st.user, st.as), st.kind)
			if got := show("2025"); !slices.Equal(got, st.want) {
				t.Errorf("Assignments(2025) =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(st.want, "\n"))
			}
		})
	}
	if got, want := show("2024"), []string{`an "S1" ""`}; !slices.Equal(got, want) {
		t.Errorf("Assignments(2024) = %v, want %v", got, want)
	}
	wantKind(t, s.SetAssignments(t.Context(), "1999", an.ID, nil), domain.ErrNotFound)

	// The unique index treats "every unit" (NULL) as one value.
	insert := "INSERT INTO assignments (user_id, period_code, unit_code, field) VALUES (?, '2025', NULL, '')"
	must(t, s.Gorm().Exec(insert, an.ID).Error)
	if err := s.Gorm().Exec(insert, an.ID).Error; err == nil {
		t.Error("a second assignment of every unit was accepted")
	}
}

func TestEvidence(t *testing.T) {
	clock := time.Date(2025, 3, 2, 10, 0, 0, 0, time.UTC)
	s := storetest.OpenWith(t, store.Options{Now: func() time.Time { return clock }})
	seedPeriod(t, s)
	sum := strings.Repeat("0123456789abcdef", 4)
	ev := func(unit, item string, stage scoring.Stage) workflow.Evidence {
		return workflow.Evidence{Period: "2025", Unit: unit, Item: item, Stage: stage, FileName: "Kế hoạch.pdf",
			ContentType: "application/pdf", Size: 1234, SHA256: sum, UploadedBy: "an"}
	}
	uploaded := time.Date(2025, 3, 1, 9, 0, 0, 0, ict)
	first := ev("S2", "1.1", scoring.StageSelf)
	first.UploadedAt = uploaded
	var added []workflow.Evidence
	for _, e := range []workflow.Evidence{first, ev("S1", "1.2", scoring.StageExplanation), ev("S2", "1.2", scoring.StageSelf)} {
		got, err := s.AddEvidence(t.Context(), e)
		must(t, err)
		want := e
		want.ID = got.ID
		want.UploadedAt = e.UploadedAt.UTC()
		if e.UploadedAt.IsZero() {
			want.UploadedAt = clock
		}
		if got.ID == 0 || got != want {
			t.Errorf("AddEvidence returned\n %+v\nwant %+v", got, want)
		}
		added = append(added, got)
	}
	for _, tc := range []struct {
		unit string
		want []workflow.Evidence
	}{
		{"S2", []workflow.Evidence{added[0], added[2]}},
		{"", added},
		{"X1", nil},
	} {
		got, err := s.Evidence(t.Context(), "2025", tc.unit)
		must(t, err)
		if !slices.Equal(got, tc.want) {
			t.Errorf("Evidence(2025, %q) =\n %+v\nwant %+v", tc.unit, got, tc.want)
		}
	}
	got, err := s.EvidenceByID(t.Context(), added[1].ID)
	must(t, err)
	if got != added[1] {
		t.Errorf("EvidenceByID = %+v, want %+v", got, added[1])
	}
	_, err = s.EvidenceByID(t.Context(), 999)
	wantKind(t, err, domain.ErrNotFound)

	for _, tc := range []struct {
		name string
		edit func(e *workflow.Evidence)
		kind error
	}{
		{"appraisal stage", func(e *workflow.Evidence) { e.Stage = scoring.StageAppraisal }, domain.ErrInvalid},
		{"no item", func(e *workflow.Evidence) { e.Item = "" }, domain.ErrInvalid},
		{"upper-case hash", func(e *workflow.Evidence) { e.SHA256 = strings.ToUpper(sum) }, domain.ErrInvalid},
		{"short hash", func(e *workflow.Evidence) { e.SHA256 = sum[:63] }, domain.ErrInvalid},
		{"negative size", func(e *workflow.Evidence) { e.Size = -1 }, domain.ErrInvalid},
		{"unknown unit", func(e *workflow.Evidence) { e.Unit = "NOPE" }, domain.ErrNotFound},
		{"unknown period", func(e *workflow.Evidence) { e.Period = "1999" }, domain.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := ev("S1", "1.1", scoring.StageSelf)
			tc.edit(&e)
			_, err := s.AddEvidence(t.Context(), e)
			wantKind(t, err, tc.kind)
		})
	}
	if n := count(t, s, "evidence"); n != 3 {
		t.Errorf("%d evidence rows, want 3", n)
	}
}

func TestReminders(t *testing.T) {
	clock := time.Date(2025, 3, 2, 10, 0, 0, 0, time.UTC)
	s := storetest.OpenWith(t, store.Options{Now: func() time.Time { return clock }})
	seedPeriod(t, s)
	add := func(unit, msg string, at time.Time) workflow.Reminder {
		t.Helper()
		rs, err := s.AddReminders(t.Context(), []workflow.Reminder{{Period: "2025", Unit: unit, Message: msg, Author: "admin", At: at}})
		must(t, err)
		r := rs[0]
		if len(rs) != 1 || r.ID == 0 || r.Message != msg || r.Unit != unit || r.Period != "2025" || r.Author != "admin" {
			t.Errorf("AddReminders returned %+v", rs)
		}
		return r
	}
	early := add("S1", "Sắp hết hạn", time.Date(2025, 3, 1, 8, 0, 0, 0, ict))
	now1 := add("S1", "Nhắc lần 2", time.Time{}) // the store's clock
	now2 := add("S2", "Nhắc S2", time.Time{})
	now3 := add("S1", "Nhắc lần 3", time.Time{}) // the same time: the later one first
	if !now1.At.Equal(clock) || !early.At.Equal(time.Date(2025, 3, 1, 1, 0, 0, 0, time.UTC)) || early.At.Location() != time.UTC {
		t.Errorf("times: %v, %v", early.At, now1.At)
	}
	for _, tc := range []struct {
		unit  string
		limit int
		want  []workflow.Reminder
	}{
		{"S1", 0, []workflow.Reminder{now3, now1, early}},
		{"S1", 2, []workflow.Reminder{now3, now1}},
		{"", 0, []workflow.Reminder{now3, now2, now1, early}},
		{"X1", 0, nil},
	} {
		got, err := s.Reminders(t.Context(), "2025", tc.unit, tc.limit)
		must(t, err)
		if !slices.Equal(got, tc.want) {
			t.Errorf("Reminders(2025, %q, %d) =\n %+v\nwant %+v", tc.unit, tc.limit, got, tc.want)
		}
	}
	counts, err := s.ReminderCounts(t.Context(), "2025")
	must(t, err)
	if len(counts) != 2 || counts["S1"] != 3 || counts["S2"] != 1 {
		t.Errorf("ReminderCounts = %v, want S1 3, S2 1", counts)
	}
	_, err = s.AddReminders(t.Context(), []workflow.Reminder{{Period: "2025", Unit: "S1", Author: "admin"}})
	wantKind(t, err, domain.ErrInvalid)
	// All or nothing: one unknown unit, and the known one gets nothing.
	_, err = s.AddReminders(t.Context(), []workflow.Reminder{{Period: "2025", Unit: "S2", Message: "x"}, {Period: "2025", Unit: "NOPE", Message: "x"}})
	wantKind(t, err, domain.ErrNotFound)
	if counts, _ := s.ReminderCounts(t.Context(), "2025"); counts["S2"] != 1 {
		t.Errorf("a refused batch stored reminders: %v", counts)
	}
}
