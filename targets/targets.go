// Package targets holds a reform programme's measurable targets per
// indicator and year (domain.md §5) and compares them with what the system
// measures: service statistics aggregated over units, a group's mean index,
// survey results, or values recorded in the file for indicators measured
// elsewhere (say the province's national rank). Row returns one line per
// target for a period: the target that applies that year, the actual value
// and whether the programme is on track. The web page and the period's
// workbook both use it.
//
// The package is pure: it parses, aggregates and compares; the Service reads
// through small interfaces.
package targets

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/parindex/parindex/internal/safeyaml"
	"github.com/parindex/parindex/scoring"
)

// Source says where a target's actual value comes from.
type Source string

// The sources of actual values.
const (
	// Statistics aggregates measured inputs over the units of a scope: the
	// sum of a numerator over the sum of a denominator, or the mean of a
	// ratio input, times a scale (100 for percentages).
	Statistics Source = "statistics"
	// Index is a group's mean PAR index in the period.
	Index Source = "index"
	// Survey is a satisfaction survey's result; surveys do not feed targets
	// yet, so such targets show no data.
	Survey Source = "survey"
	// External values are measured elsewhere and written in the file under
	// actual (e.g. the national rank the ministry publishes).
	External Source = "external"
)

// Direction says which way is better.
type Direction string

// The directions.
const (
	Higher Direction = "higher" // the actual must reach at least the target
	Lower  Direction = "lower"  // the actual must stay at most the target (a rank)
)

// Measure is how a target's actual value is obtained.
type Measure struct {
	Source Source
	// Statistics: Numerator/Denominator (sums over the scope's units) or Mean
	// (mean of a ratio input over the units that have it); Scope is a group
	// code, or empty for the whole province; Scale multiplies the ratio.
	Numerator, Denominator, Mean string
	Scope                        string
	Scale                        scoring.Decimal
	// Index: the group whose mean index is the actual value.
	Group string
	// Survey: the satisfaction measure.
	Survey string
	// Note explains the measure to readers (e.g. who publishes an external
	// value).
	Note string
}

// Target is one indicator of the programme with its yearly values.
type Target struct {
	Code, Name string
	// Unit of the values, e.g. "%" or "hạng".
	Unit    string
	Better  Direction
	Measure Measure
	// Years maps a year to the target value of that year (milestones).
	Years map[int]scoring.Decimal
	// Actual holds values recorded in the file, by year (external measures).
	Actual map[int]scoring.Decimal
	Line   int
}

// Programme is a targets file: a reform programme and its targets.
type Programme struct {
	Code, Name string
	// Decision is the legal basis, e.g. "Quyết định 985/QĐ-UBND ngày 31/3/2022".
	Decision string
	Targets  []Target
}

type rawMeasure struct {
	Source      string `yaml:"source"`
	Numerator   string `yaml:"numerator"`
	Denominator string `yaml:"denominator"`
	Mean        string `yaml:"mean"`
	Scope       string `yaml:"scope"`
	Scale       string `yaml:"scale"`
	Group       string `yaml:"group"`
	Survey      string `yaml:"survey"`
	Note        string `yaml:"note"`
}

type rawTarget struct {
	Code    string            `yaml:"code"`
	Name    string            `yaml:"name"`
	Unit    string            `yaml:"unit"`
	Better  string            `yaml:"better"`
	Measure rawMeasure        `yaml:"measure"`
	Years   map[string]string `yaml:"years"`
	Actual  map[string]string `yaml:"actual"`
	line    int
}

func (r *rawTarget) UnmarshalYAML(n *yaml.Node) error {
	type plain rawTarget
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*r = rawTarget(p)
	r.line = n.Line
	return nil
}

type rawProgramme struct {
	Code     string      `yaml:"code"`
	Name     string      `yaml:"name"`
	Decision string      `yaml:"decision"`
	Targets  []rawTarget `yaml:"targets"`
}

