package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/surveys"
	"github.com/parindex/parindex/workflow"
)

// publishedStore is a store whose period 2025 (group SO, a set with points
// and inputs) is published by decision 12/QĐ-UBND of 15/01/2026.
func publishedStore(t *testing.T) *store.Store {
	t.Helper()
	s := storetest.Open(t)
	seed(t, s)
	_, err := saveSet(t, s, setYAML("2025", "SO", "Bộ chỉ số", 2), false)
	must(t, err)
	_, err = s.RecordScores(t.Context(), []domain.Score{{Period: "2025", Unit: "S1", Item: "1.1", Stage: scoring.StageFinal, Value: pts(t, "0.5")}}, "an", "import")
	must(t, err)
	must(t, s.RecordInputs(t.Context(), []domain.Input{{Period: "2025", Unit: "S1", Name: "done", Value: dec(t, "3")}}, "an"))
	must(t, s.SetPhase(t.Context(), "2025", domain.PhaseFinalAppraisal))
	must(t, s.Publish(t.Context(), domain.Publication{Period: "2025", DecisionNo: "12/QĐ-UBND", DecisionDate: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)}))
	return s
}

// frozenWrites are every write of the data results are computed from.
func frozenWrites(t *testing.T, s *store.Store) map[string]func() error {
	ctx := t.Context()
	v := int64(1)
	return map[string]func() error{
		"RecordScores": func() error {
			_, err := s.RecordScores(ctx, []domain.Score{{Period: "2025", Unit: "S1", Item: "1.1", Stage: scoring.StageFinal, Value: pts(t, "0")}}, "an", "import")
			return err
		},
		"SaveScore": func() error {
			_, err := s.SaveScore(ctx, workflow.ScoreWrite{Score: domain.Score{Period: "2025", Unit: "S1", Item: "1.1", Stage: scoring.StageFinal,
				Value: pts(t, "0")}, Expect: &v, Author: "an", Source: "web"})
			return err
		},
		"RecordInputs": func() error {
			return s.RecordInputs(ctx, []domain.Input{{Period: "2025", Unit: "S1", Name: "done", Value: dec(t, "4")}}, "an")
		},
		"SaveInput": func() error {
			_, err := s.SaveInput(ctx, workflow.InputWrite{Input: domain.Input{Period: "2025", Unit: "S1", Name: "done", Value: dec(t, "4")}, Author: "an"})
			return err
		},
		"SaveForm": func() error {
			_, err := s.SaveForm(ctx, workflow.FormWrite{Period: "2025", Unit: "S1", Scores: []workflow.ScoreWrite{{Score: domain.Score{Period: "2025",
				Unit: "S1", Item: "1.2", Stage: scoring.StageFinal, Value: pts(t, "1")}, Author: "an"}}})
			return err
		},
		"SaveFramework": func() error {
			_, err := saveSet(t, s, setYAML("2025", "SO", "Bộ chỉ số mới", 3), true)
			return err
		},
		"ImportStatistics": func() error {
			_, err := s.ImportStatistics(ctx, store.StatisticsImport{Inputs: []domain.Input{{Period: "2025", Unit: "S2", Name: "done", Value: dec(t, "1")}}}, "an")
			return err
		},
	}
}

