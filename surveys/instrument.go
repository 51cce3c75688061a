package surveys

import "strings"

// Languages lists the languages an instrument's texts are written in,
// Vietnamese first: Vietnamese is required, English optional.
var Languages = []string{"vi", "en"}

// Text is a text in several languages, keyed by language code.
type Text map[string]string

// In returns the text in a language, falling back to Vietnamese and then to
// any language that has it.
func (t Text) In(lang string) string {
	if s := t[lang]; s != "" {
		return s
	}
	if s := t["vi"]; s != "" {
		return s
	}
	for _, l := range Languages {
		if s := t[l]; s != "" {
			return s
		}
	}
	return ""
}

// Option is one answer of a scale: a value 1..9 and its label.
type Option struct {
	Value int
	Label Text
}

// Scale is a closed list of answers. Satisfied lists the values that count
// as satisfied (on the five-level satisfaction scale: 4 and 5); a scale
// without them does not enter any index.
type Scale struct {
	Code      string
	Options   []Option
	Satisfied []int
}

// Has reports whether v is one of the scale's values.
func (s *Scale) Has(v int) bool {
	for _, o := range s.Options {
		if o.Value == v {
			return true
		}
	}
	return false
}

// IsSatisfied reports whether v counts as satisfied.
func (s *Scale) IsSatisfied(v int) bool {
	for _, x := range s.Satisfied {
		if x == v {
			return true
		}
	}
	return false
}

// Bounds returns the lowest and highest value of the scale.
func (s *Scale) Bounds() (lo, hi int) {
	lo, hi = 10, 0
	for _, o := range s.Options {
		lo, hi = min(lo, o.Value), max(hi, o.Value)
	}
	return lo, hi
}

// QuestionType is the kind of answer a question takes.
type QuestionType string

// The question types.
const (
	// Choice questions take one value of their scale.
	Choice QuestionType = "choice"
	// FreeText questions take a short text; they never enter an index.
	FreeText QuestionType = "text"
)

// Question is one question of an instrument.
type Question struct {
	Code     string
	Text     Text
	Help     Text
	Type     QuestionType
	Scale    *Scale // choice questions
	Required bool
	// MaxLength bounds a text answer, in characters.
	MaxLength int
	// Section is the code of the section the question belongs to.
	Section string
	// Pos is the question's place in the instrument (0, 1, ...): the
	// position of its answer in the compact encoding.
	Pos int
}

// Section groups questions; in an index a section is one element (e.g.
// "access to the service").
type Section struct {
	Code      string
	Title     Text
	Intro     Text
	Questions []*Question
}

// Index is a satisfaction index the instrument defines: its value is the
// mean of its elements (sections), each the mean of its questions. Measure
// is the name a criteria set's survey leaves read (`survey: sipas`).
type Index struct {
	Measure  string
	Name     Text
	Sections []*Section
}

// Questions lists the index's choice questions on a scale that has
// satisfied values, in instrument order.
func (ix *Index) Questions() []*Question {
	var qs []*Question
	for _, s := range ix.Sections {
		for _, q := range s.Questions {
			if q.Type == Choice && len(q.Scale.Satisfied) > 0 {
				qs = append(qs, q)
			}
		}
	}
	return qs
}

// Instrument is a questionnaire.
type Instrument struct {
	Code     string
	Name     Text
	Intro    Text
	Scales   []*Scale
	Sections []*Section
	// Indices are the satisfaction indices the instrument yields; the
	// first is the main one (the campaign's progress and `survey results`).
	Indices []*Index
	// Questions lists every question in order; Questions[i].Pos == i.
	Questions []*Question

	byCode map[string]*Question
}

// Question returns the question with the code, or nil.
func (ins *Instrument) Question(code string) *Question {
	return ins.byCode[strings.TrimSpace(code)]
}

// Main returns the instrument's main index, or nil when it has none.
func (ins *Instrument) Main() *Index {
	if len(ins.Indices) == 0 {
		return nil
	}
	return ins.Indices[0]
}

// Index returns the instrument's index of a measure, or nil.
func (ins *Instrument) Index(measure string) *Index {
	for _, ix := range ins.Indices {
		if ix.Measure == measure {
			return ix
		}
	}
	return nil
}

// Measures lists the measures of the instrument's indices.
func (ins *Instrument) Measures() []string {
	out := make([]string, len(ins.Indices))
	for i, ix := range ins.Indices {
		out[i] = ix.Measure
	}
	return out
}
