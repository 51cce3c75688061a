package web

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/go-json-experiment/json/jsontext"
)

// readSubmission reads a submission's JSON body as encoding/json decodes
// it into an apiResponseRequest with unknown fields disallowed: member
// names matched case-insensitively, a repeated member's last value kept
// (repeated "answers" objects merged), null leaving a field as it is, any
// JSON value kept for each answer, and nothing read past the first value.
// It reads tokens instead of reflecting over the type: a fifth of the
// server's CPU per submission went to decoding them (issue 16).
// FuzzReadSubmission compares the two.
func readSubmission(r io.Reader) (apiResponseRequest, error) {
	var req apiResponseRequest
	dec := decoders.Get().(*jsontext.Decoder)
	dec.Reset(r, answersJSON...)
	defer func() {
		dec.Reset(noBody{}, answersJSON...) // keep no reference to the body
		decoders.Put(dec)
	}()
	switch k := dec.PeekKind(); k {
	case 'n':
		_, err := dec.ReadToken()
		return req, err
	case '{', 0: // 0: the token's error comes next
		if _, err := dec.ReadToken(); err != nil {
			return req, err
		}
	default:
		return req, fmt.Errorf("a JSON %s, not an object", kindName(k))
	}
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return req, err
		}
		name := tok.String()
		if strings.EqualFold(name, "answers") {
			if err := readAnswers(dec, &req); err != nil {
				return req, err
			}
			continue
		}
		field := req.textField(name)
		if field == nil {
			return req, fmt.Errorf("unknown field %q", name)
		}
		if k := dec.PeekKind(); k != 'n' && k != '"' && k != 0 {
			if err := dec.SkipValue(); err != nil {
				return req, err
			}
			return req, fmt.Errorf("field %q is a JSON %s, not a string", name, kindName(k))
		}
		tok, err = dec.ReadToken()
		if err != nil {
			return req, err
		}
		if tok.Kind() == '"' {
			*field = tok.String()
		}
	}
	_, err := dec.ReadToken() // the closing brace
	return req, err
}

// readAnswers reads the value of "answers": null, or an object whose
// members it adds to req.Answers.
func readAnswers(dec *jsontext.Decoder, req *apiResponseRequest) error {
	switch k := dec.PeekKind(); k {
	case 'n':
		req.Answers = nil
		_, err := dec.ReadToken()
		return err
	case '{', 0: // 0: the token's error comes next
		if _, err := dec.ReadToken(); err != nil {
			return err
		}
	default:
		if err := dec.SkipValue(); err != nil {
			return err
		}
		return fmt.Errorf(`field "answers" is a JSON %s, not an object`, kindName(k))
	}
	if req.Answers == nil {
		req.Answers = make(map[string]json.RawMessage, answersHint)
	}
	// The values are copied into one buffer, each answer a slice of it
	// that appends cannot reach (its capacity ends with it): a slice taken
	// before the buffer grew keeps the array it was cut from.
	var values []byte
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		code := tok.String()
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		if cap(values)-len(values) < len(v) {
			values = make([]byte, 0, max(512, len(v)))
		}
		values = append(values, v...)
		req.Answers[code] = values[len(values)-len(v) : len(values) : len(values)]
	}
	_, err := dec.ReadToken()
	return err
}

// answersHint sizes the map of answers for a questionnaire of a few dozen
// questions (SIPAS has 35), so that it is not grown again and again while
// it is read.
const answersHint = 48

// textField returns the string field of a member name, as encoding/json
// matches names: exactly, else ignoring case.
func (r *apiResponseRequest) textField(name string) *string {
	fields := [...]struct {
		name string
		to   *string
	}{{"unit", &r.Unit}, {"code", &r.Code}, {"website", &r.Website}, {"form_token", &r.FormToken}, {"key", &r.Key}, {"answered_at", &r.AnsweredAt}}
	for _, f := range fields {
		if f.name == name {
			return f.to
		}
	}
	for _, f := range fields {
		if strings.EqualFold(f.name, name) {
			return f.to
		}
	}
	return nil
}

func kindName(k jsontext.Kind) string {
	switch k {
	case 'n':
		return "null"
	case 'f', 't':
		return "boolean"
	case '"':
		return "string"
	case '0':
		return "number"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "value"
}

// answersJSON: as encoding/json, a repeated name is no error, and a
// \u escape of half a surrogate pair reads as U+FFFD (raw bytes that are
// not UTF-8 never reach here: rejectBadText refuses them).
var answersJSON = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

// decoders keeps decoders and their buffers (at most maxResponseBody each)
// for the next submissions.
var decoders = sync.Pool{New: func() any { return new(jsontext.Decoder) }}

// noBody is an empty reader, for a decoder waiting in the pool.
type noBody struct{}

func (noBody) Read([]byte) (int, error) { return 0, io.EOF }
