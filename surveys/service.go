package surveys

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
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
	// SetTransactions records the units' numbers of transactions.
	SetTransactions(ctx context.Context, id int64, transactions map[string]int64) error

	// AddCodes stores one-time codes (their hashes) for a unit; a hash
	// already stored for the campaign is a conflict.
	AddCodes(ctx context.Context, campaign int64, unit string, kind CodeKind, hashes []string) error

	// InsertResponse stores a response durably before it returns. With a
	// CodeHash it consumes the code (used: conflict; unknown or another
	// unit's: invalid). judge receives the same client's responses for the
	// unit within window and returns flags; any flag makes the response
	// flagged. The store sets ID, Status, Flags and SubmittedAt.
	InsertResponse(ctx context.Context, r *Response, window time.Duration, judge func([]Prior) []string) error
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
	Store Store
	// Rules are the integrity rules of public submissions.
	Rules Rules
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// StampTTL is how long a campaign read is trusted without checking
	// that it has not changed (one small query). Changes made through this
	// service show at once; those of another process (the command line, a
	// second server) within StampTTL. 0 checks on every call.
	StampTTL time.Duration

	mu        sync.Mutex
	campaigns map[string]*Campaign
	parsed    map[[2]int64]*Instrument
	checked   map[string]time.Time
}

// NewService returns a service over the store with the default rules.
func NewService(st Store) *Service {
	return &Service{Store: st, Rules: DefaultRules, StampTTL: time.Second}
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
	id, revision, err := s.Store.CampaignStamp(ctx, code)
	if err != nil {
		return nil, err
	}
	if c != nil && c.ID == id && c.Revision == revision {
		s.mu.Lock()
		s.checked[code] = now
		s.mu.Unlock()
		return c, nil
	}
	c, src, err := s.Store.Campaign(ctx, code)
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
	all, err := s.Store.Campaigns(ctx)
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
	// Author is the operator who typed in a paper form.
	Author string
}

