package surveys_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/surveys"
)

func TestShippedInstruments(t *testing.T) {
	if got := strings.Join(surveys.Templates(), ","); got != "officials,sipas" {
		t.Fatalf("Templates() = %s", got)
	}
	_, sipas, err := surveys.Template("sipas")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(sipas.Measures(), ","); got != "sipas,sipas_policy" {
		t.Errorf("SIPAS measures %s", got)
	}
	main := sipas.Main()
	if len(main.Sections) != 5 {
		t.Errorf("SIPAS has %d service elements, want 5", len(main.Sections))
	}
	if policy := sipas.Indices[1]; len(policy.Questions()) != 9 {
		t.Errorf("SIPAS has %d policy groups, want 9", len(policy.Questions()))
	}
	for _, q := range sipas.Questions {
		if q.Text.In("vi") == "" || q.Text["en"] == "" {
			t.Errorf("question %s lacks a Vietnamese or English text", q.Code)
		}
		if q.Type == surveys.Choice && q.Scale.Code == "satisfaction" {
			if len(q.Scale.Options) != 5 || q.Scale.Options[0].Value != 1 || q.Scale.Options[4].Label.In("vi") != "Rất hài lòng" {
				t.Errorf("question %s: the five-level scale is %+v", q.Code, q.Scale.Options)
			}
		}
	}
	_, officials, err := surveys.Template("officials")
	if err != nil {
		t.Fatal(err)
	}
	if officials.Main().Measure != "officials" {
		t.Errorf("officials measure %s", officials.Main().Measure)
	}
	if _, _, err := surveys.Template("nope"); err == nil {
		t.Error("an unknown template was found")
	}
}

func TestParseInstrumentProblems(t *testing.T) {
	src := `code: bad form
name: {en: English only}
scales:
  - code: s
    satisfied: [4, 6]
    options:
      - {value: 1, label: {vi: Một}}
      - {value: 12, label: {vi: Mười hai}}
      - {value: 1, label: {vi: Lại một, fr: Un}}
indices:
  - measure: Sat
    name: {vi: Chỉ số}
    sections: [A, NOPE]
sections:
  - code: A
    title: {vi: Phần A}
    questions:
      - {code: Q1, text: {vi: Câu 1}, scale: s}
      - {code: Q1, text: {vi: Câu 1 lần nữa}, scale: s}
      - {code: Q2, text: {vi: Câu 2}, scale: missing}
      - {code: Q3, text: {vi: Câu 3}, type: essay}
      - {code: Q4, text: {vi: Câu 4}, colour: red, scale: s}
`
	_, err := surveys.ParseInstrument(strings.NewReader(src))
	var ve *surveys.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("err = %v, want a *ValidationError of kind invalid", err)
	}
	for _, want := range []string{
		`line 1: code "bad form" must be`,
		"line 1: name: the Vietnamese text (vi) is missing",
		"line 4: s: satisfied value 6 is not one of the scale's options",
		"line 8: s: option value 12 must be a whole number from 1 to 9",
		"line 9: s: option value 1 appears twice",
		`line 9: s: label of option 1: language "fr" must be vi or en`,
		`line 11: Sat: measure "Sat" must be a lowercase input name`,
		"line 11: Sat: section NOPE does not exist",
		"line 19: Q1: question Q1 appears twice",
		"line 20: Q2: scale missing is not defined",
		`line 21: Q3: type "essay" must be choice or text`,
		`line 22: Q4: unknown key "colour" in a question`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("problems lack %q:\n%v", want, err)
		}
	}
	for _, src := range []string{"", "code: [1, 2\n", "- a\n- b\n"} {
		if _, err := surveys.ParseInstrument(strings.NewReader(src)); !errors.As(err, &ve) {
			t.Errorf("ParseInstrument(%q) = %v, want a validation error", src, err)
		}
	}
}

func TestCheckAnswers(t *testing.T) {
	ins := parse(t, smallInstrument)
	enc, err := ins.Check(map[string]string{"Q1": " 4 ", "Q3": "1", "YN": "2", "T": "Tốt lắm", "Q2": ""})
	if err != nil {
		t.Fatal(err)
	}
	if enc.Choices != "40120" || enc.Texts["T"] != "Tốt lắm" || enc.Answered() != 4 {
		t.Errorf("encoded %+v", enc)
	}
	if got := ins.Decode(enc); got["Q1"] != "4" || got["YN"] != "2" || got["T"] != "Tốt lắm" || got["Q2"] != "" {
		t.Errorf("decoded %v", got)
	}
	_, err = ins.Check(map[string]string{"Q2": "6", "Q3": "x", "YN": "3", "T": "mười một ký tự", "Z9": "1"})
	for _, want := range []string{
		"Q1: an answer is required",
		`Q2: "6" is not one of 1, 2, 3, 4, 5`,
		`Q3: "x" is not one of 1, 2, 3, 4, 5`,
		`YN: "3" is not one of 1, 2`,
		"T: the text has 14 characters; at most 10 are allowed",
		"Z9: no such question in this survey",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("problems lack %q: %v", want, err)
		}
	}
	if !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("answer problems are not of kind invalid: %v", err)
	}
}
