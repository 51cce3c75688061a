package surveys_test

import (
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/parindex/parindex/surveys"
)

func TestCodes(t *testing.T) {
	format := regexp.MustCompile(`^[` + surveys.CodeAlphabet + `]{5}-[` + surveys.CodeAlphabet + `]{5}$`)
	seen := map[string]bool{}
	chars := map[rune]int{}
	for range 5000 {
		c, err := surveys.NewCode()
		if err != nil {
			t.Fatal(err)
		}
		if !format.MatchString(c) {
			t.Fatalf("code %q does not look like XXXXX-XXXXX", c)
		}
		if seen[c] {
			t.Fatalf("code %s drawn twice", c)
		}
		seen[c] = true
		for _, r := range c {
			chars[r]++
		}
	}
	// Every character of the alphabet turns up: nothing is stuck.
	for _, r := range surveys.CodeAlphabet {
		if chars[r] == 0 {
			t.Errorf("character %c never drawn", r)
		}
	}
	for _, r := range "01ILOUV" {
		if chars[r] > 0 {
			t.Errorf("ambiguous character %c drawn", r)
		}
	}
	if got := surveys.NormalizeCode(" abcde fgh23 "); got != "ABCDEFGH23" {
		t.Errorf("NormalizeCode = %q", got)
	}
	if surveys.HashCode("ABCDE-FGH23") != surveys.HashCode("abcde fgh23") || surveys.HashCode("ABCDE-FGH23") == surveys.HashCode("ABCDE-FGH24") {
		t.Error("codes typed differently must hash alike, and different codes differently")
	}
}

func TestLimiter(t *testing.T) {
	l := surveys.NewLimiter(60, 3) // one a second, bursts of three
	t0 := time.Date(2026, 8, 1, 8, 0, 0, 0, time.UTC)
	for i := range 3 {
		if ok, _ := l.Allow("10.0.0.1", t0); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := l.Allow("10.0.0.1", t0)
	if ok || wait != time.Second {
		t.Errorf("fourth request: ok %v, retry after %v; want refused, 1s", ok, wait)
	}
	if ok, _ := l.Allow("10.0.0.2", t0); !ok {
		t.Error("another client shares the first one's bucket")
	}
	if ok, _ := l.Allow("10.0.0.1", t0.Add(999*time.Millisecond)); ok {
		t.Error("a token came back before a second")
	}
	if ok, _ := l.Allow("10.0.0.1", t0.Add(2*time.Second)); !ok {
		t.Error("no token after two seconds")
	}
	var none *surveys.Limiter = surveys.NewLimiter(0, 0)
	if ok, _ := none.Allow("x", t0); !ok || none != nil {
		t.Error("a limit of 0 must allow everything")
	}
}

func TestJudge(t *testing.T) {
	r := surveys.DefaultRules
	now := time.Date(2026, 8, 1, 8, 0, 0, 0, time.UTC)
	resp := func(ch surveys.Channel, choices string, d time.Duration) *surveys.Response {
		return &surveys.Response{Channel: ch, ClientHash: "c1", Answers: surveys.Encoded{Choices: choices}, Duration: d}
	}
	prior := func(choices ...string) []surveys.Prior {
		var ps []surveys.Prior
		for _, c := range choices {
			ps = append(ps, surveys.Prior{Choices: c, At: now.Add(-time.Minute)})
		}
		return ps
	}
	tests := []struct {
		name  string
		resp  *surveys.Response
		prior []surveys.Prior
		want  []string
	}{
		{"a first, unhurried response", resp(surveys.Web, "45500", 40*time.Second), nil, nil},
		{"timing unknown", resp(surveys.API, "45500", 0), nil, nil},
		// three answers need at least max(3 s, 3 × 1 s) = 3 s
		{"too fast", resp(surveys.Web, "45500", 2900*time.Millisecond), nil, []string{surveys.FlagTooFast}},
		{"just fast enough", resp(surveys.Web, "45500", 3*time.Second), nil, nil},
		{"same answers again", resp(surveys.Web, "45500", time.Minute), prior("33300", "45500"), []string{surveys.FlagDuplicate}},
		{"different answers", resp(surveys.Web, "45500", time.Minute), prior("33300", "55500"), nil},
		{"the fourth in the window", resp(surveys.Web, "12300", time.Minute), prior("1", "2", "3"), []string{surveys.FlagBurst}},
		{"the fourth at a kiosk is fine", resp(surveys.Kiosk, "12300", time.Minute), prior("1", "2", "3"), nil},
		{"a kiosk's thirty-first", resp(surveys.Kiosk, "12300", time.Minute), prior(slices.Repeat([]string{"1"}, 30)...), []string{surveys.FlagBurst}},
		{"everything at once", resp(surveys.Web, "45500", time.Second), prior("45500", "1", "2"), []string{surveys.FlagTooFast, surveys.FlagDuplicate, surveys.FlagBurst}},
		{"an operator's paper form", resp(surveys.Paper, "45500", time.Second), prior("45500", "1", "2"), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := r.Judge(tc.resp, tc.prior); !slices.Equal(got, tc.want) {
				t.Errorf("Judge = %v, want %v", got, tc.want)
			}
		})
	}
	withCode := resp(surveys.Web, "45500", time.Second)
	withCode.CodeHash = "h"
	if got := r.Judge(withCode, prior("45500", "1", "2")); got != nil {
		t.Errorf("a response with a one-time code was flagged: %v", got)
	}
}
