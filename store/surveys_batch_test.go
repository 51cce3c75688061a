package store_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/surveys"
)

// TestInsertBatch: one transaction for many answers, each with its own
// outcome, checked in the batch's order as one by one.
func TestInsertBatch(t *testing.T) {
	s := storetest.Open(t)
	svc := newSurvey(t, s, nil)
	ctx := t.Context()
	camp, err := svc.Campaign(ctx, "khao-sat")
	must(t, err)
	codes, err := svc.NewCodes(ctx, "khao-sat", "S1", 2)
	must(t, err)
	otherCodes, err := svc.NewCodes(ctx, "khao-sat", "S2", 1)
	must(t, err)

	pend := func(unit, choices, client, code, key string) surveys.Pending {
		r := &surveys.Response{Campaign: camp.ID, Unit: unit, Channel: surveys.Web, ClientHash: client, Key: key,
			Answers: surveys.Encoded{Choices: choices}}
		if code != "" {
			r.CodeHash = surveys.HashCode(code)
		}
		return judged(r)
	}
	// A keyed answer stored before.
	before := []surveys.Pending{pend("S1", "4", "c0", "", "key-before-01")}
	outs, err := s.InsertBatch(ctx, before)
	must(t, err)
	must(t, outs[0])

	batch := []surveys.Pending{
		pend("S1", "5", "c1", "", ""),              // 0 valid
		pend("S1", "5", "c1", "", ""),              // 1 the same answers from the same client: duplicate
		pend("S2", "5", "c1", "", ""),              // 2 another unit: valid
		pend("S1", "3", "c1", "", ""),              // 3 valid (two priors only)
		pend("S1", "2", "c1", "", ""),              // 4 three priors in the batch: burst
		pend("S1", "1", "c2", codes[0], ""),        // 5 coded: valid, the code's channel
		pend("S1", "1", "c3", codes[0], ""),        // 6 the same code: used
		pend("S1", "1", "c4", otherCodes[0], ""),   // 7 another unit's code
		pend("S1", "1", "c5", "NOT-A-CODE", ""),    // 8 unknown
		pend("S1", "2", "c6", "", "key-before-01"), // 9 a key stored before: the first response
		pend("S2", "2", "c7", "", "key-new-0001"),  // 10 a new key
	}
	outs, err = s.InsertBatch(ctx, batch)
	must(t, err)
	want := []struct {
		err    error
		status surveys.Status
		flags  []string
	}{
		{nil, surveys.Valid, nil},
		{nil, surveys.Flagged, []string{surveys.FlagDuplicate}},
		{nil, surveys.Valid, nil},
		{nil, surveys.Valid, nil},
		{nil, surveys.Flagged, []string{surveys.FlagBurst}},
		{nil, surveys.Valid, nil},
		{surveys.ErrCodeUsed, "", nil},
		{surveys.ErrCodeOtherUnit, "", nil},
		{surveys.ErrCodeUnknown, "", nil},
		{nil, surveys.Valid, nil},
		{nil, surveys.Valid, nil},
	}
	for i, w := range want {
		r := batch[i].Response
		if !errors.Is(outs[i], w.err) || (w.err == nil && outs[i] != nil) {
			t.Errorf("answer %d: %v, want %v", i, outs[i], w.err)
			continue
		}
		if w.err != nil {
			continue
		}
		if r.ID == 0 || r.Status != w.status || !slices.Equal(r.Flags, w.flags) {
			t.Errorf("answer %d: id %d %s %v, want %s %v", i, r.ID, r.Status, r.Flags, w.status, w.flags)
		}
	}
	if r := batch[9].Response; !r.Repeat || r.ID != before[0].Response.ID || r.Answers.Choices != "4" {
		t.Errorf("a stored key: %+v, want the first response %d", r, before[0].Response.ID)
	}
	if r := batch[5].Response; r.Channel != surveys.Web.WithCode(surveys.PaperCode) {
		t.Errorf("coded answer's channel: %s", r.Channel)
	}
	// What was stored is what was answered: each id with its unit, status
	// and answers; the code consumed by its response.
	stored := map[int64]surveys.Response{}
	for _, st := range []surveys.Status{surveys.Valid, surveys.Flagged} {
		rs, err := s.Responses(ctx, camp.ID, st, 100)
		must(t, err)
		for _, r := range rs {
			stored[r.ID] = r
		}
	}
	if len(stored) != 8 {
		t.Errorf("%d responses stored, want 8 (1 before, 7 of the batch)", len(stored))
	}
	for i, p := range batch {
		r := p.Response
		if outs[i] != nil || r.Repeat {
			continue
		}
		got, ok := stored[r.ID]
		if !ok || got.Unit != r.Unit || got.Answers.Choices != r.Answers.Choices || got.Status != r.Status || got.Key != r.Key {
			t.Errorf("answer %d stored as %+v, answered %+v", i, got, r)
		}
	}
	var used int64
	must(t, s.Gorm().Raw("SELECT response_id FROM survey_codes WHERE code_hash = ?", surveys.HashCode(codes[0])).Scan(&used).Error)
	if used != batch[5].Response.ID {
		t.Errorf("code used by response %d, want %d", used, batch[5].Response.ID)
	}

	// A batch that breaks its transaction (a unit that does not exist)
	// stores nothing, and consumes no code.
	n := count(t, s, "survey_responses")
	bad := []surveys.Pending{pend("S1", "5", "c8", codes[1], ""), pend("NOPE", "5", "c9", "", ""), pend("S2", "5", "c10", "", "")}
	if _, err := s.InsertBatch(ctx, bad); err == nil {
		t.Fatal("a batch with an unknown unit was stored")
	}
	if m := count(t, s, "survey_responses"); m != n {
		t.Errorf("%d responses after the failed batch, want %d", m, n)
	}
	outs, err = s.InsertBatch(ctx, []surveys.Pending{pend("S1", "5", "c8", codes[1], "")})
	if err != nil || outs[0] != nil {
		t.Errorf("the code after the failed batch: %v %v", err, outs)
	}
	// A key repeated within a batch breaks it: the writer never sends one.
	dup := []surveys.Pending{pend("S1", "5", "c11", "", "key-twice-001"), pend("S1", "4", "c12", "", "key-twice-001")}
	if _, err := s.InsertBatch(ctx, dup); err == nil {
		t.Error("a key twice in a batch was stored")
	}
}

