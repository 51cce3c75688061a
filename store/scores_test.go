package store_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
)

// change is a change log entry in short: "unit item stage old->new reason
// author source", with "-" for no value and "na" for not applicable.
func changeString(c domain.Change) string {
	v := func(p *scoring.Value) string {
		switch {
		case p == nil:
			return "-"
		case p.NA:
			return "na"
		}
		return p.Points.String()
	}
	return fmt.Sprintf("%s %s %s %s->%s %q %s %s", c.Unit, c.Item, c.Stage, v(c.Old), v(c.New), c.Reason, c.Author, c.Source)
}

func TestRecordScoresChangeLog(t *testing.T) {
	clock := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	s := storetest.OpenWith(t, store.Options{Now: func() time.Time { return clock }})
	seed(t, s)
	row := func(unit, item string, stage scoring.Stage, v scoring.Value, comment string) domain.Score {
		return domain.Score{Period: "2025", Unit: unit, Item: item, Stage: stage, Value: v, Comment: comment}
	}
	self, final := scoring.StageSelf, scoring.StageFinal
	steps := []struct {
		name    string
		rows    []domain.Score
		author  string
		changed int
		logged  []string // new entries
	}{
		{name: "first values", author: "an",
			rows: []domain.Score{row("S1", "1.1", self, pts(t, "0.5"), "kế hoạch"), row("S1", "1.2", self, notApplicable, "không có"),
				row("S2", "1.1", self, pts(t, "1"), "")},
			changed: 3,
			logged: []string{`S1 1.1 self -->0.5 "kế hoạch" an import`, `S1 1.2 self -->na "không có" an import`,
				`S2 1.1 self -->1 "" an import`}},
		{name: "same values again: nothing logged", author: "binh",
			rows: []domain.Score{row("S1", "1.1", self, pts(t, "0.50"), "kế hoạch"), row("S1", "1.2", self, notApplicable, "không có")}},
		{name: "comment only: updated, not logged", author: "binh",
			rows: []domain.Score{row("S1", "1.1", self, pts(t, "0.5"), "đã sửa lời")}},
		{name: "points to na and na to points", author: "chi",
			rows:    []domain.Score{row("S1", "1.1", self, notApplicable, "không áp dụng"), row("S1", "1.2", self, pts(t, "0.25"), "có")},
			changed: 2,
			logged:  []string{`S1 1.1 self 0.5->na "không áp dụng" chi import`, `S1 1.2 self na->0.25 "có" chi import`}},
		{name: "another stage is another value", author: "chi",
			rows:    []domain.Score{row("S1", "1.2", final, pts(t, "0.25"), "")},
			changed: 1, logged: []string{`S1 1.2 final -->0.25 "" chi import`}},
		{name: "the same key twice in a batch: both changes, last wins", author: "dung",
			rows:    []domain.Score{row("S2", "1.1", self, pts(t, "0.75"), "a"), row("S2", "1.1", self, pts(t, "0.25"), "b")},
			changed: 2, logged: []string{`S2 1.1 self 1->0.75 "a" dung import`, `S2 1.1 self 0.75->0.25 "b" dung import`}},
	}
	var log []string
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			clock = clock.Add(time.Minute)
			now := clock
			changed, err := s.RecordScores(t.Context(), st.rows, st.author, "import")
			must(t, err)
			if changed != st.changed {
				t.Errorf("changed = %d, want %d", changed, st.changed)
			}
			log = append(log, st.logged...)
			changes, err := s.Changes(t.Context(), "2025", "")
			must(t, err)
			var got []string
			for i, c := range changes {
				got = append(got, changeString(c))
				if i > 0 && c.ID <= changes[i-1].ID {
					t.Errorf("changes not ordered by id: %d after %d", c.ID, changes[i-1].ID)
				}
			}
			if strings.Join(got, "\n") != strings.Join(log, "\n") {
				t.Errorf("change log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(log, "\n"))
			}
			for _, c := range changes[len(changes)-len(st.logged):] {
				if !c.At.Equal(now) {
					t.Errorf("change %d at %v, want the store's clock %v", c.ID, c.At, now)
				}
			}
		})
	}

	got, err := s.Scores(t.Context(), "2025", "S1")
	must(t, err)
	want := []string{`1.1 self na "không áp dụng"`, `1.2 self 0.25 "có"`, `1.2 final 0.25 ""`}
	var gotS []string
	for _, sc := range got {
		v := sc.Value.Points.String()
		if sc.Value.NA {
			v = "na"
		}
		gotS = append(gotS, fmt.Sprintf("%s %s %s %q", sc.Item, sc.Stage, v, sc.Comment))
	}
	if strings.Join(gotS, "\n") != strings.Join(want, "\n") {
		t.Errorf("Scores(2025, S1):\n%s\nwant\n%s", strings.Join(gotS, "\n"), strings.Join(want, "\n"))
	}
	s2changes, err := s.Changes(t.Context(), "2025", "S2")
	must(t, err)
	if len(s2changes) != 3 {
		t.Errorf("Changes(2025, S2) has %d entries, want 3", len(s2changes))
	}
	for _, c := range []struct{ period, group string }{{"2025", "SO"}, {"2025", ""}, {"2025", "XA"}, {"2024", "SO"}} {
		n, err := s.CountScores(t.Context(), c.period, c.group)
		must(t, err)
		want := map[string]int64{"2025 SO": 4, "2025 ": 4}[c.period+" "+c.group]
		if n != want {
			t.Errorf("CountScores(%s, %s) = %d, want %d", c.period, c.group, n, want)
		}
	}
}

