package surveys_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/parindex/parindex/surveys"
)

// TestSpecRoundTrip writes each shipped questionnaire as the builder does
// and reads it back: the same questionnaire, question for question.
func TestSpecRoundTrip(t *testing.T) {
	for _, code := range surveys.Templates() {
		_, ins, err := surveys.Template(code)
		if err != nil {
			t.Fatal(err)
		}
		spec := surveys.SpecOf(ins)
		src, err := spec.YAML()
		if err != nil {
			t.Fatal(err)
		}
		back, err := surveys.ParseInstrument(bytes.NewReader(src))
		if err != nil {
			t.Fatalf("%s: the written file does not parse: %v\n%s", code, err, src)
		}
		if got := surveys.SpecOf(back); !reflect.DeepEqual(got, spec) {
			t.Errorf("%s: read back\n%+v\nwant\n%+v", code, got, spec)
		}
		if len(back.Questions) != len(ins.Questions) || back.Questions[3].Code != ins.Questions[3].Code {
			t.Errorf("%s: questions differ", code)
		}
	}
	// An edit the builder makes: a question moved up, an answer relabelled.
	_, ins, _ := surveys.Template("sipas")
	spec := surveys.SpecOf(ins)
	qs := spec.Sections[0].Questions
	qs[0], qs[1] = qs[1], qs[0]
	spec.Scales[0].Options[4].Label["vi"] = "Hoàn toàn hài lòng"
	src, err := spec.YAML()
	if err != nil {
		t.Fatal(err)
	}
	back, err := surveys.ParseInstrument(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if back.Questions[0].Code != "TC2" || back.Scales[0].Options[4].Label.In("vi") != "Hoàn toàn hài lòng" || !strings.Contains(string(src), "Hoàn toàn hài lòng") {
		t.Errorf("edited questionnaire: first %s, label %q", back.Questions[0].Code, back.Scales[0].Options[4].Label.In("vi"))
	}
}
