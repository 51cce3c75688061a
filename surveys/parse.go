package surveys

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/internal/safeyaml"
)

// Problem is one thing wrong with an instrument file or an import.
type Problem struct {
	Line int    // line in the file, 0 when unknown
	Code string // the question, section or scale code concerned, if any
	Msg  string
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if p.Code != "" {
		fmt.Fprintf(&b, "%s: ", p.Code)
	}
	b.WriteString(p.Msg)
	return b.String()
}

// ValidationError lists every problem found; nothing is saved when there is
// one.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// keysOf lists the yaml keys of a struct type.
func keysOf(v any) map[string]bool {
	keys := map[string]bool{}
	t := reflect.TypeOf(v)
	for i := 0; i < t.NumField(); i++ {
		if tag := t.Field(i).Tag.Get("yaml"); tag != "" && tag != "-" {
			keys[strings.Split(tag, ",")[0]] = true
		}
	}
	return keys
}

// located is embedded in the raw structs: the line a mapping starts on and
// the keys it had that the format does not know.
type located struct {
	line    int
	unknown []string
}

// decodeMapping checks a mapping's keys against the struct's, then decodes it.
func decodeMapping(node *yaml.Node, loc *located, plain any, known map[string]bool) error {
	loc.line = node.Line
	if node.Kind != yaml.MappingNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: expected a mapping", node.Line)}}
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		if k := node.Content[i].Value; !known[k] {
			loc.unknown = append(loc.unknown, k)
		}
	}
	return node.Decode(plain)
}

type rawOption struct {
	Value   int  `yaml:"value"`
	Label   Text `yaml:"label"`
	located `yaml:"-"`
}

var optionKeys = keysOf(rawOption{})

func (r *rawOption) UnmarshalYAML(n *yaml.Node) error {
	type plain rawOption
	var p plain
	err := decodeMapping(n, &r.located, &p, optionKeys)
	loc := r.located
	*r = rawOption(p)
	r.located = loc
	return err
}

type rawScale struct {
	Code      string      `yaml:"code"`
	Satisfied []int       `yaml:"satisfied"`
	Options   []rawOption `yaml:"options"`
	located   `yaml:"-"`
}

var scaleKeys = keysOf(rawScale{})

func (r *rawScale) UnmarshalYAML(n *yaml.Node) error {
	type plain rawScale
	var p plain
	err := decodeMapping(n, &r.located, &p, scaleKeys)
	loc := r.located
	*r = rawScale(p)
	r.located = loc
	return err
}

type rawQuestion struct {
	Code      string `yaml:"code"`
	Text      Text   `yaml:"text"`
	Help      Text   `yaml:"help"`
	Type      string `yaml:"type"`
	Scale     string `yaml:"scale"`
	Required  bool   `yaml:"required"`
	MaxLength int    `yaml:"max_length"`
	located   `yaml:"-"`
}

var questionKeys = keysOf(rawQuestion{})

func (r *rawQuestion) UnmarshalYAML(n *yaml.Node) error {
	type plain rawQuestion
	var p plain
	err := decodeMapping(n, &r.located, &p, questionKeys)
	loc := r.located
	*r = rawQuestion(p)
	r.located = loc
	return err
}

type rawSection struct {
	Code      string        `yaml:"code"`
	Title     Text          `yaml:"title"`
	Intro     Text          `yaml:"intro"`
	Questions []rawQuestion `yaml:"questions"`
	located   `yaml:"-"`
}

var sectionKeys = keysOf(rawSection{})

func (r *rawSection) UnmarshalYAML(n *yaml.Node) error {
	type plain rawSection
	var p plain
	err := decodeMapping(n, &r.located, &p, sectionKeys)
	loc := r.located
	*r = rawSection(p)
	r.located = loc
	return err
}

type rawIndex struct {
	Measure  string   `yaml:"measure"`
	Name     Text     `yaml:"name"`
	Sections []string `yaml:"sections"`
	located  `yaml:"-"`
}

var indexKeys = keysOf(rawIndex{})

func (r *rawIndex) UnmarshalYAML(n *yaml.Node) error {
	type plain rawIndex
	var p plain
	err := decodeMapping(n, &r.located, &p, indexKeys)
	loc := r.located
	*r = rawIndex(p)
	r.located = loc
	return err
}

type rawInstrument struct {
	Code     string       `yaml:"code"`
	Name     Text         `yaml:"name"`
	Intro    Text         `yaml:"intro"`
	Scales   []rawScale   `yaml:"scales"`
	Indices  []rawIndex   `yaml:"indices"`
	Sections []rawSection `yaml:"sections"`
	located  `yaml:"-"`
}

var instrumentKeys = keysOf(rawInstrument{})

func (r *rawInstrument) UnmarshalYAML(n *yaml.Node) error {
	type plain rawInstrument
	var p plain
	err := decodeMapping(n, &r.located, &p, instrumentKeys)
	loc := r.located
	*r = rawInstrument(p)
	r.located = loc
	return err
}