func TestRecordScoresCreatesPeriod(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	_, err := s.RecordScores(t.Context(), []domain.Score{{Period: "2030", Unit: "S1", Item: "1.1", Stage: scoring.StageSelf, Value: pts(t, "1")}}, "an", "web")
	must(t, err)
	p, err := s.Period(t.Context(), "2030")
	must(t, err)
	if p.Phase != domain.PhaseDraft {
		t.Errorf("phase = %s", p.Phase)
	}
}

// TestAllOrNothing checks that a batch with one bad row writes nothing, both
// when the store refuses it up front and when the database fails half-way.
func TestAllOrNothing(t *testing.T) {
	good := func(t *testing.T, unit, item string) domain.Score {
		return domain.Score{Period: "2025", Unit: unit, Item: item, Stage: scoring.StageSelf, Value: pts(t, "1"), Comment: "ok"}
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, s *store.Store)
		rows  func(t *testing.T) []domain.Score
		kind  error
		msg   string
	}{
		{name: "unknown unit", kind: domain.ErrInvalid, msg: "unit NOPE not found",
			rows: func(t *testing.T) []domain.Score {
				return []domain.Score{good(t, "S1", "1.1"), good(t, "NOPE", "1.1"), good(t, "S2", "1.1")}
			}},
		{name: "bad stage", kind: domain.ErrInvalid, msg: `row 2 (unit S1, item 1.2): stage "done" must be self, appraisal, explanation or final`,
			rows: func(t *testing.T) []domain.Score {
				r := good(t, "S1", "1.2")
				r.Stage = "done"
				return []domain.Score{good(t, "S1", "1.1"), r}
			}},
		{name: "the database fails on the last change log entry",
			setup: failOnReason,
			rows: func(t *testing.T) []domain.Score {
				r := good(t, "S2", "1.3")
				r.Comment = "boom"
				return []domain.Score{good(t, "S1", "1.1"), good(t, "S1", "1.2"), r}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := storetest.Open(t)
			seed(t, s)
			if tc.setup != nil {
				tc.setup(t, s)
			}
			_, err := s.RecordScores(t.Context(), tc.rows(t), "an", "import")
			if err == nil {
				t.Fatal("the batch was accepted")
			}
			if tc.kind != nil {
				wantKind(t, err, tc.kind)
			}
			if tc.msg != "" && err.Error() != tc.msg {
				t.Errorf("error = %q, want %q", err, tc.msg)
			}
			for _, table := range []string{"scores", "score_changes", "periods"} {
				if n := count(t, s, table); n != 0 {
					t.Errorf("%s: %d rows written by a failed batch", table, n)
				}
			}
		})
	}
}

