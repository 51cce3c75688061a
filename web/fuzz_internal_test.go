package web

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parindex/parindex/surveys"
)

// FuzzSubmissionBody: the public survey API's JSON body, as read by
// apiSubmitResponse and checked against the SIPAS questionnaire, never
// panics, and what it accepts is text a database keeps once the request
// has passed rejectBadText (raw bytes that are not UTF-8, and \u0000, are
// refused there).
func FuzzSubmissionBody(f *testing.F) {
	_, ins, err := surveys.Template("sipas")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(`{"unit":"S1","code":"ABCDE-FGH23","answers":{"TC1":5,"TC2":"4","GY1":"Tốt lắm","TC3":null}}`)
	f.Add(`{"unit":"S1","answers":{"TC1":-1e999,"TC2":[1],"GY1":{"a":1}}}`)
	f.Add(`{"unit":"S1","answers":{"GY1":"\ud800"},"website":"x","form_token":"AAAA"}`)
	f.Fuzz(func(t *testing.T, body string) {
		if !utf8.ValidString(body) || jsonHasNUL([]byte(body)) {
			return // refused before any handler
		}
		req, answers, err := decodeSubmission(strings.NewReader(body))
		if err != nil {
			return
		}
		enc, err := ins.Check(answers)
		if err != nil {
			return
		}
		for _, s := range append([]string{req.Unit, req.Code, enc.Choices}, mapTexts(enc.Texts)...) {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Errorf("accepted %q", s)
			}
		}
	})
}

func mapTexts(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k, v)
	}
	return out
}

// FuzzAnswerValue: the fast reading of an answer gives what decoding it
// with encoding/json gives (a text, or a number's text), for any value
// the body's decoder accepts.
func FuzzAnswerValue(f *testing.F) {
	for _, s := range []string{`"Tốt"`, `5`, `-1.5e3`, `"a\"b"`, `"\u00e9"`, `null`, `"\ud800"`, "\"\xff\"", `[1]`, ` 4 `} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if !json.Valid([]byte(raw)) {
			return // not one JSON value: the body's decoder refuses it
		}
		var v any
		dec := json.NewDecoder(strings.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%q: valid, yet %v", raw, err)
		}
		got, err := answerValue(json.RawMessage(raw))
		var want string
		switch v := v.(type) {
		case nil:
		case string:
			want = v
		case json.Number:
			want = v.String()
		default:
			if err == nil {
				t.Errorf("%q read as %q, want an error", raw, got)
			}
			return
		}
		if err != nil || got != want {
			t.Errorf("%q read as %q (%v), want %q", raw, got, err, want)
		}
	})
}
