package workflow

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// memStore is an in-memory Store for the workflow's own tests: what the
// rules need and nothing of a database. Writes count, so that a test can
// tell that a refused request wrote nothing.
type memStore struct {
	mu          sync.Mutex
	periods     map[string]domain.Period
	units       map[string]domain.Unit
	sets        map[[2]string]*scoring.Framework
	scores      map[scoreKey]ScoreRecord
	changes     []domain.Change
	inputs      map[[3]string]InputRecord
	subs        map[[2]string]Submission
	assignments []Assignment
	deadlines   map[string]map[domain.Phase]time.Time
	evidence    []Evidence
	pubs        map[string][]domain.Publication
	corrections []domain.Correction
	reminders   []Reminder
	writes      int
}

type scoreKey struct {
	period, unit, item string
	stage              scoring.Stage
}

// set is the small criteria set of the tests: field 1 with two manual
// leaves (1.1 in steps of 0.5, evidence required), field 2 with a ratio
// leaf and a manual one.
const testSet = `period: "2026"
group: SO
name: Bộ thử
checks:
  - {rule: on_time <= received}
items:
  - code: "1"
    name: Chỉ đạo
    items:
      - {code: "1.1", name: Kế hoạch, method: manual, max: 10, step: 0.5, evidence: required}
      - {code: "1.2", name: Báo cáo, method: manual, max: 10}
  - code: "2"
    name: Thủ tục
    items:
      - {code: "2.1", name: Đúng hạn, method: ratio, numerator: on_time, denominator: received, max: 40}
      - {code: "2.2", name: Công khai, method: manual, max: 40}
`

func newMemStore(t testing.TB, phase domain.Phase) *memStore {
	t.Helper()
	fw, err := scoring.ParseFramework(strings.NewReader(testSet))
	if err != nil {
		t.Fatal(err)
	}
	return &memStore{
		periods: map[string]domain.Period{"2026": {Code: "2026", Name: "2026", Phase: phase}},
		units: map[string]domain.Unit{
			"SNV": {Code: "SNV", Name: "Sở Nội vụ", Group: "SO"},
			"STP": {Code: "STP", Name: "Sở Tư pháp", Group: "SO"},
			"SCT": {Code: "SCT", Name: "Sở Công Thương", Group: "SO"},
		},
		sets:      map[[2]string]*scoring.Framework{{"2026", "SO"}: fw},
		scores:    map[scoreKey]ScoreRecord{},
		inputs:    map[[3]string]InputRecord{},
		subs:      map[[2]string]Submission{},
		deadlines: map[string]map[domain.Phase]time.Time{},
		pubs:      map[string][]domain.Publication{},
	}
}

func (m *memStore) lock() func() { m.mu.Lock(); return m.mu.Unlock }

// put records a value as an import would.
func (m *memStore) put(unit, item string, stage scoring.Stage, points int64, author string) {
	defer m.lock()()
	k := scoreKey{"2026", unit, item, stage}
	old := m.scores[k]
	m.scores[k] = ScoreRecord{Score: domain.Score{Period: "2026", Unit: unit, Item: item, Stage: stage,
		Value: scoring.Value{Points: scoring.NewInt(points)}}, Version: old.Version + 1, Author: author}
}

func (m *memStore) Periods(context.Context) ([]domain.Period, error) {
	defer m.lock()()
	var out []domain.Period
	for _, p := range m.periods {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b domain.Period) int { return strings.Compare(a.Code, b.Code) })
	return out, nil
}

func (m *memStore) Period(_ context.Context, code string) (domain.Period, error) {
	defer m.lock()()
	p, ok := m.periods[code]
	if !ok {
		return p, domain.NotFoundf("period %s not found", code)
	}
	return p, nil
}

func (m *memStore) Unit(_ context.Context, code string) (domain.Unit, error) {
	defer m.lock()()
	u, ok := m.units[code]
	if !ok {
		return u, domain.NotFoundf("unit %s not found", code)
	}
	return u, nil
}

