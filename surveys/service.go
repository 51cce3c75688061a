package surveys

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// Store is what the survey service needs from storage. The store package
// implements it. Errors of the kinds in package domain are returned as they
// are.
type Store interface {
	// SaveInstrument adds or replaces the instrument of its code in a
	// period (creating the period if needed); replacing a locked one is a
	// conflict.
	SaveInstrument(ctx context.Context, period string, ins *Instrument, src []byte) (*StoredInstrument, error)
	// Instruments lists every stored instrument (without the parsed form).
	Instruments(ctx context.Context) ([]StoredInstrument, error)
	// InstrumentByID returns one stored instrument, or a not-found error.
	InstrumentByID(ctx context.Context, id int64) (*StoredInstrument, error)

	// CreateCampaign stores a new campaign in draft with its units.
	CreateCampaign(ctx context.Context, c *Campaign) error
	// CampaignStamp returns a campaign's id and revision, cheaply.
	CampaignStamp(ctx context.Context, code string) (id, revision int64, err error)
	// Campaign returns a campaign with its units and its instrument's
	// source in InstrumentSource.
	Campaign(ctx context.Context, code string) (*Campaign, []byte, error)
	// Campaigns lists every campaign with its units, newest period first.
	Campaigns(ctx context.Context) ([]Campaign, error)
	// SetCampaignState moves a campaign to a state (the service checks the move).
	SetCampaignState(ctx context.Context, id int64, st State) error
	// SetOpeningHours records a campaign's opening hours ("" for the
	// province's).
	SetOpeningHours(ctx context.Context, id int64, spec string) error
	// SetTransactions records the units' numbers of transactions.
	SetTransactions(ctx context.Context, id int64, transactions map[string]int64) error

	// AddCodes stores one-time codes (their hashes) for a unit; a hash
	// already stored for the campaign is a conflict.
	AddCodes(ctx context.Context, campaign int64, unit string, kind CodeKind, hashes []string) error

	// InsertResponse stores one response durably before it returns: one
	// answer in, one outcome out. With a CodeHash it consumes the code
	// (used: conflict; unknown or another unit's: invalid) and a public
	// channel becomes the code's (Channel.WithCode). judge receives the same
	// client's responses for the unit within window and returns flags; any
	// flag makes the response flagged. The store sets ID, Status, Flags and
	// SubmittedAt. With a Key already stored for the campaign nothing is
	// stored: r becomes the stored response, with Repeat set.
	InsertResponse(ctx context.Context, r *Response, window time.Duration, judge func([]Prior) []string) error
	// Receipt returns what became of a keyed submission the first time:
	// the stored response or the remembered refusal; nil when the key is
	// new.
	Receipt(ctx context.Context, campaign int64, key string) (*Receipt, error)
	// RecordRefusal remembers that a keyed submission was refused; a key
	// already remembered is left as it is.
	RecordRefusal(ctx context.Context, campaign int64, key string, reason Refusal, detail string) error
	// InsertBatch stores responses in one transaction, each checked as
	// InsertResponse checks it, in order (a code used by an earlier
	// response of the batch is used; the judges see the earlier responses
	// of the batch), and returns each one's outcome: nil when it was stored
	// or is a repeat, else its refusal. An error means that the
	// transaction failed and nothing of the batch was stored; so does a
	// device key repeated within the batch.
	InsertBatch(ctx context.Context, batch []Pending) ([]error, error)
	// InsertResponses stores responses all or nothing, consuming their
	// codes; a failure names the response's index in a *RowError.
	InsertResponses(ctx context.Context, rs []*Response) error
	// ScanResponses calls fn with the unit and encoded choices of every
	// response of the campaign with the status.
	ScanResponses(ctx context.Context, campaign int64, status Status, fn func(unit string, choices []byte)) error
	// CountResponses counts a campaign's responses per unit and status.
	CountResponses(ctx context.Context, campaign int64) (map[string]map[Status]int, error)
	// Responses lists a campaign's responses with a status, newest first,
	// at most limit.
	Responses(ctx context.Context, campaign int64, status Status, limit int) ([]Response, error)
	// ReviewResponse moves a response to a status and logs the decision.
	ReviewResponse(ctx context.Context, campaign, id int64, to Status, reason, author string) error
	// Reviews lists the decisions on a campaign's responses, newest first.
	Reviews(ctx context.Context, campaign int64, limit int) ([]Review, error)
}

// RowError is a failure to store the response at Index of a batch.
type RowError struct {
	Index int
	Err   error
}

func (e *RowError) Error() string { return fmt.Sprintf("response %d: %v", e.Index+1, e.Err) }
func (e *RowError) Unwrap() error { return e.Err }

