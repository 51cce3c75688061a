package surveys

import (
	"context"
	"strings"
	"time"
)

// Record is one stored response as the export and the review of patterns
// read it, row by row. Choices is only valid during the call that passes
// it (the store reuses its buffer), as is the rest of a reused Record.
type Record struct {
	ID          int64
	Unit        string
	Channel     Channel
	Status      Status
	Flags       string // the stored flags, comma-separated
	Choices     []byte
	Texts       string // the text answers as JSON (EncodeTexts)
	SubmittedAt time.Time
	AnsweredAt  time.Time // zero when the answer arrived as it was given
	Interviewer int64
}

// Time is when the response was answered: AnsweredAt when known, else when
// it arrived.
func (r *Record) Time() time.Time {
	if !r.AnsweredAt.IsZero() {
		return r.AnsweredAt
	}
	return r.SubmittedAt
}

// RecordStore streams a campaign's responses; the store implements it.
type RecordStore interface {
	// EachResponse calls fn with every response of the campaign, in id
	// order, reading them one at a time from the database (memory stays
	// flat however many there are). fn's error stops the walk and is
	// returned.
	EachResponse(ctx context.Context, campaign int64, fn func(*Record) error) error
}

// Markers are what a single response shows that review needs, beside the
// flags stored with it: both are written in the export's flags column.
const (
	// MarkStraight: every choice answer the same, over at least
	// Patterns.StraightMin answers (straight-lining).
	MarkStraight = "straight_line"
	// MarkOffHours: an answer of a desk's channel (Channel.AtDesk) given
	// outside the desks' opening hours.
	MarkOffHours = "off_hours"
)

// straight reports whether a response's choice answers on index scales are
// all the same value, over at least min of them.
func straight(ins *Instrument, choices []byte, min int) bool {
	var first byte
	n := 0
	for _, q := range ins.Questions {
		if q.Type != Choice || len(q.Scale.Satisfied) == 0 || q.Pos >= len(choices) {
			continue
		}
		v := choices[q.Pos]
		if v <= NoAnswer || v > '9' {
			continue
		}
		if n == 0 {
			first = v
		} else if v != first {
			return false
		}
		n++
	}
	return n >= min
}

// markers returns a record's markers under the patterns and hours.
func (p Patterns) markers(ins *Instrument, hours *Hours, r *Record) (straightLined, offHours bool) {
	straightLined = p.StraightMin > 0 && straight(ins, r.Choices, p.StraightMin)
	offHours = hours != nil && r.Channel.AtDesk() && !hours.Open(r.Time())
	return
}

// FlagList joins a record's stored flags and its markers, separated by
// ';' (a flag never holds one).
func FlagList(stored string, straightLined, offHours bool) string {
	var parts []string
	if stored != "" {
		parts = strings.Split(stored, ",")
	}
	if straightLined {
		parts = append(parts, MarkStraight)
	}
	if offHours {
		parts = append(parts, MarkOffHours)
	}
	return strings.Join(parts, ";")
}
