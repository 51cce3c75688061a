package web

import "testing"

// TestRedactURI: a kiosk link's token never reaches the request log.
func TestRedactURI(t *testing.T) {
	for in, want := range map[string]string{
		"/k/ks/U1?device=abc-DEF_1":          "/k/ks/U1?device=…",
		"/k/ks/U1?lang=en&device=abc&x=1":    "/k/ks/U1?lang=en&device=…&x=1",
		"/s/ks/U1?lang=vi":                   "/s/ks/U1?lang=vi",
		"/admin/surveys/campaigns/ks/kiosks": "/admin/surveys/campaigns/ks/kiosks",
	} {
		if got := redactURI(in); got != want {
			t.Errorf("redactURI(%q) = %q, want %q", in, got, want)
		}
	}
}