// Service runs surveys: it is what the web server and the command line
// call.
type Service struct {
	// store is the service's own: callers go through the service.
	store Store
	// Rules are the integrity rules of public submissions.
	Rules Rules
	// Hours are the province's opening hours of the desks (ParseHours),
	// for the surveys that name none; empty is DefaultHours.
	Hours string
	// Patterns are the thresholds of the pattern flags; the zero value
	// uses DefaultPatterns.
	Patterns Patterns
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// StampTTL is how long a campaign read is trusted without checking
	// that it has not changed (one small query). Changes made through this
	// service show at once; those of another process (the command line, a
	// second server) within StampTTL. 0 checks on every call.
	StampTTL time.Duration
	// Batch configures the writer that commits concurrent submissions
	// together; set it before the first submission. NewService sets
	// DefaultBatch.
	Batch BatchOptions

	mu        sync.Mutex
	writer    *writer
	campaigns map[string]*Campaign
	parsed    map[[2]int64]*Instrument
	checked   map[string]time.Time
}

// NewService returns a service over the store with the default rules.
func NewService(st Store) *Service {
	return &Service{store: st, Rules: DefaultRules, StampTTL: time.Second, Batch: DefaultBatch}
}

// insert stores a response through the batching writer, or on its own
// when batching is off, and returns once it is committed.
func (s *Service) insert(ctx context.Context, r *Response, window time.Duration, judge func([]Prior) []string) error {
	if s.Batch.Max <= 1 {
		return s.store.InsertResponse(ctx, r, window, judge)
	}
	s.mu.Lock()
	if s.writer == nil {
		s.writer = newWriter(s.store, s.Batch)
	}
	w := s.writer
	s.mu.Unlock()
	return w.insert(ctx, Pending{Response: r, Window: window, Judge: judge})
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Campaign returns a campaign with its parsed instrument. It is cached
// and read again only when the campaign changed, so that the hot path of a
// submission costs one small query. The result is shared: do not modify it.
func (s *Service) Campaign(ctx context.Context, code string) (*Campaign, error) {
	now := time.Now()
	s.mu.Lock()
	c := s.campaigns[code]
	checked := s.checked[code]
	s.mu.Unlock()
	if c != nil && s.StampTTL > 0 && now.Sub(checked) < s.StampTTL {
		return c, nil
	}
	id, revision, err := s.store.CampaignStamp(ctx, code)
	if err != nil {
		return nil, err
	}
	if c != nil && c.ID == id && c.Revision == revision {
		s.mu.Lock()
		s.checked[code] = now
		s.mu.Unlock()
		return c, nil
	}
	c, src, err := s.store.Campaign(ctx, code)
	if err != nil {
		return nil, err
	}
	key := [2]int64{c.InstrumentID, c.InstrumentVersion}
	s.mu.Lock()
	ins := s.parsed[key]
	s.mu.Unlock()
	if ins == nil {
		if ins, err = ParseInstrument(bytes.NewReader(src)); err != nil {
			return nil, fmt.Errorf("surveys: instrument of campaign %s: %w", code, err)
		}
	}
	c.Instrument = ins
	c.indexUnits()
	s.mu.Lock()
	if s.campaigns == nil {
		s.campaigns, s.parsed, s.checked = map[string]*Campaign{}, map[[2]int64]*Instrument{}, map[string]time.Time{}
	}
	s.campaigns[code], s.parsed[key], s.checked[code] = c, ins, now
	s.mu.Unlock()
	return c, nil
}

// forget drops a campaign from the cache after this service changed it.
func (s *Service) forget(code string) {
	s.mu.Lock()
	delete(s.campaigns, code)
	s.mu.Unlock()
}

// OpenCampaigns lists the open campaigns, those covering the unit only when
// unit is not empty.
func (s *Service) OpenCampaigns(ctx context.Context, unit string) ([]Campaign, error) {
	all, err := s.store.Campaigns(ctx)
	if err != nil {
		return nil, err
	}
	var out []Campaign
	for _, c := range all {
		if c.State != Open {
			continue
		}
		if unit != "" && c.Unit(unit) == nil {
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

// Submission is a questionnaire as it arrives.
type Submission struct {
	Campaign string
	Unit     string
	// Code is a one-time code or a registered dossier number, if any.
	Code string
	// Answers maps question codes to the values as typed.
	Answers map[string]string
	Channel Channel
	// Client is the submitting client's address (public channels).
	Client string
	// Shown is when the form was shown, zero when unknown.
	Shown time.Time
	// Honeypot is the content of the field people never see.
	Honeypot string
	// Author is the operator who typed in a paper form, or the interviewer.
	Author string
	// Key is the id the device made for this answer (CheckKey), if any: a
	// repeat with the same key stores nothing new and gets the first
	// outcome.
	Key string
	// AnsweredAt is when the device says the answer was given (an answer
	// queued offline); zero when unknown. A time in the future, or more
	// than MaxQueueAge before arrival, is not believed.
	AnsweredAt time.Time
	// Interviewer is the interviewer who collected the answer (channel
	// Interview), nil otherwise.
	Interviewer *Interviewer
}

// MaxQueueAge is how long before its arrival an answer may say it was
// given: a device offline for longer is not believed (its clock may be
// wrong), and the answer counts as given when it arrived.
const MaxQueueAge = 60 * 24 * time.Hour

// Submit checks and stores a response. It returns only once the response
// is committed. Errors: not found (no such survey), conflict (the survey is
// not open; the code was used), invalid (unit, answers, code: a
// *ValidationError for answers).
//
// A submission with a Key is answered as its key's first arrival was: the
// stored response (Repeat set, nothing stored again) or the same refusal.
func (s *Service) Submit(ctx context.Context, sub Submission) (*Response, error) {
	c, err := s.Campaign(ctx, sub.Campaign)
	if err != nil {
		return nil, err
	}
	if err := CheckKey(sub.Key); err != nil {
		return nil, err
	}
	if sub.Key != "" {
		rc, err := s.store.Receipt(ctx, c.ID, sub.Key)
		if err != nil {
			return nil, err
		}
		if rc != nil && rc.Response != nil {
			return rc.Response, nil
		}
		if rc != nil {
			return nil, rc.Err()
		}
	}
	r, err := s.submit(ctx, c, sub)
	if err != nil && sub.Key != "" {
		if reason, detail, ok := RefusalOf(err); ok {
			if rerr := s.store.RecordRefusal(ctx, c.ID, sub.Key, reason, detail); rerr != nil {
				return nil, rerr
			}
		}
	}
	return r, err
}

func (s *Service) submit(ctx context.Context, c *Campaign, sub Submission) (*Response, error) {
	switch {
	case c.State == Open:
	case c.State == Closed && !sub.Channel.Public():
		// Paper forms and interviews collected before the close may still
		// be typed in or arrive.
	default:
		return nil, ErrNotOpen
	}
	if c.Unit(sub.Unit) == nil {
		return nil, ErrUnitNotCovered
	}
	if sub.Interviewer != nil && !sub.Interviewer.Covers(sub.Unit) {
		return nil, ErrUnitNotCovered
	}
	enc, err := c.Instrument.Check(sub.Answers)
	if err != nil {
		return nil, err
	}
	now := s.now()
	r := &Response{Campaign: c.ID, Unit: sub.Unit, Channel: sub.Channel, Answers: enc, Author: sub.Author, Key: sub.Key}
	if at := sub.AnsweredAt; !at.IsZero() && !at.After(now) && now.Sub(at) <= MaxQueueAge {
		r.AnsweredAt = at
	}
	if sub.Interviewer != nil {
		r.Channel, r.Interviewer, r.Author = Interview, sub.Interviewer.ID, sub.Interviewer.Name
	}
	if code := NormalizeCode(sub.Code); code != "" {
		r.CodeHash = HashCode(code)
	} else if c.RequireCode {
		return nil, ErrCodeRequired
	}
	if r.Channel.Public() {
		r.ClientHash = ClientHash(c.Salt, sub.Client)
		if !sub.Shown.IsZero() {
			r.Duration = now.Sub(sub.Shown)
		}
	}
	if strings.TrimSpace(sub.Honeypot) != "" {
		// Kept, so that nothing acknowledged is ever lost, but never counted.
		r.Status, r.Flags = Rejected, []string{FlagHoneypot}
		r.CodeHash = "" // a bot does not burn a real code
		if err := s.insert(ctx, r, 0, nil); err != nil {
			return nil, err
		}
		return r, nil
	}
	rules := s.Rules
	judge := func(prior []Prior) []string { return rules.Judge(r, prior) }
	if err := s.insert(ctx, r, rules.Window, judge); err != nil {
		return nil, err
	}
	return r, nil
}

// Results computes every index of a campaign from its valid responses.
func (s *Service) Results(ctx context.Context, code string) (*Campaign, *Results, error) {
	c, err := s.Campaign(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	t := NewTally(c.Instrument)
	if err := s.store.ScanResponses(ctx, c.ID, Valid, t.AddBytes); err != nil {
		return nil, nil, err
	}
	return c, t.Results(c.Options()), nil
}

// Options are the campaign's options for computing results: its formula,
// units, groups and targets.
func (c *Campaign) Options() Options {
	opts := Options{Formula: c.Formula, Targets: map[string]int64{}, Groups: map[string]string{}}
	for _, u := range c.Units {
		opts.Units = append(opts.Units, u.Code)
		opts.Targets[u.Code] = SampleSize(u.Transactions, c.Margin)
		opts.Groups[u.Code] = u.Group
	}
	return opts
}

// Progress returns each unit's responses against its target, by unit code.
func (s *Service) Progress(ctx context.Context, code string) (*Campaign, []UnitProgress, error) {
	c, err := s.Campaign(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	counts, err := s.store.CountResponses(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	out := make([]UnitProgress, 0, len(c.Units))
	for _, u := range c.Units {
		n := counts[u.Code]
		out = append(out, UnitProgress{CampaignUnit: u, Target: SampleSize(u.Transactions, c.Margin),
			Valid: n[Valid], Flagged: n[Flagged], Rejected: n[Rejected]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return c, out, nil
}

// indexUnits prepares Unit's lookup; the service calls it before sharing a
// campaign.
func (c *Campaign) indexUnits() {
	c.byUnit = make(map[string]int, len(c.Units))
	for i, u := range c.Units {
		c.byUnit[u.Code] = i
	}
}
