package store_test

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
)

func TestPublish(t *testing.T) {
	clock := time.Date(2026, 1, 20, 3, 0, 0, 0, time.UTC)
	s := storetest.OpenWith(t, store.Options{Now: func() time.Time { return clock }})
	seedPeriod(t, s)
	must(t, s.SetPhase(t.Context(), "2025", domain.PhaseFinalAppraisal))
	must(t, s.SetPhase(t.Context(), "2024", domain.PhasePublished))
	// 23:30 on 15 January in Hà Nội is still the 15th, though UTC says 16:30.
	decided := time.Date(2026, 1, 15, 23, 30, 0, 0, ict)
	pub := func(no string) domain.Publication {
		return domain.Publication{Period: "2025", Number: 99, DecisionNo: no, DecisionDate: decided, ApprovedBy: "Ban Chỉ đạo",
			Snapshot: []byte(`{"units":["S1"]}`), Document: []byte(`{"results":[]}` + "\x00\xff")}
	}
	steps := []struct {
		name string
		p    domain.Publication
		kind error
		want []string // "number decision" of 2025's publications afterwards
	}{
		{name: "first: number 1 whatever was given", p: pub("12/QĐ-BCĐ"), want: []string{"1 12/QĐ-BCĐ"}},
		{name: "a correction: number 2", p: pub("15/QĐ-BCĐ"), want: []string{"1 12/QĐ-BCĐ", "2 15/QĐ-BCĐ"}},
		{name: "no decision number", p: pub(""), kind: domain.ErrInvalid, want: []string{"1 12/QĐ-BCĐ", "2 15/QĐ-BCĐ"}},
		{name: "no decision date",
			p:    func() domain.Publication { p := pub("16/QĐ-BCĐ"); p.DecisionDate = time.Time{}; return p }(),
			kind: domain.ErrInvalid, want: []string{"1 12/QĐ-BCĐ", "2 15/QĐ-BCĐ"}},
		{name: "unknown period",
			p:    func() domain.Publication { p := pub("16/QĐ-BCĐ"); p.Period = "1999"; return p }(),
			kind: domain.ErrNotFound, want: []string{"1 12/QĐ-BCĐ", "2 15/QĐ-BCĐ"}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			wantKind(t, s.Publish(t.Context(), st.p), st.kind)
			pubs, err := s.Publications(t.Context(), "2025")
			must(t, err)
			var got []string
			for _, p := range pubs {
				got = append(got, fmt.Sprintf("%d %s", p.Number, p.DecisionNo))
			}
			if strings.Join(got, "\n") != strings.Join(st.want, "\n") {
				t.Errorf("Publications = %v, want %v", got, st.want)
			}
			// The heads are the same publications without the blobs.
			heads, err := s.PublicationHeads(t.Context(), "2025")
			must(t, err)
			if len(heads) != len(pubs) {
				t.Fatalf("PublicationHeads: %d, Publications: %d", len(heads), len(pubs))
			}
			for i, h := range heads {
				full := pubs[i]
				full.Snapshot, full.Document, full.Readiness = nil, nil, nil
				if h.Snapshot != nil || h.Document != nil || fmt.Sprint(h) != fmt.Sprint(full) {
					t.Errorf("head %d = %+v, want %+v without blobs", i, h, full)
				}
			}
		})
	}
	pubs, err := s.Publications(t.Context(), "2025")
	must(t, err)
	p := pubs[0]
	want := pub("12/QĐ-BCĐ")
	if !p.DecisionDate.Equal(time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)) || !p.PublishedAt.Equal(clock) ||
		p.Period != "2025" || p.ApprovedBy != want.ApprovedBy ||
		!bytes.Equal(p.Snapshot, want.Snapshot) || !bytes.Equal(p.Document, want.Document) {
		t.Errorf("publication read back as %+v", p)
	}
	period, err := s.Period(t.Context(), "2025")
	must(t, err)
	if period.Phase != domain.PhasePublished {
		t.Errorf("phase after Publish = %s, want published", period.Phase)
	}
	if pubs, err := s.Publications(t.Context(), "2024"); err != nil || len(pubs) != 0 {
		t.Errorf("Publications(2024) = %v, %v", pubs, err)
	}

	// Nil documents are stored empty; a given publication time is kept.
	at := time.Date(2026, 2, 1, 8, 0, 0, 0, ict)
	must(t, s.Publish(t.Context(), domain.Publication{Period: "2024", DecisionNo: "1", DecisionDate: at, PublishedAt: at}))
	pubs, err = s.Publications(t.Context(), "2024")
	must(t, err)
	if len(pubs) != 1 || pubs[0].Number != 1 || !pubs[0].PublishedAt.Equal(at) || len(pubs[0].Snapshot) != 0 || len(pubs[0].Document) != 0 {
		t.Errorf("Publications(2024) = %+v", pubs)
	}
}

// TestPublishConcurrently publishes one period from several goroutines:
// each publication gets a number of its own.
func TestPublishConcurrently(t *testing.T) {
	s := storetest.Open(t)
	seedPeriod(t, s)
	const n = 6
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.Publish(t.Context(), domain.Publication{Period: "2025", DecisionNo: fmt.Sprint(i),
				DecisionDate: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	pubs, err := s.Publications(t.Context(), "2025")
	must(t, err)
	for i, p := range pubs {
		if p.Number != i+1 {
			t.Errorf("publication %d has number %d", i, p.Number)
		}
	}
	if len(pubs) != n {
		t.Errorf("%d publications, want %d", len(pubs), n)
	}
}

func TestPublicationsAreAppendOnly(t *testing.T) {
	s := storetest.Open(t)
	seedPeriod(t, s)
	must(t, s.Publish(t.Context(), domain.Publication{Period: "2025", DecisionNo: "12/QĐ-BCĐ",
		DecisionDate: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), Snapshot: []byte("{}")}))
	stmts := []string{
		"UPDATE publications SET decision_no = 'sửa'",
		"UPDATE publications SET number = 2 WHERE number = 1",
		"DELETE FROM publications",
		"DELETE FROM publications WHERE number = 1",
	}
	if s.Dialect() == store.DialectPostgres {
		stmts = append(stmts, "TRUNCATE publications")
	}
	for _, q := range stmts {
		t.Run(q, func(t *testing.T) {
			// TRUNCATE is refused by the trigger, or before it by the
			// tables that refer to publications (corrections, decisions).
			err := s.Gorm().Exec(q).Error
			if err == nil || !strings.Contains(err.Error(), "append-only") && !strings.Contains(err.Error(), "foreign key") {
				t.Errorf("error = %v, want the append-only refusal", err)
			}
		})
	}
	pubs, err := s.Publications(t.Context(), "2025")
	must(t, err)
	if len(pubs) != 1 || pubs[0].DecisionNo != "12/QĐ-BCĐ" || pubs[0].Number != 1 {
		t.Errorf("the publication changed: %+v", pubs)
	}
}