// TestSubmitBatched: concurrent submissions through the service's
// batching writer are all stored, each with its own id and outcome, and a
// one-time code sent many times at once is used exactly once.
func TestSubmitBatched(t *testing.T) {
	s := storetest.Open(t)
	svc := newSurvey(t, s, nil)
	codes, err := svc.NewCodes(t.Context(), "khao-sat", "S1", 1)
	must(t, err)
	const n = 48
	ids := make([]int64, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			sub := surveys.Submission{Campaign: "khao-sat", Unit: []string{"S1", "S2", "X1"}[i%3], Channel: surveys.Web,
				Client: fmt.Sprintf("10.0.0.%d", i), Answers: answers("Q1", fmt.Sprint(1+i%5))}
			if i%8 == 0 {
				sub.Unit, sub.Code = "S1", codes[0]
			}
			r, err := svc.Submit(t.Context(), sub)
			errs[i] = err
			if r != nil {
				ids[i] = r.ID
			}
		}()
	}
	close(start)
	wg.Wait()
	seen := map[int64]bool{}
	codeOK, codeUsed := 0, 0
	for i := range n {
		switch {
		case i%8 == 0 && errors.Is(errs[i], surveys.ErrCodeUsed):
			codeUsed++
			continue
		case errs[i] != nil:
			t.Errorf("submission %d: %v", i, errs[i])
			continue
		case i%8 == 0:
			codeOK++
		}
		if ids[i] == 0 || seen[ids[i]] {
			t.Errorf("submission %d: id %d", i, ids[i])
		}
		seen[ids[i]] = true
	}
	if codeOK != 1 || codeUsed != n/8-1 {
		t.Errorf("the code: %d stored, %d refused as used", codeOK, codeUsed)
	}
	if got := countAll(t, s, svc); got != len(seen) {
		t.Errorf("%d stored, %d acknowledged", got, len(seen))
	}
}

