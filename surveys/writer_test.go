package surveys

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/parindex/parindex/domain"
)

// batchStore is a Store that keeps responses in memory, as the real one
// would: InsertBatch is all or nothing and fails for an answer to unit
// "BROKEN" (a constraint it violates); InsertResponse fails for that answer
// alone. It records every batch, and can hold the next one until released.
type batchStore struct {
	Store // the methods the writer does not call

	mu      sync.Mutex
	nextID  int64
	stored  []Response
	codes   map[string]bool // hash → used
	keys    map[string]int64
	batches [][]string // the units of each InsertBatch call
	singles int
	hold    chan struct{} // when set, InsertBatch waits for it to close
	held    chan struct{} // closed once InsertBatch is held
	fault   string        // a problem the store noticed in a batch
}

func newBatchStore() *batchStore {
	return &batchStore{codes: map[string]bool{}, keys: map[string]int64{}}
}

// holdNext makes the next InsertBatch wait until release is called.
func (f *batchStore) holdNext() (held <-chan struct{}, release func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hold, f.held = make(chan struct{}), make(chan struct{})
	h := f.hold
	return f.held, func() { close(h) }
}

func (f *batchStore) InsertBatch(ctx context.Context, batch []Pending) ([]error, error) {
	f.mu.Lock()
	if f.hold != nil {
		hold, held := f.hold, f.held
		f.hold = nil
		close(held)
		f.mu.Unlock()
		<-hold
		f.mu.Lock()
	}
	defer f.mu.Unlock()
	units := make([]string, len(batch))
	seen := map[string]bool{}
	for i, p := range batch {
		units[i] = p.Response.Unit
		for _, k := range []string{"c" + p.Response.CodeHash, "k" + p.Response.Key} {
			if len(k) > 1 && seen[k] {
				f.fault = fmt.Sprintf("batch %d repeats %s", len(f.batches)+1, k)
			}
			seen[k] = true
		}
	}
	f.batches = append(f.batches, units)
	for _, p := range batch {
		if p.Response.Unit == "BROKEN" {
			return nil, errors.New("fake: constraint violated")
		}
	}
	outs := make([]error, len(batch))
	for i, p := range batch {
		outs[i] = f.insertLocked(p)
	}
	return outs, nil
}

func (f *batchStore) InsertResponse(ctx context.Context, r *Response, window time.Duration, judge func([]Prior) []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.singles++
	if r.Unit == "BROKEN" {
		return errors.New("fake: constraint violated")
	}
	if r.Unit == "PANIC" {
		panic("fake: a bug")
	}
	return f.insertLocked(Pending{Response: r, Window: window, Judge: judge})
}

func (f *batchStore) insertLocked(p Pending) error {
	r := p.Response
	if id, ok := f.keys[r.Key]; r.Key != "" && ok {
		*r = f.stored[id-1]
		r.Repeat = true
		return nil
	}
	if r.CodeHash != "" {
		used, ok := f.codes[r.CodeHash]
		switch {
		case !ok:
			return ErrCodeUnknown
		case used:
			return ErrCodeUsed
		}
		f.codes[r.CodeHash] = true
	}
	if p.Judge != nil {
		var prior []Prior
		for _, s := range f.stored {
			if s.ClientHash == r.ClientHash && s.Unit == r.Unit {
				prior = append(prior, Prior{Choices: s.Answers.Choices})
			}
		}
		if flags := p.Judge(prior); len(flags) > 0 {
			r.Status, r.Flags = Flagged, flags
		}
	}
	if r.Status == "" {
		r.Status = Valid
	}
	f.nextID++
	r.ID = f.nextID
	f.stored = append(f.stored, *r)
	if r.Key != "" {
		f.keys[r.Key] = r.ID
	}
	return nil
}

// outcome is what one submission through the writer came to.
type outcome struct {
	r   *Response
	err error
}

