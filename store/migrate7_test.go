package store_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store/storetest"
)

// TestUpgradeTo7 fills a database of version 6 with a published period
// (its publication written as the code of version 6 wrote it) and an open
// one, migrates to version 7 (corrections, the publication's reasons and
// readiness, signed decisions), and checks that nothing was lost, that the
// old publication reads with empty reasons, and that the new tables work:
// the published period is frozen, reopened, corrected and published again.
func TestUpgradeTo7(t *testing.T) {
	dbURL := storetest.URL(t)
	s := storetest.OpenURL(t, dbURL)
	must(t, s.MigrateTo(t.Context(), 6))
	seed(t, s)
	_, err := saveSet(t, s, setYAML("2025", "SO", "Bộ chỉ số", 2), false)
	must(t, err)
	_, err = saveSet(t, s, setYAML("2026", "SO", "Bộ chỉ số 2026", 2), false)
	must(t, err)
	_, err = s.RecordScores(t.Context(), []domain.Score{{Period: "2025", Unit: "S1", Item: "1.1", Stage: scoring.StageFinal, Value: pts(t, "0.75")}}, "an", "import")
	must(t, err)
	must(t, s.SetPhase(t.Context(), "2026", domain.PhaseSelfAssessment))
	must(t, s.SetPhase(t.Context(), "2025", domain.PhasePublished))
	db := s.Gorm().WithContext(t.Context())
	snapshot, document := []byte(`{"period":"2025","groups":[]}`), []byte(`{"period":"2025","results":[]}`)
	must(t, db.Exec(`INSERT INTO publications (period_code, number, decision_no, decision_date, approved_by, published_at, snapshot, document)
VALUES (?, 1, '12/QĐ-UBND', ?, 'bcd', ?, ?, ?)`, "2025", time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 16, 3, 0, 0, 0, time.UTC), snapshot, document).Error)
	periods := periodRows(t, s)
	scores, err := s.Scores(t.Context(), "2025", "")
	must(t, err)

	s = storetest.OpenURL(t, dbURL)
	must(t, s.MigrateTo(t.Context(), 7))
	if v, err := s.SchemaVersion(t.Context()); err != nil || v != 7 {
		t.Fatalf("after the upgrade: SchemaVersion() = %d, %v; want 7", v, err)
	}
	if got := periodRows(t, s); len(got) != len(periods) || got[0] != periods[0] || got[1] != periods[1] {
		t.Errorf("periods changed by the upgrade: %+v, was %+v", got, periods)
	}
	if got, err := s.Scores(t.Context(), "2025", ""); err != nil || fmt.Sprint(got) != fmt.Sprint(scores) {
		t.Errorf("scores changed by the upgrade: %+v, %v", got, err)
	}
	pub, err := s.Publication(t.Context(), "2025", 1)
	must(t, err)
	if pub.DecisionNo != "12/QĐ-UBND" || pub.Reason != "" || pub.Override != "" || len(pub.Readiness) != 0 || pub.Decision != nil ||
		!bytes.Equal(pub.Snapshot, snapshot) || !bytes.Equal(pub.Document, document) {
		t.Errorf("the old publication after the upgrade: %+v", pub)
	}
	if p, err := s.Period(t.Context(), "2025"); err != nil || p.Phase != domain.PhasePublished {
		t.Errorf("period 2025 after the upgrade: %+v, %v", p, err)
	}

	// The published period is frozen; reopened, it takes the correction;
	// a new publication and a signed decision are stored.
	write := func() error {
		_, err := s.RecordScores(t.Context(), []domain.Score{{Period: "2025", Unit: "S1", Item: "1.1", Stage: scoring.StageFinal, Value: pts(t, "1")}}, "an", "import")
		return err
	}
	wantKind(t, write(), domain.ErrConflict)
	_, err = s.Reopen(t.Context(), domain.Correction{Period: "2025", Reason: "Sai điểm S1", OpenedBy: "admin"})
	must(t, err)
	must(t, write())
	must(t, s.Publish(t.Context(), domain.Publication{Period: "2025", DecisionNo: "20/QĐ-UBND", DecisionDate: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
		Reason: "Đính chính", Readiness: []byte(`{"ready":true}`)}))
	_, err = s.AddDecision(t.Context(), "2025", 2, domain.DecisionDocument{FileName: "qd.pdf", Size: 5, SHA256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})
	must(t, err)
	two, err := s.Publication(t.Context(), "2025", 2)
	must(t, err)
	if two.Reason != "Đính chính" || string(two.Readiness) != `{"ready":true}` || two.Decision == nil {
		t.Errorf("publication 2: %+v", two)
	}
	// The open period is not frozen.
	_, err = s.RecordScores(t.Context(), []domain.Score{{Period: "2026", Unit: "S1", Item: "1.1", Stage: scoring.StageSelf, Value: pts(t, "1")}}, "an", "import")
	must(t, err)
}
