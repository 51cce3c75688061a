package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/shopspring/decimal"

	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/surveys"
)

// A survey read per channel: the secretariat's page of every index per
// channel beside the total with the pattern flags, and the committee's
// comparison of the independent channels (codes, interviewers) with the
// self-run ones (QR code, kiosk), unit by unit.

// statCell is one satisfaction figure as a table cell.
type statCell struct {
	N       int
	Defined bool
	Value   string // percent, two decimals, the reader's style
	Low     string
	High    string
	raw     scoring.Decimal
}

func newStatCell(l *locale, st *surveys.Stat) statCell {
	if st == nil {
		return statCell{}
	}
	c := statCell{N: st.N, Defined: st.Defined && st.N > 0, raw: st.Value}
	if c.Defined {
		c.Value = l.Number(st.Value.Shift(2).Round(2))
		c.Low = l.Number(decimal.NewFromFloat(st.Low).Shift(2).Round(2))
		c.High = l.Number(decimal.NewFromFloat(st.High).Shift(2).Round(2))
	}
	return c
}

// mainStat is a scope's main index, or nil.
func mainStat(res *surveys.Results, unit string) *surveys.Stat { return indexStat(res, unit, "") }

// indexStat is a scope's index of a measure (the main one when empty), or
// nil; unit "" is the province.
func indexStat(res *surveys.Results, unit, measure string) *surveys.Stat {
	var sc *surveys.Scope
	if unit == "" {
		sc = &res.Province
	} else {
		sc = res.Unit(unit)
	}
	if sc == nil {
		return nil
	}
	m := sc.Main()
	if measure != "" {
		m = sc.Index(measure)
	}
	if m != nil {
		return &m.Stat
	}
	return nil
}

// patternView is a pattern flag as the pages show it.
type patternView struct {
	Unit, UnitName string
	Channel        string
	Kind           string
	Text           string
}

func patternViews(l *locale, rep *surveys.ChannelReport, names map[string]string) []patternView {
	out := make([]patternView, 0, len(rep.Flags))
	for _, f := range rep.Flags {
		v := patternView{Unit: f.Unit, UnitName: names[f.Unit], Channel: l.T("survey.channel." + string(f.Channel)), Kind: f.Kind}
		switch f.Kind {
		case surveys.PatternHighSatisfaction:
			v.Text = l.T("survey.flag.high_text", l.Number(f.Value.Shift(2).Round(2)), f.Count)
		case surveys.PatternStraightLining:
			v.Text = l.T("survey.flag.straight_text", f.Count, f.Of)
		case surveys.PatternBurst:
			v.Text = l.T("survey.flag.burst_text", f.Count, formatTime(l, f.At))
		case surveys.PatternOffHours:
			v.Text = l.T("survey.flag.off_hours_text", f.Count, f.Of)
		}
		out = append(out, v)
	}
	return out
}

// channelRow is one unit (or the province) of the per-channel table.
type channelRow struct {
	Code, Name string
	Total      statCell
	Cells      []statCell // by the report's channels
	Flags      []string   // the kinds of flags raised on the unit
}

// comparisonRow is one unit of the committee's comparison.
type comparisonRow struct {
	Code, Name        string
	Independent, Self statCell
	Gap               string // self-run minus independent, in points
	GapClass          string // "up" when self-run exceeds independent by 5 points or more
	Flags             []string
}

// comparison builds the committee's rows: every unit, its independent and
// self-run satisfaction, their gap, and its flags.
func comparison(l *locale, rep *surveys.ChannelReport) []comparisonRow {
	var out []comparisonRow
	for _, u := range rep.Campaign.Units {
		row := comparisonRow{Code: u.Code, Name: u.Name, Independent: newStatCell(l, mainStat(rep.Independent, u.Code)),
			Self: newStatCell(l, mainStat(rep.SelfRun, u.Code))}
		if row.Independent.Defined && row.Self.Defined {
			gap := row.Self.raw.Sub(row.Independent.raw).Shift(2).Round(2)
			row.Gap = l.Signed(gap)
			if gap.GreaterThanOrEqual(decimal.NewFromInt(5)) {
				row.GapClass = "up"
			}
		}
		for _, f := range rep.UnitFlags(u.Code) {
			row.Flags = append(row.Flags, l.T("survey.pattern."+f.Kind)+" ("+l.T("survey.channel."+string(f.Channel))+")")
		}
		out = append(out, row)
	}
	return out
}

// adminChannelsPage is the secretariat's page of a survey per channel.
type adminChannelsPage struct {
	chrome
	Campaign   *surveys.Campaign
	Tabs       []link
	Indices    []link // the instrument's indices, the one shown current
	Index      string // the name of the index shown
	Channels   []string
	Whole      channelRow // the province
	Units      []channelRow
	Flags      []patternView
	Comparison []comparisonRow
	Hours      string
}

func (s *server) adminChannels(c echo.Context) error {
	rep, err := s.surveys.svc.Channels(c.Request().Context(), c.Param("survey"))
	if err != nil {
		return err
	}
	l := s.locale(c)
	camp := rep.Campaign
	page := adminChannelsPage{chrome: s.chrome(c, l, l.T("survey.channels.title")+" · "+camp.Name), Campaign: camp, Hours: rep.Hours.String(),
		Tabs: campaignTabs(l, camp.Code, "/channels")}
	// Every index of the questionnaire, one at a time (?index=MEASURE).
	measure := ""
	for i, ix := range camp.Instrument.Indices {
		current := c.QueryParam("index") == ix.Measure || (i == 0 && camp.Instrument.Index(c.QueryParam("index")) == nil)
		if current {
			measure, page.Index = ix.Measure, ix.Name.In(l.code)
		}
		page.Indices = append(page.Indices, link{Label: ix.Name.In(l.code), URL: "?index=" + ix.Measure, Current: current})
	}
	names := map[string]string{}
	for _, u := range camp.Units {
		names[u.Code] = u.Name
	}
	for _, ch := range rep.Channels {
		page.Channels = append(page.Channels, l.T("survey.channel."+string(ch)))
	}
	row := func(code, name string) channelRow {
		r := channelRow{Code: code, Name: name, Total: newStatCell(l, indexStat(rep.Total, code, measure))}
		for _, ch := range rep.Channels {
			r.Cells = append(r.Cells, newStatCell(l, indexStat(rep.ByChannel[ch], code, measure)))
		}
		return r
	}
	page.Whole = row("", l.T("survey.channels.province"))
	for _, u := range camp.Units {
		r := row(u.Code, u.Name)
		for _, f := range rep.UnitFlags(u.Code) {
			r.Flags = append(r.Flags, l.T("survey.pattern."+f.Kind)+" ("+l.T("survey.channel."+string(f.Channel))+")")
		}
		page.Units = append(page.Units, r)
	}
	page.Flags = patternViews(l, rep, names)
	page.Comparison = comparison(l, rep)
	return s.render(c, http.StatusOK, "survey_admin_channels", page)
}
