package surveys

import (
	"fmt"
	"time"

	"github.com/parindex/parindex/scoring"
)

// State is where a campaign stands.
type State string

// The campaign states, in order. Only an open campaign takes public
// responses; its instrument cannot change once it has left draft.
const (
	Draft  State = "draft"
	Open   State = "open"
	Closed State = "closed"
)

// ParseState checks a state name.
func ParseState(s string) (State, error) {
	switch State(s) {
	case Draft, Open, Closed:
		return State(s), nil
	}
	return "", fmt.Errorf("state %q must be draft, open or closed", s)
}

// StoredInstrument is an instrument as saved for a period: its source, as
// written, and its parsed form.
type StoredInstrument struct {
	ID     int64
	Code   string
	Period string
	Name   string
	// Version increases each time the instrument is replaced.
	Version int64
	Source  []byte
	// Locked is set once a campaign using it has opened: it can no longer
	// change.
	Locked     bool
	Instrument *Instrument
	UpdatedAt  time.Time
}

// CampaignUnit is a unit a campaign covers, with its number of
// transactions (dossiers handled) in the period.
type CampaignUnit struct {
	Code         string
	Name         string
	Group        string
	Transactions int64
}

// Campaign is an instrument asked of a set of units in a period.
type Campaign struct {
	ID     int64
	Code   string // the survey's public id, e.g. "sipas-2026"
	Name   string
	Period string
	State  State
	// Formula is how satisfaction is computed (share by default).
	Formula Formula
	// Margin is the margin of error e of the target samples (0.05).
	Margin scoring.Decimal
	// RequireCode makes every response carry a one-time code (the
	// officials' survey); otherwise a code is optional.
	RequireCode bool
	// OpeningHours are the desks' opening hours (ParseHours); empty uses
	// the service's default.
	OpeningHours string
	// Salt keys the hashes of client addresses kept for burst detection.
	Salt string

	InstrumentID      int64
	InstrumentCode    string
	InstrumentVersion int64
	Instrument        *Instrument

	Units []CampaignUnit
	// Revision increases with every change of the campaign.
	Revision  int64
	UpdatedAt time.Time

	byUnit map[string]int
}

// Unit returns the campaign's unit with the code, or nil.
func (c *Campaign) Unit(code string) *CampaignUnit {
	if c.byUnit == nil { // not prepared by the service: look it up
		for i := range c.Units {
			if c.Units[i].Code == code {
				return &c.Units[i]
			}
		}
		return nil
	}
	i, ok := c.byUnit[code]
	if !ok {
		return nil
	}
	return &c.Units[i]
}

// Target is a unit's target sample: SampleSize of its transactions at the
// campaign's margin.
func (c *Campaign) Target(unit string) int64 {
	u := c.Unit(unit)
	if u == nil {
		return 0
	}
	return SampleSize(u.Transactions, c.Margin)
}

// Channel is how a response reached the system. It is recorded on every
// response, so that results can be read per channel and a committee can
// tell the answers collected independently of the unit being rated from
// those the unit collects itself.
type Channel string

// The channels.
const (
	Web       Channel = "web"         // the public form, reached by the QR code or a link
	Kiosk     Channel = "kiosk"       // the public form in kiosk mode at the desk
	Coded     Channel = "code"        // a public answer carrying a one-time code
	Dossier   Channel = "dossier"     // a public answer carrying a dossier number of the one-stop system
	Interview Channel = "interviewer" // collected by a survey interviewer (điều tra viên)
	Paper     Channel = "paper"       // typed in by an operator from a paper form
	Import    Channel = "import"      // a bulk import (Excel, CSV)
	API       Channel = "api"         // the JSON API, from another system
)

// Channels lists every channel, in the order results show them.
var Channels = []Channel{Web, Kiosk, Coded, Dossier, Interview, Paper, Import, API}

// ParseChannel checks a channel name.
func ParseChannel(s string) (Channel, error) {
	for _, ch := range Channels {
		if string(ch) == s {
			return ch, nil
		}
	}
	return "", fmt.Errorf("channel %q must be one of web, kiosk, code, dossier, interviewer, paper, import, api", s)
}