// Submit checks and stores a response. It returns only once the response
// is committed. Errors: not found (no such survey), conflict (the survey is
// not open; the code was used), invalid (unit, answers, code: a
// *ValidationError for answers).
func (s *Service) Submit(ctx context.Context, sub Submission) (*Response, error) {
	c, err := s.Campaign(ctx, sub.Campaign)
	if err != nil {
		return nil, err
	}
	switch {
	case c.State == Open:
	case c.State == Closed && !sub.Channel.Public():
		// Paper forms collected before the close may still be typed in.
	default:
		return nil, ErrNotOpen
	}
	if c.Unit(sub.Unit) == nil {
		return nil, ErrUnitNotCovered
	}
	enc, err := c.Instrument.Check(sub.Answers)
	if err != nil {
		return nil, err
	}
	r := &Response{Campaign: c.ID, Unit: sub.Unit, Channel: sub.Channel, Answers: enc, Author: sub.Author}
	if code := NormalizeCode(sub.Code); code != "" {
		r.CodeHash = HashCode(code)
	} else if c.RequireCode {
		return nil, ErrCodeRequired
	}
	if sub.Channel.Public() {
		r.ClientHash = ClientHash(c.Salt, sub.Client)
		if !sub.Shown.IsZero() {
			r.Duration = s.now().Sub(sub.Shown)
		}
	}
	if strings.TrimSpace(sub.Honeypot) != "" {
		// Kept, so that nothing acknowledged is ever lost, but never counted.
		r.Status, r.Flags = Rejected, []string{FlagHoneypot}
		r.CodeHash = "" // a bot does not burn a real code
		if err := s.Store.InsertResponse(ctx, r, 0, nil); err != nil {
			return nil, err
		}
		return r, nil
	}
	rules := s.Rules
	judge := func(prior []Prior) []string { return rules.Judge(r, prior) }
	if err := s.Store.InsertResponse(ctx, r, rules.Window, judge); err != nil {
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
	if err := s.Store.ScanResponses(ctx, c.ID, Valid, t.AddBytes); err != nil {
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
	counts, err := s.Store.CountResponses(ctx, c.ID)
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

// MaxCodes bounds the codes made in one call.
const MaxCodes = 10_000

// NewCodes makes count one-time codes for a unit of a campaign and returns
// them; only their hashes are stored, so they cannot be shown again.
func (s *Service) NewCodes(ctx context.Context, campaign, unit string, count int) ([]string, error) {
	if count < 1 || count > MaxCodes {
		return nil, domain.Invalidf("the number of codes must be between 1 and %d", MaxCodes)
	}
	c, err := s.Campaign(ctx, campaign)
	if err != nil {
		return nil, err
	}
	if c.Unit(unit) == nil {
		return nil, domain.Invalidf("unit %s is not covered by survey %s", unit, c.Code)
	}
	codes := make([]string, count)
	hashes := make([]string, count)
	for i := range codes {
		if codes[i], err = NewCode(); err != nil {
			return nil, err
		}
		hashes[i] = HashCode(codes[i])
	}
	if err := s.Store.AddCodes(ctx, c.ID, unit, PaperCode, hashes); err != nil {
		return nil, err
	}
	return codes, nil
}

// AddDossiers registers dossier numbers of the one-stop system as one-time
// codes of a unit: the citizen who received the service types the number
// in. It returns how many were registered; blank lines are skipped.
func (s *Service) AddDossiers(ctx context.Context, campaign, unit string, numbers []string) (int, error) {
	c, err := s.Campaign(ctx, campaign)
	if err != nil {
		return 0, err
	}
	if c.Unit(unit) == nil {
		return 0, domain.Invalidf("unit %s is not covered by survey %s", unit, c.Code)
	}
	seen := map[string]int{}
	var hashes []string
	var problems []Problem
	for i, n := range numbers {
		norm := NormalizeCode(n)
		if norm == "" {
			continue
		}
		if len(norm) > 64 {
			problems = append(problems, Problem{Line: i + 1, Msg: "a dossier number has at most 64 characters"})
			continue
		}
		if first, dup := seen[norm]; dup {
			problems = append(problems, Problem{Line: i + 1, Msg: fmt.Sprintf("dossier %s already appears on line %d", n, first)})
			continue
		}
		seen[norm] = i + 1
		hashes = append(hashes, HashCode(norm))
	}
	if len(problems) > 0 {
		return 0, &ValidationError{Problems: problems}
	}
	if len(hashes) == 0 {
		return 0, domain.Invalidf("no dossier numbers given")
	}
	if err := s.Store.AddCodes(ctx, c.ID, unit, DossierCode, hashes); err != nil {
		return 0, err
	}
	return len(hashes), nil
}

// SaveInstrument checks an instrument file and saves it for a period.
func (s *Service) SaveInstrument(ctx context.Context, period string, src []byte) (*StoredInstrument, error) {
	period = strings.TrimSpace(period)
	if period == "" {
		return nil, domain.Invalidf("the period is empty")
	}
	ins, err := ParseInstrument(bytes.NewReader(src))
	if err != nil {
		return nil, err
	}
	si, err := s.Store.SaveInstrument(ctx, period, ins, src)
	if err == nil {
		s.mu.Lock()
		clear(s.campaigns) // a draft campaign asking it must be read again
		s.mu.Unlock()
	}
	return si, err
}

// Instrument returns a stored instrument with its parsed form.
func (s *Service) Instrument(ctx context.Context, id int64) (*StoredInstrument, error) {
	si, err := s.Store.InstrumentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if si.Instrument, err = ParseInstrument(bytes.NewReader(si.Source)); err != nil {
		return nil, fmt.Errorf("surveys: stored instrument %d: %w", id, err)
	}
	return si, nil
}

// CampaignSpec describes a new campaign.
type CampaignSpec struct {
	Code        string
	Name        string
	Period      string
	Instrument  string // the instrument's code, stored for the period
	Units       []CampaignUnit
	Margin      scoring.Decimal // zero: DefaultMargin
	Formula     Formula
	RequireCode bool
}

var campaignCode = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// CreateCampaign checks a campaign and stores it in draft.
func (s *Service) CreateCampaign(ctx context.Context, spec CampaignSpec) (*Campaign, error) {
	var problems []string
	if !campaignCode.MatchString(spec.Code) {
		problems = append(problems, fmt.Sprintf("survey id %q must be 1 to 40 lowercase letters, digits or '-'", spec.Code))
	}
	if strings.TrimSpace(spec.Name) == "" {
		problems = append(problems, "the name is empty")
	}
	if spec.Margin.IsZero() {
		spec.Margin = DefaultMargin
	}
	if !spec.Margin.IsPositive() || spec.Margin.GreaterThanOrEqual(dOne) {
		problems = append(problems, fmt.Sprintf("margin %s must be between 0 and 1 (e.g. 0.05)", spec.Margin))
	}
	f, err := ParseFormula(string(spec.Formula))
	if err != nil {
		problems = append(problems, err.Error())
	}
	if len(spec.Units) == 0 {
		problems = append(problems, "the survey covers no units")
	}
	for _, u := range spec.Units {
		if u.Transactions < 0 {
			problems = append(problems, fmt.Sprintf("unit %s: the number of transactions is negative", u.Code))
		}
	}
	var si *StoredInstrument
	list, err := s.Store.Instruments(ctx)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].Code == spec.Instrument && list[i].Period == spec.Period {
			si = &list[i]
		}
	}
	if si == nil {
		problems = append(problems, fmt.Sprintf("instrument %s is not stored for period %s", spec.Instrument, spec.Period))
	}
	if len(problems) > 0 {
		return nil, domain.Invalidf("%s", strings.Join(problems, "\n"))
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return nil, fmt.Errorf("surveys: salt: %w", err)
	}
	c := &Campaign{Code: spec.Code, Name: strings.TrimSpace(spec.Name), Period: spec.Period, State: Draft,
		Formula: f, Margin: spec.Margin, RequireCode: spec.RequireCode, Salt: hex.EncodeToString(salt),
		InstrumentID: si.ID, InstrumentCode: si.Code, InstrumentVersion: si.Version, Units: spec.Units}
	if err := s.Store.CreateCampaign(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// SetState moves a campaign: draft → open, open → closed, closed → open.
// Once open, its instrument is locked.
func (s *Service) SetState(ctx context.Context, code string, to State) error {
	c, err := s.Campaign(ctx, code)
	if err != nil {
		return err
	}
	switch {
	case c.State == to:
		return nil
	case to == Open, to == Closed && c.State == Open:
	default:
		return domain.Conflictf("survey %s cannot move from %s to %s", c.Code, c.State, to)
	}
	defer s.forget(code)
	return s.Store.SetCampaignState(ctx, c.ID, to)
}

// SetTransactions records units' numbers of transactions, which set their
// target samples.
func (s *Service) SetTransactions(ctx context.Context, code string, transactions map[string]int64) error {
	c, err := s.Campaign(ctx, code)
	if err != nil {
		return err
	}
	var problems []string
	for u, n := range transactions {
		if c.Unit(u) == nil {
			problems = append(problems, fmt.Sprintf("unit %s is not covered by survey %s", u, c.Code))
		}
		if n < 0 {
			problems = append(problems, fmt.Sprintf("unit %s: the number of transactions is negative", u))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return domain.Invalidf("%s", strings.Join(problems, "\n"))
	}
	defer s.forget(code)
	return s.Store.SetTransactions(ctx, c.ID, transactions)
}

// Review moves a response to a status with a reason; the decision is kept
// in the audit trail.
func (s *Service) Review(ctx context.Context, campaign string, id int64, to Status, reason, author string) error {
	c, err := s.Campaign(ctx, campaign)
	if err != nil {
		return err
	}
	if strings.TrimSpace(reason) == "" {
		return domain.Invalidf("a review needs a reason")
	}
	if to == Flagged {
		return domain.Invalidf("a response can be made valid or rejected, not flagged")
	}
	return s.Store.ReviewResponse(ctx, c.ID, id, to, strings.TrimSpace(reason), author)
}

// indexUnits prepares Unit's lookup; the service calls it before sharing a
// campaign.
func (c *Campaign) indexUnits() {
	c.byUnit = make(map[string]int, len(c.Units))
	for i, u := range c.Units {
		c.byUnit[u.Code] = i
	}
}