// inOneBatch stores the responses through the service's writer so that
// they form one batch (fewer if the batch is full): a first answer is held
// in the store while they queue, then released.
func inOneBatch(t *testing.T, svc *Service, f *batchStore, rs ...*Response) []outcome {
	t.Helper()
	held, release := f.holdNext()
	out := make([]outcome, len(rs))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := svc.insert(context.Background(), &Response{Unit: "FIRST", Status: Valid}, 0, nil); err != nil {
			t.Errorf("the first answer: %v", err)
		}
	}()
	<-held
	for i, r := range rs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			judge := func(prior []Prior) []string { return DefaultRules.Judge(r, prior) }
			out[i] = outcome{r, svc.insert(context.Background(), r, time.Minute, judge)}
		}()
		// Queued in order, so that "the first of two" means something.
		for len(svc.writer.queue) < i+1 {
			time.Sleep(100 * time.Microsecond)
		}
	}
	release()
	wg.Wait()
	return out
}

func TestWriterBatches(t *testing.T) {
	answer := func(unit, code, key string) *Response {
		r := &Response{Campaign: 1, Unit: unit, Channel: Web, Answers: Encoded{Choices: "5"}, ClientHash: "c-" + unit, Key: key}
		if code != "" {
			r.CodeHash = HashCode(code)
		}
		return r
	}
	tests := []struct {
		name    string
		max     int
		rs      []*Response
		want    []string // per response: "ok", "repeat of N" (1-based), or the error
		batches []int    // the sizes of the batches after the first
		singles int      // answers stored alone after their batch failed
	}{
		{name: "one transaction for all", max: 64,
			rs:   []*Response{answer("A", "", ""), answer("B", "", ""), answer("C", "", ""), answer("D", "", "")},
			want: []string{"ok", "ok", "ok", "ok"}, batches: []int{4}},
		{name: "at most max a batch", max: 3,
			rs:   []*Response{answer("A", "", ""), answer("B", "", ""), answer("C", "", ""), answer("D", "", ""), answer("E", "", "")},
			want: []string{"ok", "ok", "ok", "ok", "ok"}, batches: []int{3, 2}},
		{name: "an answer that breaks the batch fails alone", max: 64,
			rs:   []*Response{answer("A", "", ""), answer("BROKEN", "", ""), answer("C", "", "")},
			want: []string{"ok", "fake: constraint violated", "ok"}, batches: []int{3}, singles: 3},
		{name: "a code twice: the first wins", max: 64,
			rs:   []*Response{answer("A", "MA-1", ""), answer("B", "", ""), answer("A", "MA-1", "")},
			want: []string{"ok", "ok", ErrCodeUsed.Error()}, batches: []int{2, 1}},
		{name: "an unknown code fails alone", max: 64,
			rs:   []*Response{answer("A", "MA-404", ""), answer("B", "MA-1", "")},
			want: []string{ErrCodeUnknown.Error(), "ok"}, batches: []int{2}},
		{name: "a key twice: answered as the first", max: 64,
			rs:   []*Response{answer("A", "", "key-00001"), answer("B", "", ""), answer("A", "", "key-00001")},
			want: []string{"ok", "ok", "repeat of 1"}, batches: []int{2, 1}},
		{name: "a key twice with a used code: the same refusal", max: 64,
			rs:   []*Response{answer("A", "MA-USED", "key-00002"), answer("A", "MA-USED", "key-00002")},
			want: []string{ErrCodeUsed.Error(), ErrCodeUsed.Error()}, batches: []int{1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newBatchStore()
			f.codes[HashCode("MA-1")] = false
			f.codes[HashCode("MA-USED")] = true
			svc := NewService(f)
			svc.Batch.Max = tt.max
			out := inOneBatch(t, svc, f, tt.rs...)
			for i, o := range out {
				got := "ok"
				switch {
				case o.err != nil:
					got = o.err.Error()
				case o.r.Repeat:
					got = "repeat of ?"
					for j := range i {
						if out[j].err == nil && out[j].r.ID == o.r.ID {
							got = fmt.Sprintf("repeat of %d", j+1)
						}
					}
				case o.r.ID == 0:
					got = "no id"
				}
				if got != tt.want[i] {
					t.Errorf("answer %d: %s, want %s", i+1, got, tt.want[i])
				}
			}
			var sizes []int
			for _, b := range f.batches[1:] {
				sizes = append(sizes, len(b))
			}
			if !slices.Equal(sizes, tt.batches) {
				t.Errorf("batches after the first: %v, want %v", sizes, tt.batches)
			}
			if f.singles != tt.singles {
				t.Errorf("%d answers stored alone, want %d", f.singles, tt.singles)
			}
			if f.fault != "" {
				t.Error(f.fault)
			}
			// Every answer acknowledged is stored, once.
			ids := map[int64]bool{}
			for _, s := range f.stored {
				ids[s.ID] = true
			}
			for i, o := range out {
				if o.err == nil && !ids[o.r.ID] {
					t.Errorf("answer %d acknowledged with id %d but not stored", i+1, o.r.ID)
				}
			}
		})
	}
}

