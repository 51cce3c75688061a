package surveys_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/parindex/parindex/surveys"
)

// questionnaireBomb is issue 11's item 2 in small: a section anchor
// repeated sections times, whose questions repeat a question anchor
// questions times. The raw types' UnmarshalYAML used to reset yaml.v3's
// alias budget at each section and question, so the whole product was
// decoded (10,000 × 10,000 from a 180 KB post killed the server).
func questionnaireBomb(sections, questions int) string {
	var b strings.Builder
	b.WriteString(`code: bomb
name: {vi: Phiếu}
scales:
  - code: sat
    options: [{value: 1, label: {vi: Không}}, {value: 2, label: {vi: Có}}]
sections:
  - &s
    code: S
    title: {vi: Phần}
    questions:
      - &q {code: Q, text: {vi: Câu hỏi}, scale: sat}
`)
	for range questions - 1 {
		b.WriteString("      - *q\n")
	}
	for range sections - 1 {
		b.WriteString("  - *s\n")
	}
	return b.String()
}

func TestQuestionnaireAliasBomb(t *testing.T) {
	src := questionnaireBomb(300, 300) // 90,000 questions once expanded
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := surveys.ParseInstrument(strings.NewReader(src))
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "through its aliases") {
		msg := fmt.Sprint(err)
		if len(msg) > 300 {
			msg = msg[:300]
		}
		t.Errorf("got %s, want the questionnaire refused for its aliases", msg)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 || elapsed > 2*time.Second {
		t.Errorf("refusing a %d KB questionnaire took %v and %d MB", len(src)>>10, elapsed, alloc>>20)
	}
	// A questionnaire that shares a scale's options through an anchor is
	// still fine.
	ok := `code: ok
name: {vi: Phiếu}
scales:
  - code: a
    options: &opts [{value: 1, label: {vi: Không}}, {value: 2, label: {vi: Có}}]
  - code: b
    options: *opts
sections:
  - code: S
    title: {vi: Phần}
    questions:
      - {code: Q1, text: {vi: Một}, scale: a}
      - {code: Q2, text: {vi: Hai}, scale: b}
`
	if _, err := surveys.ParseInstrument(strings.NewReader(ok)); err != nil {
		t.Errorf("a shared scale: %v", err)
	}
}
