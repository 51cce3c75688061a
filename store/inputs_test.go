package store_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/workflow"
)

// inputChangeString is an input change log entry in short: "unit name
// old->new reason author source", "-" for no old value.
func inputChangeString(c domain.InputChange) string {
	old := "-"
	if c.Old != nil {
		old = c.Old.String()
	}
	return fmt.Sprintf("%s %s %s->%s %q %s %s", c.Unit, c.Name, old, c.New, c.Reason, c.Author, c.Source)
}

// Every import of inputs logs the values that are new or changed, and only
// those, and increases their versions.
func TestInputChangeLog(t *testing.T) {
	clock := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	s := storetest.OpenWith(t, store.Options{Now: func() time.Time { return clock }})
	seed(t, s)
	in := func(unit, name, v string) domain.Input {
		return domain.Input{Period: "2025", Unit: unit, Name: name, Value: dec(t, v)}
	}
	steps := []struct {
		name     string
		rows     []domain.Input
		author   string
		logged   []string
		versions map[string]int64 // unit/name → version afterwards
	}{
		{name: "first values", author: "an", rows: []domain.Input{in("S1", "done", "3"), in("S1", "assigned", "4"), in("S2", "done", "1")},
			logged:   []string{`S1 done -->3 "" an import`, `S1 assigned -->4 "" an import`, `S2 done -->1 "" an import`},
			versions: map[string]int64{"S1/done": 1, "S1/assigned": 1, "S2/done": 1}},
		{name: "the same values again (3.00 is 3): nothing logged", author: "binh", rows: []domain.Input{in("S1", "done", "3.00"), in("S2", "done", "1")},
			versions: map[string]int64{"S1/done": 1, "S2/done": 1}},
		{name: "a change, the last row of a key winning", author: "chi", rows: []domain.Input{in("S1", "done", "7"), in("S1", "done", "5")},
			logged:   []string{`S1 done 3->5 "" chi import`},
			versions: map[string]int64{"S1/done": 2, "S1/assigned": 1}},
	}
	var want []string
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			must(t, s.RecordInputs(t.Context(), st.rows, st.author))
			want = append(want, st.logged...)
			changes, err := s.InputChanges(t.Context(), "2025", "")
			must(t, err)
			var got []string
			for _, c := range changes {
				got = append(got, inputChangeString(c))
				if !c.At.Equal(clock) {
					t.Errorf("change at %v, want %v", c.At, clock)
				}
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			recs, err := s.InputRecords(t.Context(), "2025", "")
			must(t, err)
			have := map[string]int64{}
			for _, r := range recs {
				have[r.Unit+"/"+r.Name] = r.Version
			}
			for k, v := range st.versions {
				if have[k] != v {
					t.Errorf("%s: version %d, want %d", k, have[k], v)
				}
			}
		})
	}
	// One unit's log only.
	s2, err := s.InputChanges(t.Context(), "2025", "S2")
	must(t, err)
	if len(s2) != 1 || s2[0].Unit != "S2" {
		t.Errorf("InputChanges(2025, S2) = %v", s2)
	}
}

// SaveInput checks the version the client edited, logs the change with its
// reason, and leaves an equal value alone.
func TestSaveInput(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	ver := func(v int64) *int64 { return &v }
	w := func(value string, expect *int64, author, reason string) workflow.InputWrite {
		return workflow.InputWrite{Input: domain.Input{Period: "2025", Unit: "S1", Name: "received", Value: dec(t, value)},
			Expect: expect, Author: author, Reason: reason, Source: "web"}
	}
	steps := []struct {
		name    string
		w       workflow.InputWrite
		version int64
		kind    error
	}{
		{name: "first value, expecting none", w: w("100", ver(0), "canbo", "theo sổ một cửa"), version: 1},
		{name: "expecting none when there is one", w: w("120", ver(0), "canbo", ""), kind: domain.ErrConflict},
		{name: "a stale version", w: w("120", ver(7), "canbo", ""), kind: domain.ErrConflict},
		{name: "the right version", w: w("120", ver(1), "thuongtruc", "đối chiếu báo cáo quý"), version: 2},
		{name: "no version check", w: w("130", nil, "canbo", ""), version: 3},
		{name: "the same value: nothing written", w: w("130.0", ver(3), "thuongtruc", "x"), version: 3},
		{name: "an unknown unit", w: workflow.InputWrite{Input: domain.Input{Period: "2025", Unit: "ZZ", Name: "received", Value: dec(t, "1")}},
			kind: domain.ErrInvalid},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			v, err := s.SaveInput(t.Context(), st.w)
			wantKind(t, err, st.kind)
			if st.kind == nil && v != st.version {
				t.Errorf("version %d, want %d", v, st.version)
			}
		})
	}
	changes, err := s.InputChanges(t.Context(), "2025", "S1")
	must(t, err)
	var got []string
	for _, c := range changes {
		got = append(got, inputChangeString(c))
	}
	want := []string{`S1 received -->100 "theo sổ một cửa" canbo web`, `S1 received 100->120 "đối chiếu báo cáo quý" thuongtruc web`,
		`S1 received 120->130 "" canbo web`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	recs, err := s.InputRecords(t.Context(), "2025", "S1")
	must(t, err)
	if len(recs) != 1 || !recs[0].Value.Equal(dec(t, "130")) || recs[0].Version != 3 || recs[0].Author != "canbo" {
		t.Errorf("InputRecords = %+v", recs)
	}
}