// failOnReason installs a trigger that makes the database refuse a change
// log entry whose reason is "boom".
func failOnReason(t *testing.T, s *store.Store) {
	stmts := []string{`CREATE TRIGGER test_boom BEFORE INSERT ON score_changes WHEN NEW.reason = 'boom'
		BEGIN SELECT RAISE(ABORT, 'boom'); END`}
	if s.Dialect() == store.DialectPostgres {
		stmts = []string{
			`CREATE FUNCTION test_boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'boom'; END; $$`,
			`CREATE TRIGGER test_boom BEFORE INSERT ON score_changes FOR EACH ROW WHEN (NEW.reason = 'boom') EXECUTE FUNCTION test_boom()`,
		}
	}
	for _, q := range stmts {
		must(t, s.Gorm().Exec(q).Error)
	}
}

func TestForeignKeys(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	must(t, s.SetPhase(t.Context(), "2025", domain.PhaseDraft))
	now := time.Now()
	for _, q := range []struct {
		name string
		sql  string
		args []any
	}{
		{"score of an unknown unit", "INSERT INTO scores (period_code, unit_code, item_code, stage, points, na, updated_at) VALUES ('2025', 'NOPE', '1', 'self', '1', ?, ?)", []any{false, now}},
		{"score of an unknown period", "INSERT INTO scores (period_code, unit_code, item_code, stage, points, na, updated_at) VALUES ('1999', 'S1', '1', 'self', '1', ?, ?)", []any{false, now}},
		{"input of an unknown unit", "INSERT INTO inputs (period_code, unit_code, name, value, updated_at) VALUES ('2025', 'NOPE', 'x', '1', ?)", []any{now}},
		{"unit of an unknown group", "INSERT INTO units (code, name, group_code, created_at, updated_at) VALUES ('U', 'U', 'NOPE', ?, ?)", []any{now, now}},
		{"unit with an unknown parent", "INSERT INTO units (code, name, group_code, parent_code, created_at, updated_at) VALUES ('U', 'U', 'SO', 'NOPE', ?, ?)", []any{now, now}},
	} {
		t.Run(q.name, func(t *testing.T) {
			if err := s.Gorm().Exec(q.sql, q.args...).Error; err == nil {
				t.Error("the database accepted it")
			}
		})
	}
	// A value is points or na, never both nor neither.
	for _, q := range []string{
		"INSERT INTO scores (period_code, unit_code, item_code, stage, points, na, updated_at) VALUES ('2025', 'S1', '1', 'self', '1', ?, ?)",
		"INSERT INTO scores (period_code, unit_code, item_code, stage, points, na, updated_at) VALUES ('2025', 'S1', '1', 'self', NULL, ?, ?)",
	} {
		na := strings.Contains(q, "'1', ?")
		if err := s.Gorm().Exec(q, na, now).Error; err == nil {
			t.Errorf("the database accepted points %v with na %v", !strings.Contains(q, "NULL"), na)
		}
	}
}

func TestChangeLogIsAppendOnly(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	_, err := s.RecordScores(t.Context(), []domain.Score{{Period: "2025", Unit: "S1", Item: "1.1", Stage: scoring.StageSelf, Value: pts(t, "1")}}, "an", "web")
	must(t, err)
	stmts := []string{
		"UPDATE score_changes SET reason = 'sửa'",
		"UPDATE score_changes SET new_points = NULL, new_na = TRUE",
		"DELETE FROM score_changes",
		"DELETE FROM score_changes WHERE id = 1",
	}
	if s.Dialect() == store.DialectPostgres {
		stmts = append(stmts, "TRUNCATE score_changes")
	}
	for _, q := range stmts {
		t.Run(q, func(t *testing.T) {
			err := s.Gorm().Exec(q).Error
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("error = %v, want the append-only refusal", err)
			}
		})
	}
	changes, err := s.Changes(t.Context(), "2025", "S1")
	must(t, err)
	if len(changes) != 1 || changes[0].Reason != "" || changes[0].New == nil || !changes[0].New.Points.Equal(dec(t, "1")) {
		t.Errorf("the log changed: %+v", changes)
	}
}

