package scoring_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/parindex/parindex/scoring"
)

// aliasSet is a criteria set of a few hundred bytes whose items nest
// aliases levels deep, ten to a level: 10^levels leaves once expanded. Each
// item is decoded by rawItem's own UnmarshalYAML, which used to reset
// yaml.v3's alias budget, so nothing stopped the expansion (issue 11, item
// 2: nine levels drove `import framework` to 23.8 GB).
func aliasSet(levels int) string {
	var b strings.Builder
	b.WriteString(header + "items:\n  - &l0 {code: \"x\", name: x, max: 1, method: manual}\n")
	for k := 1; k <= levels; k++ {
		fmt.Fprintf(&b, "  - &l%d {code: \"g%d\", name: g, items: [", k, k)
		for i := range 10 {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*l%d", k-1)
		}
		b.WriteString("]}\n")
	}
	return b.String()
}

func TestCriteriaSetAliasBomb(t *testing.T) {
	src := aliasSet(5) // 100,000 leaves once expanded, 500 bytes of file
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := scoring.ParseFramework(strings.NewReader(src))
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "through its aliases") {
		t.Errorf("got %v, want the set refused for its aliases", firstLine(err))
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 || elapsed > 2*time.Second {
		t.Errorf("refusing a %d-byte set took %v and %d MB", len(src), elapsed, alloc>>20)
	}
	// Anchors that expand little stay allowed.
	ok := header + "items:\n  - {code: \"1\", name: a, max: 50, method: tiers, input: x, tiers: &t [{min: 1, points: 50}, {min: 0, points: 0}]}\n" +
		"  - {code: \"2\", name: b, max: 50, method: tiers, input: y, tiers: *t}\n"
	if _, err := scoring.ParseFramework(strings.NewReader(ok)); err != nil {
		t.Errorf("a small anchor: %v", err)
	}
	// So does the size cap.
	if _, err := scoring.ParseFramework(strings.NewReader(header + "# " + strings.Repeat("x", 5<<20))); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("a 5 MB set: %v", firstLine(err))
	}
}

func firstLine(err error) string {
	if err == nil {
		return "<nil>"
	}
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