// TestPublishedPeriodIsFrozen: every write of a published period's data,
// by an import or the web, is refused in its transaction with an error
// naming the publication — on both databases — until the period is
// reopened for a correction; the next publication freezes it again.
func TestPublishedPeriodIsFrozen(t *testing.T) {
	s := publishedStore(t)
	before, err := s.PeriodStamp(t.Context(), "2025")
	must(t, err)
	for name, write := range frozenWrites(t, s) {
		err := write()
		if !errors.Is(err, domain.ErrConflict) || !strings.Contains(err.Error(), "period 2025 is published (publication 1, decision 12/QĐ-UBND of 15/01/2026)") {
			t.Errorf("%s into a published period: %v", name, err)
		}
	}
	if after, err := s.PeriodStamp(t.Context(), "2025"); err != nil || after != before {
		t.Errorf("refused writes changed the data: %v", err)
	}
	// A survey import into a campaign of the period is refused too.
	st := storeSurvey(t, s, "2025")
	err = s.InsertResponses(t.Context(), []*surveys.Response{{Campaign: st.ID, Unit: "S1", Channel: surveys.Import, Answers: surveys.Encoded{Choices: "\x05"}}})
	if !errors.Is(err, domain.ErrConflict) || !strings.Contains(err.Error(), "12/QĐ-UBND") {
		t.Errorf("a survey import into a published period: %v", err)
	}

	// Reopened: the period reads as in correction, and every write passes.
	c, err := s.Reopen(t.Context(), domain.Correction{Period: "2025", Reason: "Sai điểm S1", OpenedBy: "admin"})
	must(t, err)
	if c.Publication != 1 || c.Reason != "Sai điểm S1" || c.OpenedAt.IsZero() {
		t.Errorf("correction %+v", c)
	}
	_, err = s.Reopen(t.Context(), domain.Correction{Period: "2025", Reason: "again"})
	wantKind(t, err, domain.ErrConflict)
	if p, _ := s.Period(t.Context(), "2025"); p.Phase != domain.PhaseCorrection {
		t.Errorf("phase after reopening: %s", p.Phase)
	}
	if ps, _ := s.Periods(t.Context()); len(ps) == 0 || ps[0].Phase != domain.PhaseCorrection {
		t.Errorf("Periods after reopening: %+v", ps)
	}
	for name, write := range frozenWrites(t, s) {
		if err := write(); err != nil && !errors.Is(err, domain.ErrConflict) {
			t.Errorf("%s during the correction: %v", name, err)
		} else if errors.Is(err, domain.ErrConflict) && strings.Contains(err.Error(), "is published") {
			t.Errorf("%s during the correction is refused as published: %v", name, err)
		}
	}
	// Publication 2 closes the correction.
	must(t, s.Publish(t.Context(), domain.Publication{Period: "2025", DecisionNo: "20/QĐ-UBND", DecisionDate: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
		Reason: "Đính chính S1", Override: "thử"}))
	if p, _ := s.Period(t.Context(), "2025"); p.Phase != domain.PhasePublished {
		t.Errorf("phase after publication 2: %s", p.Phase)
	}
	_, err = s.RecordScores(t.Context(), []domain.Score{{Period: "2025", Unit: "S1", Item: "1.1", Stage: scoring.StageFinal, Value: pts(t, "1")}}, "an", "import")
	if !errors.Is(err, domain.ErrConflict) || !strings.Contains(err.Error(), "publication 2, decision 20/QĐ-UBND of 01/02/2026") {
		t.Errorf("an import after publication 2: %v", err)
	}
	heads, err := s.PublicationHeads(t.Context(), "2025")
	must(t, err)
	if len(heads) != 2 || heads[1].Reason != "Đính chính S1" || heads[1].Override != "thử" {
		t.Errorf("heads %+v", heads)
	}
	corrections, err := s.Corrections(t.Context(), "2025")
	must(t, err)
	if len(corrections) != 1 || corrections[0].Publication != 1 {
		t.Errorf("corrections %+v", corrections)
	}
	// Corrections and decisions are records: append-only.
	for _, q := range []string{"UPDATE corrections SET reason = 'x'", "DELETE FROM corrections"} {
		if err := s.Gorm().Exec(q).Error; err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v", q, err)
		}
	}
}

// storeSurvey stores an opened survey of a period over S1.
func storeSurvey(t *testing.T, s *store.Store, period string) *surveys.Campaign {
	t.Helper()
	svc := surveys.NewService(s)
	src, _, err := surveys.Template("sipas")
	must(t, err)
	_, err = svc.SaveInstrument(t.Context(), period, src)
	must(t, err)
	c, err := svc.CreateCampaign(t.Context(), surveys.CampaignSpec{Code: "sipas-" + period, Name: "SIPAS", Period: period,
		Instrument: "sipas", Units: []surveys.CampaignUnit{{Code: "S1"}}})
	must(t, err)
	must(t, svc.SetState(t.Context(), c.Code, surveys.Open))
	return c
}

// TestPublishRefusesChangedData: a publication whose data changed between
// the freeze and its transaction is refused, and nothing is published.
func TestPublishRefusesChangedData(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	_, err := saveSet(t, s, setYAML("2025", "SO", "Bộ chỉ số", 2), false)
	must(t, err)
	must(t, s.SetPhase(t.Context(), "2025", domain.PhaseFinalAppraisal))
	stamp, err := s.PeriodStamp(t.Context(), "2025")
	must(t, err)
	_, err = s.RecordScores(t.Context(), []domain.Score{{Period: "2025", Unit: "S1", Item: "1.1", Stage: scoring.StageFinal, Value: pts(t, "1")}}, "an", "import")
	must(t, err)
	err = s.Publish(t.Context(), domain.Publication{Period: "2025", DecisionNo: "1", DecisionDate: time.Now(), Stamp: stamp})
	wantKind(t, err, domain.ErrConflict)
	if heads, _ := s.PublicationHeads(t.Context(), "2025"); len(heads) != 0 {
		t.Errorf("published anyway: %+v", heads)
	}
	stamp, err = s.PeriodStamp(t.Context(), "2025")
	must(t, err)
	must(t, s.Publish(t.Context(), domain.Publication{Period: "2025", DecisionNo: "1", DecisionDate: time.Now(), Stamp: stamp}))
}