// codePattern is what instrument, section, scale and question codes look
// like: they appear in URLs, CSV headers and form field names.
var codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$`)

// measurePattern is an input name of a criteria set.
var measurePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// Limits of an instrument, so that a form stays a form.
const (
	maxQuestions     = 200
	defaultMaxLength = 1000
	maxTextLength    = 5000
)

// ParseInstrument reads an instrument file (YAML; JSON is accepted) and
// checks it. Every problem is reported, with its line, in a
// *ValidationError.
func ParseInstrument(r io.Reader) (*Instrument, error) {
	data, err := safeyaml.ReadAll(r, safeyaml.Default)
	if safeyaml.IsLimit(err) {
		return nil, &ValidationError{Problems: []Problem{{Msg: err.Error()}}}
	}
	if err != nil {
		return nil, fmt.Errorf("surveys: read instrument: %w", err)
	}
	// Decoded once, with the aliases' expansion bounded before any value is
	// built: the raw types' UnmarshalYAML would otherwise reset yaml.v3's
	// alias budget at every section and question.
	var raw rawInstrument
	if err := safeyaml.Decode(data, &raw, false, safeyaml.Default); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &ValidationError{Problems: []Problem{{Msg: "the file is empty"}}}
		}
		return nil, &ValidationError{Problems: []Problem{yamlProblem(err)}}
	}
	return raw.build()
}

var yamlLine = regexp.MustCompile(`^yaml: (?:unmarshal errors:\n\s*)?line (\d+): (.*)$`)

func yamlProblem(err error) Problem {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		var line int
		fmt.Sscan(m[1], &line)
		return Problem{Line: line, Msg: m[2]}
	}
	return Problem{Msg: strings.TrimPrefix(msg, "yaml: ")}
}

type builder struct {
	problems []Problem
}

func (b *builder) add(line int, code, format string, args ...any) {
	b.problems = append(b.problems, Problem{Line: line, Code: code, Msg: fmt.Sprintf(format, args...)})
}

func (b *builder) unknown(loc located, code, what string) {
	for _, k := range loc.unknown {
		b.add(loc.line, code, "unknown key %q in %s", k, what)
	}
}

func (b *builder) text(line int, code, what string, t Text, required bool) {
	for lang := range t {
		if !slices.Contains(Languages, lang) {
			b.add(line, code, "%s: language %q must be vi or en", what, lang)
		}
	}
	if required && strings.TrimSpace(t["vi"]) == "" {
		b.add(line, code, "%s: the Vietnamese text (vi) is missing", what)
	}
}

func (raw *rawInstrument) build() (*Instrument, error) {
	b := &builder{}
	ins := &Instrument{Code: strings.TrimSpace(raw.Code), Name: raw.Name, Intro: raw.Intro, byCode: map[string]*Question{}}
	b.unknown(raw.located, "", "the instrument")
	if !codePattern.MatchString(ins.Code) {
		b.add(raw.line, "", "code %q must be 1 to 40 letters, digits, '.', '_' or '-'", raw.Code)
	}
	b.text(raw.line, "", "name", raw.Name, true)
	b.text(raw.line, "", "intro", raw.Intro, false)

	scales := map[string]*Scale{}
	for _, rs := range raw.Scales {
		b.unknown(rs.located, rs.Code, "a scale")
		s := &Scale{Code: strings.TrimSpace(rs.Code), Satisfied: rs.Satisfied}
		switch {
		case !codePattern.MatchString(s.Code):
			b.add(rs.line, rs.Code, "scale code %q must be 1 to 40 letters, digits, '.', '_' or '-'", rs.Code)
		case scales[s.Code] != nil:
			b.add(rs.line, s.Code, "scale %s is defined twice", s.Code)
		}
		if len(rs.Options) < 2 {
			b.add(rs.line, s.Code, "a scale needs at least two options")
		}
		seen := map[int]bool{}
		for _, ro := range rs.Options {
			b.unknown(ro.located, s.Code, "an option")
			if ro.Value < 1 || ro.Value > 9 {
				b.add(ro.line, s.Code, "option value %d must be a whole number from 1 to 9", ro.Value)
			}
			if seen[ro.Value] {
				b.add(ro.line, s.Code, "option value %d appears twice", ro.Value)
			}
			seen[ro.Value] = true
			b.text(ro.line, s.Code, fmt.Sprintf("label of option %d", ro.Value), ro.Label, true)
			s.Options = append(s.Options, Option{Value: ro.Value, Label: ro.Label})
		}
		for _, v := range rs.Satisfied {
			if !seen[v] {
				b.add(rs.line, s.Code, "satisfied value %d is not one of the scale's options", v)
			}
		}
		scales[s.Code] = s
		ins.Scales = append(ins.Scales, s)
	}

	sections := map[string]*Section{}
	for _, rsec := range raw.Sections {
		b.unknown(rsec.located, rsec.Code, "a section")
		sec := &Section{Code: strings.TrimSpace(rsec.Code), Title: rsec.Title, Intro: rsec.Intro}
		switch {
		case !codePattern.MatchString(sec.Code):
			b.add(rsec.line, rsec.Code, "section code %q must be 1 to 40 letters, digits, '.', '_' or '-'", rsec.Code)
		case sections[sec.Code] != nil:
			b.add(rsec.line, sec.Code, "section %s is defined twice", sec.Code)
		}
		b.text(rsec.line, sec.Code, "title", rsec.Title, true)
		b.text(rsec.line, sec.Code, "intro", rsec.Intro, false)
		if len(rsec.Questions) == 0 {
			b.add(rsec.line, sec.Code, "section %s has no questions", sec.Code)
		}
		for _, rq := range rsec.Questions {
			q := b.question(rq, scales)
			q.Section, q.Pos = sec.Code, len(ins.Questions)
			if q.Code != "" && ins.byCode[q.Code] != nil {
				b.add(rq.line, q.Code, "question %s appears twice", q.Code)
			} else if q.Code != "" {
				ins.byCode[q.Code] = q
			}
			sec.Questions = append(sec.Questions, q)
			ins.Questions = append(ins.Questions, q)
		}
		sections[sec.Code] = sec
		ins.Sections = append(ins.Sections, sec)
	}
	if len(ins.Questions) == 0 {
		b.add(raw.line, "", "the instrument has no questions")
	}
	if len(ins.Questions) > maxQuestions {
		b.add(raw.line, "", "the instrument has %d questions; at most %d are allowed", len(ins.Questions), maxQuestions)
	}

	measures := map[string]bool{}
	used := map[string]string{}
	for _, ri := range raw.Indices {
		b.unknown(ri.located, ri.Measure, "an index")
		ix := &Index{Measure: strings.TrimSpace(ri.Measure), Name: ri.Name}
		switch {
		case !measurePattern.MatchString(ix.Measure):
			b.add(ri.line, ri.Measure, "measure %q must be a lowercase input name (letters, digits, _)", ri.Measure)
		case measures[ix.Measure]:
			b.add(ri.line, ix.Measure, "measure %s is defined twice", ix.Measure)
		}
		measures[ix.Measure] = true
		b.text(ri.line, ix.Measure, "name", ri.Name, true)
		for _, code := range ri.Sections {
			sec := sections[code]
			if sec == nil {
				b.add(ri.line, ix.Measure, "section %s does not exist", code)
				continue
			}
			if other, ok := used[code]; ok && other != ix.Measure {
				b.add(ri.line, ix.Measure, "section %s is already an element of index %s", code, other)
			}
			used[code] = ix.Measure
			ix.Sections = append(ix.Sections, sec)
		}
		if len(ix.Sections) > 0 && len(ix.Questions()) == 0 {
			b.add(ri.line, ix.Measure, "index %s has no question on a scale with satisfied values", ix.Measure)
		}
		if len(ri.Sections) == 0 {
			b.add(ri.line, ix.Measure, "index %s names no sections", ix.Measure)
		}
		ins.Indices = append(ins.Indices, ix)
	}
	if len(b.problems) > 0 {
		return nil, &ValidationError{Problems: b.problems}
	}
	return ins, nil
}

func (b *builder) question(rq rawQuestion, scales map[string]*Scale) *Question {
	q := &Question{Code: strings.TrimSpace(rq.Code), Text: rq.Text, Help: rq.Help, Required: rq.Required, MaxLength: rq.MaxLength}
	b.unknown(rq.located, q.Code, "a question")
	if !codePattern.MatchString(q.Code) {
		b.add(rq.line, rq.Code, "question code %q must be 1 to 40 letters, digits, '.', '_' or '-'", rq.Code)
		q.Code = ""
	}
	b.text(rq.line, q.Code, "text", rq.Text, true)
	b.text(rq.line, q.Code, "help", rq.Help, false)
	switch rq.Type {
	case "", string(Choice):
		q.Type = Choice
		q.Scale = scales[rq.Scale]
		if q.Scale == nil {
			if rq.Scale == "" {
				b.add(rq.line, q.Code, "a choice question needs a scale")
			} else {
				b.add(rq.line, q.Code, "scale %s is not defined (define scales before the sections)", rq.Scale)
			}
			q.Scale = &Scale{}
		}
		if rq.MaxLength != 0 {
			b.add(rq.line, q.Code, "max_length applies to text questions only")
		}
	case string(FreeText):
		q.Type = FreeText
		if rq.Scale != "" {
			b.add(rq.line, q.Code, "a text question has no scale")
		}
		if q.MaxLength == 0 {
			q.MaxLength = defaultMaxLength
		}
		if q.MaxLength < 1 || q.MaxLength > maxTextLength {
			b.add(rq.line, q.Code, "max_length %d must be between 1 and %d", rq.MaxLength, maxTextLength)
		}
	default:
		b.add(rq.line, q.Code, "type %q must be choice or text", rq.Type)
		q.Type = Choice
		q.Scale = &Scale{}
	}
	return q
}

// Unwrap makes every validation error of kind domain.ErrInvalid, which the
// web layer answers with 422.
func (e *ValidationError) Unwrap() error { return domain.ErrInvalid }
