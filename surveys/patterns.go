package surveys

import (
	"context"
	"errors"
	"slices"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/parindex/parindex/scoring"
)

// Patterns are the thresholds of the flags a review of a survey raises on a
// unit's answers from one channel. Agencies that run their own satisfaction
// surveys report 90–100 % where independent surveys find about 70 %; the
// flags point a committee at the answers that look manufactured. They are
// raised over the responses that are not rejected and never change a
// response's status: they ask for a look, not for a verdict.
type Patterns struct {
	// HighShare and HighMin: a unit's channel whose valid answers number at
	// least HighMin and whose main index is at least HighShare (99 %).
	HighShare scoring.Decimal
	HighMin   int
	// StraightMin is the number of answers on index scales, all the same
	// value, that make a response straight-lined; a unit's channel is
	// flagged with at least StraightCount such responses making at least
	// StraightShare of it.
	StraightMin   int
	StraightCount int
	StraightShare float64
	// BurstCount answers within BurstWindow of each other, from one unit's
	// live channel (by the time they were given), make a burst.
	BurstCount  int
	BurstWindow time.Duration
	// OffHoursCount answers of a desk's channel given outside the opening
	// hours, making at least OffHoursShare of it, flag the channel.
	OffHoursCount int
	OffHoursShare float64
}

// DefaultPatterns are the thresholds parindex uses.
var DefaultPatterns = Patterns{
	HighShare: decimal.RequireFromString("0.99"), HighMin: 30,
	StraightMin: 5, StraightCount: 10, StraightShare: 0.5,
	BurstCount: 20, BurstWindow: 10 * time.Minute,
	OffHoursCount: 10, OffHoursShare: 0.25,
}

// The kinds of pattern flags.
const (
	PatternHighSatisfaction = "high_satisfaction"
	PatternStraightLining   = "straight_lining"
	PatternBurst            = "burst"
	PatternOffHours         = "off_hours"
)

// PatternFlag is one pattern found in a unit's answers from one channel.
type PatternFlag struct {
	Unit    string
	Channel Channel
	Kind    string
	// Count responses of Of (the unit's channel's responses that are not
	// rejected) show it: for a burst, the most within one window.
	Count, Of int
	// Value is the main index (high satisfaction).
	Value scoring.Decimal
	// At is when the burst's window starts.
	At time.Time
}

// ChannelStats counts a unit's responses from one channel.
type ChannelStats struct {
	Responses, Valid, Flagged, Rejected int
	// Straight and OffHours count the responses that are not rejected and
	// carry the marker.
	Straight, OffHours int
}

// ChannelReport is a survey read per channel: every index per channel beside
// the total, the independent channels against the self-run ones, the counts
// per unit and channel, and the pattern flags.
type ChannelReport struct {
	Campaign *Campaign
	Hours    *Hours
	// Channels lists the channels with at least one response, in the order
	// of Channels.
	Channels  []Channel
	Total     *Results
	ByChannel map[Channel]*Results
	// Independent pools the valid answers of Channel.Independent channels,
	// SelfRun those of Channel.SelfRun channels.
	Independent, SelfRun *Results
	// Stats: unit → channel → counts.
	Stats map[string]map[Channel]*ChannelStats
	Flags []PatternFlag
}

// UnitFlags returns the flags of one unit.
func (r *ChannelReport) UnitFlags(unit string) []PatternFlag {
	var out []PatternFlag
	for _, f := range r.Flags {
		if f.Unit == unit {
			out = append(out, f)
		}
	}
	return out
}

// hours returns the campaign's opening hours, else the service's.
func (s *Service) hours(c *Campaign) (*Hours, error) {
	spec := c.OpeningHours
	if spec == "" {
		spec = s.Hours
	}
	return ParseHours(spec)
}