// Public reports whether anyone may submit on the channel, so that the
// integrity rules apply and the survey must be open.
func (ch Channel) Public() bool {
	return ch == Web || ch == Kiosk || ch == API || ch == Coded || ch == Dossier
}

// Independent reports whether the channel's answers are collected
// independently of the unit being rated: a one-time code or dossier number
// proves a real transaction, an interviewer works for the secretariat.
func (ch Channel) Independent() bool { return ch == Coded || ch == Dossier || ch == Interview }

// SelfRun reports whether the unit being rated runs the channel itself: the
// QR code on its desk and its kiosk, which anyone at the desk can answer.
func (ch Channel) SelfRun() bool { return ch == Web || ch == Kiosk }

// Live reports whether a response's time is when it was answered (or, with
// AnsweredAt, says so): not for paper forms typed in or files imported
// later, whose time is the entry's.
func (ch Channel) Live() bool { return ch != Paper && ch != Import }

// AtDesk reports whether the channel's answers are given at, or just after
// a visit to, the unit's desk: the QR code and link on its poster, its
// kiosk, the codes and dossier numbers it hands out. Their times are
// compared with the desks' opening hours; interviewers visit people at
// home, and other systems send when they send.
func (ch Channel) AtDesk() bool { return ch == Web || ch == Kiosk || ch == Coded || ch == Dossier }

// WithCode is the channel of a public answer that used a code of the kind:
// a one-time code or a dossier number makes it of that channel, whatever
// form it came through. Interviewers', operators' and imported answers keep
// theirs.
func (ch Channel) WithCode(kind CodeKind) Channel {
	if ch != Web && ch != Kiosk && ch != API {
		return ch
	}
	if kind == DossierCode {
		return Dossier
	}
	return Coded
}

// Status is whether a response counts.
type Status string

// The statuses. Only valid responses enter the indices; flagged ones wait
// for review; rejected ones are kept but never count.
const (
	Valid    Status = "valid"
	Flagged  Status = "flagged"
	Rejected Status = "rejected"
)

// ParseStatus checks a status name.
func ParseStatus(s string) (Status, error) {
	switch Status(s) {
	case Valid, Flagged, Rejected:
		return Status(s), nil
	}
	return "", fmt.Errorf("status %q must be valid, flagged or rejected", s)
}

// Response is one answered questionnaire.
type Response struct {
	ID       int64
	Campaign int64
	Unit     string
	Channel  Channel
	Answers  Encoded
	// ClientHash identifies the submitting client (a keyed hash of its
	// address), for burst detection; empty for operators' entries.
	ClientHash string
	// CodeHash is the hash of the one-time code used, empty if none.
	CodeHash string
	// Duration is the time between showing the form and submitting it; 0
	// when unknown.
	Duration time.Duration
	Status   Status
	// Flags says why a response was flagged or rejected.
	Flags       []string
	Author      string
	SubmittedAt time.Time
	// Key is the id the submitting device made for the answer, if any: a
	// repeat with the same key stores nothing new.
	Key string
	// AnsweredAt is when the device says the answer was given, for an
	// answer queued offline; zero when it arrived as it was given.
	AnsweredAt time.Time
	// Interviewer is the id of the interviewer who collected it, 0 if none.
	Interviewer int64
	// Repeat is set by the store when the key had already been stored: the
	// response is the one stored the first time, nothing new was stored.
	Repeat bool
}

// Time is when the response was answered: AnsweredAt when the device said
// so, else when it arrived.
func (r *Response) Time() time.Time {
	if !r.AnsweredAt.IsZero() {
		return r.AnsweredAt
	}
	return r.SubmittedAt
}

// Review is one decision on a response, kept in an append-only trail.
type Review struct {
	ID       int64
	Response int64
	Old, New Status
	Reason   string
	Author   string
	At       time.Time
}

// UnitProgress is a unit's count of responses against its target.
type UnitProgress struct {
	CampaignUnit
	Target   int64
	Valid    int
	Flagged  int
	Rejected int
}

// Percent is the valid responses as a share of the target, in percent
// (100 when the target is 0 and there are responses).
func (p UnitProgress) Percent() int {
	switch {
	case p.Target > 0:
		return int(int64(p.Valid) * 100 / p.Target)
	case p.Valid > 0:
		return 100
	}
	return 0
}