// TestInsertBatchAsOneByOne: random batches of answers from a few clients
// (so that many have earlier answers for the unit, stored or in the same
// batch), some with device keys sent again, get from InsertBatch the
// outcome each gets stored one by one with InsertResponse, and each answer
// is stored under the id it is given. On PostgreSQL this is the INSERT that
// leaves out the clients with priors, then stores them judged on those.
func TestInsertBatchAsOneByOne(t *testing.T) {
	ctx := t.Context()
	batched, single := storetest.Open(t), storetest.Open(t)
	campaign := func(s *store.Store) int64 {
		svc := newSurvey(t, s, nil)
		camp, err := svc.Campaign(ctx, "khao-sat")
		must(t, err)
		return camp.ID
	}
	campB, campS := campaign(batched), campaign(single)
	rnd := rand.New(rand.NewPCG(16, 2026))
	var keys []string
	answered := 0
	for round := range 30 {
		n := 1 + rnd.IntN(20)
		var bs, ss []surveys.Pending
		inBatch := map[string]bool{}
		for range n {
			r := surveys.Response{Unit: []string{"S1", "S2"}[rnd.IntN(2)], Channel: []surveys.Channel{surveys.Web, surveys.Web, surveys.Kiosk}[rnd.IntN(3)],
				Answers: surveys.Encoded{Choices: fmt.Sprint(1 + rnd.IntN(3))}}
			if c := rnd.IntN(12); c < 10 {
				r.ClientHash = fmt.Sprintf("client-%d", c%(2+round%5))
			}
			switch k := rnd.IntN(10); {
			case k == 0 && len(keys) > 0: // sent again
				if key := keys[rnd.IntN(len(keys))]; !inBatch[key] {
					r.Key = key
				}
			case k == 1:
				r.Key = fmt.Sprintf("device-key-%04d", len(keys))
				keys = append(keys, r.Key)
			}
			inBatch[r.Key] = true
			rb, rs := r, r
			rb.Campaign, rs.Campaign = campB, campS
			bs, ss = append(bs, judged(&rb)), append(ss, judged(&rs))
		}
		outs, err := batched.InsertBatch(ctx, bs)
		must(t, err)
		for i, p := range ss {
			err := single.InsertResponse(ctx, p.Response, p.Window, p.Judge)
			b, s := bs[i].Response, p.Response
			if (err == nil) != (outs[i] == nil) {
				t.Fatalf("round %d answer %d: batched %v, one by one %v", round, i, outs[i], err)
			}
			if b.Status != s.Status || !slices.Equal(b.Flags, s.Flags) || b.Repeat != s.Repeat || b.Answers.Choices != s.Answers.Choices {
				t.Errorf("round %d answer %d (client %q, unit %s, key %q): batched %s %v repeat %v %q, one by one %s %v repeat %v %q",
					round, i, b.ClientHash, b.Unit, b.Key, b.Status, b.Flags, b.Repeat, b.Answers.Choices, s.Status, s.Flags, s.Repeat, s.Answers.Choices)
			}
			if !b.Repeat {
				answered++
			}
		}
		// Each answer was stored under its id, as judged.
		stored := map[int64]surveys.Response{}
		for _, st := range []surveys.Status{surveys.Valid, surveys.Flagged} {
			rs, err := batched.Responses(ctx, campB, st, 10000)
			must(t, err)
			for _, r := range rs {
				stored[r.ID] = r
			}
		}
		if len(stored) != answered {
			t.Fatalf("round %d: %d stored, %d answered", round, len(stored), answered)
		}
		for i, p := range bs {
			r := p.Response
			got := stored[r.ID]
			if got.Unit != r.Unit || got.ClientHash != r.ClientHash || got.Answers.Choices != r.Answers.Choices ||
				got.Status != r.Status || !slices.Equal(got.Flags, r.Flags) {
				t.Errorf("round %d answer %d: id %d holds %+v, answered %+v", round, i, r.ID, got, r)
			}
		}
	}
	flagged, err := batched.Responses(ctx, campB, surveys.Flagged, 10000)
	must(t, err)
	if len(flagged) < 20 || answered-len(flagged) < 20 {
		t.Errorf("%d flagged of %d: the test should see many of both", len(flagged), answered)
	}
}

