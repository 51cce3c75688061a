package safeyaml_test

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/parindex/parindex/internal/safeyaml"
)

// laughs is the classic alias bomb: level k is a list of ten aliases of
// level k-1, so the last level expands to 10^levels scalars.
func laughs(levels int) string {
	var b strings.Builder
	b.WriteString("a0: &a0 [lol]\n")
	for k := 1; k <= levels; k++ {
		fmt.Fprintf(&b, "a%d: &a%d [", k, k)
		for i := range 10 {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", k-1)
		}
		b.WriteString("]\n")
	}
	return b.String()
}

// nested is a value whose custom unmarshaler decodes its node again, as the
// criteria set and questionnaire types do, which resets yaml.v3's own alias
// budget.
type nested struct {
	Items []*nested
}

func (n *nested) UnmarshalYAML(node *yaml.Node) error {
	var raw []*nested
	if node.Kind == yaml.SequenceNode {
		if err := node.Decode(&raw); err != nil {
			return err
		}
	}
	n.Items = raw
	return nil
}

func TestAliasBombsAreRefusedBeforeDecoding(t *testing.T) {
	src := laughs(9) // 10^9 nodes expanded, 300 bytes of file
	var v map[string]*nested
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	err := safeyaml.Decode([]byte(src), &v, false, safeyaml.Default)
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if !safeyaml.IsLimit(err) || !strings.Contains(err.Error(), "alias") {
		t.Fatalf("got %v, want a refusal naming the aliases", err)
	}
	if v != nil {
		t.Error("something was decoded")
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 || elapsed > time.Second {
		t.Errorf("refusing took %v and %d KB", elapsed, alloc>>10)
	}
}

func TestLimits(t *testing.T) {
	long := strings.Repeat("x", 100_000)
	for _, tc := range []struct {
		name, src string
		ok        bool
	}{
		{"small anchors", "a: &x {k: v}\nb: *x\nc: *x\n", true},
		{"merge keys", "base: &b {k: v}\nthis: {<<: *b, j: w}\n", true},
		{"bomb", laughs(6), false},
		{"long scalar repeated", "a: &s " + long + "\nb: [" + strings.Repeat("*s, ", 200) + "*s]\n", false},
		{"cycle", "a: &a [*a]\n", false},
		{"too large", "a: " + strings.Repeat("y", int(safeyaml.Default.MaxBytes)) + "\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v any
			err := safeyaml.Decode([]byte(tc.src), &v, false, safeyaml.Default)
			if tc.ok && err != nil {
				t.Errorf("refused: %v", err)
			}
			if !tc.ok && !safeyaml.IsLimit(err) {
				t.Errorf("got %v, want a refusal by the limits", err)
			}
		})
	}
	var v any
	if err := safeyaml.Decode(nil, &v, false, safeyaml.Default); !errors.Is(err, io.EOF) {
		t.Errorf("empty: %v, want io.EOF", err)
	}
	if _, err := safeyaml.ReadAll(strings.NewReader(strings.Repeat("z", 11)), safeyaml.Limits{MaxBytes: 10}); !safeyaml.IsLimit(err) {
		t.Errorf("ReadAll over the cap: %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(laughs(3))
	f.Add("a: &a [*a]\n")
	f.Add("a: &x {k: v}\nb: {<<: *x}\n")
	f.Fuzz(func(t *testing.T, src string) {
		var v any
		lim := safeyaml.Limits{MaxBytes: 1 << 16, MaxNodes: 10_000, MaxScalarBytes: 1 << 16}
		_ = safeyaml.Decode([]byte(src), &v, false, lim)
	})
}