// TestDecimalsRoundTrip stores points and inputs that a float would not
// keep and reads them back exactly.
func TestDecimalsRoundTrip(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	values := []string{"0.1", "0.2", "0.3", "1.50", "0", "7", "0.000001", "123456789012345678.123456789", "2.675", "-3.25"}
	var scores []domain.Score
	var inputs []domain.Input
	for i, v := range values {
		item := fmt.Sprintf("1.%d", i)
		scores = append(scores, domain.Score{Period: "2025", Unit: "S1", Item: item, Stage: scoring.StageSelf, Value: pts(t, v)})
		inputs = append(inputs, domain.Input{Period: "2025", Unit: "S1", Name: fmt.Sprintf("x%d", i), Value: dec(t, v)})
	}
	_, err := s.RecordScores(t.Context(), scores, "an", "import")
	must(t, err)
	must(t, s.RecordInputs(t.Context(), inputs, "an"))

	gotScores, err := s.Scores(t.Context(), "2025", "S1")
	must(t, err)
	gotInputs, err := s.Inputs(t.Context(), "2025", "S1")
	must(t, err)
	data, err := s.UnitData(t.Context(), "2025", "SO")
	must(t, err)
	changes, err := s.Changes(t.Context(), "2025", "S1")
	must(t, err)
	for i, v := range values {
		want := dec(t, v)
		item, name := fmt.Sprintf("1.%d", i), fmt.Sprintf("x%d", i)
		for _, sc := range gotScores {
			if sc.Item == item && !sc.Value.Points.Equal(want) {
				t.Errorf("Scores: %s = %s, want %s", item, sc.Value.Points, v)
			}
		}
		for _, in := range gotInputs {
			if in.Name == name && !in.Value.Equal(want) {
				t.Errorf("Inputs: %s = %s, want %s", name, in.Value, v)
			}
		}
		if got := selfPoints(data[0], item); !got.Equal(want) {
			t.Errorf("UnitData points: %s = %s, want %s", item, got, v)
		}
		if got := data[0].Inputs[name]; !got.Equal(want) {
			t.Errorf("UnitData inputs: %s = %s, want %s", name, got, v)
		}
		if got := changes[i].New.Points; !got.Equal(want) {
			t.Errorf("Changes: %s = %s, want %s", item, got, v)
		}
	}
	// The sum 0.1 + 0.2 is exactly 0.3, as it is not in floating point.
	sum := selfPoints(data[0], "1.0").Add(selfPoints(data[0], "1.1"))
	if !sum.Equal(dec(t, "0.3")) {
		t.Errorf("0.1 + 0.2 = %s", sum)
	}
}

func TestRecordInputs(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	in := func(unit, name, v string) domain.Input {
		return domain.Input{Period: "2025", Unit: unit, Name: name, Value: dec(t, v)}
	}
	must(t, s.RecordInputs(t.Context(), []domain.Input{in("S1", "done", "3"), in("S1", "assigned", "4"), in("S1", "done", "5")}, "an"))
	must(t, s.RecordInputs(t.Context(), []domain.Input{in("S1", "assigned", "6"), in("S2", "done", "1")}, "binh"))
	got, err := s.Inputs(t.Context(), "2025", "S1")
	must(t, err)
	if len(got) != 2 || got[0].Name != "assigned" || !got[0].Value.Equal(dec(t, "6")) || got[1].Name != "done" || !got[1].Value.Equal(dec(t, "5")) {
		t.Errorf("Inputs(2025, S1) = %+v", got)
	}
	err = s.RecordInputs(t.Context(), []domain.Input{in("S1", "done", "9"), in("ZZ", "done", "1")}, "an")
	wantKind(t, err, domain.ErrInvalid)
	wantKind(t, s.RecordInputs(t.Context(), []domain.Input{in("S1", "", "9")}, "an"), domain.ErrInvalid)
	got, err = s.Inputs(t.Context(), "2025", "S1")
	must(t, err)
	if !got[1].Value.Equal(dec(t, "5")) {
		t.Errorf("a refused batch changed done to %s", got[1].Value)
	}
}