// Two writers saving the same input with the version they both read: one
// wins, the other gets a conflict, and the log holds the winner only.
func TestSaveInputConflict(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	must(t, s.RecordInputs(t.Context(), []domain.Input{{Period: "2025", Unit: "S1", Name: "received", Value: dec(t, "10")}}, "import"))
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := int64(1)
			_, errs[i] = s.SaveInput(t.Context(), workflow.InputWrite{
				Input:  domain.Input{Period: "2025", Unit: "S1", Name: "received", Value: dec(t, fmt.Sprint(20+i))},
				Expect: &v, Author: fmt.Sprintf("user%d", i), Source: "web"})
		}()
	}
	wg.Wait()
	ok, conflicts := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case isConflict(err):
			conflicts++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 || conflicts != 1 {
		t.Errorf("%d saved, %d conflicts; want 1 and 1", ok, conflicts)
	}
	changes, err := s.InputChanges(t.Context(), "2025", "S1")
	must(t, err)
	if len(changes) != 2 {
		t.Errorf("%d log entries, want the import's and the winner's", len(changes))
	}
}

// The database itself refuses to change or remove an input change.
func TestInputChangesAreAppendOnly(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	must(t, s.RecordInputs(t.Context(), []domain.Input{{Period: "2025", Unit: "S1", Name: "done", Value: dec(t, "3")}}, "an"))
	stmts := []string{
		"UPDATE input_changes SET reason = 'sửa'",
		"UPDATE input_changes SET new_value = 9",
		"DELETE FROM input_changes",
	}
	if s.Dialect() == store.DialectPostgres {
		stmts = append(stmts, "TRUNCATE input_changes")
	}
	for _, q := range stmts {
		t.Run(q, func(t *testing.T) {
			err := s.Gorm().Exec(q).Error
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("error = %v, want the append-only refusal", err)
			}
		})
	}
	changes, err := s.InputChanges(t.Context(), "2025", "S1")
	must(t, err)
	if len(changes) != 1 || !changes[0].New.Equal(dec(t, "3")) || changes[0].Reason != "" {
		t.Errorf("the log changed: %+v", changes)
	}
}

// TestUpgradeTo6 migrates a database of version 5 holding inputs to
// version 6: every input keeps its value and starts at version 1, and the
// change log starts empty and works.
func TestUpgradeTo6(t *testing.T) {
	dbURL := storetest.URL(t)
	old := storetest.OpenURL(t, dbURL)
	must(t, old.MigrateTo(t.Context(), 5))
	seed(t, old)
	db, now := old.Gorm().WithContext(t.Context()), time.Now()
	must(t, db.Create(&store.PeriodRow{Code: "2025", Name: "2025", Phase: "self_assessment", CreatedAt: now, UpdatedAt: now}).Error)
	for _, r := range []*store.InputRow{
		{PeriodCode: "2025", UnitCode: "S1", Name: "done", Value: dec(t, "0.1"), Author: "an", UpdatedAt: now},
		{PeriodCode: "2025", UnitCode: "S2", Name: "received", Value: dec(t, "1200"), Author: "import", UpdatedAt: now},
	} {
		must(t, db.Omit("version").Create(r).Error)
	}

	s := storetest.OpenURL(t, dbURL) // a new version opens the database afresh
	must(t, s.Migrate(t.Context()))
	recs, err := s.InputRecords(t.Context(), "2025", "")
	must(t, err)
	if len(recs) != 2 || !recs[0].Value.Equal(dec(t, "0.1")) || recs[0].Version != 1 || recs[0].Author != "an" ||
		!recs[1].Value.Equal(dec(t, "1200")) || recs[1].Version != 1 {
		t.Errorf("inputs after the upgrade: %+v", recs)
	}
	if n := count(t, s, "input_changes"); n != 0 {
		t.Errorf("%d input changes after the upgrade", n)
	}
	v := int64(1)
	if got, err := s.SaveInput(t.Context(), workflow.InputWrite{Input: domain.Input{Period: "2025", Unit: "S2", Name: "received",
		Value: dec(t, "1300")}, Expect: &v, Author: "thuongtruc", Reason: "r", Source: "web"}); err != nil || got != 2 {
		t.Errorf("SaveInput after the upgrade: version %d, %v", got, err)
	}
}