// TestInsertBatchLateFailure: on PostgreSQL, when storing the answers the
// first INSERT left out (clients with earlier answers) fails after that
// INSERT committed, those answers are stored one by one, each with its own
// outcome, and nothing is stored twice. The failing answer's client has an
// earlier answer, so the first INSERT leaves it out, and its channel is
// one the table refuses. On SQLite the batch is one transaction, which the
// answer breaks: an error, and nothing stored.
//
// A device key the batch holds twice (the writer never sends one) across
// the two INSERTs is no failure: the second answer is read as a repeat of
// the first, as one by one.
func TestInsertBatchLateFailure(t *testing.T) {
	s := storetest.Open(t)
	svc := newSurvey(t, s, nil)
	ctx := t.Context()
	camp, err := svc.Campaign(ctx, "khao-sat")
	must(t, err)
	pend := func(choices, client, key string, ch surveys.Channel) surveys.Pending {
		r := &surveys.Response{Campaign: camp.ID, Unit: "S1", Channel: ch, ClientHash: client, Key: key,
			Answers: surveys.Encoded{Choices: choices}}
		return judged(r)
	}
	outs, err := s.InsertBatch(ctx, []surveys.Pending{pend("3", "known", "", surveys.Web)})
	must(t, err)
	must(t, outs[0])
	n := count(t, s, "survey_responses")

	batch := []surveys.Pending{pend("5", "new", "", surveys.Web), pend("4", "known", "", surveys.Channel("bogus"))}
	outs, err = s.InsertBatch(ctx, batch)
	if s.Dialect() == store.DialectSQLite {
		if err == nil {
			t.Fatal("a batch with a refused channel was stored on SQLite")
		}
		if m := count(t, s, "survey_responses"); m != n {
			t.Errorf("%d responses after the failed batch, want %d", m, n)
		}
		return
	}
	must(t, err)
	if outs[0] != nil || batch[0].Response.ID == 0 || outs[1] == nil {
		t.Fatalf("outcomes %v, want the first stored (id %d) and the second refused", outs, batch[0].Response.ID)
	}
	if m := count(t, s, "survey_responses"); m != n+1 {
		t.Errorf("%d responses after the batch, want %d", m, n+1)
	}

	batch = []surveys.Pending{pend("5", "new-2", "key-late-0001", surveys.Web), pend("4", "known", "key-late-0001", surveys.Web)}
	outs, err = s.InsertBatch(ctx, batch)
	must(t, err)
	first, second := batch[0].Response, batch[1].Response
	if outs[0] != nil || outs[1] != nil || first.ID == 0 || first.Repeat {
		t.Fatalf("outcomes %v; the first answer %+v", outs, first)
	}
	if !second.Repeat || second.ID != first.ID || second.Answers.Choices != "5" {
		t.Errorf("the second answer: %+v, want a repeat of response %d", second, first.ID)
	}
	if m := count(t, s, "survey_responses"); m != n+2 {
		t.Errorf("%d responses after the batches, want %d", m, n+2)
	}
}

// judged is a response waiting to be stored, judged by the default rules
// as the survey service judges it.
func judged(r *surveys.Response) surveys.Pending {
	rules := surveys.DefaultRules
	return surveys.Pending{Response: r, Window: rules.Window, Judge: func(p []surveys.Prior) []string { return rules.Judge(r, p) }}
}
