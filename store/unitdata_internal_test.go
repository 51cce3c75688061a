package store

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/parindex/parindex/scoring"
)

// TestUnpackRefusesMalformedLists: a packed list that does not follow the
// format is an error, never a panic nor a wrong value.
func TestUnpackRefusesMalformedLists(t *testing.T) {
	for _, packed := range []string{
		"3:1.1self:1", "3:1.1self1;", "9:1.1self:1;", "x:1.1self:1;", ":1.1self:1;", "-1:1.1self:1;",
		"3:1.1done:1;", "3:1.1self:abc;", "3:1.1self:1;3:1.2",
	} {
		u := scoring.UnitData{}
		if _, err := unpackPoints(&u, packed, nil, newInterner(), newDecimals()); !errors.Is(err, errPacked) {
			t.Errorf("points %q: err = %v, want errPacked", packed, err)
		}
	}
	for _, packed := range []string{"4:done3", "4:done;", "4:done1.2.3;", "40:done3;"} {
		u := scoring.UnitData{}
		if err := unpackInputs(&u, packed, newInterner(), newDecimals()); !errors.Is(err, errPacked) {
			t.Errorf("inputs %q: err = %v, want errPacked", packed, err)
		}
	}
}

// FuzzUnpack: whatever the text, unpacking returns an error or values.
func FuzzUnpack(f *testing.F) {
	f.Add("3:1.1self:0.5;3:1.1final:;")
	f.Add("4:done3;")
	f.Fuzz(func(t *testing.T, packed string) {
		u := scoring.UnitData{}
		_, _ = unpackPoints(&u, packed, nil, newInterner(), newDecimals())
		_ = unpackInputs(&u, packed, newInterner(), newDecimals())
	})
}

// FuzzEachPacked: a packed list of responses' choices reads back as the
// texts packed, whatever they hold; any text at all is an error or texts
// within it, never a panic.
func FuzzEachPacked(f *testing.F) {
	f.Add([]byte("3:4535:12.4;0:"), "45;:3", "")
	f.Add([]byte("99999999999999999999:x"), "", "5")
	f.Fuzz(func(t *testing.T, raw []byte, a, b string) {
		_ = eachPacked(raw, func(choices []byte) {
			if len(choices) > len(raw) {
				t.Fatalf("%q read a text longer than the list", raw)
			}
		})
		var packed []byte
		for _, s := range []string{a, b, a} {
			packed = fmt.Appendf(packed, "%d:%s", len(s), s)
		}
		var got []string
		if err := eachPacked(packed, func(c []byte) { got = append(got, string(c)) }); err != nil || !slices.Equal(got, []string{a, b, a}) {
			t.Errorf("%q read back as %q (%v)", packed, got, err)
		}
	})
}
