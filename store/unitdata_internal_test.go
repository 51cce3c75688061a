package store

import (
	"errors"
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
