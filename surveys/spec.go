package surveys

import (
	"bytes"
	"fmt"
	"slices"

	"gopkg.in/yaml.v3"
)

// InstrumentSpec is a questionnaire in the plain form an editor changes:
// the instrument file's structure, nothing resolved. The secretariat's
// questionnaire builder edits one and saves its YAML (Spec.YAML), which is
// then checked like any file: the builder never bypasses ParseInstrument.
type InstrumentSpec struct {
	Code     string        `yaml:"code"`
	Name     Text          `yaml:"name"`
	Intro    Text          `yaml:"intro,omitempty"`
	Scales   []ScaleSpec   `yaml:"scales"`
	Indices  []IndexSpec   `yaml:"indices,omitempty"`
	Sections []SectionSpec `yaml:"sections"`
}

// ScaleSpec is a scale of answers.
type ScaleSpec struct {
	Code      string       `yaml:"code"`
	Satisfied []int        `yaml:"satisfied,omitempty,flow"`
	Options   []OptionSpec `yaml:"options"`
}

// OptionSpec is one answer of a scale.
type OptionSpec struct {
	Value int  `yaml:"value"`
	Label Text `yaml:"label,flow"`
}

// IndexSpec is an index and the sections that are its elements.
type IndexSpec struct {
	Measure  string   `yaml:"measure"`
	Name     Text     `yaml:"name,flow"`
	Sections []string `yaml:"sections,flow"`
}

// SectionSpec is a section and its questions.
type SectionSpec struct {
	Code      string         `yaml:"code"`
	Title     Text           `yaml:"title,flow"`
	Intro     Text           `yaml:"intro,omitempty"`
	Questions []QuestionSpec `yaml:"questions"`
}

// QuestionSpec is one question.
type QuestionSpec struct {
	Code      string `yaml:"code"`
	Type      string `yaml:"type,omitempty"`
	Text      Text   `yaml:"text"`
	Help      Text   `yaml:"help,omitempty"`
	Scale     string `yaml:"scale,omitempty"`
	Required  bool   `yaml:"required,omitempty"`
	MaxLength int    `yaml:"max_length,omitempty"`
}

// SpecOf returns an instrument's plain form.
func SpecOf(ins *Instrument) InstrumentSpec {
	sp := InstrumentSpec{Code: ins.Code, Name: clean(ins.Name), Intro: clean(ins.Intro)}
	for _, sc := range ins.Scales {
		ss := ScaleSpec{Code: sc.Code, Satisfied: slices.Clone(sc.Satisfied)}
		for _, o := range sc.Options {
			ss.Options = append(ss.Options, OptionSpec{Value: o.Value, Label: clean(o.Label)})
		}
		sp.Scales = append(sp.Scales, ss)
	}
	for _, ix := range ins.Indices {
		is := IndexSpec{Measure: ix.Measure, Name: clean(ix.Name)}
		for _, sec := range ix.Sections {
			is.Sections = append(is.Sections, sec.Code)
		}
		sp.Indices = append(sp.Indices, is)
	}
	for _, sec := range ins.Sections {
		ss := SectionSpec{Code: sec.Code, Title: clean(sec.Title), Intro: clean(sec.Intro)}
		for _, q := range sec.Questions {
			qs := QuestionSpec{Code: q.Code, Text: clean(q.Text), Help: clean(q.Help), Required: q.Required}
			if q.Type == FreeText {
				qs.Type, qs.MaxLength = string(FreeText), q.MaxLength
			} else {
				qs.Scale = q.Scale.Code
			}
			ss.Questions = append(ss.Questions, qs)
		}
		sp.Sections = append(sp.Sections, ss)
	}
	return sp
}

// clean drops a text's empty languages (they would be written as "").
func clean(t Text) Text {
	var out Text
	for _, l := range Languages {
		if t[l] != "" {
			if out == nil {
				out = Text{}
			}
			out[l] = t[l]
		}
	}
	return out
}

// YAML writes the spec as an instrument file.
func (sp InstrumentSpec) YAML() ([]byte, error) {
	sp.Name, sp.Intro = clean(sp.Name), clean(sp.Intro)
	for i := range sp.Scales {
		for j := range sp.Scales[i].Options {
			sp.Scales[i].Options[j].Label = clean(sp.Scales[i].Options[j].Label)
		}
	}
	for i := range sp.Indices {
		sp.Indices[i].Name = clean(sp.Indices[i].Name)
	}
	for i := range sp.Sections {
		s := &sp.Sections[i]
		s.Title, s.Intro = clean(s.Title), clean(s.Intro)
		for j := range s.Questions {
			s.Questions[j].Text, s.Questions[j].Help = clean(s.Questions[j].Text), clean(s.Questions[j].Help)
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(sp); err != nil {
		return nil, fmt.Errorf("surveys: write instrument: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("surveys: write instrument: %w", err)
	}
	return buf.Bytes(), nil
}