func (m *memStore) Units(_ context.Context, group string) ([]domain.Unit, error) {
	defer m.lock()()
	var out []domain.Unit
	for _, u := range m.units {
		if group == "" || u.Group == group {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(a, b domain.Unit) int { return strings.Compare(a.Code, b.Code) })
	return out, nil
}

func (m *memStore) Framework(_ context.Context, period, group string) (*scoring.Framework, error) {
	defer m.lock()()
	if fw := m.sets[[2]string{period, group}]; fw != nil {
		return fw, nil
	}
	return nil, domain.NotFoundf("no set")
}

func (m *memStore) FrameworkGroups(_ context.Context, period string) ([]string, error) {
	defer m.lock()()
	var out []string
	for k := range m.sets {
		if k[0] == period {
			out = append(out, k[1])
		}
	}
	slices.Sort(out)
	return out, nil
}

func (m *memStore) SetPhase(_ context.Context, code string, phase domain.Phase) error {
	defer m.lock()()
	p := m.periods[code]
	p.Code, p.Phase = code, phase
	m.periods[code] = p
	m.writes++
	return nil
}

func (m *memStore) Reopen(_ context.Context, c domain.Correction) (domain.Correction, error) {
	defer m.lock()()
	pubs := m.pubs[c.Period]
	if m.periods[c.Period].Phase != domain.PhasePublished || len(pubs) == 0 {
		return c, domain.Conflictf("not published")
	}
	c.Publication = pubs[len(pubs)-1].Number
	m.corrections = append(m.corrections, c)
	p := m.periods[c.Period]
	p.Phase = domain.PhaseCorrection
	m.periods[c.Period] = p
	m.writes++
	return c, nil
}

func (m *memStore) Corrections(_ context.Context, period string) ([]domain.Correction, error) {
	defer m.lock()()
	var out []domain.Correction
	for _, c := range m.corrections {
		if c.Period == period {
			out = append(out, c)
		}
	}
	return out, nil
}

func (m *memStore) Deadlines(_ context.Context, period string) (map[domain.Phase]time.Time, error) {
	defer m.lock()()
	out := map[domain.Phase]time.Time{}
	for k, v := range m.deadlines[period] {
		out[k] = v
	}
	return out, nil
}

func (m *memStore) SetDeadline(_ context.Context, period string, phase domain.Phase, at time.Time) error {
	defer m.lock()()
	if m.deadlines[period] == nil {
		m.deadlines[period] = map[domain.Phase]time.Time{}
	}
	m.deadlines[period][phase] = at
	return nil
}

func (m *memStore) ScoreRecords(_ context.Context, period, unit string) ([]ScoreRecord, error) {
	defer m.lock()()
	var out []ScoreRecord
	for k, r := range m.scores {
		if k.period == period && (unit == "" || k.unit == unit) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b ScoreRecord) int {
		return strings.Compare(a.Unit+a.Item+string(a.Stage), b.Unit+b.Item+string(b.Stage))
	})
	return out, nil
}

// writeScore applies a score write under the lock, checking its version.
func (m *memStore) writeScore(w ScoreWrite) (int64, error) {
	k := scoreKey{w.Period, w.Unit, w.Item, w.Stage}
	cur, had := m.scores[k]
	if w.Expect != nil && cur.Version != *w.Expect {
		return 0, domain.Conflictf("item %s changed (version %d)", w.Item, cur.Version)
	}
	rec := ScoreRecord{Score: w.Score, Version: cur.Version + 1, Author: w.Author}
	m.scores[k] = rec
	ch := domain.Change{Period: w.Period, Unit: w.Unit, Item: w.Item, Stage: w.Stage, New: &w.Value, Reason: w.Comment, Author: w.Author}
	if had {
		old := cur.Value
		ch.Old = &old
	}
	m.changes = append(m.changes, ch)
	m.writes++
	return rec.Version, nil
}

func (m *memStore) SaveScore(_ context.Context, w ScoreWrite) (int64, error) {
	defer m.lock()()
	return m.writeScore(w)
}

func (m *memStore) Changes(_ context.Context, period, unit string) ([]domain.Change, error) {
	defer m.lock()()
	var out []domain.Change
	for _, c := range m.changes {
		if c.Period == period && (unit == "" || c.Unit == unit) {
			out = append(out, c)
		}
	}
	return out, nil
}

