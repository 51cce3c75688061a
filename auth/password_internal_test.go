package auth

import (
	"strings"
	"testing"
)

// TestDummyHashCostsAsMuchAsARealOne: the hash a login for an unknown user
// is verified against, now computed on first use, has the parameters of a
// real password's hash (so verifying it takes as long), is computed once
// and matches no password.
func TestDummyHashCostsAsMuchAsARealOne(t *testing.T) {
	real, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	params := func(h string) string { return strings.Join(strings.Split(h, "$")[:4], "$") }
	d := dummyHash()
	if params(d) != params(real) {
		t.Errorf("dummy hash parameters %q, a real hash's %q", params(d), params(real))
	}
	if dummyHash() != d {
		t.Error("the dummy hash changed between calls")
	}
	if VerifyPassword(d, "") || VerifyPassword(d, "correct horse battery") {
		t.Error("the dummy hash matched a password")
	}
}
