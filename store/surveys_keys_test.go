package store_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/surveys"
)

// countAll counts a campaign's stored responses of every status.
func countAll(t *testing.T, st *store.Store, svc *surveys.Service) int {
	t.Helper()
	c, err := svc.Campaign(t.Context(), "khao-sat")
	must(t, err)
	counts, err := st.CountResponses(t.Context(), c.ID)
	must(t, err)
	n := 0
	for _, byStatus := range counts {
		for _, k := range byStatus {
			n += k
		}
	}
	return n
}

// TestSubmissionKeys: a key is stored once; a repeat gets the first
// outcome — the stored response, or the same refusal even when a retry
// would now pass.
func TestSubmissionKeys(t *testing.T) {
	s := storetest.Open(t)
	svc := newSurvey(t, s, nil)
	ctx := t.Context()
	codes, err := svc.NewCodes(ctx, "khao-sat", "S1", 2)
	must(t, err)

	first, err := submit(t, svc, surveys.Submission{Unit: "S1", Key: "a1b2c3d4-0001", Answers: answers("Q1", "5")})
	must(t, err)
	if first.Repeat || first.ID == 0 {
		t.Fatalf("first arrival: %+v", first)
	}
	// The same key again, even with other answers: the first response.
	again, err := submit(t, svc, surveys.Submission{Unit: "S1", Key: "a1b2c3d4-0001", Answers: answers("Q1", "1")})
	must(t, err)
	if !again.Repeat || again.ID != first.ID || again.Answers.Choices != first.Answers.Choices || again.Status != first.Status {
		t.Errorf("repeat: %+v, want the first response %+v", again, first)
	}
	if n := countAll(t, s, svc); n != 1 {
		t.Errorf("%d responses stored, want 1", n)
	}

	// A used code: refused, and the refusal is remembered.
	_, err = submit(t, svc, surveys.Submission{Unit: "S1", Code: codes[0], Key: "a1b2c3d4-0002", Answers: answers("Q1", "4")})
	must(t, err)
	_, err = submit(t, svc, surveys.Submission{Unit: "S1", Code: codes[0], Key: "a1b2c3d4-0003", Answers: answers("Q1", "4")})
	if !errors.Is(err, surveys.ErrCodeUsed) {
		t.Fatalf("a used code: %v", err)
	}
	_, err = submit(t, svc, surveys.Submission{Unit: "S1", Code: codes[1], Key: "a1b2c3d4-0003", Answers: answers("Q1", "4")})
	if !errors.Is(err, surveys.ErrCodeUsed) {
		t.Errorf("the refused key again with a good code: %v, want the first refusal", err)
	}
	// An unknown dossier number, then registered: the key keeps its refusal.
	_, err = submit(t, svc, surveys.Submission{Unit: "S2", Code: "H12-0042", Key: "a1b2c3d4-0004", Answers: answers("Q1", "4")})
	if !errors.Is(err, surveys.ErrCodeUnknown) {
		t.Fatalf("an unknown dossier: %v", err)
	}
	_, err = svc.AddDossiers(ctx, "khao-sat", "S2", []string{"H12-0042"})
	must(t, err)
	if _, err = submit(t, svc, surveys.Submission{Unit: "S2", Code: "H12-0042", Key: "a1b2c3d4-0004", Answers: answers("Q1", "4")}); !errors.Is(err, surveys.ErrCodeUnknown) {
		t.Errorf("the refused key after the dossier was registered: %v", err)
	}
	// Invalid answers: the same problems again.
	_, err1 := submit(t, svc, surveys.Submission{Unit: "S1", Key: "a1b2c3d4-0005", Answers: answers("Q2", "4")})
	_, err2 := submit(t, svc, surveys.Submission{Unit: "S1", Key: "a1b2c3d4-0005", Answers: answers("Q1", "4")})
	if !errors.Is(err1, domain.ErrInvalid) || err2 == nil || err1.Error() != err2.Error() {
		t.Errorf("invalid answers then a repeat: %v / %v", err1, err2)
	}
	// A closed survey: reopened, the key stays refused; a new key passes.
	must(t, svc.SetState(ctx, "khao-sat", surveys.Closed))
	if _, err := submit(t, svc, surveys.Submission{Unit: "X1", Key: "a1b2c3d4-0006", Answers: answers("Q1", "4")}); !errors.Is(err, surveys.ErrNotOpen) {
		t.Fatalf("a closed survey: %v", err)
	}
	must(t, svc.SetState(ctx, "khao-sat", surveys.Open))
	if _, err := submit(t, svc, surveys.Submission{Unit: "X1", Key: "a1b2c3d4-0006", Answers: answers("Q1", "4")}); !errors.Is(err, surveys.ErrNotOpen) {
		t.Errorf("the key refused while closed, after reopening: %v", err)
	}
	if _, err := submit(t, svc, surveys.Submission{Unit: "X1", Key: "a1b2c3d4-0007", Answers: answers("Q1", "4")}); err != nil {
		t.Errorf("a new key after reopening: %v", err)
	}
	if n := countAll(t, s, svc); n != 3 {
		t.Errorf("%d responses stored, want 3", n)
	}
	// A key that is not one.
	for _, k := range []string{"short", "có dấu-0000000", "a b c d e f g h", string(make([]byte, 65))} {
		if _, err := submit(t, svc, surveys.Submission{Unit: "S1", Key: k, Answers: answers("Q1", "4")}); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("key %q: %v", k, err)
		}
	}
}

