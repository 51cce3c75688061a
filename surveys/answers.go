package surveys

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Encoded is a response's answers in the compact form they are stored in:
// Choices has one byte per question of the instrument, in order — '0' for
// no answer, '1'..'9' for the value — and Texts holds the text answers by
// question code. An instrument cannot change once its campaign has opened,
// so the positions stay meaningful.
type Encoded struct {
	Choices string
	Texts   map[string]string
}

// NoAnswer is the byte of an unanswered question in Encoded.Choices.
const NoAnswer = '0'

// Value returns the value given to the question at position pos, 0 when
// there is none.
func (e Encoded) Value(pos int) int {
	if pos < 0 || pos >= len(e.Choices) {
		return 0
	}
	return int(e.Choices[pos] - '0')
}

// Check validates raw answers — question code → the value as typed: "4",
// "  5 ", or the text of a text question — against the instrument and
// encodes them. Empty values are no answer. Every problem is reported, by
// question code, in a *ValidationError; unknown questions are problems too.
func (ins *Instrument) Check(raw map[string]string) (Encoded, error) {
	var problems []Problem
	choices := make([]byte, len(ins.Questions))
	for i := range choices {
		choices[i] = NoAnswer
	}
	enc := Encoded{}
	var unknown []string
	for code := range raw {
		if ins.Question(code) == nil {
			unknown = append(unknown, code)
		}
	}
	sort.Strings(unknown)
	for _, code := range unknown {
		problems = append(problems, Problem{Code: code, Msg: "no such question in this survey"})
	}
	for _, q := range ins.Questions {
		v := strings.TrimSpace(raw[q.Code])
		if v == "" {
			if q.Required {
				problems = append(problems, Problem{Code: q.Code, Msg: "an answer is required"})
			}
			continue
		}
		switch q.Type {
		case FreeText:
			if n := utf8.RuneCountInString(v); n > q.MaxLength {
				problems = append(problems, Problem{Code: q.Code, Msg: fmt.Sprintf("the text has %d characters; at most %d are allowed", n, q.MaxLength)})
				continue
			}
			if !utf8.ValidString(v) {
				problems = append(problems, Problem{Code: q.Code, Msg: "the text is not valid UTF-8"})
				continue
			}
			if enc.Texts == nil {
				enc.Texts = map[string]string{}
			}
			enc.Texts[q.Code] = v
		default:
			n, err := strconv.Atoi(v)
			if err != nil || !q.Scale.Has(n) {
				problems = append(problems, Problem{Code: q.Code, Msg: fmt.Sprintf("%q is not one of %s", v, q.Scale.valueList())})
				continue
			}
			choices[q.Pos] = byte('0' + n)
		}
	}
	if len(problems) > 0 {
		return Encoded{}, &ValidationError{Problems: problems}
	}
	enc.Choices = string(choices)
	return enc, nil
}

// Answered counts the questions the encoded response answers.
func (e Encoded) Answered() int {
	n := len(e.Texts)
	for i := 0; i < len(e.Choices); i++ {
		if e.Choices[i] != NoAnswer {
			n++
		}
	}
	return n
}

// Decode turns an encoded response back into question code → value; text
// answers are given as they are.
func (ins *Instrument) Decode(e Encoded) map[string]string {
	out := map[string]string{}
	for _, q := range ins.Questions {
		if q.Type == FreeText {
			if t, ok := e.Texts[q.Code]; ok {
				out[q.Code] = t
			}
			continue
		}
		if v := e.Value(q.Pos); v > 0 {
			out[q.Code] = strconv.Itoa(v)
		}
	}
	return out
}

func (s *Scale) valueList() string {
	vals := make([]string, len(s.Options))
	for i, o := range s.Options {
		vals[i] = strconv.Itoa(o.Value)
	}
	return strings.Join(vals, ", ")
}

// EncodeTexts writes text answers as a JSON object, keys sorted, or "" when
// there are none.
func EncodeTexts(texts map[string]string) string {
	if len(texts) == 0 {
		return ""
	}
	b, _ := json.Marshal(texts) // map keys are sorted by encoding/json
	return string(b)
}

// DecodeTexts reads what EncodeTexts wrote.
func DecodeTexts(s string) (map[string]string, error) {
	if s == "" {
		return nil, nil
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, fmt.Errorf("surveys: text answers: %w", err)
	}
	return m, nil
}
