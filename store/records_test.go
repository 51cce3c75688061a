package store_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/workflow"
)

func expect(v int64) *int64 { return &v }

// record returns the stored record of one value, failing when there is none.
func record(t testing.TB, s *store.Store, unit, item string, stage scoring.Stage) workflow.ScoreRecord {
	t.Helper()
	recs, err := s.ScoreRecords(t.Context(), "2025", unit)
	must(t, err)
	for _, r := range recs {
		if r.Item == item && r.Stage == stage {
			return r
		}
	}
	t.Fatalf("no value of %s %s %s", unit, item, stage)
	return workflow.ScoreRecord{}
}

func TestSaveScore(t *testing.T) {
	clock := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	s := storetest.OpenWith(t, store.Options{Now: func() time.Time { return clock }})
	seed(t, s)
	write := func(item string, v scoring.Value, comment string, exp *int64, author string) workflow.ScoreWrite {
		return workflow.ScoreWrite{Score: domain.Score{Period: "2025", Unit: "S1", Item: item, Stage: scoring.StageSelf,
			Value: v, Comment: comment}, Expect: exp, Author: author, Source: "web"}
	}
	steps := []struct {
		name    string
		w       workflow.ScoreWrite
		version int64  // returned, and stored afterwards
		kind    error  // of the error
		msg     string // the error's text, when given
		logged  []string
		stored  string // "points comment author" of 1.1 afterwards
	}{
		{name: "new value expecting none", w: write("1.1", pts(t, "0.5"), "kế hoạch", expect(0), "an"),
			version: 1, logged: []string{`S1 1.1 self -->0.5 "kế hoạch" an web`}, stored: "0.5 kế hoạch an"},
		{name: "expecting none on an existing value", w: write("1.1", pts(t, "1"), "x", expect(0), "binh"),
			kind: domain.ErrConflict, version: 1, stored: "0.5 kế hoạch an",
			msg: "item 1.1 of unit S1 was changed by an at 2025-06-01 08:01:00 UTC (version 1); reload and try again"},
		{name: "value change at the expected version", w: write("1.1", pts(t, "0.75"), "đủ hồ sơ", expect(1), "binh"),
			version: 2, logged: []string{`S1 1.1 self 0.5->0.75 "đủ hồ sơ" binh web`}, stored: "0.75 đủ hồ sơ binh"},
		{name: "stale version", w: write("1.1", pts(t, "0.25"), "cũ", expect(1), "an"),
			kind: domain.ErrConflict, version: 2, stored: "0.75 đủ hồ sơ binh",
			msg: "item 1.1 of unit S1 was changed by binh at 2025-06-01 08:03:00 UTC (version 2); reload and try again"},
		{name: "no expectation: no check", w: write("1.1", notApplicable, "không áp dụng", nil, "chi"),
			version: 3, logged: []string{`S1 1.1 self 0.75->na "không áp dụng" chi web`}, stored: "na không áp dụng chi"},
		{name: "comment only: a new version, no log entry", w: write("1.1", notApplicable, "sửa lời", expect(3), "dung"),
			version: 4, stored: "na sửa lời dung"},
		{name: "unchanged: nothing written", w: write("1.1", notApplicable, "sửa lời", expect(4), "em"),
			version: 4, stored: "na sửa lời dung"},
		{name: "expecting a version of a value never stored", w: write("1.2", pts(t, "1"), "", expect(3), "an"),
			kind: domain.ErrConflict, version: 4, stored: "na sửa lời dung",
			msg: "item 1.2 of unit S1 has no stored value, not version 3; reload and try again"},
		{name: "bad stage", w: func() workflow.ScoreWrite { w := write("1.2", pts(t, "1"), "", nil, "an"); w.Stage = "done"; return w }(),
			kind: domain.ErrInvalid, version: 4, stored: "na sửa lời dung"},
		{name: "unknown unit", w: func() workflow.ScoreWrite { w := write("1.2", pts(t, "1"), "", nil, "an"); w.Unit = "NOPE"; return w }(),
			kind: domain.ErrInvalid, msg: "unit NOPE not found", version: 4, stored: "na sửa lời dung"},
	}
	var log []string
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			clock = clock.Add(time.Minute)
			version, err := s.SaveScore(t.Context(), st.w)
			wantKind(t, err, st.kind)
			if st.msg != "" && err.Error() != st.msg {
				t.Errorf("error = %q\n         want %q", err, st.msg)
			}
			if st.kind == nil && version != st.version {
				t.Errorf("SaveScore returned version %d, want %d", version, st.version)
			}
			if st.kind != nil && version != 0 {
				t.Errorf("SaveScore failed but returned version %d", version)
			}
			r := record(t, s, "S1", "1.1", scoring.StageSelf)
			v := r.Value.Points.String()
			if r.Value.NA {
				v = "na"
			}
			if got := fmt.Sprintf("%s %s %s", v, r.Comment, r.Author); got != st.stored || r.Version != st.version {
				t.Errorf("stored %q version %d, want %q version %d", got, r.Version, st.stored, st.version)
			}
			log = append(log, st.logged...)
			changes, err := s.Changes(t.Context(), "2025", "")
			must(t, err)
			var got []string
			for _, c := range changes {
				got = append(got, changeString(c))
			}
			if strings.Join(got, "\n") != strings.Join(log, "\n") {
				t.Errorf("change log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(log, "\n"))
			}
		})
	}
	r := record(t, s, "S1", "1.1", scoring.StageSelf)
	if want := time.Date(2025, 6, 1, 8, 6, 0, 0, time.UTC); !r.UpdatedAt.Equal(want) || r.UpdatedAt.Location() != time.UTC {
		t.Errorf("UpdatedAt = %v, want %v (the last write)", r.UpdatedAt, want)
	}
	if n := count(t, s, "scores"); n != 1 {
		t.Errorf("%d values stored, want 1: refused writes must store nothing", n)
	}
}