var (
	codePattern  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	inputPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// Parse reads and checks a targets file (YAML). Every problem is reported
// at once, one a line, naming the line and the target's code.
func Parse(r io.Reader) (*Programme, error) {
	data, err := safeyaml.ReadAll(r, safeyaml.Default)
	if safeyaml.IsLimit(err) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("targets: read: %w", err)
	}
	// Decoded once, with the aliases' expansion bounded before any value is
	// built (rawTarget's UnmarshalYAML resets yaml.v3's own alias budget).
	var raw rawProgramme
	if err := safeyaml.Decode(data, &raw, true, safeyaml.Default); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("the file is empty")
		}
		return nil, errors.New(strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var problems []string
	addf := func(line int, code, format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		if code != "" {
			msg = "target " + code + ": " + msg
		}
		if line > 0 {
			msg = fmt.Sprintf("line %d: %s", line, msg)
		}
		problems = append(problems, msg)
	}
	p := &Programme{Code: strings.TrimSpace(raw.Code), Name: strings.TrimSpace(raw.Name), Decision: strings.TrimSpace(raw.Decision)}
	if !codePattern.MatchString(p.Code) {
		addf(0, "", "code %q must be letters, digits, '.', '_' or '-'", p.Code)
	}
	if p.Name == "" {
		addf(0, "", "name is missing")
	}
	if len(raw.Targets) == 0 {
		addf(0, "", "the file has no targets")
	}
	seen := map[string]int{}
	for _, rt := range raw.Targets {
		t := Target{Code: strings.TrimSpace(rt.Code), Name: strings.TrimSpace(rt.Name), Unit: strings.TrimSpace(rt.Unit),
			Better: Direction(rt.Better), Line: rt.line}
		code := t.Code
		switch {
		case !codePattern.MatchString(code):
			addf(rt.line, "", "code %q must be letters, digits, '.', '_' or '-'", code)
		case seen[code] > 0:
			addf(rt.line, code, "the code is used twice (first at line %d)", seen[code])
		}
		seen[code] = rt.line
		if t.Name == "" {
			addf(rt.line, code, "name is missing")
		}
		switch t.Better {
		case "":
			t.Better = Higher
		case Higher, Lower:
		default:
			addf(rt.line, code, "better %q must be higher or lower", rt.Better)
		}
		t.Measure = measure(rt.Measure, func(format string, args ...any) { addf(rt.line, code, format, args...) })
		t.Years = years(rt.Years, "years", func(format string, args ...any) { addf(rt.line, code, format, args...) })
		t.Actual = years(rt.Actual, "actual", func(format string, args ...any) { addf(rt.line, code, format, args...) })
		if len(t.Years) == 0 {
			addf(rt.line, code, "years is missing: give the target value of at least one year, e.g. {\"2025\": 50}")
		}
		if len(t.Actual) > 0 && t.Measure.Source != External {
			addf(rt.line, code, "actual values belong to an external measure; this one comes from %s", t.Measure.Source)
		}
		p.Targets = append(p.Targets, t)
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	return p, nil
}

func measure(rm rawMeasure, addf func(string, ...any)) Measure {
	m := Measure{Source: Source(rm.Source), Numerator: strings.TrimSpace(rm.Numerator), Denominator: strings.TrimSpace(rm.Denominator),
		Mean: strings.TrimSpace(rm.Mean), Scope: strings.TrimSpace(rm.Scope), Group: strings.TrimSpace(rm.Group),
		Survey: strings.TrimSpace(rm.Survey), Note: strings.TrimSpace(rm.Note), Scale: scoring.NewInt(100)}
	if rm.Scale != "" {
		d, err := scoring.ParseDecimal(strings.TrimSpace(rm.Scale))
		if err != nil || !d.IsPositive() {
			addf("measure scale %q must be a positive number", rm.Scale)
		}
		m.Scale = d
	}
	input := func(field, v string) {
		if !inputPattern.MatchString(v) {
			addf("measure %s %q is not an input name", field, v)
		}
	}
	switch m.Source {
	case Statistics:
		switch {
		case m.Mean != "" && (m.Numerator != "" || m.Denominator != ""):
			addf("measure: give either mean or numerator and denominator")
		case m.Mean != "":
			input("mean", m.Mean)
		default:
			input("numerator", m.Numerator)
			input("denominator", m.Denominator)
		}
	case Index:
		if m.Group == "" {
			addf("measure group is missing: the group whose mean index is the actual value")
		}
	case Survey, External:
	case "":
		addf("measure source is missing (statistics, index, survey or external)")
	default:
		addf("measure source %q must be statistics, index, survey or external", rm.Source)
	}
	return m
}

func years(raw map[string]string, field string, addf func(string, ...any)) map[int]scoring.Decimal {
	out := map[int]scoring.Decimal{}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		y, err := strconv.Atoi(strings.TrimSpace(k))
		if err != nil || y < 1900 || y > 2200 {
			addf("%s: %q is not a year", field, k)
			continue
		}
		d, err := scoring.ParseDecimal(strings.TrimSpace(raw[k]))
		if err != nil {
			addf("%s %d: %v", field, y, err)
			continue
		}
		out[y] = d
	}
	return out
}
