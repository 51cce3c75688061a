package surveys

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parindex/parindex/domain"
)

// Interviewer is a survey operator (điều tra viên) who collects answers for
// one survey, in the units given to them, each with a quota. It is an
// account kind of its own, like the app users of survey tools: the
// secretariat registers the interviewer and hands them a personal sign-in
// link (a token; only its hash is kept), which their phone keeps so that
// answers collected offline can be sent days later without a login. Their
// answers are of channel Interviewer and name them.
type Interviewer struct {
	ID        int64
	Campaign  int64
	Name      string
	Phone     string
	TokenHash string
	CreatedBy string
	CreatedAt time.Time
	// RevokedAt is set once the interviewer is revoked: their link no
	// longer signs in.
	RevokedAt *time.Time
	Units     []InterviewerUnit
}

// InterviewerUnit is a unit an interviewer surveys and how many answers
// they are to collect there.
type InterviewerUnit struct {
	Unit  string
	Quota int
}

// Active reports whether the interviewer's link still signs in.
func (iv *Interviewer) Active() bool { return iv.RevokedAt == nil }

// Covers reports whether the interviewer surveys the unit.
func (iv *Interviewer) Covers(unit string) bool {
	for _, u := range iv.Units {
		if u.Unit == unit {
			return true
		}
	}
	return false
}

// InterviewerStore is what interviewers need from storage.
type InterviewerStore interface {
	// AddInterviewer stores an interviewer with their units and sets ID
	// and CreatedAt.
	AddInterviewer(ctx context.Context, iv *Interviewer) error
	// InterviewerByHash returns the interviewer of a token hash with their
	// units, or a not-found error.
	InterviewerByHash(ctx context.Context, hash string) (*Interviewer, error)
	// Interviewers lists a campaign's interviewers with their units, in the
	// order they were registered.
	Interviewers(ctx context.Context, campaign int64) ([]Interviewer, error)
	// SetInterviewerToken replaces a campaign's interviewer's token hash
	// (a new link); not found: an error of that kind.
	SetInterviewerToken(ctx context.Context, campaign, id int64, hash string) error
	// RevokeInterviewer revokes a campaign's interviewer (not found: an
	// error of that kind); revoking again changes nothing.
	RevokeInterviewer(ctx context.Context, campaign, id int64) error
	// InterviewerCounts counts a campaign's interviewers' responses per
	// interviewer, unit and status.
	InterviewerCounts(ctx context.Context, campaign int64) (map[int64]map[string]map[Status]int, error)
}

func hashInterviewerToken(token string) string {
	sum := sha256.Sum256([]byte("parindex-interviewer:" + token))
	return hex.EncodeToString(sum[:])
}