// TestSubmissionKeyRace sends one keyed answer with a one-time code from
// many goroutines at once, as a device retrying over a flaky network
// might: it is stored once and every arrival gets that response.
func TestSubmissionKeyRace(t *testing.T) {
	s := storetest.Open(t)
	svc := newSurvey(t, s, nil)
	codes, err := svc.NewCodes(t.Context(), "khao-sat", "S1", 1)
	must(t, err)
	const n = 12
	ids := make([]int64, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r, err := svc.Submit(t.Context(), surveys.Submission{Campaign: "khao-sat", Unit: "S1", Code: codes[0], Channel: surveys.Web,
				Key: "6f1d2e3c-race", Answers: answers("Q1", "5")})
			errs[i] = err
			if r != nil {
				ids[i] = r.ID
			}
		}()
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil || ids[i] != ids[0] || ids[0] == 0 {
			t.Errorf("arrival %d: id %d, %v (first: %d)", i, ids[i], errs[i], ids[0])
		}
	}
	if got := countAll(t, s, svc); got != 1 {
		t.Errorf("%d responses stored, want 1", got)
	}
}

// TestSubmissionChannels: a public answer with a code takes the code's
// channel; operators' and interviewers' answers keep theirs; the time a
// device says is believed only within bounds.
func TestSubmissionChannels(t *testing.T) {
	s := storetest.Open(t)
	svc := newSurvey(t, s, nil)
	ctx := t.Context()
	codes, err := svc.NewCodes(ctx, "khao-sat", "S1", 3)
	must(t, err)
	_, err = svc.AddDossiers(ctx, "khao-sat", "S2", []string{"H-1", "H-2"})
	must(t, err)
	_, iv, err := svc.RegisterInterviewer(ctx, "khao-sat", "Lê Thị Bình", "", []surveys.InterviewerUnit{{Unit: "X1", Quota: 5}}, "thư ký")
	must(t, err)
	now := time.Now()
	for _, tc := range []struct {
		name  string
		sub   surveys.Submission
		want  surveys.Channel
		later bool // AnsweredAt kept
	}{
		{"web with a code", surveys.Submission{Unit: "S1", Code: codes[0], Channel: surveys.Web}, surveys.Coded, false},
		{"kiosk with a dossier", surveys.Submission{Unit: "S2", Code: "h-1", Channel: surveys.Kiosk, AnsweredAt: now.Add(-3 * time.Hour)}, surveys.Dossier, true},
		{"api with a code", surveys.Submission{Unit: "S1", Code: codes[1], Channel: surveys.API}, surveys.Coded, false},
		{"paper with a code", surveys.Submission{Unit: "S1", Code: codes[2], Channel: surveys.Paper}, surveys.Paper, false},
		{"web", surveys.Submission{Unit: "S2", Channel: surveys.Web, AnsweredAt: now.Add(time.Hour)}, surveys.Web, false},
		{"interviewer", surveys.Submission{Unit: "X1", Channel: surveys.Web, Interviewer: iv, AnsweredAt: now.Add(-48 * time.Hour)}, surveys.Interview, true},
		{"kiosk, a year late", surveys.Submission{Unit: "S2", Channel: surveys.Kiosk, AnsweredAt: now.Add(-365 * 24 * time.Hour)}, surveys.Kiosk, false},
	} {
		tc.sub.Answers = answers("Q1", "4")
		r, err := submit(t, svc, tc.sub)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if r.Channel != tc.want || r.AnsweredAt.IsZero() == tc.later {
			t.Errorf("%s: channel %s, answered at %v; want %s, kept %v", tc.name, r.Channel, r.AnsweredAt, tc.want, tc.later)
		}
	}
	// An interviewer answers only for their units.
	if _, err := submit(t, svc, surveys.Submission{Unit: "S1", Interviewer: iv, Answers: answers("Q1", "4")}); !errors.Is(err, surveys.ErrUnitNotCovered) {
		t.Errorf("an interviewer outside their units: %v", err)
	}
	c, err := svc.Campaign(ctx, "khao-sat")
	must(t, err)
	stored, err := s.Responses(ctx, c.ID, surveys.Valid, 100)
	must(t, err)
	byChannel := map[surveys.Channel]int{}
	for _, r := range stored {
		byChannel[r.Channel]++
		if r.Channel == surveys.Interview && (r.Interviewer != iv.ID || r.Author != "Lê Thị Bình") {
			t.Errorf("the interviewer's answer: %+v", r)
		}
	}
	if byChannel[surveys.Coded] != 2 || byChannel[surveys.Dossier] != 1 || byChannel[surveys.Interview] != 1 || byChannel[surveys.Paper] != 1 {
		t.Errorf("stored by channel: %v", byChannel)
	}
	_, progress, err := svc.Interviewers(ctx, "khao-sat", 0)
	must(t, err)
	if len(progress) != 1 || progress[0].Valid != 1 || progress[0].Quota != 5 || progress[0].Units[0].Percent() != 20 || progress[0].Units[0].UnitTarget != c.Target("X1") {
		t.Errorf("interviewer progress: %+v", progress)
	}
}