// TestWriterJudgesWithinBatch: the rules see the same client's answers of
// the batch before their own (the fake store judges in order, as the real
// one does), and an answer is flagged as it would be one by one.
func TestWriterJudgesWithinBatch(t *testing.T) {
	f := newBatchStore()
	svc := NewService(f)
	var rs []*Response
	for range 5 {
		rs = append(rs, &Response{Campaign: 1, Unit: "A", Channel: Web, Answers: Encoded{Choices: "5"}, ClientHash: "one"})
	}
	out := inOneBatch(t, svc, f, rs...)
	for i, o := range out {
		if o.err != nil {
			t.Fatalf("answer %d: %v", i+1, o.err)
		}
		want := Valid
		if i > 0 {
			want = Flagged
		}
		if o.r.Status != want {
			t.Errorf("answer %d: %s %v, want %s", i+1, o.r.Status, o.r.Flags, want)
		}
	}
	if len(f.batches) != 2 || len(f.batches[1]) != 5 {
		t.Errorf("batches: %v", f.batches)
	}
}

// TestWriterQueueBound: a full queue makes submissions wait, then fail as
// busy (unavailable, 503), never grow without bound.
func TestWriterQueueBound(t *testing.T) {
	f := newBatchStore()
	svc := NewService(f)
	svc.Batch.Queue, svc.Batch.QueueWait = 2, 20*time.Millisecond
	held, release := f.holdNext()
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = svc.insert(context.Background(), &Response{Unit: fmt.Sprint("U", i)}, 0, nil)
		}()
		if i == 0 {
			<-held
		}
	}
	for len(svc.writer.queue) < 2 {
		time.Sleep(100 * time.Microsecond)
	}
	err := svc.insert(context.Background(), &Response{Unit: "late"}, 0, nil)
	if !errors.Is(err, ErrBusy) || !errors.Is(err, domain.ErrUnavailable) {
		t.Errorf("a submission finding the queue full: %v, want busy (unavailable)", err)
	}
	release()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("queued answer %d: %v", i, err)
		}
	}
	if len(f.stored) != 3 {
		t.Errorf("%d stored, want 3", len(f.stored))
	}
}

// TestWriterPanic: a panic in the store answers the batch's submissions
// with an error; the writer goes on with the next batch.
func TestWriterPanic(t *testing.T) {
	f := newBatchStore()
	svc := NewService(f)
	out := inOneBatch(t, svc, f, &Response{Unit: "BROKEN"}, &Response{Unit: "PANIC"})
	for i, o := range out {
		if o.err == nil {
			t.Errorf("answer %d of the batch that panicked: no error", i+1)
		}
	}
	if err := svc.insert(context.Background(), &Response{Unit: "A"}, 0, nil); err != nil {
		t.Errorf("after the panic: %v", err)
	}
}

// TestWriterOff: Max 1 stores each answer on its own, without the writer.
func TestWriterOff(t *testing.T) {
	f := newBatchStore()
	svc := NewService(f)
	svc.Batch.Max = 1
	if err := svc.insert(context.Background(), &Response{Unit: "A"}, 0, nil); err != nil {
		t.Fatal(err)
	}
	if f.singles != 1 || len(f.batches) != 0 || svc.writer != nil {
		t.Errorf("%d alone, %d batches", f.singles, len(f.batches))
	}
}