func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("surveys: token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Limits of an interviewer's registration.
const (
	maxInterviewerName = 100
	maxInterviewerUnit = 200
	maxQuota           = 100_000
)

func (s *Service) interviewerStore() (InterviewerStore, error) {
	is, ok := s.store.(InterviewerStore)
	if !ok {
		return nil, errors.New("surveys: the store keeps no interviewers")
	}
	return is, nil
}

// RegisterInterviewer registers an interviewer for units of a campaign and
// returns their sign-in token, shown once. Every problem is reported.
func (s *Service) RegisterInterviewer(ctx context.Context, campaign, name, phone string, units []InterviewerUnit, author string) (string, *Interviewer, error) {
	is, err := s.interviewerStore()
	if err != nil {
		return "", nil, err
	}
	c, err := s.Campaign(ctx, campaign)
	if err != nil {
		return "", nil, err
	}
	name, phone = strings.TrimSpace(name), strings.TrimSpace(phone)
	var problems []Problem
	switch {
	case name == "":
		problems = append(problems, Problem{Code: "name", Msg: "the interviewer needs a name"})
	case utf8.RuneCountInString(name) > maxInterviewerName:
		problems = append(problems, Problem{Code: "name", Msg: fmt.Sprintf("the name is longer than %d characters", maxInterviewerName)})
	}
	if utf8.RuneCountInString(phone) > 30 {
		problems = append(problems, Problem{Code: "phone", Msg: "the phone number is longer than 30 characters"})
	}
	if len(units) == 0 {
		problems = append(problems, Problem{Code: "units", Msg: "choose at least one unit"})
	}
	if len(units) > maxInterviewerUnit {
		problems = append(problems, Problem{Code: "units", Msg: fmt.Sprintf("at most %d units", maxInterviewerUnit)})
	}
	seen := map[string]bool{}
	for _, u := range units {
		switch {
		case c.Unit(u.Unit) == nil:
			problems = append(problems, Problem{Code: u.Unit, Msg: "the survey does not cover this unit"})
		case seen[u.Unit]:
			problems = append(problems, Problem{Code: u.Unit, Msg: "the unit is given twice"})
		case u.Quota < 0 || u.Quota > maxQuota:
			problems = append(problems, Problem{Code: u.Unit, Msg: fmt.Sprintf("the quota must be between 0 and %d", maxQuota)})
		}
		seen[u.Unit] = true
	}
	if len(problems) > 0 {
		return "", nil, &ValidationError{Problems: problems}
	}
	token, err := newToken()
	if err != nil {
		return "", nil, err
	}
	sort.Slice(units, func(i, j int) bool { return units[i].Unit < units[j].Unit })
	iv := &Interviewer{Campaign: c.ID, Name: name, Phone: phone, TokenHash: hashInterviewerToken(token), CreatedBy: author, Units: units}
	if err := is.AddInterviewer(ctx, iv); err != nil {
		return "", nil, err
	}
	return token, iv, nil
}

// InterviewerFor returns the active interviewer of a token, if registered
// for this campaign; nil otherwise (unknown, revoked or another survey's).
func (s *Service) InterviewerFor(ctx context.Context, c *Campaign, token string) (*Interviewer, error) {
	is, ok := s.store.(InterviewerStore)
	if !ok || token == "" || len(token) > 128 {
		return nil, nil
	}
	iv, err := is.InterviewerByHash(ctx, hashInterviewerToken(token))
	if errors.Is(err, domain.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !iv.Active() || iv.Campaign != c.ID {
		return nil, nil
	}
	return iv, nil
}

// NewInterviewerLink gives an interviewer a new sign-in token, shown once:
// the old link stops working (a lost phone).
func (s *Service) NewInterviewerLink(ctx context.Context, campaign string, id int64) (string, error) {
	is, err := s.interviewerStore()
	if err != nil {
		return "", err
	}
	c, err := s.Campaign(ctx, campaign)
	if err != nil {
		return "", err
	}
	token, err := newToken()
	if err != nil {
		return "", err
	}
	if err := is.SetInterviewerToken(ctx, c.ID, id, hashInterviewerToken(token)); err != nil {
		return "", err
	}
	return token, nil
}

// RevokeInterviewer revokes a campaign's interviewer: their link no longer
// signs in; their answers stay.
func (s *Service) RevokeInterviewer(ctx context.Context, campaign string, id int64) error {
	is, err := s.interviewerStore()
	if err != nil {
		return err
	}
	c, err := s.Campaign(ctx, campaign)
	if err != nil {
		return err
	}
	return is.RevokeInterviewer(ctx, c.ID, id)
}

// InterviewerProgress is an interviewer's answers per unit against their
// quotas.
type InterviewerProgress struct {
	Interviewer
	Units []InterviewerUnitProgress
	// Valid, Flagged, Quota: the sums over the units.
	Valid, Flagged, Quota int
}

// InterviewerUnitProgress is one unit of an interviewer: their answers,
// their quota, and the unit's own progress against its target sample.
type InterviewerUnitProgress struct {
	InterviewerUnit
	Name     string
	Valid    int
	Flagged  int
	Rejected int
	// UnitValid and UnitTarget are the unit's valid answers from every
	// channel and its target sample.
	UnitValid  int
	UnitTarget int64
}

// Percent is the interviewer's valid answers as a share of the quota.
func (p InterviewerUnitProgress) Percent() int { return percentOf(p.Valid, int64(p.Quota)) }

// Percent is the interviewer's valid answers as a share of all quotas.
func (p InterviewerProgress) Percent() int { return percentOf(p.Valid, int64(p.Quota)) }

func percentOf(n int, of int64) int {
	switch {
	case of > 0:
		return int(int64(n) * 100 / of)
	case n > 0:
		return 100
	}
	return 0
}

// Interviewers returns the progress of every interviewer of a campaign, or
// of one when only is not 0.
func (s *Service) Interviewers(ctx context.Context, campaign string, only int64) (*Campaign, []InterviewerProgress, error) {
	is, err := s.interviewerStore()
	if err != nil {
		return nil, nil, err
	}
	c, err := s.Campaign(ctx, campaign)
	if err != nil {
		return nil, nil, err
	}
	list, err := is.Interviewers(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	counts, err := is.InterviewerCounts(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	units, err := s.store.CountResponses(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	var out []InterviewerProgress
	for _, iv := range list {
		if only != 0 && iv.ID != only {
			continue
		}
		p := InterviewerProgress{Interviewer: iv}
		for _, u := range iv.Units {
			n := counts[iv.ID][u.Unit]
			up := InterviewerUnitProgress{InterviewerUnit: u, Valid: n[Valid], Flagged: n[Flagged], Rejected: n[Rejected],
				UnitValid: units[u.Unit][Valid], UnitTarget: c.Target(u.Unit)}
			if cu := c.Unit(u.Unit); cu != nil {
				up.Name = cu.Name
			}
			p.Units = append(p.Units, up)
			p.Valid += up.Valid
			p.Flagged += up.Flagged
			p.Quota += u.Quota
		}
		out = append(out, p)
	}
	return c, out, nil
}