// TestDecisionDocuments: a signed decision is attached to an existing
// publication; the latest attached is shown.
func TestDecisionDocuments(t *testing.T) {
	s := publishedStore(t)
	sum := strings.Repeat("ab", 32)
	_, err := s.AddDecision(t.Context(), "2025", 2, domain.DecisionDocument{FileName: "qd.pdf", Size: 10, SHA256: sum})
	wantKind(t, err, domain.ErrNotFound)
	_, err = s.AddDecision(t.Context(), "2025", 1, domain.DecisionDocument{FileName: "qd-nhap.pdf", Size: 10, SHA256: sum, UploadedBy: "bcd"})
	must(t, err)
	_, err = s.AddDecision(t.Context(), "2025", 1, domain.DecisionDocument{FileName: "qd-ky.pdf", Size: 12, SHA256: sum, UploadedBy: "bcd"})
	must(t, err)
	p, err := s.Publication(t.Context(), "2025", 1)
	must(t, err)
	if p.Decision == nil || p.Decision.FileName != "qd-ky.pdf" || p.Decision.Size != 12 {
		t.Errorf("decision %+v", p.Decision)
	}
	if _, err := s.Publication(t.Context(), "2025", 3); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("publication 3: %v", err)
	}
}

// TestSaveFormAllOrNothing: a form whose one value is stale saves none of
// its values, and names each stale one.
func TestSaveFormAllOrNothing(t *testing.T) {
	s := storetest.Open(t)
	seedPeriod(t, s)
	_, err := saveSet(t, s, setYAML("2025", "SO", "Bộ chỉ số", 3), false)
	must(t, err)
	v, err := s.SaveScore(t.Context(), workflow.ScoreWrite{Score: domain.Score{Period: "2025", Unit: "S1", Item: "1.1", Stage: scoring.StageSelf,
		Value: pts(t, "0.5")}, Author: "an", Source: "web"})
	must(t, err)
	stale, zero := v-1, int64(0)
	form := workflow.FormWrite{Period: "2025", Unit: "S1",
		Scores: []workflow.ScoreWrite{
			{Score: domain.Score{Period: "2025", Unit: "S1", Item: "1.2", Stage: scoring.StageSelf, Value: pts(t, "1")}, Expect: &zero, Author: "an", Source: "web"},
			{Score: domain.Score{Period: "2025", Unit: "S1", Item: "1.1", Stage: scoring.StageSelf, Value: pts(t, "1")}, Expect: &stale, Author: "an", Source: "web"},
		},
		Inputs:   []workflow.InputWrite{{Input: domain.Input{Period: "2025", Unit: "S1", Name: "done", Value: dec(t, "3")}, Expect: &zero, Author: "an", Source: "web"}},
		Evidence: []workflow.Evidence{{Period: "2025", Unit: "S1", Item: "1.2", Stage: scoring.StageSelf, FileName: "a.pdf", Size: 3, SHA256: strings.Repeat("0", 64)}},
	}
	_, err = s.SaveForm(t.Context(), form)
	var fe *workflow.FormError
	if !errors.As(err, &fe) || len(fe.Problems) != 1 || fe.Problems[0].Item != "1.1" || !errors.Is(err, domain.ErrConflict) {
		t.Fatalf("a stale form: %v", err)
	}
	if changes, _ := s.Changes(t.Context(), "2025", "S1"); len(changes) != 1 {
		t.Errorf("a refused form logged %d changes", len(changes)-1)
	}
	if ev, _ := s.Evidence(t.Context(), "2025", "S1"); len(ev) != 0 {
		t.Errorf("a refused form stored evidence")
	}
	form.Scores[1].Expect = &v
	saved, err := s.SaveForm(t.Context(), form)
	must(t, err)
	if len(saved.Scores) != 2 || saved.Scores[0] != 1 || saved.Scores[1] != v+1 || len(saved.Inputs) != 1 || len(saved.Evidence) != 1 || saved.Evidence[0].ID == 0 {
		t.Errorf("saved %+v", saved)
	}
	if ins, _ := s.InputChanges(t.Context(), "2025", "S1"); len(ins) != 1 || ins[0].Source != "web" {
		t.Errorf("input changes %+v", ins)
	}
}