// TestSaveScoreRace has several writers save the same value at once, each
// expecting the version they all read: exactly one wins, the others get a
// conflict and change nothing.
func TestSaveScoreRace(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	const writers, rounds = 4, 5
	version := int64(0)
	for round := range rounds {
		var (
			wg        sync.WaitGroup
			start     = make(chan struct{})
			mu        sync.Mutex
			winners   []string
			conflicts int
			others    []error
		)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				author := fmt.Sprintf("w%d", w)
				_, err := s.SaveScore(t.Context(), workflow.ScoreWrite{
					Score: domain.Score{Period: "2025", Unit: "S1", Item: "1.1", Stage: scoring.StageAppraisal,
						Value: pts(t, fmt.Sprintf("%d.%d", round, w+1))},
					Expect: expect(version), Author: author, Source: "web"})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					winners = append(winners, author)
				case errors.Is(err, domain.ErrConflict):
					conflicts++
				default:
					others = append(others, err)
				}
			}()
		}
		close(start)
		wg.Wait()
		for _, err := range others {
			t.Fatal(err)
		}
		if len(winners) != 1 || conflicts != writers-1 {
			t.Fatalf("round %d: winners %v, %d conflicts; want one winner", round, winners, conflicts)
		}
		version++
		r := record(t, s, "S1", "1.1", scoring.StageAppraisal)
		if r.Author != winners[0] || r.Version != version {
			t.Errorf("round %d: stored by %s at version %d, want %s at %d", round, r.Author, r.Version, winners[0], version)
		}
		changes, err := s.Changes(t.Context(), "2025", "S1")
		must(t, err)
		if len(changes) != round+1 {
			t.Fatalf("round %d: %d change log entries, want %d", round, len(changes), round+1)
		}
		if last := changes[len(changes)-1]; last.Author != winners[0] || !sameValue(*last.New, r.Value) {
			t.Errorf("round %d: the last entry is %s, want the winner's", round, changeString(last))
		}
	}
}

