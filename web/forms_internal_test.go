package web

import (
	"testing"
	"time"

	"github.com/parindex/parindex/scoring"
)

// Numbers are read the way people type them in the page's language; a
// count may group thousands, points may not.
func TestParseNumber(t *testing.T) {
	langs, err := loadLanguages("vi", nil)
	if err != nil {
		t.Fatal(err)
	}
	vi, en := langs.get("vi"), langs.get("en")
	cases := []struct {
		l        *locale
		in       string
		grouping bool
		want     string // "" for an error
	}{
		{vi, "0,5", false, "0.5"},
		{vi, "0.5", false, "0.5"}, // an English keyboard
		{vi, " 7,25 ", false, "7.25"},
		{vi, "0.125", false, "0.125"}, // points: never thousands
		{vi, "14.476", true, "14476"}, // a count: fourteen thousand
		{vi, "1.234,5", true, "1234.5"},
		{vi, "14 476", true, "14476"},
		{vi, "−2", false, "-2"},
		{en, "0.5", false, "0.5"},
		{en, "1,234.5", true, "1234.5"},
		{en, "0,5", false, "0.5"},
		{vi, "mười", false, ""},
		{vi, "1,2,3", false, ""},
	}
	for _, c := range cases {
		d, err := parseNumber(c.l, c.in, c.grouping)
		switch {
		case c.want == "" && err == nil:
			t.Errorf("%s %q: %s, want an error", c.l.code, c.in, d)
		case c.want != "" && (err != nil || d.String() != c.want):
			t.Errorf("%s %q: %s %v, want %s", c.l.code, c.in, d, err, c.want)
		}
	}
	if got := inputNumber(vi, mustDecimal(t, "0.5")); got != "0,5" {
		t.Errorf("inputNumber = %q", got)
	}
}

// Moments are typed dd/mm/yyyy hh:mm in the province's time zone, which
// the server is configured with; a date alone is 17:00 that day.
func TestParseDateTime(t *testing.T) {
	zone := time.FixedZone("UTC+8", 8*3600) // another province's clock, to see the zone applied
	langs, err := loadLanguages("vi", zone)
	if err != nil {
		t.Fatal(err)
	}
	l := langs.get("vi")
	cases := map[string]string{
		"15/01/2027 17:00": "2027-01-15T09:00:00Z",
		"5/1/2027 08:30":   "2027-01-05T00:30:00Z",
		"15/01/2027":       "2027-01-15T09:00:00Z",
		"2027-01-15T17:00": "2027-01-15T09:00:00Z",
	}
	for in, want := range cases {
		got, err := parseDateTime(l, in)
		if err != nil || got.UTC().Format(time.RFC3339) != want {
			t.Errorf("%q: %v %v, want %s", in, got.UTC(), err, want)
		}
	}
	for _, bad := range []string{"ngày mai", "31/02/2027 10:00", "15/13/2027"} {
		if _, err := parseDateTime(l, bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	at := time.Date(2027, 1, 15, 9, 0, 0, 0, time.UTC)
	if got := inputDateTime(l, at); got != "15/01/2027 17:00" {
		t.Errorf("inputDateTime = %q", got)
	}
	if got := formatTime(l, at); got != "15/01/2027 17:00" {
		t.Errorf("formatTime in the configured zone = %q", got)
	}
}

func mustDecimal(t *testing.T, s string) scoring.Decimal {
	t.Helper()
	d, err := scoring.ParseDecimal(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
