package surveys_test

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parindex/parindex/internal/xlsxread/xlsxtest"
	"github.com/parindex/parindex/surveys"
)

// Fuzz targets for what surveys read from outside: questionnaires (YAML),
// import files (CSV, Excel) and answers. No input may make them panic, and
// what they accept is text a database keeps (UTF-8 without NUL). `.ci/run`
// runs each for a bounded time; failing inputs are kept in testdata/fuzz/.

func validText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

func FuzzParseInstrument(f *testing.F) {
	for _, name := range surveys.Templates() {
		src, _, err := surveys.Template(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(src))
	}
	f.Add(questionnaireBomb(3, 3))
	f.Add("code: x\nname: {vi: a}\nsections: [{code: S, title: {vi: t}, questions: [{code: Q, type: text, text: {vi: q}}]}]\n")
	f.Fuzz(func(t *testing.T, src string) {
		ins, err := surveys.ParseInstrument(strings.NewReader(src))
		if err != nil {
			return
		}
		// An accepted instrument checks any answers without panicking.
		answers := map[string]string{}
		for i, q := range ins.Questions {
			answers[q.Code] = []string{"1", "5", "", "x", "99"}[i%5]
		}
		_, _ = ins.Check(answers)
	})
}

func FuzzReadTable(f *testing.F) {
	data, err := os.ReadFile("../demo/data/survey-responses-2026.csv")
	if err != nil {
		f.Fatal(err)
	}
	lines := strings.SplitAfterN(string(data), "\n", 6)
	f.Add("phieu.csv", []byte(strings.Join(lines[:5], "")))
	f.Add("phieu.csv", []byte("\xef\xbb\xbfunit,code,Q1\r\nS1,\"AB\"\"C\",4\n\n"))
	f.Add("phieu.xlsx", xlsxtest.Sheet(`<row r="1"><c r="A1" t="inlineStr"><is><t>unit</t></is></c><c r="B1" t="inlineStr"><is><t>Q1</t></is></c></row>`+
		`<row r="2"><c r="A2" t="inlineStr"><is><t>S1</t></is></c><c r="B2"><v>4</v></c></row>`))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		header, rows, err := surveys.ReadTable(t.Context(), name, data)
		if err != nil {
			return
		}
		for _, h := range header {
			if !validText(h) {
				t.Errorf("accepted header %q", h)
			}
		}
		for _, r := range rows {
			for _, c := range r.Cells {
				if !validText(c) {
					t.Errorf("accepted cell %q on line %d", c, r.Line)
				}
			}
		}
	})
}

func FuzzCheckAnswers(f *testing.F) {
	_, ins, err := surveys.Template("sipas")
	if err != nil {
		f.Fatal(err)
	}
	f.Add("TC1", "5", "GY1", "Tốt")
	f.Add("TC1", "0", "GY1", strings.Repeat("x", 6000))
	f.Add("NOPE", "-1", "TC2", "4.0")
	f.Fuzz(func(t *testing.T, q1, v1, q2, v2 string) {
		enc, err := ins.Check(map[string]string{q1: v1, q2: v2})
		if err != nil {
			return
		}
		for k, v := range enc.Texts {
			if !validText(k) || !validText(v) {
				t.Errorf("accepted text answer %q: %q", k, v)
			}
		}
	})
}
