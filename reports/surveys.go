package reports

import (
	"context"
	"fmt"
	"sort"

	"github.com/shopspring/decimal"

	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/surveys"
)

// SurveySource lists the survey campaigns and computes their results; the
// survey service and its store implement it together.
type SurveySource interface {
	Campaigns(ctx context.Context) ([]surveys.Campaign, error)
	Results(ctx context.Context, code string) (*surveys.Campaign, *surveys.Results, error)
}

// SurveySheet is one campaign's main index per unit: satisfaction overall
// and per element, in percent, with the Wilson 95 % interval.
type SurveySheet struct {
	Code, Name string
	// Elements are the main index's elements (section codes), in order.
	Elements []string
	// ElementNames are their titles (Vietnamese).
	ElementNames []string
	Province     SurveyRow
	Units        []SurveyRow
}

// SurveyRow is one scope's satisfaction: the index and its elements.
type SurveyRow struct {
	Unit, Name string
	Responses  int
	Index      IntervalRow
	Elements   []IntervalRow
}

// SurveySheets returns the sheets of the period's campaigns that have
// results, ordered by campaign code, with the elements named in the
// language lang ("vi" or "en"; the questionnaire's other language when it
// lacks one).
func SurveySheets(ctx context.Context, src SurveySource, period, lang string) ([]SurveySheet, error) {
	cs, err := src.Campaigns(ctx)
	if err != nil {
		return nil, fmt.Errorf("reports: surveys: %w", err)
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].Code < cs[j].Code })
	var out []SurveySheet
	for _, c := range cs {
		if c.Period != period {
			continue
		}
		camp, res, err := src.Results(ctx, c.Code)
		if err != nil {
			return nil, fmt.Errorf("reports: survey %s: %w", c.Code, err)
		}
		if sh, ok := NewSurveySheet(camp, res, lang); ok {
			out = append(out, sh)
		}
	}
	return out, nil
}

// NewSurveySheet assembles a campaign's sheet, the elements named in lang;
// ok is false when it has no valid response.
func NewSurveySheet(c *surveys.Campaign, r *surveys.Results, lang string) (SurveySheet, bool) {
	if c == nil || r == nil || r.Province.Responses == 0 {
		return SurveySheet{}, false
	}
	sh := SurveySheet{Code: c.Code, Name: c.Name}
	titles := map[string]string{}
	if c.Instrument != nil {
		for _, s := range c.Instrument.Sections {
			titles[s.Code] = s.Title.In(lang)
		}
	}
	if m := r.Province.Main(); m != nil {
		for _, e := range m.Elements {
			sh.Elements = append(sh.Elements, e.Section)
			sh.ElementNames = append(sh.ElementNames, nameOr(titles[e.Section], e.Section))
		}
	}
	sh.Province = surveyRow(r.Province, "", "", sh.Elements)
	for _, u := range r.Units {
		name := u.Code
		if cu := c.Unit(u.Code); cu != nil {
			name = nameOr(cu.Name, u.Code)
		}
		sh.Units = append(sh.Units, surveyRow(u, u.Code, name, sh.Elements))
	}
	return sh, true
}

func surveyRow(s surveys.Scope, code, name string, elements []string) SurveyRow {
	row := SurveyRow{Unit: code, Name: name, Responses: s.Responses}
	m := s.Main()
	if m == nil {
		return row
	}
	row.Index = interval(name, m.Stat)
	byCode := map[string]surveys.Stat{}
	for _, e := range m.Elements {
		byCode[e.Section] = e.Stat
	}
	for _, e := range elements {
		st, ok := byCode[e]
		if !ok {
			row.Elements = append(row.Elements, IntervalRow{Label: e})
			continue
		}
		row.Elements = append(row.Elements, interval(e, st))
	}
	return row
}

func interval(label string, st surveys.Stat) IntervalRow {
	return IntervalRow{Label: label, Defined: st.Defined, N: st.N, Value: st.Value.Shift(2),
		Low: percentOf(st.Low), High: percentOf(st.High)}
}

// percentOf is a ratio in percent, shifted in decimal as `survey results`
// does: multiplying the float by 100 could land a hair below a rounding
// boundary (0.857 × 100 = 85.69999…).
func percentOf(ratio float64) float64 {
	f, _ := decimal.NewFromFloat(ratio).Shift(2).Float64()
	return f
}

// percent is an exact percent value rounded for publication.
func percent(d scoring.Decimal) scoring.Decimal { return scoring.Publish(d) }
