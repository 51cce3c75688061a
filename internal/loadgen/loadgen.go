// Package loadgen sends public survey submissions to a parindex server on
// this machine and measures what came back: how many were acknowledged
// (201), their ids, the rate and the latency percentiles. The benchmarks
// and the crash test use it.
//
// It only ever talks to loopback addresses, and every run is bounded in
// both requests and time.
package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// Question is a question of the survey, as the API describes it.
type Question struct {
	Code     string `json:"code"`
	Required bool   `json:"required"`
	Type     string `json:"type"`
	Answers  []struct {
		Value int `json:"value"`
	} `json:"answers"`
}

// Survey is what the load needs to know of a survey: its questions and units.
type Survey struct {
	ID        string     `json:"id"`
	Questions []Question `json:"questions"`
	Units     []struct {
		Code string `json:"code"`
	} `json:"units"`
}

// Config is one run.
type Config struct {
	// BaseURL is the server, e.g. http://127.0.0.1:8080; it must be a
	// loopback address.
	BaseURL string
	Survey  *Survey
	// Workers send concurrently, each one request at a time.
	Workers int
	// Duration and MaxRequests bound the run (both required).
	Duration    time.Duration
	MaxRequests int
	// ForwardedFor sends a different client address per request in
	// X-Forwarded-For (from the benchmarking range 198.18.0.0/15), for a
	// server that trusts its proxy: each simulated citizen is a client of
	// its own, as on the real network.
	ForwardedFor bool
	Seed         uint64
	// Acked, when set, counts the acknowledged submissions as they come.
	Acked *atomic.Int64
}

// Ack is a submission the server acknowledged with 201.
type Ack struct {
	ID   int64
	Unit string
}

// Result is what a run measured.
type Result struct {
	Sent     int
	Statuses map[int]int
	// Failed counts requests without an HTTP answer (connection refused or
	// reset, timeouts).
	Failed    int
	Acks      []Ack
	Latencies []time.Duration // of the acknowledged submissions
	Elapsed   time.Duration
}

// Rate is the acknowledged submissions per second.
func (r *Result) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(len(r.Acks)) / r.Elapsed.Seconds()
}

// Percentile returns the latency below which a share q (0..1) of the
// acknowledged submissions fell.
func (r *Result) Percentile(q float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	l := slices.Clone(r.Latencies)
	slices.Sort(l)
	i := int(q*float64(len(l))+0.5) - 1
	return l[max(0, min(i, len(l)-1))]
}

// checkLoopback refuses any server that is not on this machine.
func checkLoopback(base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return fmt.Errorf("loadgen: %w", err)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("loadgen: %s is not a loopback address; the load generator only targets this machine", host)
	}
	return nil
}

// Fetch reads a survey's questions and units from the API.
func Fetch(ctx context.Context, base, survey string) (*Survey, error) {
	if err := checkLoopback(base); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/surveys/"+url.PathEscape(survey), nil)
	if err != nil {
		return nil, err
	}
	res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return nil, fmt.Errorf("loadgen: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("loadgen: GET survey %s: %s", survey, res.Status)
	}
	var s Survey
	if err := json.NewDecoder(res.Body).Decode(&s); err != nil {
		return nil, fmt.Errorf("loadgen: %w", err)
	}
	if len(s.Units) == 0 || len(s.Questions) == 0 {
		return nil, errors.New("loadgen: the survey has no units or no questions")
	}
	return &s, nil
}

// forms holds a survey's unit and question codes quoted as JSON once, so
// that drawing a body costs the load generator little of the CPU it shares
// with the server it measures.
type forms struct {
	survey   *Survey
	units    [][]byte // `"unit":"CODE"`
	question [][]byte // `"CODE":`
}

func newForms(s *Survey) *forms {
	f := &forms{survey: s}
	for _, u := range s.Units {
		code, _ := json.Marshal(u.Code)
		f.units = append(f.units, append([]byte(`{"unit":`), code...))
	}
	for _, q := range s.Questions {
		code, _ := json.Marshal(q.Code)
		f.question = append(f.question, append(code, ':'))
	}
	return f
}

// body draws one plausible questionnaire: every required question and
// about two thirds of the others answered at random. It appends to buf.
func (f *forms) body(buf []byte, r *rand.Rand) ([]byte, string) {
	u := r.IntN(len(f.survey.Units))
	buf = append(buf, f.units[u]...)
	buf = append(buf, `,"answers":{`...)
	first := true
	for i, q := range f.survey.Questions {
		if len(q.Answers) == 0 || (!q.Required && r.IntN(3) == 0) {
			continue
		}
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = append(buf, f.question[i]...)
		buf = strconv.AppendInt(buf, int64(q.Answers[r.IntN(len(q.Answers))].Value), 10)
	}
	return append(buf, "}}"...), f.survey.Units[u].Code
}