// Channels reads every response of a campaign once and reports it per
// channel, with the pattern flags (Service.Patterns, DefaultPatterns when
// zero).
func (s *Service) Channels(ctx context.Context, code string) (*ChannelReport, error) {
	rs, ok := s.store.(RecordStore)
	if !ok {
		return nil, errors.New("surveys: the store cannot stream responses")
	}
	c, err := s.Campaign(ctx, code)
	if err != nil {
		return nil, err
	}
	hours, err := s.hours(c)
	if err != nil {
		return nil, err
	}
	p := s.patterns()
	ins := c.Instrument
	total, independent, selfRun := NewTally(ins), NewTally(ins), NewTally(ins)
	byChannel := map[Channel]*Tally{}
	stats := map[string]map[Channel]*ChannelStats{}
	type group struct {
		unit string
		ch   Channel
	}
	times := map[group][]int64{}
	err = rs.EachResponse(ctx, c.ID, func(r *Record) error {
		byCh := stats[r.Unit]
		if byCh == nil {
			byCh = map[Channel]*ChannelStats{}
			stats[r.Unit] = byCh
		}
		st := byCh[r.Channel]
		if st == nil {
			st = &ChannelStats{}
			byCh[r.Channel] = st
		}
		st.Responses++
		switch r.Status {
		case Valid:
			st.Valid++
		case Flagged:
			st.Flagged++
		case Rejected:
			st.Rejected++
			return nil
		}
		straightLined, offHours := p.markers(ins, hours, r)
		if straightLined {
			st.Straight++
		}
		if offHours {
			st.OffHours++
		}
		if r.Channel.Live() {
			g := group{r.Unit, r.Channel}
			times[g] = append(times[g], r.Time().UnixMilli())
		}
		if r.Status != Valid {
			return nil
		}
		total.AddBytes(r.Unit, r.Choices)
		t := byChannel[r.Channel]
		if t == nil {
			t = NewTally(ins)
			byChannel[r.Channel] = t
		}
		t.AddBytes(r.Unit, r.Choices)
		switch {
		case r.Channel.Independent():
			independent.AddBytes(r.Unit, r.Choices)
		case r.Channel.SelfRun():
			selfRun.AddBytes(r.Unit, r.Choices)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	opts := c.Options()
	rep := &ChannelReport{Campaign: c, Hours: hours, Total: total.Results(opts), ByChannel: map[Channel]*Results{},
		Independent: independent.Results(opts), SelfRun: selfRun.Results(opts), Stats: stats}
	present := map[Channel]bool{}
	for _, byCh := range stats {
		for ch := range byCh {
			present[ch] = true
		}
	}
	for _, ch := range Channels {
		if !present[ch] {
			continue
		}
		rep.Channels = append(rep.Channels, ch)
		t := byChannel[ch]
		if t == nil {
			t = NewTally(ins)
		}
		rep.ByChannel[ch] = t.Results(opts)
	}
	// The flags, unit by unit in the campaign's order, channel by channel.
	for _, u := range opts.Units {
		for _, ch := range rep.Channels {
			st := stats[u][ch]
			if st == nil {
				continue
			}
			of := st.Valid + st.Flagged
			if sc := rep.ByChannel[ch].Unit(u); sc != nil {
				if m := sc.Main(); m != nil && m.Defined && m.N >= p.HighMin && m.Value.GreaterThanOrEqual(p.HighShare) {
					rep.Flags = append(rep.Flags, PatternFlag{Unit: u, Channel: ch, Kind: PatternHighSatisfaction, Count: m.N, Of: of, Value: m.Value})
				}
			}
			if st.Straight >= p.StraightCount && float64(st.Straight) >= p.StraightShare*float64(of) {
				rep.Flags = append(rep.Flags, PatternFlag{Unit: u, Channel: ch, Kind: PatternStraightLining, Count: st.Straight, Of: of})
			}
			if n, at := densest(times[group{u, ch}], p.BurstWindow); n >= p.BurstCount {
				rep.Flags = append(rep.Flags, PatternFlag{Unit: u, Channel: ch, Kind: PatternBurst, Count: n, Of: of, At: at})
			}
			if st.OffHours >= p.OffHoursCount && float64(st.OffHours) >= p.OffHoursShare*float64(of) {
				rep.Flags = append(rep.Flags, PatternFlag{Unit: u, Channel: ch, Kind: PatternOffHours, Count: st.OffHours, Of: of})
			}
		}
	}
	return rep, nil
}

// densest returns the largest number of times (Unix milliseconds) within
// one window, and when that window starts.
func densest(ms []int64, window time.Duration) (int, time.Time) {
	if len(ms) == 0 {
		return 0, time.Time{}
	}
	slices.Sort(ms)
	w := window.Milliseconds()
	best, start, lo := 0, int64(0), 0
	for hi := range ms {
		for ms[hi]-ms[lo] >= w {
			lo++
		}
		if n := hi - lo + 1; n > best {
			best, start = n, ms[lo]
		}
	}
	return best, time.UnixMilli(start).UTC()
}

// patterns returns the service's thresholds, DefaultPatterns when unset.
func (s *Service) patterns() Patterns {
	if s.Patterns.BurstCount == 0 && s.Patterns.HighMin == 0 && s.Patterns.StraightMin == 0 {
		return DefaultPatterns
	}
	return s.Patterns
}

// SortFlags orders flags by unit, then channel order, then kind.
func SortFlags(fs []PatternFlag) {
	order := map[Channel]int{}
	for i, ch := range Channels {
		order[ch] = i
	}
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Unit != fs[j].Unit {
			return fs[i].Unit < fs[j].Unit
		}
		if fs[i].Channel != fs[j].Channel {
			return order[fs[i].Channel] < order[fs[j].Channel]
		}
		return fs[i].Kind < fs[j].Kind
	})
}
