package web

import (
	"bytes"
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

// FuzzReadSubmission: readSubmission reads every body as encoding/json
// decodes it into an apiResponseRequest with unknown fields disallowed
// (the way submissions were read before it): the same refusals, and for a
// body both accept, the same fields and the same answers.
func FuzzReadSubmission(f *testing.F) {
	for _, s := range []string{
		`{"unit":"S1","code":"ABCDE-FGH23","answers":{"TC1":5,"TC2":"4","GY1":"Tốt lắm","TC3":null}}`,
		`{"unit":"S1","answers":{"TC1":-1e999,"TC2":[1],"GY1":{"a":1}}}`,
		`{"unit":"S1","answers":{"GY1":"\ud800"},"website":"x","form_token":"AAAA","key":"k-1","answered_at":"2026-01-02T03:04:05Z"}`,
		`{"UNIT":"S1","Unit":"S2","answers":{"A":1},"Answers":{"B":2}}`,
		`{"unit":"S1","answers":null,"answers":{"A":true}}`,
		`{"unit":5}`, `{"unit":"S1","extra":1}`, `[1,2]`, `null`, ``, `{"unit":"S1"} trailing`, `{"unit":"S1",}`,
		`{"answers":{"A":1,"A":2}}`, `{"unit":{"a":[1,{"b":2}]}}`, `{"ſite":"x","ᴋey":"y"}`, `{"unit":"\u0053\u0031"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if !utf8.ValidString(body) || jsonHasNUL([]byte(body)) {
			return // refused before any handler
		}
		var want apiResponseRequest
		dec := json.NewDecoder(strings.NewReader(body))
		dec.DisallowUnknownFields()
		wantErr := dec.Decode(&want)
		got, err := readSubmission(strings.NewReader(body))
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("%q: read with %v, encoding/json %v", body, err, wantErr)
		}
		if err != nil {
			return
		}
		if got.Unit != want.Unit || got.Code != want.Code || got.Website != want.Website || got.FormToken != want.FormToken ||
			got.Key != want.Key || got.AnsweredAt != want.AnsweredAt || (got.Answers == nil) != (want.Answers == nil) ||
			len(got.Answers) != len(want.Answers) {
			t.Fatalf("%q: read %+v, encoding/json %+v", body, got, want)
		}
		for code, raw := range want.Answers {
			if g, ok := got.Answers[code]; !ok || !bytes.Equal(bytes.TrimSpace(g), bytes.TrimSpace(raw)) {
				t.Fatalf("%q: answer %q read %q, encoding/json %q", body, code, g, raw)
			}
		}
	})
}