// benchAddr appends the address of simulated client n, in the
// benchmarking range 198.18.0.0/15.
func benchAddr(buf []byte, n int64) []byte {
	buf = append(buf, "198."...)
	buf = strconv.AppendInt(buf, 18+(n>>16)&1, 10)
	buf = append(buf, '.')
	buf = strconv.AppendInt(buf, (n>>8)&0xff, 10)
	buf = append(buf, '.')
	return strconv.AppendInt(buf, n&0xff, 10)
}

// Run sends submissions until MaxRequests were sent, Duration passed or ctx
// ends, and returns what came back.
//
// The requests go through fasthttp's client rather than net/http's: on a
// machine the load generator shares with the server and the database it
// measures, net/http's per-connection reader and writer goroutines cost it
// about 70 µs of CPU per submission, several times what pgbench's client
// costs the floor it is compared with. A failed POST is never retried: only
// what the server acknowledged counts.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if err := checkLoopback(cfg.BaseURL); err != nil {
		return nil, err
	}
	if cfg.Workers < 1 || cfg.Duration <= 0 || cfg.MaxRequests < 1 || cfg.Survey == nil {
		return nil, errors.New("loadgen: workers, duration, max requests and the survey are required")
	}
	base, err := url.Parse(cfg.BaseURL)
	if err != nil || base.Scheme != "http" || base.Port() == "" {
		return nil, fmt.Errorf("loadgen: %s: the server must be http://HOST:PORT", cfg.BaseURL)
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	hc := &fasthttp.HostClient{
		Addr: base.Host, MaxConns: cfg.Workers, NoDefaultUserAgentHeader: true,
		ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second,
		RetryIfErr: func(*fasthttp.Request, int, error) (bool, bool) { return false, false },
	}
	defer hc.CloseIdleConnections()
	endpoint := cfg.BaseURL + "/api/v1/surveys/" + url.PathEscape(cfg.Survey.ID) + "/responses"
	var next atomic.Int64
	var mu sync.Mutex
	res := &Result{Statuses: map[int]int{}}
	var wg sync.WaitGroup
	f := newForms(cfg.Survey)
	start := time.Now()
	for w := range cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(cfg.Seed, uint64(w)))
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			req.Header.SetMethod(fasthttp.MethodPost)
			req.SetRequestURI(endpoint)
			req.Header.SetContentType("application/json")
			var body, ip []byte
			for ctx.Err() == nil {
				n := next.Add(1)
				if n > int64(cfg.MaxRequests) {
					return
				}
				var unit string
				body, unit = f.body(body[:0], r)
				req.SetBodyRaw(body)
				if cfg.ForwardedFor {
					ip = benchAddr(ip[:0], n)
					req.Header.SetBytesV("X-Forwarded-For", ip)
				}
				t0 := time.Now()
				if err := hc.Do(req, resp); err != nil {
					mu.Lock()
					res.Sent++
					res.Failed++
					mu.Unlock()
					if ctx.Err() == nil {
						time.Sleep(5 * time.Millisecond) // a dead server: do not spin
					}
					continue
				}
				took := time.Since(t0)
				status := resp.StatusCode()
				id := int64(0)
				if status == http.StatusCreated {
					id = ackID(resp.Body())
				}
				acked := id > 0
				mu.Lock()
				res.Sent++
				res.Statuses[status]++
				if acked {
					res.Acks = append(res.Acks, Ack{ID: id, Unit: unit})
					res.Latencies = append(res.Latencies, took)
					if cfg.Acked != nil {
						cfg.Acked.Add(1)
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	return res, nil
}

// ackID reads the id of an acknowledgement, {"id":N,...}: as the server
// writes it, without decoding the whole object; any other form of JSON is
// decoded. 0 when there is none.
func ackID(body []byte) int64 {
	if rest, ok := bytes.CutPrefix(body, []byte(`{"id":`)); ok {
		if end := bytes.IndexAny(rest, ",}"); end > 0 {
			if id, err := strconv.ParseInt(string(rest[:end]), 10, 64); err == nil {
				return id
			}
		}
	}
	var ack struct {
		ID int64 `json:"id"`
	}
	if json.Unmarshal(body, &ack) != nil {
		return 0
	}
	return ack.ID
}
