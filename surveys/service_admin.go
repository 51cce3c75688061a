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

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// The secretariat's side of the service: one-time codes, questionnaires,
// surveys, their states and transactions, and the review of responses.

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
	if err := s.store.AddCodes(ctx, c.ID, unit, PaperCode, hashes); err != nil {
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
	if err := s.store.AddCodes(ctx, c.ID, unit, DossierCode, hashes); err != nil {
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
	si, err := s.store.SaveInstrument(ctx, period, ins, src)
	if err == nil {
		s.mu.Lock()
		clear(s.campaigns) // a draft campaign asking it must be read again
		s.mu.Unlock()
	}
	return si, err
}

// Instrument returns a stored instrument with its parsed form.
func (s *Service) Instrument(ctx context.Context, id int64) (*StoredInstrument, error) {
	si, err := s.store.InstrumentByID(ctx, id)
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
	// OpeningHours are the desks' opening hours (ParseHours); empty uses
	// the province's.
	OpeningHours string
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
	if spec.OpeningHours = strings.TrimSpace(spec.OpeningHours); spec.OpeningHours != "" {
		if _, err := ParseHours(spec.OpeningHours); err != nil {
			problems = append(problems, err.Error())
		}
	}
	for _, u := range spec.Units {
		if u.Transactions < 0 {
			problems = append(problems, fmt.Sprintf("unit %s: the number of transactions is negative", u.Code))
		}
	}
	var si *StoredInstrument
	list, err := s.store.Instruments(ctx)
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
		Formula: f, Margin: spec.Margin, RequireCode: spec.RequireCode, Salt: hex.EncodeToString(salt), OpeningHours: spec.OpeningHours,
		InstrumentID: si.ID, InstrumentCode: si.Code, InstrumentVersion: si.Version, Units: spec.Units}
	if err := s.store.CreateCampaign(ctx, c); err != nil {
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
	return s.store.SetCampaignState(ctx, c.ID, to)
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
	return s.store.SetTransactions(ctx, c.ID, transactions)
}

// SetOpeningHours sets the desks' opening hours of a campaign (ParseHours);
// empty returns to the province's.
func (s *Service) SetOpeningHours(ctx context.Context, code, spec string) error {
	c, err := s.Campaign(ctx, code)
	if err != nil {
		return err
	}
	spec = strings.TrimSpace(spec)
	if spec != "" {
		if _, err := ParseHours(spec); err != nil {
			return domain.Errorf(domain.ErrInvalid, "survey.err.hours", "%v", err)
		}
	}
	defer s.forget(code)
	return s.store.SetOpeningHours(ctx, c.ID, spec)
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
	return s.store.ReviewResponse(ctx, c.ID, id, to, strings.TrimSpace(reason), author)
}