// TestConcurrentWriters records from several goroutines at once; on SQLite
// the writers must wait for each other rather than fail with "database is
// locked".
func TestConcurrentWriters(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				_, err := s.RecordScores(t.Context(), []domain.Score{{Period: "2025", Unit: "S1", Item: fmt.Sprintf("%d.%d", w, i),
					Stage: scoring.StageSelf, Value: pts(t, "1")}}, "an", "web")
				if err != nil {
					errs <- err
					return
				}
				if _, err := s.UnitData(t.Context(), "2025", "SO"); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := count(t, s, "scores"); n != 80 {
		t.Errorf("%d scores, want 80", n)
	}
}

// TestConcurrentChangeLog has several writers change the same value at
// once: the log must still chain, each entry's old value being the new value
// of the entry before it.
func TestConcurrentChangeLog(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 8 {
				v := pts(t, fmt.Sprintf("%d.%d", w, i))
				_, err := s.RecordScores(t.Context(), []domain.Score{
					{Period: "2025", Unit: "S1", Item: "1.1", Stage: scoring.StageSelf, Value: v},
					{Period: "2025", Unit: "S2", Item: "1.1", Stage: scoring.StageSelf, Value: v},
				}, fmt.Sprint("w", w), "web")
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, unit := range []string{"S1", "S2"} {
		changes, err := s.Changes(t.Context(), "2025", unit)
		must(t, err)
		if len(changes) != 48 {
			t.Errorf("%s: %d changes, want 48", unit, len(changes))
		}
		for i, c := range changes {
			switch {
			case i == 0 && c.Old != nil:
				t.Errorf("%s: the first change has an old value %v", unit, c.Old)
			case i > 0 && (c.Old == nil || !sameValue(*c.Old, *changes[i-1].New)):
				t.Errorf("%s: change %d: old %v, but the change before set %v", unit, i, c.Old, changes[i-1].New)
			}
		}
	}
}

// selfPoints returns a unit's self-assessed points of a leaf (zero when none).
func selfPoints(u scoring.UnitData, item string) scoring.Decimal {
	v, _ := u.Points[item].Get(scoring.StageSelf)
	return v.Points
}

// Comments returns the period's non-empty comments by unit, item and
// stage, and nothing of other periods.
func TestComments(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	row := func(period, unit, item string, stage scoring.Stage, comment string) domain.Score {
		return domain.Score{Period: period, Unit: unit, Item: item, Stage: stage, Value: pts(t, "1"), Comment: comment}
	}
	_, err := s.RecordScores(t.Context(), []domain.Score{
		row("2025", "S1", "1.1", scoring.StageSelf, "kế hoạch số 12"),
		row("2025", "S1", "1.1", scoring.StageAppraisal, "thiếu biên bản"),
		row("2025", "S1", "1.2", scoring.StageSelf, ""),
		row("2025", "S2", "1.1", scoring.StageFinal, "đồng ý"),
		row("2024", "S1", "1.1", scoring.StageSelf, "năm trước"),
	}, "an", "import")
	must(t, err)
	got, err := s.Comments(t.Context(), "2025")
	must(t, err)
	want := map[string]map[string]map[scoring.Stage]string{
		"S1": {"1.1": {scoring.StageSelf: "kế hoạch số 12", scoring.StageAppraisal: "thiếu biên bản"}},
		"S2": {"1.1": {scoring.StageFinal: "đồng ý"}},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Comments(2025) = %v, want %v", got, want)
	}
	none, err := s.Comments(t.Context(), "2031")
	must(t, err)
	if len(none) != 0 {
		t.Errorf("Comments of a period without points = %v", none)
	}
}