// comments reads the comments recorded with the values, as the store does.
func (m *memStore) comments(period string) map[string]map[string]map[scoring.Stage]string {
	defer m.lock()()
	out := map[string]map[string]map[scoring.Stage]string{}
	for k, r := range m.scores {
		if k.period != period || r.Comment == "" {
			continue
		}
		if out[k.unit] == nil {
			out[k.unit] = map[string]map[scoring.Stage]string{}
		}
		if out[k.unit][k.item] == nil {
			out[k.unit][k.item] = map[scoring.Stage]string{}
		}
		out[k.unit][k.item][k.stage] = r.Comment
	}
	return out
}

func (m *memStore) InputRecords(_ context.Context, period, unit string) ([]InputRecord, error) {
	defer m.lock()()
	var out []InputRecord
	for k, r := range m.inputs {
		if k[0] == period && (unit == "" || k[1] == unit) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (m *memStore) writeInput(w InputWrite) (int64, error) {
	k := [3]string{w.Period, w.Unit, w.Name}
	cur := m.inputs[k]
	if w.Expect != nil && cur.Version != *w.Expect {
		return 0, domain.Conflictf("input %s changed (version %d)", w.Name, cur.Version)
	}
	m.inputs[k] = InputRecord{Input: w.Input, Version: cur.Version + 1, Author: w.Author}
	m.writes++
	return cur.Version + 1, nil
}

func (m *memStore) SaveInput(_ context.Context, w InputWrite) (int64, error) {
	defer m.lock()()
	return m.writeInput(w)
}

func (m *memStore) InputChanges(context.Context, string, string) ([]domain.InputChange, error) {
	return nil, nil
}

func (m *memStore) UnitSurveyRatios(context.Context, string, string) (map[string]scoring.Decimal, error) {
	return nil, nil
}

// SaveForm checks every version first, then writes: all or nothing.
func (m *memStore) SaveForm(_ context.Context, w FormWrite) (FormSaved, error) {
	defer m.lock()()
	var problems []FormProblem
	for _, s := range w.Scores {
		if cur := m.scores[scoreKey{s.Period, s.Unit, s.Item, s.Stage}]; s.Expect != nil && cur.Version != *s.Expect {
			problems = append(problems, FormProblem{Item: s.Item, Err: domain.Conflictf("item %s changed", s.Item)})
		}
	}
	for _, in := range w.Inputs {
		if cur := m.inputs[[3]string{in.Period, in.Unit, in.Name}]; in.Expect != nil && cur.Version != *in.Expect {
			problems = append(problems, FormProblem{Input: in.Name, Err: domain.Conflictf("input %s changed", in.Name)})
		}
	}
	if len(problems) > 0 {
		return FormSaved{}, &FormError{Problems: problems}
	}
	var saved FormSaved
	for _, s := range w.Scores {
		v, _ := m.writeScore(s)
		saved.Scores = append(saved.Scores, v)
	}
	for _, in := range w.Inputs {
		v, _ := m.writeInput(in)
		saved.Inputs = append(saved.Inputs, v)
	}
	for _, e := range w.Evidence {
		e.ID = int64(len(m.evidence) + 1)
		m.evidence = append(m.evidence, e)
		saved.Evidence = append(saved.Evidence, e)
	}
	return saved, nil
}

func (m *memStore) Submission(_ context.Context, period, unit string) (Submission, error) {
	defer m.lock()()
	if s, ok := m.subs[[2]string{period, unit}]; ok {
		return s, nil
	}
	return Submission{Period: period, Unit: unit, Status: Draft}, nil
}

func (m *memStore) Submissions(_ context.Context, period string) ([]Submission, error) {
	defer m.lock()()
	var out []Submission
	for k, s := range m.subs {
		if k[0] == period {
			out = append(out, s)
		}
	}
	return out, nil
}

func (m *memStore) SaveSubmission(_ context.Context, s Submission) error {
	defer m.lock()()
	m.subs[[2]string{s.Period, s.Unit}] = s
	m.writes++
	return nil
}

func (m *memStore) Assignments(_ context.Context, period string) ([]Assignment, error) {
	defer m.lock()()
	var out []Assignment
	for _, a := range m.assignments {
		if a.Period == period {
			out = append(out, a)
		}
	}
	return out, nil
}

func (m *memStore) SetAssignments(_ context.Context, period string, userID int64, as []Assignment) error {
	defer m.lock()()
	kept := m.assignments[:0]
	for _, a := range m.assignments {
		if a.Period != period || a.UserID != userID {
			kept = append(kept, a)
		}
	}
	m.assignments = append(kept, as...)
	return nil
}

func (m *memStore) AddEvidence(_ context.Context, e Evidence) (Evidence, error) {
	defer m.lock()()
	e.ID = int64(len(m.evidence) + 1)
	m.evidence = append(m.evidence, e)
	m.writes++
	return e, nil
}

func (m *memStore) Evidence(_ context.Context, period, unit string) ([]Evidence, error) {
	defer m.lock()()
	var out []Evidence
	for _, e := range m.evidence {
		if e.Period == period && (unit == "" || e.Unit == unit) {
			out = append(out, e)
		}
	}
	return out, nil
}

func (m *memStore) EvidenceByID(_ context.Context, id int64) (Evidence, error) {
	defer m.lock()()
	for _, e := range m.evidence {
		if e.ID == id {
			return e, nil
		}
	}
	return Evidence{}, domain.NotFoundf("evidence %d not found", id)
}

func (m *memStore) PublicationHeads(_ context.Context, period string) ([]domain.Publication, error) {
	defer m.lock()()
	return slices.Clone(m.pubs[period]), nil
}

func (m *memStore) Publish(_ context.Context, p domain.Publication) error {
	defer m.lock()()
	p.Number = len(m.pubs[p.Period]) + 1
	m.pubs[p.Period] = append(m.pubs[p.Period], p)
	per := m.periods[p.Period]
	per.Phase = domain.PhasePublished
	m.periods[p.Period] = per
	m.writes++
	return nil
}

func (m *memStore) AddDecision(_ context.Context, period string, number int, d domain.DecisionDocument) (domain.DecisionDocument, error) {
	defer m.lock()()
	for i, p := range m.pubs[period] {
		if p.Number == number {
			m.pubs[period][i].Decision = &d
			return d, nil
		}
	}
	return d, domain.NotFoundf("no publication %d", number)
}

func (m *memStore) AddReminders(_ context.Context, rs []Reminder) ([]Reminder, error) {
	defer m.lock()()
	for _, r := range rs {
		if _, ok := m.units[r.Unit]; !ok {
			return nil, domain.NotFoundf("unit %s not found", r.Unit)
		}
	}
	m.reminders = append(m.reminders, rs...)
	m.writes += len(rs)
	return rs, nil
}

func (m *memStore) Reminders(_ context.Context, period, unit string, limit int) ([]Reminder, error) {
	defer m.lock()()
	var out []Reminder
	for i := len(m.reminders) - 1; i >= 0; i-- {
		r := m.reminders[i]
		if r.Period == period && (unit == "" || r.Unit == unit) && (limit == 0 || len(out) < limit) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (m *memStore) ReminderCounts(_ context.Context, period string) (map[string]int, error) {
	defer m.lock()()
	out := map[string]int{}
	for _, r := range m.reminders {
		if r.Period == period {
			out[r.Unit]++
		}
	}
	return out, nil
}

// fakeFreezer freezes nothing: it returns a publication with a marker,
// and the store's comments.
type fakeFreezer struct {
	st    *memStore
	calls int
}

func (f *fakeFreezer) Comments(_ context.Context, period string) (map[string]map[string]map[scoring.Stage]string, error) {
	return f.st.comments(period), nil
}

func (f *fakeFreezer) Freeze(_ context.Context, period string) (domain.Publication, error) {
	f.calls++
	return domain.Publication{Period: period, Snapshot: []byte(fmt.Sprintf(`{"period":%q}`, period))}, nil
}

var _ Store = (*memStore)(nil)
