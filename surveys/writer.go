package surveys

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/parindex/parindex/domain"
)

// Pending is a response waiting to be stored, with what judges it: the
// window of the same client's earlier responses and the rules' verdict
// over them (nil: not judged). See Store.InsertResponse.
type Pending struct {
	Response *Response
	Window   time.Duration
	Judge    func([]Prior) []string
}

// BatchOptions configure how the service stores public submissions:
// answers arriving together are committed in one transaction (one flush
// to disk for many), each still checked on its own and acknowledged only
// once its transaction has committed.
type BatchOptions struct {
	// Max is the most answers in one transaction; 1 or less stores each
	// answer in a transaction of its own.
	Max int
	// Queue bounds the answers waiting for a transaction; when it is full,
	// submissions wait for room, at most QueueWait, then fail as the
	// database being unavailable (503, try again).
	Queue     int
	QueueWait time.Duration
	// Linger is how long the writer waits for more answers once one has
	// arrived; 0 takes only those already waiting. While a transaction
	// commits, the next answers gather anyway.
	Linger time.Duration
	// Timeout bounds one transaction (and the retries after it failed).
	Timeout time.Duration
}

// DefaultBatch is the service's batching: up to 64 answers a transaction.
var DefaultBatch = BatchOptions{Max: 64, Queue: 1024, QueueWait: 10 * time.Second, Timeout: 30 * time.Second}

// ErrBusy is the refusal of an answer that found no room in the writer's
// queue in time: nothing was stored, and the sender should try again in a
// moment. It is domain.ErrUnavailable (503), but no fault of the database.
var ErrBusy = fmt.Errorf("surveys: too many answers waiting to be stored: %w", domain.ErrUnavailable)

// writer gathers the answers submitted concurrently and stores them in
// batches (Store.InsertBatch). Its goroutine runs while there is work and
// ends when the queue is empty.
type writer struct {
	st    Store
	opts  BatchOptions
	queue chan *pending

	mu      sync.Mutex
	running bool
}

// pending is an answer in the writer's queue.
type pending struct {
	Pending
	orig Response   // the response as submitted, for a retry on its own
	done chan error // its outcome, once committed or refused
}

func newWriter(st Store, opts BatchOptions) *writer {
	if opts.Queue < 1 {
		opts.Queue = DefaultBatch.Queue
	}
	if opts.QueueWait <= 0 {
		opts.QueueWait = DefaultBatch.QueueWait
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultBatch.Timeout
	}
	return &writer{st: st, opts: opts, queue: make(chan *pending, opts.Queue)}
}

// insert stores a response through the writer and returns its outcome
// once its batch has committed (or it was refused).
func (w *writer) insert(ctx context.Context, p Pending) error {
	it := &pending{Pending: p, orig: *p.Response, done: make(chan error, 1)}
	select {
	case w.queue <- it:
	default:
		t := time.NewTimer(w.opts.QueueWait)
		select {
		case w.queue <- it:
			t.Stop()
		case <-t.C:
			return ErrBusy
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
	w.mu.Lock()
	if !w.running {
		w.running = true
		go w.run()
	}
	w.mu.Unlock()
	// Once queued the answer will be stored whatever becomes of the
	// request: wait for the outcome, which comes within opts.Timeout.
	return <-it.done
}

// run stores batches until the queue is empty.
func (w *writer) run() {
	var batch, carry []*pending
	for {
		batch, carry = w.gather(batch[:0], carry)
		if len(batch) == 0 {
			w.mu.Lock()
			if len(w.queue) == 0 {
				w.running = false
				w.mu.Unlock()
				return
			}
			w.mu.Unlock()
			continue
		}
		w.commit(batch)
	}
}

// gather takes the next batch: the answers carried over first, then those
// waiting, up to opts.Max (lingering if configured). An answer that
// repeats a one-time code or a device key of one already in the batch is
// carried over to the next batch, so that it meets the first one's
// committed outcome exactly as it would one stored earlier: a used code,
// or the stored response (a repeat).
func (w *writer) gather(batch, carry []*pending) ([]*pending, []*pending) {
	seen := map[string]bool{}
	var next []*pending
	add := func(p *pending) {
		r := p.Response
		var keys []string
		if r.CodeHash != "" {
			keys = append(keys, fmt.Sprintf("c%d/%s", r.Campaign, r.CodeHash))
		}
		if r.Key != "" {
			keys = append(keys, fmt.Sprintf("k%d/%s", r.Campaign, r.Key))
		}
		for _, k := range keys {
			if seen[k] {
				next = append(next, p)
				return
			}
		}
		for _, k := range keys {
			seen[k] = true
		}
		batch = append(batch, p)
	}
	for _, p := range carry {
		if len(batch) < w.opts.Max {
			add(p)
		} else {
			next = append(next, p)
		}
	}
	if len(batch) == 0 {
		select {
		case p := <-w.queue:
			add(p)
		default:
			return batch, next
		}
	}
	var linger <-chan time.Time
	if w.opts.Linger > 0 {
		t := time.NewTimer(w.opts.Linger)
		defer t.Stop()
		linger = t.C
	}
	for len(batch) < w.opts.Max && len(next) < w.opts.Max {
		select {
		case p := <-w.queue:
			add(p)
			continue
		default:
		}
		if linger == nil {
			break
		}
		select {
		case p := <-w.queue:
			add(p)
			continue
		case <-linger:
		}
		break
	}
	return batch, next
}

// commit stores a batch and hands every answer its outcome. When the
// transaction fails as a whole (nothing of it was stored) each answer is
// tried again on its own, so that an answer that breaks the transaction
// fails alone.
func (w *writer) commit(batch []*pending) {
	ctx, cancel := context.WithTimeout(context.Background(), w.opts.Timeout)
	defer cancel()
	delivered := false
	defer func() {
		// A panic in the store is a bug: no request handler's recovery
		// sees this goroutine, so answer every waiting submission with it
		// (500) rather than end the server or leave them waiting.
		if v := recover(); v != nil && !delivered {
			for _, p := range batch {
				p.done <- fmt.Errorf("surveys: storing a batch: panic: %v", v)
			}
		}
	}()
	ps := make([]Pending, len(batch))
	for i, p := range batch {
		ps[i] = p.Pending
	}
	outs, err := w.st.InsertBatch(ctx, ps)
	if err != nil || len(outs) != len(batch) {
		outs = make([]error, len(batch))
		for i, p := range batch {
			*p.Response = p.orig
			outs[i] = w.st.InsertResponse(ctx, p.Response, p.Window, p.Judge)
		}
	}
	delivered = true
	for i, p := range batch {
		p.done <- outs[i]
	}
}