// TestRecordScoresBumpsVersions checks that imports advance versions, so that
// a web edit based on a value read before an import is refused.
func TestRecordScoresBumpsVersions(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	imp := func(item, v, comment string) {
		t.Helper()
		_, err := s.RecordScores(t.Context(), []domain.Score{{Period: "2025", Unit: "S1", Item: item,
			Stage: scoring.StageSelf, Value: pts(t, v), Comment: comment}}, "import", "import")
		must(t, err)
	}
	steps := []struct {
		name          string
		do            func()
		want11, want2 int64 // versions of 1.1 and 1.2 afterwards
	}{
		{"first import", func() { imp("1.1", "1", ""); imp("1.2", "1", "") }, 1, 1},
		{"a changed value", func() { imp("1.1", "0.5", "") }, 2, 1},
		{"the same value (1.50 = 1.5) and comment: nothing written", func() { imp("1.1", "0.50", "") }, 2, 1},
		{"a changed comment", func() { imp("1.1", "0.5", "ghi chú") }, 3, 1},
		{"twice in a batch", func() {
			_, err := s.RecordScores(t.Context(), []domain.Score{
				{Period: "2025", Unit: "S1", Item: "1.2", Stage: scoring.StageSelf, Value: pts(t, "0.25")},
				{Period: "2025", Unit: "S1", Item: "1.2", Stage: scoring.StageSelf, Value: pts(t, "0.75")},
			}, "import", "import")
			must(t, err)
		}, 3, 3},
	}
	for _, st := range steps {
		st.do()
		got11 := record(t, s, "S1", "1.1", scoring.StageSelf).Version
		got12 := record(t, s, "S1", "1.2", scoring.StageSelf).Version
		if got11 != st.want11 || got12 != st.want2 {
			t.Errorf("%s: versions %d, %d; want %d, %d", st.name, got11, got12, st.want11, st.want2)
		}
	}

	// A web editor reads 1.1, an import changes it, the editor saves.
	read := record(t, s, "S1", "1.1", scoring.StageSelf)
	imp("1.1", "0.25", "nhập lại")
	_, err := s.SaveScore(t.Context(), workflow.ScoreWrite{Score: domain.Score{Period: "2025", Unit: "S1", Item: "1.1",
		Stage: scoring.StageSelf, Value: pts(t, "1")}, Expect: expect(read.Version), Author: "an", Source: "web"})
	wantKind(t, err, domain.ErrConflict)
	if !strings.Contains(err.Error(), "was changed by import") {
		t.Errorf("error = %q, want it to name the import", err)
	}
	if r := record(t, s, "S1", "1.1", scoring.StageSelf); !r.Value.Points.Equal(dec(t, "0.25")) {
		t.Errorf("the refused save changed the value to %s", r.Value.Points)
	}
}

func TestScoreRecords(t *testing.T) {
	at := time.Date(2025, 6, 1, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	s := storetest.OpenWith(t, store.Options{Now: func() time.Time { return at }})
	seed(t, s)
	_, err := s.RecordScores(t.Context(), []domain.Score{
		{Period: "2025", Unit: "S2", Item: "1.1", Stage: scoring.StageSelf, Value: pts(t, "1")},
		{Period: "2025", Unit: "S1", Item: "1.1", Stage: scoring.StageFinal, Value: pts(t, "0.5"), Comment: "c"},
		{Period: "2025", Unit: "S1", Item: "1.1", Stage: scoring.StageSelf, Value: notApplicable},
		{Period: "2024", Unit: "S1", Item: "1.1", Stage: scoring.StageSelf, Value: pts(t, "1")},
	}, "an", "import")
	must(t, err)
	tests := []struct {
		unit string
		want []string
	}{
		{"S1", []string{"S1 1.1 self na", "S1 1.1 final 0.5"}},
		{"", []string{"S1 1.1 self na", "S1 1.1 final 0.5", "S2 1.1 self 1"}},
		{"X1", nil},
	}
	for _, tc := range tests {
		recs, err := s.ScoreRecords(t.Context(), "2025", tc.unit)
		must(t, err)
		var got []string
		for _, r := range recs {
			v := r.Value.Points.String()
			if r.Value.NA {
				v = "na"
			}
			got = append(got, fmt.Sprintf("%s %s %s %s", r.Unit, r.Item, r.Stage, v))
			if r.Version != 1 || r.Author != "an" || !r.UpdatedAt.Equal(at) || r.UpdatedAt.Location() != time.UTC || r.Period != "2025" {
				t.Errorf("record %+v: want version 1 by an at %v in UTC", r, at)
			}
		}
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("ScoreRecords(2025, %q):\n%s\nwant\n%s", tc.unit, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
		}
	}
}

func TestFrameworkSource(t *testing.T) {
	s := storetest.Open(t)
	src := setYAML("2025", "SO", "Bộ chỉ số", 2)
	_, err := saveSet(t, s, src, false)
	must(t, err)
	got, err := s.FrameworkSource(t.Context(), "2025", "SO")
	must(t, err)
	if !bytes.Equal(got, src) {
		t.Errorf("FrameworkSource = %q, want %q", got, src)
	}
	_, err = s.FrameworkSource(t.Context(), "2025", "XA")
	wantKind(t, err, domain.ErrNotFound)
}
